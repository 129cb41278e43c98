"""Read a bulk file (CSV or XLSX, header row, UTF-8 with or without BOM) into text cells.

Pure: no database. The file is read by ``scorecard.tables`` (the reader every bulk
import shares); here its problems get the plans importer's words: one cell that is a
formula becomes a row error, the file as a whole (unreadable, missing or repeated
columns) raises ``FileRefused``. Rows are numbered as a spreadsheet shows them: the
header is row 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from scorecard import tables
from scorecard.tables import MAX_ROWS


class FileRefused(Exception):
    """The file as a whole cannot be read; nothing was stored."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Row:
    number: int
    cells: dict[str, str]
    errors: list[RowError]


# How this importer words a file it cannot read (``scorecard.tables`` reads it).
MESSAGES = {
    "encoding": "the file is not UTF-8 text; save it as CSV UTF-8",
    "csv": "not a readable CSV file ({detail})",
    "xlsx": "not a readable XLSX workbook ({error})",
    "empty": "the file is empty",
    "too_many": f"more than {MAX_ROWS:,} rows; split the file",
}
FORMULA = "a formula; save the sheet's values only"


def _header(names: Sequence[str], required: list[str]) -> list[str]:
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise FileRefused(f"the column {name!r} appears twice in the header")
        seen.add(name)
    missing = [c for c in required if c not in seen]
    if missing:
        raise FileRefused("missing columns: " + ", ".join(missing))
    return list(names)


def read_table(data: bytes, name: str, required: list[str]) -> tuple[list[str], list[Row]]:
    """The header and the non-blank data rows of a CSV or XLSX file; a formula cell is a
    row error (and its cell left blank)."""
    try:
        raw = tables.read_raw(data, name)
    except tables.Unreadable as exc:
        raise FileRefused(MESSAGES[exc.kind].format(detail=exc.detail, error=exc.error)) from None
    header = _header(raw.header, required)
    out: list[Row] = []
    for row in raw.rows:
        cells: dict[str, str] = {}
        errors: list[RowError] = []
        for i, (column, text) in enumerate(zip(header, row.cells, strict=True)):
            if not column:
                continue
            if i in row.formulas:
                errors.append(RowError(row.number, column, text, FORMULA))
                text = ""
            cells[column] = text
        if not any(cells.values()) and not errors:
            continue  # blank in every named column
        for column in header:
            cells.setdefault(column, "")
        out.append(Row(row.number, cells, errors))
    return header, out


def read_path(path: Path, required: list[str]) -> tuple[list[str], list[Row]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileRefused(f"cannot read the file ({exc.strerror})") from None
    return read_table(data, path.name, required)


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD or DD/MM/YYYY; raises ValueError."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("not a date (use YYYY-MM-DD)")
