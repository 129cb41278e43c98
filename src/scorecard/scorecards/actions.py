"""Writes across templates, rounds and enumerators: each runs in a transaction and is audited.

The import of an export lives in ``importing.py``; the resolution of conflicts in
``conflicts.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from scorecard.accounts.models import Organisation
from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry
from scorecard.places.models import Commune, FacilityType
from scorecard.programmes.models import Programme
from scorecard.scorecards.defaults import IsafTemplate, load_isaf
from scorecard.scorecards.models import (
    Enumerator,
    Indicator,
    Round,
    Template,
    TemplateVersion,
)


class ActionError(ValueError):
    """A write refused for a reason the user can fix; the message is one line."""


# --------------------------------------------------------------------------- templates


@transaction.atomic
def load_template(actor: Any, source: IsafTemplate) -> tuple[Template, bool]:
    """Create a template (version 1) from a parsed YAML template; idempotent by code."""
    existing = Template.objects.filter(code=source.code).first()
    if existing is not None:
        return existing, False
    template = Template.objects.create(
        code=source.code,
        title_en=source.title.en,
        title_km=source.title.km,
        threshold=source.threshold,
        scale=[{"en": t.en, "km": t.km} for t in source.scale],
        dont_know_en=source.dont_know.en,
        dont_know_km=source.dont_know.km,
    )
    version = TemplateVersion.objects.create(template=template, number=1)
    types = {t.code: t for t in FacilityType.objects.all()}
    for fac in source.facilities:
        if fac.code not in types:
            raise ActionError(f"facility type {fac.code!r} is not loaded")
        for order, ind in enumerate(fac.indicators):
            Indicator.objects.create(
                version=version,
                facility_type=types[fac.code],
                code=ind.code,
                text_en=ind.text.en,
                text_km=ind.text.km,
                standard_en=ind.standard.en if ind.standard else "",
                standard_km=ind.standard.km if ind.standard else "",
                order=order,
            )
    record(actor, AuditEntry.Action.CREATE, template)
    return template, True


def load_default_template() -> str:
    """``scorecard init``: the default template ``isaf`` (idempotent)."""
    template, created = load_template("init", load_isaf())
    count = template.latest().indicators.count()
    return f"Template {template.code}: {count} indicators" + ("" if created else " (kept)") + "."


@transaction.atomic
def revise_template(
    actor: Any, template: Template, edit: Callable[[TemplateVersion], None]
) -> TemplateVersion:
    """Apply ``edit`` to the latest version, or to a new copy of it when a round uses it.

    A copied indicator names the original as its predecessor, so results compare across
    versions; ``edit`` may change, add or delete indicators of the version it is given.
    """
    latest = TemplateVersion.objects.select_for_update().filter(template=template)
    current = latest.order_by("-number").first()
    if current is None:
        raise ActionError(f"template {template.code} has no version")
    if not current.editable():
        old = current.ordered_indicators()
        current = TemplateVersion.objects.create(template=template, number=current.number + 1)
        for ind in old:
            copy = Indicator.objects.get(pk=ind.pk)
            copy.pk = None
            copy.version = current
            copy.predecessor = ind
            copy.save()
        record(actor, AuditEntry.Action.CREATE, current)
    before = snapshot(current)
    edit(current)
    record(actor, AuditEntry.Action.UPDATE, current, before=before)
    return current


def add_indicator(
    actor: Any, template: Template, facility_type: FacilityType, code: str, **fields: Any
) -> Indicator:
    """A custom indicator, in a new version when the current one is used by a round."""
    made: list[Indicator] = []

    def edit(version: TemplateVersion) -> None:
        last = version.indicators.filter(facility_type=facility_type).order_by("-order").first()
        ind = Indicator(
            version=version,
            facility_type=facility_type,
            code=code,
            custom=True,
            order=(last.order + 1) if last else 0,
            **fields,
        )
        ind.full_clean()
        ind.save()
        made.append(ind)

    revise_template(actor, template, edit)
    return made[0]


# --------------------------------------------------------------------------- rounds


def _one_line(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


@transaction.atomic
def create_round(
    actor: Any,
    code: str,
    *,
    template: str,
    mode: str,
    year: int,
    title: str = "",
    programme: str = "",
    communes: Iterable[str] = (),
    organisation: Organisation | None = None,
    **dates: dt.date | None,
) -> Round:
    """A new round on the latest version of a template (which freezes that version)."""
    found = Template.objects.filter(code=template).first()
    if found is None:
        raise ActionError(f"unknown template {template!r}")
    if mode not in Round.Mode.values:
        raise ActionError(f"mode must be one of {', '.join(Round.Mode.values)}, not {mode!r}")
    if code == "new":  # /rounds/new/ is the page that creates one
        raise ActionError("'new' cannot be a round code")
    if Round.objects.filter(code=code).exists():
        raise ActionError(f"round {code!r} already exists")
    prog = None
    if programme:
        prog = Programme.objects.filter(code=programme).first()
        if prog is None:
            raise ActionError(f"unknown programme {programme!r}")
    codes = [c.strip() for c in communes if c.strip()]
    places = list(Commune.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {c.code for c in places})
    if unknown:
        raise ActionError(f"unknown commune codes: {', '.join(unknown)}")
    if not codes and prog is not None:
        places = list(prog.communes.all())
    round_ = Round(
        code=code,
        template_version=found.latest(),
        mode=mode,
        year=year,
        title=title,
        programme=prog,
        organisation=organisation or (prog.organisation if prog else None),
        **dates,
    )
    try:
        round_.full_clean()
    except ValidationError as exc:
        raise ActionError(_one_line(exc)) from None
    round_.save()
    round_.communes.set(places)
    record(actor, AuditEntry.Action.CREATE, round_)
    return round_


@transaction.atomic
def publish_round(actor: Any, round_: Round, *, from_date: dt.date | None = None) -> Round:
    before = snapshot(round_)
    round_.published = True
    round_.published_from = from_date or round_.published_from or timezone.localdate()
    round_.save(update_fields=["published", "published_from"])
    record(actor, AuditEntry.Action.PUBLISH, round_, before=before)
    return round_


_NEXT = {
    Round.Status.PLANNED: Round.Status.COLLECTING,
    Round.Status.COLLECTING: Round.Status.IN_REVIEW,
    Round.Status.IN_REVIEW: Round.Status.COMPLETED,
}


@transaction.atomic
def advance_round(actor: Any, round_: Round) -> Round:
    """planned -> collecting -> in review -> completed (locked)."""
    nxt = _NEXT.get(Round.Status(round_.status))
    if nxt is None:
        raise ActionError(f"round {round_.code} is already completed")
    before = snapshot(round_)
    round_.status = nxt
    round_.locked = nxt == Round.Status.COMPLETED
    round_.save(update_fields=["status", "locked"])
    record(actor, AuditEntry.Action.UPDATE, round_, before=before)
    return round_


@transaction.atomic
def unlock_round(actor: Any, round_: Round, reason: str) -> Round:
    """Reopen a completed round for review; the reason goes into the audit log."""
    if not reason.strip():
        raise ActionError("unlocking a round needs a reason")
    if not round_.locked:
        raise ActionError(f"round {round_.code} is not locked")
    before = snapshot(round_)
    round_.locked = False
    round_.status = Round.Status.IN_REVIEW
    round_.save(update_fields=["status", "locked"])
    record(actor, AuditEntry.Action.UNLOCK, round_, before=before, reason=reason.strip())
    return round_


# --------------------------------------------------------------------------- enumerators


@transaction.atomic
def register_enumerator(
    actor: Any,
    code: str,
    *,
    organisation: Organisation | None = None,
    sex: str = "",
    age: int | None = None,
) -> tuple[Enumerator, bool]:
    """Create or update an enumerator of the registry (by organisation and id)."""
    found = Enumerator.objects.filter(organisation=organisation, code=code).first()
    before = snapshot(found) if found else None
    enumerator = found or Enumerator(organisation=organisation, code=code)
    enumerator.sex, enumerator.age = sex, age
    try:
        enumerator.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise ActionError(_one_line(exc)) from None
    enumerator.save()
    action = AuditEntry.Action.UPDATE if found else AuditEntry.Action.CREATE
    record(actor, action, enumerator, before=before)
    return enumerator, found is None
