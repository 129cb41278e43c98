"""Writes typed in by staff: each runs in a transaction and writes the audit log.

Bulk files go through ``imports``, ``outcome_imports`` and ``budget``; a typed-in sign-in
row is turned into a one-row table and takes that same path.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry
from scorecard.events import tables as t
from scorecard.events.i4c_models import BudgetLine, ServiceStandard, StandardValue
from scorecard.events.imports import SIGN_IN_COLUMNS, import_sign_in
from scorecard.events.models import Event
from scorecard.events.outcome_imports import OUTCOME_COLUMNS, import_outcomes
from scorecard.places.models import Commune, Facility
from scorecard.programmes.models import Programme


@transaction.atomic
def create_event(actor: Any, programme: Programme, **fields: Any) -> Event:
    partners = fields.pop("partners", [])
    event = Event(programme=programme, **fields)
    event.full_clean()
    event.save()
    event.partners.set(list(partners))
    record(actor, AuditEntry.Action.CREATE, event)
    return event


def row_table(columns: tuple[str, ...], values: dict[str, str]) -> t.Table:
    return t.Table(columns, ((2, {c: str(values.get(c) or "").strip() for c in columns}),))


@transaction.atomic
def attend(actor: Any, event: Event, values: dict[str, Any]) -> t.Summary:
    """Record one typed-in attendance (and optionally one outcome) through the import path."""
    row = {**values, "event": event.code, "event_type": "", "title": "", "date": ""}
    summary = import_sign_in(actor, event.programme, row_table(SIGN_IN_COLUMNS, row))
    if summary.rejected or not values.get("outcome"):
        return summary
    outcome = import_outcomes(actor, event.programme, row_table(OUTCOME_COLUMNS, row))
    if outcome.rejected:
        transaction.set_rollback(True)
    return outcome if outcome.rejected else summary


@transaction.atomic
def save_budget(actor: Any, commune: Commune, year: int, amounts: dict[str, int | None]) -> int:
    """Set the commune's budget lines of a year; None removes a line. Returns lines changed."""
    stored = {b.sector: b for b in BudgetLine.objects.filter(commune=commune, year=year)}
    changed = 0
    for sector, amount in amounts.items():
        line = stored.get(sector)
        if line is None and amount is not None:
            line = BudgetLine.objects.create(
                commune=commune, year=year, sector=sector, amount_khr=amount
            )
            record(actor, AuditEntry.Action.CREATE, line)
        elif line is not None and amount is None:
            record(actor, AuditEntry.Action.DELETE, line, before=snapshot(line))
            line.delete()
        elif line is not None and line.amount_khr != amount:
            before = snapshot(line)
            line.amount_khr = amount  # type: ignore[assignment]
            line.save()
            record(actor, AuditEntry.Action.UPDATE, line, before=before)
        else:
            continue
        changed += 1
    return changed


@transaction.atomic
def save_actual(
    actor: Any, standard: ServiceStandard, facility: Facility, year: int, actual: Decimal | None
) -> bool:
    value = StandardValue.objects.filter(standard=standard, facility=facility, year=year).first()
    if value is None and actual is not None:
        value = StandardValue.objects.create(
            standard=standard, facility=facility, year=year, actual=actual
        )
        record(actor, AuditEntry.Action.CREATE, value)
    elif value is not None and actual is None:
        record(actor, AuditEntry.Action.DELETE, value, before=snapshot(value))
        value.delete()
    elif value is not None and value.actual != actual:
        before = snapshot(value)
        value.actual = actual  # type: ignore[assignment]
        value.save()
        record(actor, AuditEntry.Action.UPDATE, value, before=before)
    else:
        return False
    return True


@transaction.atomic
def create_standard(actor: Any, **fields: Any) -> ServiceStandard:
    standard = ServiceStandard(**fields)
    standard.full_clean()
    standard.save()
    record(actor, AuditEntry.Action.CREATE, standard)
    return standard


@transaction.atomic
def update_event(actor: Any, event: Event, **changes: Any) -> bool:
    """Change an event's fields (partners: a list); nothing is written when nothing differs."""
    partners = changes.pop("partners", None)
    differs = any(getattr(event, k) != v for k, v in changes.items())
    if partners is not None:
        differs = differs or {p.pk for p in partners} != set(
            event.partners.values_list("pk", flat=True)
        )
    if not differs:
        return False
    before = snapshot(event)
    for field, value in changes.items():
        setattr(event, field, value)
    event.full_clean()
    event.save()
    if partners is not None:
        event.partners.set(partners)
    record(actor, AuditEntry.Action.UPDATE, event, before=before)
    return True
