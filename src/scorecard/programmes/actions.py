"""Writes across programme records: each runs in a transaction and writes the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction

from scorecard.accounts.models import Organisation
from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry
from scorecard.places.models import Commune
from scorecard.programmes.models import Programme


@transaction.atomic
def create_programme(
    actor: Any,
    code: str,
    title_en: str,
    *,
    title_km: str = "",
    organisation: Organisation | None = None,
    donor: Organisation | None = None,
    partners: Iterable[Organisation] = (),
    communes: Iterable[Commune] = (),
    budget: Decimal = Decimal("0"),
    currency: str = "USD",
    **dates: Any,
) -> Programme:
    programme = Programme(
        code=code,
        title_en=title_en,
        title_km=title_km,
        organisation=organisation,
        donor=donor,
        budget=budget,
        currency=currency,
        **dates,
    )
    programme.full_clean()
    programme.save()
    programme.partners.set(list(partners))
    programme.communes.set(list(communes))
    record(actor, AuditEntry.Action.CREATE, programme)
    return programme


@transaction.atomic
def update_programme(actor: Any, programme: Programme, **changes: Any) -> Programme:
    before = snapshot(Programme.objects.get(pk=programme.pk))
    m2m = {k: changes.pop(k) for k in ("partners", "communes") if k in changes}
    for field, value in changes.items():
        setattr(programme, field, value)
    programme.full_clean()
    programme.save()
    for field, values in m2m.items():
        getattr(programme, field).set(list(values))
    record(actor, AuditEntry.Action.UPDATE, programme, before=before)
    return programme
