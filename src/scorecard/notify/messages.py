"""What a subscriber is told, in their language, with a link to the commune's public page."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from scorecard.places.models import Commune
from scorecard.plans.models import Action, ActionPlan
from scorecard.scorecards.models import Round

ROUND_PUBLISHED = "round_published"
PLAN_PUBLISHED = "plan_published"
ACTION_IMPLEMENTED = "action_implemented"


@dataclass
class Notice:
    event: str
    commune: Commune
    subject: str
    text: str


def page_url(commune: Commune) -> str:
    base = str(
        getattr(settings, "SCORECARD_SITE_URL", "") or os.environ.get("SCORECARD_SITE_URL", "")
    )
    return base.rstrip("/") + reverse("public_commune", args=[commune.code])


def notices(event: str, pk: int, language: str) -> list[Notice]:
    """One notice per commune concerned; empty if the record is gone or not public."""
    with translation.override(language):
        if event == ROUND_PUBLISHED:
            round_ = Round.objects.filter(pk=pk, published=True).first()
            if round_ is None:
                return []
            return [
                Notice(
                    event,
                    c,
                    gettext("New scorecard for %(commune)s") % {"commune": c.name},
                    gettext("Citizens' scorecard %(year)s for %(commune)s is published: %(url)s")
                    % {"year": round_.year, "commune": c.name, "url": page_url(c)},
                )
                for c in round_.communes.all()
            ]
        if event == PLAN_PUBLISHED:
            plan = (
                ActionPlan.objects.filter(pk=pk, published=True).select_related("commune").first()
            )
            if plan is None:
                return []
            c = plan.commune
            return [
                Notice(
                    event,
                    c,
                    gettext("Action plan of %(commune)s") % {"commune": c.name},
                    gettext("The action plan %(year)s of %(commune)s is published: %(url)s")
                    % {"year": plan.year, "commune": c.name, "url": page_url(c)},
                )
            ]
        if event == ACTION_IMPLEMENTED:
            action = (
                Action.objects.filter(pk=pk, plan__published=True, status="implemented")
                .select_related("plan__commune")
                .first()
            )
            if action is None:
                return []
            c = action.plan.commune
            return [
                Notice(
                    event,
                    c,
                    gettext("Action done in %(commune)s") % {"commune": c.name},
                    gettext("Done in %(commune)s: %(activity)s. %(url)s")
                    % {"commune": c.name, "activity": action.activity, "url": page_url(c)},
                )
            ]
    return []
