"""What the public side may show: published rounds and plans, nothing else.

A round is public once ``published`` is set and its ``published_from`` date (if any) has
come; a plan once ``published`` is set. The portal pages and the anonymous API both read
through these two querysets, so nothing can leak past one of them alone.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from scorecard.plans.models import ActionPlan
from scorecard.scorecards.models import Round


def public_rounds() -> QuerySet[Round]:
    today = timezone.localdate()
    return Round.objects.filter(published=True).filter(
        Q(published_from__isnull=True) | Q(published_from__lte=today)
    )


def public_plans() -> QuerySet[ActionPlan]:
    return ActionPlan.objects.filter(published=True)
