"""Filters for the report template; numbers follow the active language's digits."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from scorecard.reports import wording
from scorecard.reports.data import Change, Label
from scorecard.reports.khmer_text import break_words

register = template.Library()


@register.filter
def kmwrap(value: object) -> SafeString:
    """Escape, then put a ZERO WIDTH SPACE between Khmer words (break opportunities)."""
    return mark_safe(break_words(str(conditional_escape(str(value)))))  # noqa: S308 - escaped above


@register.filter
def tr(value: Label | None) -> str:
    """A bilingual label in the active language."""
    return "" if value is None else value.get(get_language() or "km")


@register.filter
def pct(value: float | None) -> str:
    return wording.pct(value)


@register.filter
def points(value: float | None) -> str:
    return wording.points(value)


@register.filter
def number(value: int | None) -> str:
    return wording.number(value)


@register.filter
def decimal(value: float | None) -> str:
    return wording.decimal(value)


@register.filter
def statement(value: Change) -> str:
    return wording.change_statement(value)


@register.simple_tag
def pct_range(low: float | None, high: float | None) -> str:
    return wording.pct_range(low, high)


@register.simple_tag
def points_range(low: float | None, high: float | None) -> str:
    return wording.points_range(low, high)
