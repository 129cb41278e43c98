"""Write the audit log. `actions.py` functions call `record` inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models

from scorecard.audit.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)  # money stays exact in the log
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The record's concrete fields and many-to-many ids, as JSON-safe values."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        data[f.attname] = _plain(getattr(obj, f.attname))
    if obj.pk is not None:
        for m2m in obj._meta.many_to_many:
            data[m2m.name] = sorted(
                _plain(pk) for pk in getattr(obj, m2m.name).values_list("pk", flat=True)
            )
    return data


def record(
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    user = actor if getattr(actor, "is_authenticated", False) else None
    after = None if action == AuditEntry.Action.DELETE else snapshot(obj)
    return AuditEntry.objects.create(
        actor=user,
        actor_name=user.get_username() if user else (actor if isinstance(actor, str) else "system"),
        action=action,
        model=obj._meta.label,
        object_pk=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        reason=reason,
    )
