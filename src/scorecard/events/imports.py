"""Sign-in sheets and outcome files: read, then validate (pure), then write in one transaction.

``check_sign_in`` and ``check_outcomes`` see only the parsed table and a ``Known`` snapshot
of what the programme already holds, so they can be tested without a database. The
writers apply the accepted rows; re-importing the same file changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry
from scorecard.events import tables as t
from scorecard.events.models import (
    Attendance,
    Event,
    EventType,
    Participant,
    ParticipantRole,
)
from scorecard.places.models import Commune
from scorecard.programmes.models import Programme

SIGN_IN_COLUMNS = (
    "event",
    "event_type",
    "title",
    "date",
    "commune",
    "participant",
    "role",
    "sex",
    "age",
    "disability",
    "organisation",
)

MIN_AGE, MAX_AGE = 10, 110


@dataclass(frozen=True)
class EventSpec:
    code: str
    type: str
    start: dt.date
    title: str = ""
    row: int = 0  # where the file defined it (0: already stored)


@dataclass(frozen=True)
class SignIn:
    row: int
    event: str
    participant: str
    role: str
    sex: str
    age: int | None
    disability: bool | None
    organisation: str
    commune: str


@dataclass(frozen=True)
class OutcomeRow:
    row: int
    event: str
    participant: str
    code: str
    value: str


@dataclass
class Known:
    """What the programme holds already (plus the gazetteer's commune codes)."""

    communes: frozenset[str] = frozenset()
    events: dict[str, EventSpec] = field(default_factory=dict)
    sexes: dict[str, str] = field(default_factory=dict)  # participant id -> sex
    attended: set[tuple[str, str]] = field(default_factory=set)  # (event, participant)


def known_for(programme: Programme) -> Known:
    events = {
        e.code: EventSpec(e.code, e.type, e.start, e.title_en or e.title_km)
        for e in Event.objects.filter(programme=programme)
    }
    attended = set(
        Attendance.objects.filter(event__programme=programme).values_list(
            "event__code", "participant__code"
        )
    )
    return Known(
        communes=frozenset(Commune.objects.values_list("code", flat=True)),
        events=events,
        sexes=dict(Participant.objects.filter(programme=programme).values_list("code", "sex")),
        attended=attended,
    )


def _cells(
    number: int, row: dict[str, str], checks: dict[str, Callable[[str], Any]]
) -> tuple[dict[str, Any], list[t.RowError]]:
    values, errors = {}, []
    for column, check in checks.items():
        raw = row.get(column, "")
        try:
            values[column] = check(raw)
        except t.CellError as exc:
            errors.append(t.RowError(number, column, raw[:80], f"{column} {exc}"))
    return values, errors


def check_sign_in(
    table: t.Table, known: Known
) -> tuple[list[SignIn], dict[str, EventSpec], t.Summary]:
    """The rows to write, the events they define, and a summary with each rejected row."""
    table.require(SIGN_IN_COLUMNS)
    summary = t.Summary(rows=len(table.rows))
    events: dict[str, EventSpec] = dict(known.events)
    sexes = dict(known.sexes)
    seen: dict[tuple[str, str], SignIn] = {}
    accepted: list[SignIn] = []
    checks: dict[str, Callable[[str], Any]] = {
        "event": t.code,
        "participant": t.code,
        "role": lambda v: t.choice(v, ParticipantRole.values),
        "sex": t.sex,
        "age": lambda v: t.whole(v, MIN_AGE, MAX_AGE, blank_ok=True),
        "disability": lambda v: t.yes_no(v, blank_ok=True),
        "organisation": t.free_text,
        "commune": lambda v: t.commune_code(v, known.communes) if v.strip() else "",
        "title": lambda v: t.free_text(v, 300),
        "event_type": lambda v: t.choice(v, EventType.values) if v.strip() else "",
        "date": lambda v: t.date(v) if v.strip() else None,
    }
    for number, row in table.rows:
        v, errors = _cells(number, row, checks)
        if not errors:
            errors = _check_event(number, row, v, events)
        if not errors:
            errors = _check_person(number, row, v, sexes, seen)
        if errors:
            summary.rejected += 1
            summary.errors.extend(errors)
            continue
        item = SignIn(
            number,
            v["event"],
            v["participant"],
            v["role"],
            v["sex"],
            v["age"],
            v["disability"],
            v["organisation"],
            v["commune"],
        )
        sexes[item.participant] = item.sex
        key = (item.event, item.participant)
        if key not in seen:
            seen[key] = item
            accepted.append(item)
        summary.accepted += 1
    new_events = {c: e for c, e in events.items() if e.row and c not in known.events}
    return accepted, new_events, summary


def _check_event(
    number: int, row: dict[str, str], v: dict[str, Any], events: dict[str, EventSpec]
) -> list[t.RowError]:
    spec = events.get(v["event"])
    if spec is None:
        missing = [c for c in ("event_type", "date") if not v[c]]
        if missing:
            return [
                t.RowError(number, c, "", f"{c} is needed for a new event ({v['event']})")
                for c in missing
            ]
        events[v["event"]] = EventSpec(v["event"], v["event_type"], v["date"], v["title"], number)
        return []
    where = f"row {spec.row}" if spec.row else "the stored event"
    if v["event_type"] and v["event_type"] != spec.type:
        return [
            t.RowError(
                number,
                "event_type",
                row["event_type"],
                f"event {spec.code} is a {spec.type} ({where})",
            )
        ]
    if v["date"] and v["date"] != spec.start:
        return [
            t.RowError(
                number, "date", row["date"], f"event {spec.code} is on {spec.start} ({where})"
            )
        ]
    return []


def _check_person(
    number: int,
    row: dict[str, str],
    v: dict[str, Any],
    sexes: dict[str, str],
    seen: dict[tuple[str, str], SignIn],
) -> list[t.RowError]:
    known_sex = sexes.get(v["participant"])
    if known_sex and known_sex != v["sex"]:
        reason = f"participant {v['participant']} is recorded as {known_sex}"
        return [t.RowError(number, "sex", row["sex"], reason)]
    earlier = seen.get((v["event"], v["participant"]))
    if earlier is not None:
        same = (earlier.role, earlier.age, earlier.disability, earlier.organisation) == (
            v["role"],
            v["age"],
            v["disability"],
            v["organisation"],
        ) and earlier.commune == v["commune"]
        if not same:
            reason = f"participant {v['participant']} is already listed at row {earlier.row} for event {v['event']}, with other details"
            return [t.RowError(number, "participant", row["participant"], reason)]
    return []


@transaction.atomic
def write_sign_in(
    actor: Any,
    programme: Programme,
    rows: list[SignIn],
    new_events: dict[str, EventSpec],
    summary: t.Summary,
) -> None:
    communes = {c.code: c for c in Commune.objects.filter(code__in={r.commune for r in rows})}
    for spec in new_events.values():
        places = {r.commune for r in rows if r.event == spec.code}
        km = any("\u1780" <= ch <= "\u17ff" for ch in spec.title)
        event = Event.objects.create(
            programme=programme,
            code=spec.code,
            type=spec.type,
            start=spec.start,
            title_en="" if km else spec.title,
            title_km=spec.title if km else "",
            commune=communes.get(places.pop()) if len(places) == 1 else None,
        )
        record(actor, AuditEntry.Action.CREATE, event, reason="sign-in sheet import")
    events = {e.code: e for e in Event.objects.filter(programme=programme)}
    people = {p.code: p for p in Participant.objects.filter(programme=programme)}
    stored = {
        (a.event_id, a.participant_id): a
        for a in Attendance.objects.filter(event__programme=programme)
    }
    for r in rows:
        person = people.get(r.participant)
        if person is None:
            person = Participant.objects.create(
                programme=programme, code=r.participant, role=r.role, sex=r.sex
            )
            people[r.participant] = person
        event = events[r.event]
        fields = {
            "role": r.role,
            "age": r.age,
            "disability": r.disability,
            "organisation": r.organisation,
            "commune": communes.get(r.commune),
        }
        attendance = stored.get((event.pk, person.pk))
        if attendance is None:
            attendance = Attendance.objects.create(event=event, participant=person, **fields)
            record(actor, AuditEntry.Action.CREATE, attendance)
            summary.created += 1
        elif any(getattr(attendance, k) != f for k, f in fields.items()):
            before = snapshot(attendance)
            for k, f in fields.items():
                setattr(attendance, k, f)
            attendance.save()
            record(actor, AuditEntry.Action.UPDATE, attendance, before=before)
            summary.updated += 1
        else:
            summary.unchanged += 1
    summary.unchanged += summary.accepted - len(rows)  # repeated identical rows


def import_sign_in(
    actor: Any, programme: Programme, table: t.Table, dry_run: bool = False
) -> t.Summary:
    rows, new_events, summary = check_sign_in(table, known_for(programme))
    summary.dry_run = dry_run
    if not dry_run:
        write_sign_in(actor, programme, rows, new_events, summary)
    return summary
