"""Reading bulk files (CSV or XLSX with a header row) and checking their cells.

The file is read by ``scorecard.tables`` (shared with the plans importer); here its
problems get this importer's words and the rows become ``Table`` rows.

Every check is a pure function of a cell's text that returns the clean value or raises
``CellError`` with the reason; the import modules turn those into row errors naming the
row, column and value. Nothing here is ever evaluated: a cell that looks like a
spreadsheet formula is refused where free text is expected, and codes only take letters,
digits, dots, dashes and underscores.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from scorecard import tables
from scorecard.tables import MAX_ROWS

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
FORMULA_START = ("=", "+", "@", "\t", "\r")
YES = {"yes", "y", "1", "true", "បាទ", "ចាស", "មាន"}
NO = {"no", "n", "0", "false", "ទេ", "គ្មាន"}
KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")


class CellError(ValueError):
    """A cell's value is not acceptable; the message says why."""


class TableError(ValueError):
    """The file as a whole cannot be read; nothing is imported."""


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1); 0 for the file itself
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        col = f", column {self.column}" if self.column else ""
        val = f" ({self.value!r})" if self.value else ""
        return f"{where}{col}{val}: {self.reason}"


@dataclass
class Summary:
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = [asdict(e) for e in self.errors]
        return data

    def reject(self, error: RowError) -> None:
        self.rejected += 1
        self.errors.append(error)


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]  # (row number, {column: text})

    def require(self, needed: Sequence[str]) -> None:
        missing = [c for c in needed if c not in self.columns]
        if missing:
            raise TableError(
                f"missing columns: {', '.join(missing)} (the header row must have "
                f"{', '.join(needed)})"
            )


# How this importer words a file it cannot read (``scorecard.tables`` reads it).
MESSAGES = {
    "encoding": "the file is not UTF-8 text (save the CSV as UTF-8)",
    "csv": "the CSV cannot be read: {detail}",
    "xlsx": "the XLSX cannot be read: {detail}",
    "empty": "the file is empty: it needs a header row",
    "too_many": f"more than {MAX_ROWS:,} rows: split the file",
}


def read_table(source: str | Path | IO[bytes], name: str = "") -> Table:
    """A CSV (`,` or `;`, UTF-8 with or without BOM) or the first sheet of an XLSX.

    Formulas come as their text, so the cell checks refuse them where text is expected."""
    if isinstance(source, str | Path):
        name = name or str(source)
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise TableError(f"cannot read {source}: {exc.strerror}") from None
    else:
        data = source.read()
    try:
        raw = tables.read_raw(data, name)
    except tables.Unreadable as exc:
        raise TableError(MESSAGES[exc.kind].format(detail=exc.detail)) from None
    if not any(raw.header):
        raise TableError(MESSAGES["empty"])
    rows = tuple((r.number, dict(zip(raw.header, r.cells, strict=True))) for r in raw.rows)
    return Table(raw.header, rows)


# Cell checks -----------------------------------------------------------------------------


def code(value: str) -> str:
    if not value:
        raise CellError("is empty")
    if not CODE.match(value):
        raise CellError(
            "must be letters, digits, '.', '-' or '_' (at most 60), starting with a letter or digit"
        )
    return value


def free_text(value: str, max_length: int = 200) -> str:
    if value.startswith(FORMULA_START):
        raise CellError("looks like a spreadsheet formula; type the text itself")
    if len(value) > max_length:
        raise CellError(f"is longer than {max_length} characters")
    return value


def choice(value: str, choices: Iterable[str]) -> str:
    options = list(choices)
    key = value.strip().lower()
    if key not in options:
        raise CellError(f"must be one of {', '.join(options)}")
    return key


def sex(value: str) -> str:
    key = value.strip().lower()
    key = {"f": "female", "m": "male", "ស្រី": "female", "ប្រុស": "male"}.get(key, key)
    return choice(key, ("female", "male", "other"))


def yes_no(value: str, blank_ok: bool = False) -> bool | None:
    key = value.strip().lower()
    if not key and blank_ok:
        return None
    if key in YES:
        return True
    if key in NO:
        return False
    raise CellError("must be yes or no")


def whole(value: str, low: int, high: int, blank_ok: bool = False) -> int | None:
    text = value.translate(KHMER_DIGITS).replace(",", "").strip()
    if not text and blank_ok:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise CellError(f"must be a whole number from {low:,} to {high:,}")
    return int(text)


def number(value: str) -> Decimal:
    text = value.translate(KHMER_DIGITS).strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellError("must be a number") from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("1e9"):
        raise CellError("must be a number from 0")
    return amount


def date(value: str) -> dt.date:
    text = value.translate(KHMER_DIGITS).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError("must be a date as YYYY-MM-DD (or DD/MM/YYYY)")


def commune_code(value: str, known: set[str] | frozenset[str]) -> str:
    text = value.translate(KHMER_DIGITS).strip()
    if text.isdigit() and len(text) % 2:
        text = "0" + text  # spreadsheets drop the leading zero of provinces 1-9
    if not (text.isdigit() and len(text) == 6):
        raise CellError("must be a 6-digit commune code")
    if text not in known:
        raise CellError("is not a commune in the gazetteer")
    return text
