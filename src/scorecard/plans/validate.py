"""Validate one row of a plans or contributions file: pure functions, no database.

Each returns the parsed values and a list of ``RowError`` naming row, column, value and
reason. Checks that need stored records (does the plan exist, may the status move) are
in ``imports.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from scorecard.plans import money
from scorecard.plans.models import PROBLEMS, SourceType, Status, transition_problem
from scorecard.plans.tables import Row, RowError, parse_date

PLAN_COLUMNS = [
    "plan", "commune", "year", "section", "number", "activity_en", "activity_km", "proposer",
    "location", "quantity", "unit", "start", "end", "beneficiaries", "beneficiaries_female",
    "estimated_cost_khr", "implementer", "indicators", "status", "status_date", "progress",
]  # fmt: skip
# Optional columns beyond the contract's: more of the official JAAP columns, and a note.
PLAN_OPTIONAL = ["target_response", "collaborators", "provider", "responsible", "themes", "note"]
CONTRIBUTION_COLUMNS = [
    "plan", "number", "source_type", "source_name", "amount", "currency",
    "rate_khr_per_usd", "in_kind", "date",
]  # fmt: skip
CODE = re.compile(r"^[A-Za-z0-9_-]{1,60}$")
TEXT_FIELDS = [
    "activity_en", "activity_km", "proposer", "location", "unit", "implementer",
    *PLAN_OPTIONAL[:4],
]  # fmt: skip


@dataclass
class ParsedAction:
    row: int
    plan: str
    commune: str
    year: int
    number: int
    fields: dict[str, Any] = field(default_factory=dict)  # only the cells given
    indicators: list[str] | None = None
    status: str = ""
    status_date: dt.date | None = None
    progress: int | None = None
    note: str = ""
    # needs themes as "facility_type:code" (or a code that only one facility type has)
    themes: list[str] | None = None


@dataclass
class ParsedContribution:
    row: int
    plan: str
    number: int
    fields: dict[str, Any] = field(default_factory=dict)


class _Checker:
    def __init__(self, row: Row) -> None:
        self.row = row
        self.errors: list[RowError] = list(row.errors)

    def fail(self, column: str, reason: str) -> None:
        self.errors.append(
            RowError(self.row.number, column, self.row.cells.get(column, ""), reason)
        )

    def text(self, column: str) -> str:
        return self.row.cells.get(column, "").strip()

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value and not any(e.column == column for e in self.errors):
            self.fail(column, "required")
        return value

    def integer(self, column: str, low: int, high: int | None = None) -> int | None:
        value = self.text(column)
        if not value:
            return None
        try:
            number = money.parse_decimal(value)
        except ValueError:
            self.fail(column, "not a whole number")
            return None
        if number != number.to_integral_value():
            self.fail(column, "not a whole number")
            return None
        if number < low or (high is not None and number > high):
            self.fail(column, f"must be from {low} to {high}" if high else f"must be {low} or more")
            return None
        return int(number)

    def date(self, column: str) -> dt.date | None:
        value = self.text(column)
        if not value:
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def choice(self, column: str, choices: list[str], lower: bool = True) -> str:
        value = self.text(column)
        key = value.lower() if lower else value.upper()
        if value and key not in choices:
            self.fail(column, "must be one of " + ", ".join(choices))
            return ""
        return key


def validate_plan_row(row: Row) -> tuple[ParsedAction | None, list[RowError]]:
    c = _Checker(row)
    plan = c.required("plan")
    if plan and not CODE.match(plan):
        c.fail("plan", "a plan code has letters, digits, - and _ only")
    commune = c.required("commune")
    if commune.isdigit() and len(commune) == 5:
        commune = "0" + commune  # spreadsheets drop the leading zero of provinces 1-9
    if commune and not (commune.isdigit() and len(commune) == 6):
        c.fail("commune", "a commune code has 6 digits")
    year = c.integer("year", 2000, 2100)
    c.required("year")
    number = c.integer("number", 1, 9999)
    c.required("number")
    fields: dict[str, Any] = {}
    section = c.choice("section", ["A", "B"], lower=False)
    if section:
        fields["section"] = section
    for name in TEXT_FIELDS:
        if c.text(name):
            fields[name] = c.text(name)
    if c.text("quantity"):
        try:
            quantity = money.parse_decimal(c.text("quantity"))
            if quantity < 0 or quantity != quantity.quantize(Decimal("0.01")):
                raise ValueError
            fields["quantity"] = quantity
        except ValueError:
            c.fail("quantity", "not a number of at most two decimals, 0 or more")
    for name in ("start", "end"):
        value = c.date(name)
        if value:
            fields[name] = value
    if fields.get("start") and fields.get("end") and fields["end"] < fields["start"]:
        c.fail("end", "the end is before the start")
    for name in ("beneficiaries", "beneficiaries_female", "estimated_cost_khr"):
        count = c.integer(name, 0, None)
        if count is not None:
            fields[name] = count
    if fields.get("beneficiaries_female", 0) > fields.get("beneficiaries", 10**12):
        c.fail("beneficiaries_female", "more than the beneficiaries")
    status = c.choice("status", list(Status.values))
    status_date = c.date("status_date")
    progress = c.integer("progress", 0, 100)
    note = c.text("note")
    if status and status_date is None and not c.text("status_date"):
        c.fail("status_date", "required when a status is given")
    if status:
        problem = transition_problem(Status.PROPOSED, status, progress, note)
        if problem and problem[0] != "back":
            column = "progress" if problem[0] in ("done", "percent") else "status"
            c.fail(column, PROBLEMS[problem[0]] % problem[1])
    indicators = c.text("indicators").replace(",", " ").split() or None
    if c.errors or plan == "" or year is None or number is None:
        return None, c.errors
    parsed = ParsedAction(row.number, plan, commune, year, number, fields, indicators, status,
                          status_date, progress, note)  # fmt: skip
    parsed.themes = c.text("themes").replace(",", " ").split() or None
    return parsed, []


def validate_contribution_row(row: Row) -> tuple[ParsedContribution | None, list[RowError]]:
    c = _Checker(row)
    plan = c.required("plan")
    number = c.integer("number", 1, 9999)
    c.required("number")
    source_type = c.choice("source_type", list(SourceType.values))
    c.required("source_type")
    source_name = c.text("source_name")
    if source_type == SourceType.DONOR and not source_name:
        c.fail("source_name", "name the donor")
    currency = c.choice("currency", ["KHR", "USD"], lower=False)
    c.required("currency")
    amount = None
    if c.required("amount"):
        try:
            amount = money.parse_amount(c.text("amount"), currency or "USD")
        except ValueError as exc:
            c.fail("amount", str(exc))
    rate = None
    if c.text("rate_khr_per_usd"):
        try:
            rate = money.parse_decimal(c.text("rate_khr_per_usd"))
            if rate <= 0 or rate != rate.quantize(Decimal("0.0001")):
                raise ValueError
        except ValueError:
            c.fail("rate_khr_per_usd", "not a rate above zero (riel per USD)")
    elif currency == "KHR":
        c.fail("rate_khr_per_usd", "a riel amount needs the rate (KHR per USD) it was counted at")
    elif currency == "USD":
        c.fail("rate_khr_per_usd", "needed to show the total in riel too")
    in_kind = c.choice("in_kind", ["yes", "no"])
    date = c.date("date")
    c.required("date")
    if c.errors or number is None or amount is None or rate is None or date is None:
        return None, c.errors
    fields = {
        "source_type": source_type,
        "source_name": source_name,
        "amount": amount,
        "currency": currency,
        "rate_khr_per_usd": rate,
        "rate_date": date,
        "in_kind": in_kind == "yes",
        "date": date,
    }
    return ParsedContribution(row.number, plan, number, fields), []
