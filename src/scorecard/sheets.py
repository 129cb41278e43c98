"""Spreadsheet downloads (CSV for Excel, XLSX) that a spreadsheet cannot run as formulas.

Every table the product offers for download goes through here, so the rules live in one
place: CSV in UTF-8 with a BOM (Excel otherwise reads Khmer as mojibake) and CRLF line
ends; text that starts like a formula is quoted (OWASP CSV injection); numbers stay
numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from scorecard.scorecards.exports.rejects import safe_cell


def safe(value: Any) -> Any:
    """Text made safe for a spreadsheet; numbers, dates and blanks unchanged."""
    return safe_cell(value) if isinstance(value, str) else value


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([safe(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])  # Excel's limit on sheet names
    sheet.append(list(columns))
    for row in rows:
        sheet.append([safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
