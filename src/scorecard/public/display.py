"""Display options: Khmer digits and Khmer dates.

A visitor chooses them with a cookie; the middleware puts the choice in a context
variable so template filters (which see no request) can honour it.
"""

from __future__ import annotations

import contextvars
import datetime as dt

from django.utils.translation import get_language

KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
KHMER_MONTHS = (
    "មករា",
    "កុម្ភៈ",
    "មីនា",
    "មេសា",
    "ឧសភា",
    "មិថុនា",
    "កក្កដា",
    "សីហា",
    "កញ្ញា",
    "តុលា",
    "វិច្ឆិកា",
    "ធ្នូ",
)
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DIGITS_COOKIE = "scorecard_digits"

# None: follow the language (Khmer digits in Khmer); True/False: the visitor's choice.
khmer_digits_choice: contextvars.ContextVar[bool | None] = contextvars.ContextVar(
    "khmer_digits", default=None
)


def use_khmer_digits() -> bool:
    choice = khmer_digits_choice.get()
    if choice is not None:
        return choice
    return (get_language() or "km").startswith("km")


def digits(value: object) -> str:
    text = str(value)
    return text.translate(KHMER_DIGITS) if use_khmer_digits() else text


def long_date(value: dt.date | None) -> str:
    if value is None:
        return ""
    if (get_language() or "km").startswith("km"):
        return digits(f"{value.day} {KHMER_MONTHS[value.month - 1]} {value.year}")
    return digits(f"{value.day} {ENGLISH_MONTHS[value.month - 1]} {value.year}")
