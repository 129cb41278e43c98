from __future__ import annotations

from django import template

from scorecard.plans.jaap import break_khmer

register = template.Library()


@register.filter
def kmbreak(value: object) -> str:
    """Zero-width spaces between Khmer words, for line breaking in print."""
    return break_khmer("" if value is None else str(value))
