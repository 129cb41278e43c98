"""Writes across plan records: each runs in a transaction and writes the audit log.

No money field (an action's estimated cost, a contribution's amount, currency or rate)
changes anywhere but here, so every change of money has an audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext

from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry
from scorecard.places.models import Commune
from scorecard.plans.models import (
    PROBLEMS,
    Action,
    ActionPlan,
    Contribution,
    Evidence,
    Status,
    StatusChange,
    transition_problem,
)
from scorecard.programmes.models import Programme


class PlanError(Exception):
    """A write that the rules refuse: ``str()`` is English, ``translated()`` for pages."""

    def __init__(self, code: str, values: dict[str, str] | None = None) -> None:
        self.code, self.values = code, values or {}
        super().__init__(PROBLEMS[code] % self.values)

    def translated(self) -> str:
        labels = dict(Status.choices)
        values = {k: str(labels.get(v, v)) for k, v in self.values.items()}
        return gettext(PROBLEMS[self.code]) % values


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _name(actor: Any) -> str:
    user = _user(actor)
    return user.get_username() if user else (actor if isinstance(actor, str) else "system")


@transaction.atomic
def create_plan(
    actor: Any,
    programme: Programme,
    commune: Commune,
    year: int,
    *,
    code: str = "",
    rounds: Iterable[Any] = (),
    **fields: Any,
) -> ActionPlan:
    plan = ActionPlan(
        programme=programme,
        commune=commune,
        year=year,
        code=code or f"{commune.code}-{year}",
        **fields,
    )
    plan.full_clean()
    plan.save()
    plan.rounds.set(list(rounds))
    record(actor, AuditEntry.Action.CREATE, plan)
    return plan


@transaction.atomic
def update_plan(actor: Any, plan: ActionPlan, **changes: Any) -> ActionPlan:
    before = snapshot(ActionPlan.objects.get(pk=plan.pk))
    rounds = changes.pop("rounds", None)
    for field, value in changes.items():
        setattr(plan, field, value)
    plan.full_clean()
    plan.save()
    if rounds is not None:
        plan.rounds.set(list(rounds))
    record(actor, AuditEntry.Action.UPDATE, plan, before=before)
    return plan


@transaction.atomic
def create_action(
    actor: Any,
    plan: ActionPlan,
    *,
    indicators: Iterable[Any] = (),
    date: dt.date | None = None,
    note: str = "",
    **fields: Any,
) -> Action:
    """A new action; its first progress update records the status it starts in."""
    themes = fields.pop("themes", ())
    action = Action(plan=plan, **fields)
    if action.status == Status.IMPLEMENTED and "progress" not in fields:
        action.progress = 100
    action.full_clean()
    action.save()
    action.indicators.set(list(indicators))
    action.themes.set(list(themes))
    record(actor, AuditEntry.Action.CREATE, action)
    change = StatusChange(
        action=action,
        from_status="",
        to_status=action.status,
        date=date or dt.date.today(),
        note=note,
        percent=action.progress,
        by=_user(actor),
        by_name=_name(actor),
    )
    change.save()
    record(actor, AuditEntry.Action.CREATE, change)
    return action


@transaction.atomic
def update_action(actor: Any, action: Action, reason: str = "", **changes: Any) -> Action:
    """Change an action's columns (not its status: use ``record_progress``)."""
    if "status" in changes or "progress" in changes:
        raise PlanError("columns")
    before = snapshot(Action.objects.get(pk=action.pk))
    indicators = changes.pop("indicators", None)
    themes = changes.pop("themes", None)
    for field, value in changes.items():
        setattr(action, field, value)
    action.full_clean()
    action.save()
    if indicators is not None:
        action.indicators.set(list(indicators))
    if themes is not None:
        action.themes.set(list(themes))
    after = snapshot(action)
    if after != before:
        record(actor, AuditEntry.Action.UPDATE, action, before=before, reason=reason)
    return action


@transaction.atomic
def record_progress(
    actor: Any,
    action: Action,
    status: str,
    date: dt.date,
    *,
    percent: int | None = None,
    note: str = "",
) -> StatusChange:
    """A dated progress update: moves the status forward, sets the percent, logs both."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    problem = transition_problem(action.status, status, percent, note)
    if problem:
        raise PlanError(*problem)
    before = snapshot(action)
    change = StatusChange(
        action=action,
        from_status=action.status,
        to_status=status,
        date=date,
        note=note,
        by=_user(actor),
        by_name=_name(actor),
    )
    if status == Status.IMPLEMENTED:
        percent = 100
    elif percent is None:
        percent = action.progress
    action.status, action.progress = status, percent
    if status == Status.DROPPED:
        action.dropped_reason = note
    action.full_clean()
    action.save()
    change.percent = percent
    change.save()
    record(actor, AuditEntry.Action.CREATE, change)
    record(actor, AuditEntry.Action.UPDATE, action, before=before)
    return change


@transaction.atomic
def add_contribution(actor: Any, action: Action, **fields: Any) -> Contribution:
    fields.setdefault("rate_date", fields.get("date"))
    contribution = Contribution(action=action, **fields)
    contribution.full_clean()
    contribution.save()
    record(actor, AuditEntry.Action.CREATE, contribution)
    return contribution


@transaction.atomic
def update_contribution(
    actor: Any, contribution: Contribution, reason: str, **changes: Any
) -> Contribution:
    """A money record changes only with a reason, kept in the audit log with before/after."""
    if not reason.strip():
        raise PlanError("edit")
    before = snapshot(Contribution.objects.get(pk=contribution.pk))
    for field, value in changes.items():
        setattr(contribution, field, value)
    contribution.full_clean()
    contribution.save()
    record(actor, AuditEntry.Action.UPDATE, contribution, before=before, reason=reason)
    return contribution


@transaction.atomic
def delete_contribution(actor: Any, contribution: Contribution, reason: str) -> None:
    if not reason.strip():
        raise PlanError("delete")
    before = snapshot(contribution)
    record(actor, AuditEntry.Action.DELETE, contribution, before=before, reason=reason)
    contribution.delete()


@transaction.atomic
def add_evidence(
    actor: Any,
    action: Action,
    upload: Any,
    *,
    caption: str = "",
    change: StatusChange | None = None,
) -> Evidence:
    """Check the file's type and size, re-encode images, store it under MEDIA_ROOT."""
    from scorecard.plans.evidence import EvidenceRefused, prepare

    try:
        prepared = prepare(upload)
    except EvidenceRefused as exc:
        raise PlanError(exc.code) from None
    evidence = Evidence(
        action=action,
        change=change,
        kind=prepared.kind,
        content_type=prepared.content_type,
        size=prepared.size,
        original_name=prepared.original_name[:200],
        caption=caption,
    )
    evidence.stored_name = default_storage.save(
        f"evidence/{dt.date.today():%Y}/{prepared.filename}", prepared.content
    )
    try:
        evidence.full_clean()
    except ValidationError:
        default_storage.delete(evidence.stored_name)
        raise
    evidence.save()
    record(actor, AuditEntry.Action.CREATE, evidence)
    return evidence


@transaction.atomic
def update_evidence(actor: Any, evidence: Evidence, reason: str, *, caption: str) -> Evidence:
    """Only the caption changes: a wrong file is removed and the right one added."""
    if not reason.strip():
        raise PlanError("evidence")
    before = snapshot(Evidence.objects.get(pk=evidence.pk))
    evidence.caption = caption
    evidence.full_clean()
    evidence.save()
    record(actor, AuditEntry.Action.UPDATE, evidence, before=before, reason=reason)
    return evidence


@transaction.atomic
def delete_evidence(actor: Any, evidence: Evidence, reason: str) -> None:
    """The row goes in this transaction; the file once it is committed (not before, so a
    rollback never leaves a row without its file)."""
    if not reason.strip():
        raise PlanError("evidence")
    record(actor, AuditEntry.Action.DELETE, evidence, before=snapshot(evidence), reason=reason)
    name = evidence.stored_name
    evidence.delete()
    transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def add_priorities(
    actor: Any,
    plan: ActionPlan,
    round_: Any,
    picks: Iterable[tuple[Any, dict[str, Any]]],
    *,
    date: dt.date | None = None,
) -> list[Action]:
    """Actions from a round's results: one per (indicator, fields), numbered after the
    plan's last action; the round joins the plan's source rounds."""
    number = plan.actions.order_by("-number").values_list("number", flat=True).first() or 0
    created = []
    for indicator, fields in picks:
        number += 1
        created.append(
            create_action(actor, plan, indicators=[indicator], number=number, date=date, **fields)
        )
    if created and not plan.rounds.filter(pk=round_.pk).exists():
        update_plan(actor, plan, rounds=[*plan.rounds.all(), round_])
    return created
