"""Publishing and implemented actions queue the notices, once the write has committed.

Publishing is caught on its audit entry (every publish leaves one, whichever page, command
or action did it); an implemented action on its status change.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from scorecard.audit.models import AuditEntry
from scorecard.notify.messages import ACTION_IMPLEMENTED, PLAN_PUBLISHED, ROUND_PUBLISHED
from scorecard.plans.models import StatusChange

EVENTS = {"scorecards.Round": ROUND_PUBLISHED, "plans.ActionPlan": PLAN_PUBLISHED}


def queue(event: str, pk: int) -> None:
    from scorecard.notify.tasks import send_notices

    transaction.on_commit(lambda: send_notices.enqueue(event, pk))


@receiver(post_save, sender=AuditEntry)
def on_publish(sender: Any, instance: AuditEntry, created: bool, **kwargs: Any) -> None:
    event = EVENTS.get(instance.model)
    if created and event and instance.action == AuditEntry.Action.PUBLISH:
        queue(event, int(instance.object_pk))


@receiver(post_save, sender=StatusChange)
def on_implemented(sender: Any, instance: StatusChange, created: bool, **kwargs: Any) -> None:
    if created and instance.to_status == "implemented":
        queue(ACTION_IMPLEMENTED, instance.action_id)
