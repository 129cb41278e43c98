"""Template filters for numbers, money and dates in Khmer or Latin digits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from scorecard.public import display

register = template.Library()


@register.filter
def digits(value: object) -> str:
    return display.digits(value)


@register.filter
def number(value: int | float | Decimal | None, places: int = 0) -> str:
    """Thousands separators and Khmer digits when chosen: 1,211 or ១,២១១."""
    if value is None or value == "":
        return ""
    return display.digits(f"{value:,.{int(places)}f}")


@register.filter
def money(value: Decimal | None, currency: str = "") -> str:
    if value is None:
        return ""
    places = 0 if currency == "KHR" else 2  # riel has no subunit in use
    text = f"{Decimal(value):,.{places}f}"
    return display.digits(f"{text} {currency}".strip())


@register.filter
def longdate(value: dt.date | None) -> str:
    return display.long_date(value)
