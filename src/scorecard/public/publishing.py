"""The publish switch for rounds and plans: stop, from today, or all (no start date).

Every switch is one audited write (``publish`` or ``update`` in the audit log), so who made
what public, and when, can always be read back.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry
from scorecard.plans.models import ActionPlan
from scorecard.scorecards.models import Round

MODES = ("stop", "today", "all")


class PublishError(ValueError):
    pass


@transaction.atomic
def switch_round(actor: Any, round_: Round, mode: str) -> Round:
    """stop: hidden; today: public from today on; all: public with no start date."""
    if mode not in MODES:
        raise PublishError(f"publish mode {mode!r} is not one of {', '.join(MODES)}")
    before = snapshot(round_)
    round_.published = mode != "stop"
    round_.published_from = timezone.localdate() if mode == "today" else None
    round_.save(update_fields=["published", "published_from"])
    action = AuditEntry.Action.UPDATE if mode == "stop" else AuditEntry.Action.PUBLISH
    record(actor, action, round_, before=before, reason=f"publish switch: {mode}")
    return round_


@transaction.atomic
def switch_plan(actor: Any, plan: ActionPlan, mode: str) -> ActionPlan:
    """A plan has no start date: today and all both make it public."""
    if mode not in MODES:
        raise PublishError(f"publish mode {mode!r} is not one of {', '.join(MODES)}")
    before = snapshot(plan)
    plan.published = mode != "stop"
    plan.save(update_fields=["published"])
    action = AuditEntry.Action.UPDATE if mode == "stop" else AuditEntry.Action.PUBLISH
    record(actor, action, plan, before=before, reason=f"publish switch: {mode}")
    return plan
