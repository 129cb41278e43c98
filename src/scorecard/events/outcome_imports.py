"""Outcome files (pre/post tests, attitude flags, rapid surveys): same path as sign-in sheets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry
from scorecard.events import tables as t
from scorecard.events.imports import Known, OutcomeRow, _cells, known_for
from scorecard.events.models import NUMBER, OUTCOMES, Attendance, Outcome
from scorecard.programmes.models import Programme

OUTCOME_COLUMNS = ("event", "participant", "outcome", "value")


def check_outcomes(table: t.Table, known: Known) -> tuple[list[OutcomeRow], t.Summary]:
    table.require(OUTCOME_COLUMNS)
    summary = t.Summary(rows=len(table.rows))
    seen: dict[tuple[str, str, str], OutcomeRow] = {}
    accepted: list[OutcomeRow] = []
    checks: dict[str, Callable[[str], Any]] = {
        "event": t.code,
        "participant": t.code,
        "outcome": lambda v: t.choice(v, OUTCOMES),
    }
    for number, row in table.rows:
        v, errors = _cells(number, row, checks)
        value = ""
        if not errors:
            errors, value = _check_outcome(number, row, v, known)
        if not errors:
            earlier = seen.get((v["event"], v["participant"], v["outcome"]))
            if earlier is not None and earlier.value != value:
                reason = (
                    f"row {earlier.row} gives {v['outcome']} = {earlier.value} for this participant"
                )
                errors = [t.RowError(number, "value", row["value"], reason)]
        if errors:
            summary.rejected += 1
            summary.errors.extend(errors)
            continue
        item = OutcomeRow(number, v["event"], v["participant"], v["outcome"], value)
        key = (item.event, item.participant, item.code)
        if key not in seen:
            seen[key] = item
            accepted.append(item)
        summary.accepted += 1
    return accepted, summary


def _check_outcome(
    number: int, row: dict[str, str], v: dict[str, Any], known: Known
) -> tuple[list[t.RowError], str]:
    event = known.events.get(v["event"])
    if event is None:
        return [t.RowError(number, "event", row["event"], "no such event in this programme")], ""
    if (v["event"], v["participant"]) not in known.attended:
        reason = f"participant {v['participant']} is not on the sign-in sheet of {v['event']}; import it first"
        return [t.RowError(number, "participant", row["participant"], reason)], ""
    kind, types = OUTCOMES[v["outcome"]]
    if event.type not in types:
        reason = f"{v['outcome']} is recorded for {' or '.join(types)} events, not a {event.type}"
        return [t.RowError(number, "outcome", row["outcome"], reason)], ""
    raw = row.get("value", "")
    try:
        value = (
            f"{t.number(raw).normalize():f}"
            if kind == NUMBER
            else ("yes" if t.yes_no(raw) else "no")
        )
    except t.CellError as exc:
        return [t.RowError(number, "value", raw[:80], f"value of {v['outcome']} {exc}")], ""
    return [], value


@transaction.atomic
def write_outcomes(
    actor: Any, programme: Programme, rows: list[OutcomeRow], summary: t.Summary
) -> None:
    attendances = {
        (a.event.code, a.participant.code): a
        for a in Attendance.objects.filter(event__programme=programme).select_related(
            "event", "participant"
        )
    }
    stored = {
        (o.attendance_id, o.code): o
        for o in Outcome.objects.filter(attendance__event__programme=programme)
    }
    for r in rows:
        attendance = attendances[(r.event, r.participant)]
        outcome = stored.get((attendance.pk, r.code))
        if outcome is None:
            outcome = Outcome.objects.create(attendance=attendance, code=r.code, value=r.value)
            record(actor, AuditEntry.Action.CREATE, outcome)
            summary.created += 1
        elif outcome.value != r.value:
            before = snapshot(outcome)
            outcome.value = r.value
            outcome.save()
            record(actor, AuditEntry.Action.UPDATE, outcome, before=before)
            summary.updated += 1
        else:
            summary.unchanged += 1
    summary.unchanged += summary.accepted - len(rows)


def import_outcomes(
    actor: Any, programme: Programme, table: t.Table, dry_run: bool = False
) -> t.Summary:
    rows, summary = check_outcomes(table, known_for(programme))
    summary.dry_run = dry_run
    if not dry_run:
        write_outcomes(actor, programme, rows, summary)
    return summary
