"""Demo rounds: the seed report's 2018 baseline and 2019 follow-up surveys.

Both are generated as real exports (a KoboToolbox CSV for 2018, an ODK Central CSV for
2019) with the synthetic generator and imported through the same path as a user's file,
matching the seed's totals: 1,019 respondents (599 female), 408 satisfied (40.0%) in
2018; 1,211 (695 female), 727 satisfied (60.0%) in 2019. The 2019 interviews are done by
47 registered youth trainees (ENUM-01..ENUM-47, the ids of the events demo), 43 of whom record a concrete need in at least
80% of their interviews.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from collections.abc import Iterator
from pathlib import Path

from scorecard.accounts.models import Organisation
from scorecard.programmes.models import Programme
from scorecard.scorecards.actions import (
    create_round,
    load_default_template,
    register_enumerator,
)
from scorecard.scorecards.exports.synth import EnumeratorPlan, generate
from scorecard.scorecards.forms import form_spec
from scorecard.scorecards.importing import import_export
from scorecard.scorecards.models import Enumerator, Round

PROGRAMME_CODE = "UDF-KHM-2019"
COMMUNES = ["010201", "010203", "060301", "060303"]
TRAINEES = 47
SUCCESSFUL = 43  # trainees whose interviews record a concrete need in >= 80% of them
ROUNDS = [
    # code, year, title, format, rows, female, satisfied, start, seed
    ("R2018", 2018, "Baseline citizen survey 2018", "kobo_csv", 1019, 599, 408, dt.date(2018, 11, 5), 2018),
    ("R2019", 2019, "Follow-up citizen survey 2019", "odk_csv", 1211, 695, 727, dt.date(2019, 11, 4), 2019),
]  # fmt: skip


def trainee_plans(rows: int) -> list[EnumeratorPlan]:
    """The 2019 interviews split among the trainees, with their concrete needs."""
    plans = []
    for k in range(TRAINEES):
        interviews = rows // TRAINEES + (1 if k < rows % TRAINEES else 0)
        share = 0.9 if k < SUCCESSFUL else 0.5
        plans.append(EnumeratorPlan(trainee_code(k), interviews, math.ceil(interviews * share)))
    return plans


def trainee_code(k: int) -> str:
    """The youth trainees' ids, shared with the training's sign-in sheet (events demo)."""
    return f"ENUM-{k + 1:02d}"


def trainee_is_female(k: int) -> bool:
    """29 of the 43 successful trainees are women (67.44%), as in the seed report: among
    ENUM-01..43 every id that is not a multiple of 3; of the other four, 44 and 46."""
    n = k + 1
    return n % 3 != 0 if n <= SUCCESSFUL else n in (44, 46)


def _trainees(organisation: Organisation | None) -> None:
    for k in range(TRAINEES):
        code = trainee_code(k)
        if not Enumerator.objects.filter(organisation=organisation, code=code).exists():
            female = trainee_is_female(k)
            register_enumerator(
                "demo",
                code,
                organisation=organisation,
                sex="female" if female else "male",
                age=18 + k % 12,
            )


def load_demo_rounds() -> Iterator[str]:
    """Create and fill the two demo rounds (idempotent: existing rounds are kept)."""
    load_default_template()
    programme = Programme.objects.filter(code=PROGRAMME_CODE).first()
    if programme is None:
        yield f"Demo rounds skipped: programme {PROGRAMME_CODE} is not loaded."
        return
    _trainees(programme.organisation)
    for code, year, title, fmt, rows, female, satisfied, start, seed in ROUNDS:
        if Round.objects.filter(code=code).exists():
            yield f"Demo round {code}: kept."
            continue
        round_ = create_round(
            "demo",
            code,
            template="isaf",
            mode="survey",
            year=year,
            title=title,
            programme=PROGRAMME_CODE,
            communes=COMMUNES,
            planned_start=start,
            planned_end=start + dt.timedelta(days=14),
        )
        plans = trainee_plans(rows)
        with tempfile.TemporaryDirectory() as tmp:
            path = generate(
                form_spec(round_.template_version, round_),
                Path(tmp) / f"{code}-{fmt}.csv",
                rows=rows,
                fmt=fmt,  # type: ignore[arg-type]
                seed=seed,
                communes=COMMUNES,
                female=female,
                overall_satisfied=satisfied,
                enumerators=plans,
                start=start,
            )
            record = import_export("demo", round_, path)
        yield (
            f"Demo round {code}: {record.accepted:,} responses imported from a "
            f"{fmt.split('_')[0].upper()} export ({record.rejected} rejected)."
        )
