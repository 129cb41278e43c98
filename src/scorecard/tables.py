"""Reading an uploaded table (CSV with `,` or `;`, UTF-8 with or without BOM, or the
first sheet of an XLSX) into text cells: the one reader behind every bulk file.

Pure: no database, no checks of what the cells mean. Every cell comes out as stripped
text (dates as ISO, whole floats without ".0"); cells that are spreadsheet formulas are
marked, never evaluated. Rows are numbered as a spreadsheet shows them (the header is
row 1) and blank lines are skipped. A file that cannot be read raises ``Unreadable``
with a ``kind``; each importer words it for its users (``events.tables``,
``plans.tables``), so their messages stay as they were.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

MAX_ROWS = 100_000
KINDS = ("encoding", "csv", "xlsx", "empty", "too_many")


class Unreadable(ValueError):
    """The file as a whole cannot be read. ``kind`` is one of ``KINDS``; ``detail`` the
    reader's own words (csv's message, or the XLSX error), ``error`` its class name."""

    def __init__(self, kind: str, detail: str = "", error: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind, self.detail, self.error = kind, detail, error


@dataclass(frozen=True)
class RawRow:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: tuple[str, ...]  # one text per header column, padded with ""
    formulas: frozenset[int]  # positions of the cells that are formulas


@dataclass(frozen=True)
class RawTable:
    header: tuple[str, ...]  # lower-cased, stripped, BOM removed; "" for a blank name
    rows: tuple[RawRow, ...]  # the non-blank rows


def text(value: Any) -> str:
    """A cell as text: dates ISO, floats without float noise, booleans yes/no."""
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


class _Formula(str):
    """A formula cell of an XLSX: its text is the formula, never a computed value."""


def is_xlsx(data: bytes, name: str) -> bool:
    return data[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx")


def _csv_lines(data: bytes) -> Iterator[list[str]]:
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable("encoding") from None
    first = decoded.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    yield from csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter)


def _xlsx_lines(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        # Formulas are read as their text (data_only=False), never as computed values.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise Unreadable("xlsx", str(exc), exc.__class__.__name__) from None
    try:
        return [
            [_Formula(c.value) if getattr(c, "data_type", None) == "f" else c.value for c in row]
            for row in book.worksheets[0].iter_rows()
        ]
    finally:
        book.close()


def read_raw(data: bytes, name: str = "") -> RawTable:
    """The header and the non-blank rows of a CSV or XLSX file's bytes."""
    xlsx = is_xlsx(data, name)
    lines: Iterator[list[Any]] = iter(_xlsx_lines(data)) if xlsx else _csv_lines(data)
    try:
        first = next(lines, None)
        if first is None:
            raise Unreadable("empty")
        header = tuple(text(c).lstrip("\ufeff").strip().lower() for c in first)
        return RawTable(header, tuple(_rows(lines, len(header), xlsx)))
    except csv.Error as exc:
        raise Unreadable("csv", str(exc)) from None


def _rows(lines: Iterator[list[Any]], width: int, xlsx: bool) -> Iterator[RawRow]:
    count = 0
    for number, raw in enumerate(lines, start=2):
        cells = [text(v) for v in raw]
        if not any(cells):
            continue  # blank lines are not rows
        if count >= MAX_ROWS:
            raise Unreadable("too_many")
        count += 1
        # In a CSV any cell starting "=" is a formula typed as text; in an XLSX only the
        # cells the workbook stores as formulas are.
        formulas = frozenset(
            i
            for i, (v, t) in enumerate(zip(raw, cells, strict=True))
            if i < width and (isinstance(v, _Formula) or (not xlsx and t.startswith("=")))
        )
        padded = (cells + [""] * width)[:width]
        yield RawRow(number, tuple(padded), formulas)
