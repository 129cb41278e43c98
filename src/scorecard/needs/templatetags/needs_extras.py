from __future__ import annotations

from django import template

from scorecard.public.templatetags.khmer import number
from scorecard.scorecards.results_views import label

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """A 0..1 share as "23.5%" (digits in the display's script by the ``digits`` filter)."""
    return "" if share is None else f"{number(100 * share, 1)}%"


@register.filter
def widthpct(share: float | None) -> str:
    """A 0..1 share as an SVG width in a 0..100 viewBox."""
    return f"{100 * (share or 0):.3f}"


@register.filter
def group_label(code: str) -> str:
    return label(code)


@register.filter
def points(diff: float | None) -> str:
    """A 0..1 difference as signed percentage points: "+12.3" or "−4.0"."""
    if diff is None:
        return ""
    value = 100 * diff
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{number(abs(value), 1)}"
