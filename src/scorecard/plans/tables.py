"""Read a bulk file (CSV or XLSX, header row, UTF-8 with or without BOM) into text cells.

Pure: no database. Every cell comes out as stripped text; problems with one cell (a
formula) become row errors, problems with the file (unreadable, missing columns) raise
``FileRefused``. Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

MAX_ROWS = 100_000


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


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return str(Decimal(repr(value)))
    return str(value).strip()


def _header(raw: list[Any], required: list[str]) -> list[str]:
    names = [_text(v).lstrip("\ufeff").strip().lower() for v in raw]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise FileRefused(f"the column {name!r} appears twice in the header")
        seen.add(name)
    missing = [c for c in required if c not in seen]
    if missing:
        raise FileRefused("missing columns: " + ", ".join(missing))
    return names


def _rows_csv(data: bytes) -> Iterator[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("the file is not UTF-8 text; save it as CSV UTF-8") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _rows_xlsx(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRefused(f"not a readable XLSX workbook ({exc.__class__.__name__})") from None
    sheet = book.worksheets[0]
    for cells in sheet.iter_rows():
        yield [
            _Formula(c.value) if getattr(c, "data_type", None) == "f" else c.value for c in cells
        ]


class _Formula(str):
    """A formula cell: its text is the formula, never a computed value."""


def read_table(data: bytes, name: str, required: list[str]) -> tuple[list[str], list[Row]]:
    """The header and the non-blank data rows of a CSV or XLSX file."""
    is_xlsx = name.lower().endswith(".xlsx") or data[:2] == b"PK"
    rows = _rows_xlsx(data) if is_xlsx else _rows_csv(data)
    try:
        raw_header = next(rows)
    except StopIteration:
        raise FileRefused("the file is empty") from None
    except csv.Error as exc:
        raise FileRefused(f"not a readable CSV file ({exc})") from None
    header = _header(raw_header, required)
    out: list[Row] = []
    try:
        for number, raw in enumerate(rows, start=2):
            if len(out) >= MAX_ROWS:
                raise FileRefused(f"more than {MAX_ROWS:,} rows; split the file")
            cells: dict[str, str] = {}
            errors: list[RowError] = []
            for column, value in zip(header, raw, strict=False):
                if not column:
                    continue
                text = _text(value)
                if isinstance(value, _Formula) or (not is_xlsx and text.startswith("=")):
                    errors.append(
                        RowError(number, column, text, "a formula; save the sheet's values only")
                    )
                    text = ""
                cells[column] = text
            if not any(cells.values()) and not errors:
                continue  # blank lines are not rows
            for column in header:
                cells.setdefault(column, "")
            out.append(Row(number, cells, errors))
    except csv.Error as exc:
        raise FileRefused(f"not a readable CSV file ({exc})") from None
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
