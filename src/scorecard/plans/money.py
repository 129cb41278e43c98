"""Money: Decimal throughout, never float.

Rules (one place, so screens, exports, imports and the summary agree):

* Riel amounts are whole numbers. USD amounts have cents.
* Every contribution records its own rate (KHR per USD) and the rate's date.
* A row is converted once, at its own rate, and rounded once: to the cent for USD, to
  the whole riel for KHR, with ``ROUND_HALF_EVEN`` (banker's rounding, the IEEE 754 and
  accounting default: a half goes to the even neighbour, so rounding errors do not pile
  up in one direction over many rows).
* A total is the sum of the rounded rows, so a total always equals the sum of the
  amounts shown on its rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

CENT = Decimal("0.01")
RIEL = Decimal("1")
ROUNDING = ROUND_HALF_EVEN
KHR = "KHR"
USD = "USD"


def usd(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUNDING)


def riel(value: Decimal) -> Decimal:
    return value.quantize(RIEL, rounding=ROUNDING)


def in_usd(amount: Decimal, currency: str, rate: Decimal | None) -> Decimal:
    """The amount in USD at the row's rate, rounded to the cent."""
    if currency == USD:
        return usd(amount)
    if not rate:
        raise ValueError("a riel amount needs a rate to be shown in USD")
    return usd(amount / rate)


def in_khr(amount: Decimal, currency: str, rate: Decimal | None) -> Decimal:
    """The amount in riel at the row's rate, rounded to the whole riel."""
    if currency == KHR:
        return riel(amount)
    if not rate:
        raise ValueError("a USD amount needs a rate to be shown in riel")
    return riel(amount * rate)


@dataclass
class Totals:
    """A running total in both currencies; ``n`` is the number of rows added."""

    khr: Decimal = Decimal("0")
    usd: Decimal = Decimal("0")
    n: int = 0

    def add(self, amount: Decimal, currency: str, rate: Decimal | None) -> None:
        self.khr += in_khr(amount, currency, rate)
        self.usd += in_usd(amount, currency, rate)
        self.n += 1

    def __add__(self, other: Totals) -> Totals:
        return Totals(self.khr + other.khr, self.usd + other.usd, self.n + other.n)


def total(rows: Iterable[tuple[Decimal, str, Decimal | None]]) -> Totals:
    result = Totals()
    for amount, currency, rate in rows:
        result.add(amount, currency, rate)
    return result


def parse_decimal(text: str) -> Decimal:
    """A number as typed in a sheet: thousands commas and spaces allowed; raises ValueError."""
    cleaned = text.strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
    cleaned = cleaned.translate(str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789"))
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not value.is_finite():
        raise ValueError("not a number")
    return value


def parse_amount(text: str, currency: str) -> Decimal:
    """A positive amount: whole riel for KHR, at most cents for USD; raises ValueError."""
    value = parse_decimal(text)
    if value <= 0:
        raise ValueError("must be more than zero")
    if currency == KHR and value != value.to_integral_value():
        raise ValueError("riel amounts are whole numbers")
    if currency == USD and value != value.quantize(CENT):
        raise ValueError("USD amounts have at most two decimals")
    return value


def format_usd(value: Decimal) -> str:
    return f"{usd(value):,.2f}"
