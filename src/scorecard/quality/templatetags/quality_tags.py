"""Filters of the quality pages: shares as percentages, flag and sex names."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from scorecard.accounts.access import Perm, can
from scorecard.public import display
from scorecard.quality.labels import FLAG_LABELS
from scorecard.scorecards.models import Enumerator, Round

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """0.6744 -> 67.44% (Khmer digits when chosen)."""
    if share is None:
        return ""
    return display.digits(f"{share * 100:.2f}%")


@register.filter
def flaglabel(code: str) -> str:
    return str(FLAG_LABELS.get(code, code))


@register.filter
def sexlabel(code: str) -> str:
    labels = dict(Enumerator.Sex.choices)
    return str(labels[code]) if code in labels else _("unknown")


@register.filter
def sees_quality(user: Any, round_: Round) -> bool:
    """For the link on the round page: survey rounds, to roles that may open the checks."""
    return round_.mode == Round.Mode.SURVEY and can(user, Perm.VIEW_QUALITY)
