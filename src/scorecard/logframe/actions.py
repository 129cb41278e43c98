"""Writes to the logframe, in one transaction each, with the audit log."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry
from scorecard.logframe.loading import LevelSpec, LogframeError, parse
from scorecard.logframe.models import Indicator, Level, Period
from scorecard.programmes.models import Programme


def _write_level(
    actor: Any, programme: Programme, spec: LevelSpec, parent: Level | None, order: list[int]
) -> int:
    order[0] += 1
    level, created = Level.objects.update_or_create(
        programme=programme,
        code=spec.code,
        defaults={
            "parent": parent,
            "kind": spec.kind,
            "title_en": spec.title_en,
            "title_km": spec.title_km,
            "order": order[0],
        },
    )
    record(actor, AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE, level)
    count = 0
    for ind in spec.indicators:
        order[0] += 1
        indicator, created = Indicator.objects.update_or_create(
            programme=programme,
            code=ind.code,
            defaults={**ind.fields, "level": level, "order": order[0]},
        )
        record(actor, AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE, indicator)
        indicator.periods.exclude(label__in=[p.label for p in ind.periods]).delete()
        for p in ind.periods:
            Period.objects.update_or_create(
                indicator=indicator,
                label=p.label,
                defaults={
                    "start": p.start,
                    "end": p.end,
                    "target": p.target,
                    "params": p.params,
                    "manual_value": p.value,
                    "evidence": p.evidence,
                },
            )
        count += 1
    for child in spec.children:
        count += _write_level(actor, programme, child, level, order)
    return count


def load_logframe(actor: Any, programme: Programme, text: str) -> int:
    """Create or update the programme's logframe from a file; returns the number of
    indicators. Levels and indicators the file no longer names are removed. Nothing is
    written when the file has any error."""
    named, levels = parse(text)
    if named and named != programme.code:
        raise LogframeError([f"the file is for programme {named!r}, not {programme.code!r}"])
    with transaction.atomic():
        order = [0]
        count = sum(_write_level(actor, programme, spec, None, order) for spec in levels)
        codes: list[str] = []
        stack = list(levels)
        while stack:
            spec = stack.pop()
            codes.append(spec.code)
            stack.extend(spec.children)
        indicator_codes = [i.code for spec in _walk(levels) for i in spec.indicators]
        for stale in Indicator.objects.filter(programme=programme).exclude(
            code__in=indicator_codes
        ):
            record(actor, AuditEntry.Action.DELETE, stale)
            stale.delete()
        for stale_level in Level.objects.filter(programme=programme).exclude(code__in=codes):
            record(actor, AuditEntry.Action.DELETE, stale_level)
            stale_level.delete()
    return count


def _walk(levels: list[LevelSpec]) -> list[LevelSpec]:
    out: list[LevelSpec] = []
    for spec in levels:
        out.append(spec)
        out.extend(_walk(spec.children))
    return out


@transaction.atomic
def save_indicator(actor: Any, indicator: Indicator, **changes: Any) -> Indicator:
    before = snapshot(Indicator.objects.get(pk=indicator.pk)) if indicator.pk else None
    for name, value in changes.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save()
    action = AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE
    record(actor, action, indicator, before=before)
    return indicator


@transaction.atomic
def save_level(actor: Any, level: Level, **changes: Any) -> Level:
    before = snapshot(Level.objects.get(pk=level.pk)) if level.pk else None
    for name, value in changes.items():
        setattr(level, name, value)
    level.full_clean()
    level.save()
    record(actor, AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE, level, before)
    return level
