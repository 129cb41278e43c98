"""The seed report's events, outcomes and commune budgets, for programme UDF-KHM-2019.

Everything goes through the import path users take: the sign-in sheets, outcome files
and budgets are written as CSV files and imported, so loading twice changes nothing.

The figures they give (see docs in the closing note of issue 7 and tests/test_i4c.py):

* youth enumerator training: 47 trainees ENUM-01..ENUM-47; ENUM-01..ENUM-43 are the ones
  the survey demo makes succeed, 29 of them female (every id not a multiple of 3); of
  ENUM-44..ENUM-47, 44 and 46 are female (31 female in all);
* local officials: 285 trained, 271 improved their attitude (95.1%), 125 of them female
  (46.13%); 131 female trained;
* women councillors and CWC members: 45 trained (10 women councillors, 35 CWC members of
  whom 5 are women), 35 active in action plans (77.8%), 8 of them female (22.9%, "23%");
* outreach in the four communes: 230 citizens attended, 210 answered the rapid survey,
  179 said their understanding increased (85.2%), 147 of them female (82.1%);
* national workshop: 64 participants, 20 female.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction

from scorecard.accounts.models import Organisation
from scorecard.events import tables
from scorecard.events.actions import save_actual, update_event
from scorecard.events.budget import import_budget
from scorecard.events.demo_data import BUDGET_2019, COMMUNES, EVENTS, GROWTH_2020, STANDARDS
from scorecard.events.i4c_models import ServiceStandard
from scorecard.events.imports import SIGN_IN_COLUMNS, import_sign_in
from scorecard.events.models import Event
from scorecard.events.outcome_imports import OUTCOME_COLUMNS, import_outcomes
from scorecard.places.models import Facility, FacilityType
from scorecard.programmes.models import Programme

PROGRAMME_CODE = "UDF-KHM-2019"
ACTOR = "demo"


def youth_is_female(n: int) -> bool:
    """ENUM-n: ENUM-01..43 are female unless n is a multiple of 3 (29); 44 and 46 too."""
    return n % 3 != 0 if n <= 43 else n in (44, 46)


def _sign_in_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(event: str, participant: str, role: str, female: bool, age: int, **more: Any) -> None:
        spec = EVENTS[event]
        rows.append(
            {
                "event": event,
                "event_type": spec["type"],
                "title": spec["title_en"],
                "date": spec["start"].isoformat(),
                "participant": participant,
                "role": role,
                "sex": "female" if female else "male",
                "age": age,
                "disability": "no",
                **more,
            }
        )

    for n in range(1, 48):
        add(
            "T-YOUTH-2019",
            f"ENUM-{n:02}",
            "youth_trainee",
            youth_is_female(n),
            18 + n % 12,
            commune=COMMUNES[n % 4],
            organisation="API",
        )
    for n in range(1, 286):
        # 271 improved (OFF-001..271; 125 female: the odd ids up to 249), 14 did not (6 female).
        female = n <= 249 and n % 2 == 1 if n <= 271 else n <= 277
        add(
            "T-OFFICIALS-2019",
            f"OFF-{n:03}",
            "local_official",
            female,
            32 + n % 28,
            commune=COMMUNES[n % 4],
            organisation="Commune council",
        )
    for n in range(1, 46):
        # WC-01..10 women councillors; CWC-11..45 members, the women among them 11-15.
        role, code = (
            ("woman_councillor", f"WC-{n:02}") if n <= 10 else ("cwc_member", f"CWC-{n:02}")
        )
        add(
            "T-WOMEN-2019",
            code,
            role,
            n <= 15,
            30 + n % 25,
            commune=COMMUNES[n % 4],
            organisation="Commune council" if n <= 10 else "CWC",
        )
    for n in range(1, 231):
        add(
            f"O-{COMMUNES[n % 4]}",
            f"CIT-{n:03}",
            "citizen",
            _citizen_female(n),
            16 + n % 50,
            commune=COMMUNES[n % 4],
            disability="yes" if n % 23 == 0 else "no",
        )
    roles = ["cso"] * 30 + ["government"] * 22 + ["other"] * 12
    for n in range(1, 65):
        add(
            "W-NATIONAL-2020",
            f"WS-{n:02}",
            roles[n - 1],
            n % 16 in (1, 4, 7, 10, 13),  # 5 in every 16: 20 of 64
            28 + n % 30,
            organisation="CPDD member" if roles[n - 1] == "cso" else "",
        )
    return rows


def _citizen_female(n: int) -> bool:
    # CIT-001..179 answered yes (147 female: 1-147), 180..210 answered no (21 female:
    # 180-200), 211..230 did not answer (10 female: 211-220).
    return n <= 147 or 180 <= n <= 200 or 211 <= n <= 220


def _outcome_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for n in range(1, 286):
        value = "yes" if n <= 271 else "no"
        rows.append(
            {
                "event": "T-OFFICIALS-2019",
                "participant": f"OFF-{n:03}",
                "outcome": "improved_attitude",
                "value": value,
            }
        )
    # Active: WC-01..06, CWC-11..12 (the 8 women) and CWC-19..45 (27 men).
    for n in range(1, 46):
        active = n <= 6 or n in (11, 12) or n >= 19
        code = f"WC-{n:02}" if n <= 10 else f"CWC-{n:02}"
        rows.append(
            {
                "event": "T-WOMEN-2019",
                "participant": code,
                "outcome": "active_in_action_plan",
                "value": "yes" if active else "no",
            }
        )
    for n in range(1, 211):
        rows.append(
            {
                "event": f"O-{COMMUNES[n % 4]}",
                "participant": f"CIT-{n:03}",
                "outcome": "understanding_increased",
                "value": "yes" if n <= 179 else "no",
            }
        )
    for n in range(1, 48):
        rows.append(
            {
                "event": "T-YOUTH-2019",
                "participant": f"ENUM-{n:02}",
                "outcome": "pre_test",
                "value": 40 + n % 25,
            }
        )
        rows.append(
            {
                "event": "T-YOUTH-2019",
                "participant": f"ENUM-{n:02}",
                "outcome": "post_test",
                "value": 70 + n % 28,
            }
        )
    return rows


def _budget_rows() -> list[dict[str, Any]]:
    rows = []
    for i, commune in enumerate(COMMUNES):
        scale = 1 + 0.15 * i
        for sector, amount in BUDGET_2019.items():
            first = round(amount * scale, -5)
            rows.append(
                {"commune": commune, "year": 2019, "sector": sector, "amount_khr": int(first)}
            )
            second = round(first * GROWTH_2020[sector], -5)
            rows.append(
                {"commune": commune, "year": 2020, "sector": sector, "amount_khr": int(second)}
            )
    return rows


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> tables.Table:
    """A CSV file as a user would upload it (UTF-8 with a BOM), read back by the importer."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return tables.read_table(io.BytesIO(out.getvalue().encode("utf-8-sig")), "demo.csv")


def _describe_events(programme: Programme) -> None:
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=["api", "cows", "vsg", "cpdd"])}
    partners = [orgs[c] for c in ("cows", "vsg", "cpdd") if c in orgs]
    for event in Event.objects.filter(programme=programme, code__in=EVENTS):
        spec = {k: v for k, v in EVENTS[event.code].items() if k != "type"}
        update_event(ACTOR, event, organiser=orgs.get("api"), partners=partners, **spec)


def _standards() -> int:
    types = {t.code: t for t in FacilityType.objects.all()}
    count = 0
    for order, (ftype, code, en, km, target, unit_en, unit_km, at_most, actuals) in enumerate(
        STANDARDS
    ):
        if ftype not in types:
            continue
        standard, _ = ServiceStandard.objects.get_or_create(
            code=code,
            defaults={
                "facility_type": types[ftype],
                "text_en": en,
                "text_km": km,
                "target": target,
                "unit_en": unit_en,
                "unit_km": unit_km,
                "at_most": at_most,
                "order": order,
            },
        )
        for commune, actual in zip(COMMUNES, actuals, strict=True):
            for facility in Facility.objects.filter(type=types[ftype], commune_id=commune):
                count += save_actual(ACTOR, standard, facility, 2020, Decimal(actual))
    return count


@transaction.atomic
def load_demo_events() -> Iterator[str]:
    programme = Programme.objects.filter(code=PROGRAMME_CODE).first()
    if programme is None:
        yield f"Demo events skipped: no programme {PROGRAMME_CODE}."
        return
    sheets = import_sign_in(ACTOR, programme, _csv(SIGN_IN_COLUMNS, _sign_in_rows()))
    _describe_events(programme)
    outcomes = import_outcomes(ACTOR, programme, _csv(OUTCOME_COLUMNS, _outcome_rows()))
    budget = import_budget(ACTOR, _csv(("commune", "year", "sector", "amount_khr"), _budget_rows()))
    standards = _standards()
    for summary in (sheets, outcomes, budget):
        if summary.rejected:  # the demo files are ours: a rejected row is a bug
            raise ValueError("; ".join(str(e) for e in summary.errors[:5]))
    yield (
        f"Demo events: {len(EVENTS)} events, {sheets.accepted} attendances "
        f"({sheets.created} new), {outcomes.accepted} outcomes ({outcomes.created} new), "
        f"{budget.accepted} budget lines ({budget.created} new), {standards} actual values set."
    )
