"""Filters for the results pages: figures by unit, shares, bands (Khmer digits when chosen)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from scorecard.logframe.catalogue import Value
from scorecard.logframe.narrative import (
    fields_of,
    fmt_count,
    fmt_money,
    fmt_percent,
    render_number,
)
from scorecard.public import display

register = template.Library()

BANDS = {
    "achieved": _("Target achieved"),
    "on_track": _("On track"),
    "off_track": _("Off track"),
    "no_target": _("No target set"),
    "no_value": _("No value yet"),
}


def _by_unit(number: Any, unit: str, currency: str) -> str:
    if number is None:
        return "—"
    if unit == "percent":
        return display.digits(fmt_percent(number))
    if unit == "money":
        return display.digits(fmt_money(number, currency))
    return display.digits(fmt_count(number))


@register.filter
def figure(value: Value | None) -> str:
    if value is None:
        return "—"
    return _by_unit(value.value, value.unit, value.currency)


@register.filter
def figure_of(number: Decimal | None, indicator: Any) -> str:
    return _by_unit(number, indicator.unit, indicator.currency)


@register.filter
def splits_of(value: Value | None, indicator: Any) -> list[tuple[str, str]]:
    """The value's other breakdowns, each formatted like its placeholder in a sentence."""
    if value is None:
        return []
    fields = fields_of(indicator, value)
    currency = value.currency or indicator.currency
    return [
        (name, display.digits(render_number(*fields[name], None, currency)))
        for name, _n in value.splits
    ]


@register.filter
def count(number: Any) -> str:
    return "—" if number is None else display.digits(fmt_count(number))


@register.filter
def share(number: float | None) -> str:
    return "—" if number is None else display.digits(fmt_percent(number))


@register.filter
def progress_percent(number: float | None) -> int:
    return 0 if number is None else max(0, min(100, round(number * 100)))


@register.filter
def band_label(band: str) -> str:
    return str(BANDS.get(band, band))
