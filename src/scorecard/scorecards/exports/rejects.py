"""Duplicates and conflicts within one file, and the rejects CSV (formula-safe)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Literal, TextIO

from scorecard.scorecards.spec import ParsedResponse, RowError

Result = ParsedResponse | list[RowError]
Status = Literal["accepted", "duplicate", "conflict", "rejected"]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def has_formula_prefix(value: str) -> bool:
    """True for a cell a spreadsheet would run as a formula (OWASP CSV injection)."""
    return value.startswith(FORMULA_PREFIXES)


def safe_cell(value: object) -> str:
    """A cell safe to put in a CSV/XLSX opened by a spreadsheet: formulas are quoted."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class WithinFile:
    """Remembers stable id -> content hash of the accepted rows of one file."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def classify(self, response: ParsedResponse) -> Status:
        known = self.seen.get(response.stable_id)
        if known is None:
            self.seen[response.stable_id] = response.content_hash
            return "accepted"
        return "duplicate" if known == response.content_hash else "conflict"


def classify_within_file(results: Iterable[Result]) -> Iterator[tuple[Status, Result]]:
    """``(status, result)``: a later row with a stable id already seen in the file is a
    duplicate (same content hash) or a conflict (different content); errors are rejected."""
    within = WithinFile()
    for result in results:
        if isinstance(result, list):
            yield "rejected", result
        else:
            yield within.classify(result), result


# --------------------------------------------------------------------------- rejects


def write_rejects(errors: Iterable[RowError], out: TextIO) -> int:
    """Write the rejects CSV (UTF-8 BOM, row, column, value, reason); returns the count.

    Open ``out`` with ``encoding="utf-8", newline=""``. Cells a spreadsheet would run as
    formulas (starting with =, +, -, @, tab, CR) are prefixed with ``'``.
    """
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["row", "column", "value", "reason"])
    count = 0
    for e in errors:
        writer.writerow([e.row, safe_cell(e.column), safe_cell(e.value), safe_cell(e.reason)])
        count += 1
    return count
