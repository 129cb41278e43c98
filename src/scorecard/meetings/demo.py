"""Demo: a completed community scorecard and a provider self-assessment of one health
centre, entered through the same sync path a facilitator's device uses."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from typing import Any

from scorecard.meetings.actions import complete_meeting, open_meeting, submit_meeting
from scorecard.meetings.sync import apply_batch
from scorecard.places.models import Facility
from scorecard.programmes.models import Programme
from scorecard.scorecards.actions import create_round, load_default_template
from scorecard.scorecards.models import Round

PROGRAMME_CODE = "UDF-KHM-2019"
FACILITY = "HE-010201"  # the demo's health centre of Banteay Neang
NAMESPACE = uuid.UUID("6f1c1f0e-2b1e-4d55-9c43-5c0a1d2e3f40")  # stable UUIDs: reloadable
MEETINGS = [
    # round code, mode, title, participants, seed, date
    ("CSC2019", "community", "Community scorecard 2019, health centre", 20, 11, dt.date(2019, 11, 20)),
    ("SA2019", "self_assessment", "Provider self-assessment 2019, health centre", 6, 12, dt.date(2019, 11, 21)),
]  # fmt: skip
NOTES = [
    ("strength", "បុគ្គលិកស្វាគមន៍អ្នកជំងឺដោយរួសរាយ", False),
    ("weakness", "រង់ចាំយូរពេលព្រឹក", False),
    ("action", "បង្ហាញម៉ោងធ្វើការនៅមុខមណ្ឌលសុខភាព", True),
    ("action", "បន្ថែមកៅអីសម្រាប់អ្នករង់ចាំ", False),
]


def _id(*parts: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def meeting_records(
    code: str,
    meeting_uuid: str,
    people: int,
    seed: int,
    date: dt.date,
    indicators: list[str],
    villages: list[str],
    role: str,
) -> list[dict[str, Any]]:
    """A whole meeting's records, as a device would send them."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = [
        {
            "kind": "setup",
            "uuid": meeting_uuid,
            "base": 0,
            "data": {
                "date": date.isoformat(),
                "language": "km",
                "facilitators": "Sok Chenda, Keo Dara",
            },
        }
    ]
    participants = []
    for k in range(people):
        pid = _id(code, "participant", k)
        participants.append(pid)
        out.append(
            {
                "kind": "participant",
                "uuid": pid,
                "base": 0,
                "data": {
                    "number": k + 1,
                    "age": rng.randint(16, 70),
                    "sex": "female" if k % 5 < 3 else "male",
                    "disability": k % 9 == 4,
                    "minority": k % 11 == 6,
                    "idpoor": ("level1", "level2", "none", "none")[k % 4],
                    "village": villages[k % len(villages)],
                    "anonymous": role == "citizen" and k == people - 1,
                    "role": role,
                    "deleted": False,
                },
            }
        )
    chosen = indicators[:5]
    for k, ind in enumerate(chosen):
        out.append(
            {
                "kind": "proposal",
                "uuid": _id(code, "proposal", ind),
                "base": 0,
                "data": {
                    "indicator": ind,
                    "text": "",
                    "proposers": sorted(participants[k::4][:3]),
                    "selected": k < 4,
                    "order": k,
                    "deleted": False,
                },
            }
        )
    out.append(
        {
            "kind": "proposal",
            "uuid": _id(code, "proposal", "custom"),
            "base": 0,
            "data": {
                "indicator": "",
                "text": "ទឹកស្អាតសម្រាប់អ្នកជំងឺ",
                "proposers": [participants[0]],
                "selected": False,
                "order": 5,
                "deleted": False,
            },
        }
    )
    voters = participants[:-1] if role == "citizen" else participants
    for k, ind in enumerate(chosen[:4]):
        centre = rng.choice((2, 3, 4)) + (1 if role == "provider" else 0)
        for pid in voters:
            value = max(1, min(5, centre + rng.choice((-1, 0, 0, 1))))
            out.append(
                {
                    "kind": "vote",
                    "uuid": _id(code, "vote", ind, pid),
                    "base": 0,
                    "data": {
                        "participant": pid,
                        "proposal": _id(code, "proposal", ind),
                        "value": value,
                        "deleted": False,
                    },
                }
            )
        for j, (kind, text, for_plan) in enumerate(NOTES if k == 0 else NOTES[:2]):
            out.append(
                {
                    "kind": "note",
                    "uuid": _id(code, "note", ind, j),
                    "base": 0,
                    "data": {
                        "proposal": _id(code, "proposal", ind),
                        "kind": kind,
                        "text": text,
                        "chosen": for_plan,
                        "deleted": False,
                    },
                }
            )
    return out


def load_demo_meetings() -> Iterator[str]:
    load_default_template()
    programme = Programme.objects.filter(code=PROGRAMME_CODE).first()
    facility = Facility.objects.filter(code=FACILITY).first()
    if programme is None or facility is None:
        yield "Demo meetings skipped: the programme or its health centre is not loaded."
        return
    for code, mode, title, people, seed, date in MEETINGS:
        if Round.objects.filter(code=code).exists():
            yield f"Demo meeting {code}: kept."
            continue
        round_ = create_round(
            "demo",
            code,
            template="isaf",
            mode=mode,
            year=2019,
            title=title,
            programme=PROGRAMME_CODE,
            communes=[facility.commune_id],
            planned_start=date,
            planned_end=date,
        )
        meeting, _ = open_meeting("demo", round_, facility)
        indicators = [
            i.code
            for i in round_.template_version.ordered_indicators()
            if i.facility_type_id == facility.type_id
        ]
        villages = list(facility.commune.villages.order_by("code").values_list("code", flat=True))
        role = "citizen" if mode == "community" else "provider"
        records = meeting_records(
            code, str(meeting.uuid), people, seed, date, indicators, villages, role
        )
        answer = apply_batch("demo", meeting, records)
        submit_meeting("demo", meeting)
        complete_meeting("demo", meeting)
        yield (
            f"Demo meeting {code} ({mode}) at {facility.code}: "
            f"{answer['counts'].get('created', 0)} records synced, completed."
        )
