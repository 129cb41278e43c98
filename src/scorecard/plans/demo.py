"""The seed report's four commune action plans: 16 actions, all implemented, and the
stated contributions (4,257.33 USD local, 8,000.00 USD from UNDEF).

Everything goes through the bulk-file path users take: this writes CSV files and runs
``import_plans`` (three times: agreed, in progress, implemented, so each action has a
dated history) and ``import_contributions``. Importing the same files again changes
nothing, so loading the demo twice is harmless.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction

from scorecard.places.models import Commune
from scorecard.plans.actions import update_plan
from scorecard.plans.imports import ImportResult, import_contributions, import_plans
from scorecard.plans.models import Action, ActionPlan
from scorecard.plans.summary import programme_summary
from scorecard.plans.validate import CONTRIBUTION_COLUMNS, PLAN_COLUMNS, PLAN_OPTIONAL
from scorecard.programmes.models import Programme
from scorecard.scorecards.models import Round

PROGRAMME_CODE = "UDF-KHM-2019"
COMMUNES = ["010201", "010203", "060301", "060303"]
YEAR = 2019
RATE = "4100"

# (section, provider, English, Khmer, proposer, unit, quantity, cost in riel, implementer)
ACTIONS = [
    ("A", "", "Repair the road to the health centre", "ជួសជុលផ្លូវទៅមណ្ឌលសុខភាព",
     "Citizens", "km", "1.5", 12_300_000, "Commune council"),
    ("B", "Health centre", "Post the service fees and opening hours at the health centre",
     "បិទផ្សាយតម្លៃសេវា និងម៉ោងធ្វើការនៅមណ្ឌលសុខភាព", "Citizens", "board", "2", 410_000,
     "Health centre"),
    ("B", "Primary school", "Install a clean water filter at the primary school",
     "ដំឡើងតម្រងទឹកស្អាតនៅសាលាបឋមសិក្សា", "Parents", "filter", "1", 2_050_000,
     "School support committee"),
    ("B", "Commune office", "Hold a monthly open day at the commune office",
     "រៀបចំថ្ងៃបើកចំហប្រចាំខែនៅសាលាឃុំ", "Women and youth", "day", "12", 0,
     "Commune council"),
]  # fmt: skip

# Local contributions: (commune index, action number, source type, name, amount, currency,
# rate). Riel rows convert at their own rate, rounded half-even to the cent (money.py):
# 300.00 + 487.80 + 150.00 + 365.85 + 202.47 + 100.00 = 1,606.12 USD from riel rows,
# + 2,651.21 USD in dollars = 4,257.33 USD.
LOCAL = [
    (0, 1, "private_sector", "Rice mill owners", "1230000", "KHR", RATE),  # 300.00
    (0, 3, "local_ngo", "COWS", "500.00", "USD", RATE),
    (1, 1, "local_authority", "District administration", "2000000", "KHR", RATE),  # 487.80
    (1, 3, "cbo", "Pagoda committee", "615000", "KHR", RATE),  # 150.00
    (1, 2, "private_sector", "Pharmacy", "750.00", "USD", RATE),
    (2, 1, "private_sector", "Construction company", "1500000", "KHR", RATE),  # 365.85
    (2, 3, "local_ngo", "VSG", "401.21", "USD", RATE),
    (3, 1, "local_authority", "Provincial department", "820000", "KHR", "4050"),  # 202.47
    (3, 3, "cbo", "Women's savings group", "410000", "KHR", RATE),  # 100.00
    (3, 4, "private_sector", "Microfinance branch", "1000.00", "USD", RATE),
]
DONOR = [(k, 1, "donor", "UNDEF", "2000.00", "USD", RATE) for k in range(4)]
# Implemented before the 2019 follow-up survey (4-18 November), so "did it work?" compares
# the 2018 baseline with it.
STEPS = [("agreed", "2019-04-25", "0"), ("in_progress", "2019-07-15", "50"),
         ("implemented", "2019-10-31", "100")]  # fmt: skip
# The indicators each action answers (by action number); the road has none in the
# template, so its page says so.
INDICATORS = {1: "", 2: "hc_fees_posted", 3: "ps_toilets_water",
              4: "co_responsiveness co_participation"}  # fmt: skip
SOURCE_ROUND = "R2018"


def _plan_rows(status: str, date: str, progress: str) -> list[dict[str, str]]:
    places = dict(Commune.objects.filter(code__in=COMMUNES).values_list("code", "name_km"))
    rows = []
    for commune in COMMUNES:
        for number, (section, provider, en, km, proposer, unit, qty, cost, who) in enumerate(
            ACTIONS, start=1
        ):
            rows.append({
                "plan": f"{commune}-{YEAR}", "commune": commune, "year": str(YEAR),
                "section": section, "number": str(number), "activity_en": en,
                "activity_km": km, "proposer": proposer, "location": places[commune], "quantity": qty,
                "unit": unit, "start": "2019-05-01", "end": "2019-11-30",
                "beneficiaries": str(300 + 40 * number), "beneficiaries_female": str(160 + 20 * number),
                "estimated_cost_khr": str(cost), "implementer": who,
                "indicators": INDICATORS[number],
                "status": status, "status_date": date, "progress": progress,
                "provider": provider, "responsible": "Commune chief",
                "collaborators": "API, VSG",
            })  # fmt: skip
    return rows


def _contribution_rows() -> list[dict[str, str]]:
    rows = []
    for k, number, source, name, amount, currency, rate in LOCAL + DONOR:
        rows.append(dict(zip(CONTRIBUTION_COLUMNS, [
            f"{COMMUNES[k]}-{YEAR}", str(number), source, name, amount, currency, rate, "no",
            "2019-08-15",
        ], strict=True)))  # fmt: skip
    return rows


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def load_demo_plans() -> Iterator[str]:
    programme = Programme.objects.filter(code=PROGRAMME_CODE).first()
    if programme is None:
        yield f"Demo plans skipped: programme {PROGRAMME_CODE} is not loaded."
        return
    # (A decorator would not wrap a generator's body: the transaction is opened here.)
    with transaction.atomic(), tempfile.TemporaryDirectory() as tmp:
        loaded = Action.objects.filter(plan__programme=programme, status="implemented")
        if loaded.count() < len(COMMUNES) * len(ACTIONS):
            columns = [*PLAN_COLUMNS, *PLAN_OPTIONAL[:-1]]
            for k, step in enumerate(STEPS):
                path = _write(Path(tmp) / f"plans-{k}.csv", columns, _plan_rows(*step))
                _check("plans", import_plans("demo", programme, path))
        path = _write(Path(tmp) / "contributions.csv", CONTRIBUTION_COLUMNS, _contribution_rows())
        _check("contributions", import_contributions("demo", programme, path))
        _link_source_round(programme)
    yield f"Demo action plans: {programme_summary(programme)}."


def _link_source_round(programme: Programme) -> None:
    """The plans came from the 2018 baseline's interface meetings."""
    source = Round.objects.filter(code=SOURCE_ROUND).first()
    if source is None:
        return
    for plan in ActionPlan.objects.filter(programme=programme, rounds=None):
        update_plan("demo", plan, rounds=[source])


def _check(what: str, result: ImportResult) -> None:
    if result.rejected:
        raise RuntimeError(f"demo {what} refused: {result.errors[:3]}")
