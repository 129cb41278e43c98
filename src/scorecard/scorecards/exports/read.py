"""Streaming readers for KoboToolbox and ODK Central exports of the scorecard form.

``open_export(path)`` sniffs the format from the file's content and returns an
:class:`Export` whose ``rows()`` yields ``(row_number, {canonical_name: str})`` one row at a
time, so memory does not grow with the file. Canonical names are the form profile's: group
paths joined by ``/`` (ODK's ``-`` is converted), system columns under their own names.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from scorecard.scorecards.spec import RowError

KOBO_CSV = "kobo_csv"
KOBO_XLSX = "kobo_xlsx"
ODK_CSV = "odk_csv"
ODK_ZIP = "odk_zip"

ODK_FIRST = "SubmissionDate"
ODK_TRAILER = (
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
)
ODK_SYSTEM = frozenset((ODK_FIRST, *ODK_TRAILER))
# Columns of an XLSX sheet that holds a repeat group, not the submissions themselves.
REPEAT_MARKERS = frozenset(("_parent_index", "_parent_table_name", "_submission__id"))
ID_COLUMNS = ("meta/rootUuid", "KEY", "meta/instanceID", "_uuid")
EXTRA = "__extra__"  # key of cells beyond the header's width (joined by " | ")

csv.field_size_limit(10 * 1024 * 1024)


class ExportError(ValueError):
    """The file as a whole cannot be read as an export (row 0 errors)."""

    def __init__(self, errors: RowError | Sequence[RowError]) -> None:
        self.errors: list[RowError] = [errors] if isinstance(errors, RowError) else list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))

    @property
    def error(self) -> RowError:
        return self.errors[0]


class FastReadRefused(Exception):
    """The file must be read by the Python reader (``exports.arrow``; the reason is the
    message): the import starts again with it."""


def file_error(reason: str, value: str = "", column: str = "") -> ExportError:
    return ExportError(RowError(0, column, value, reason))


def canonical_columns(columns: Sequence[str]) -> list[str]:
    """The form profile's names for a header (Kobo or ODK layout)."""
    names = [(c or "").strip() for c in columns]
    if names and names[0] == ODK_FIRST:
        return [n if n in ODK_SYSTEM else n.replace("-", "/") for n in names]
    return names


@dataclass(frozen=True)
class _Plan:
    """How a raw row (a list of cells) becomes a canonical dict."""

    names: tuple[str, ...]  # canonical name of each kept cell, in order
    keep: tuple[int, ...] | None  # indices of kept cells; None = every cell
    rebuild: tuple[tuple[str, tuple[tuple[int, str], ...]], ...]  # q -> ((idx, choice), ...)
    width: int

    def make(self) -> Callable[[list[str]], dict[str, str]]:
        names, keep, rebuild, width = self.names, self.keep, self.rebuild, self.width
        pad = [""] * width

        def slow(cells: list[str]) -> dict[str, str]:
            n = len(cells)
            extra = None
            if n < width:
                cells = cells + pad[: width - n]
            elif n > width:
                tail = [c for c in cells[width:] if c.strip()]
                extra = " | ".join(tail) if tail else None
            if keep is None:
                row = dict(zip(names, cells, strict=False))
            else:
                row = dict(zip(names, [cells[i] for i in keep], strict=True))
            for q, parts in rebuild:
                row[q] = " ".join(c for i, c in parts if cells[i].strip() in ("1", "1.0", "True"))
            if extra is not None:
                row[EXTRA] = extra
            return row

        if keep is not None or rebuild:
            return slow

        def convert(cells: list[str]) -> dict[str, str]:
            if len(cells) == width:
                return dict(zip(names, cells, strict=True))
            return slow(cells)

        return convert


def make_plan(columns: Sequence[str], multi: Collection[str] = ()) -> _Plan:
    """Map a header to canonical names; refuse empty and duplicated column names.

    select_multiple: a column ``q`` with ``q/choice`` 0/1 columns keeps ``q`` and drops
    the 0/1 columns; when only the 0/1 columns exist, ``q`` is rebuilt for each name in
    ``multi`` (the form's select_multiple questions).
    """
    names = canonical_columns(columns)
    while names and not names[-1]:  # trailing empty header cells (Excel, ragged CSVs)
        names.pop()
    if not names:
        raise file_error("the file has no header row")
    seen: dict[str, int] = {}
    dups: list[str] = []
    for i, n in enumerate(names):
        if not n:
            raise file_error(f"column {i + 1} of the header has no name")
        if n in seen and n not in dups:
            dups.append(n)
        seen[n] = i
    if dups:
        hint = ""
        if any("/" not in d for d in dups):
            hint = " (export with group names in the headers, e.g. Kobo 'Include groups')"
        raise file_error(f"duplicated column names: {', '.join(dups)}{hint}", ", ".join(dups))
    present = set(names)
    drop: set[int] = set()
    rebuild: dict[str, list[tuple[int, str]]] = {}
    for i, n in enumerate(names):
        q, sep, choice = n.rpartition("/")
        if not sep or not choice:
            continue
        if q in present and q not in ("meta",):
            drop.add(i)
        elif q in multi:
            drop.add(i)
            rebuild.setdefault(q, []).append((i, choice))
    keep = None if not drop else tuple(i for i in range(len(names)) if i not in drop)
    kept = names if keep is None else [names[i] for i in keep]
    return _Plan(
        names=tuple(kept),
        keep=keep,
        rebuild=tuple((q, tuple(p)) for q, p in rebuild.items()),
        width=len(names),
    )


@dataclass
class Export:
    """An opened export: its kind, header and a re-iterable stream of rows."""

    path: Path
    kind: str
    columns: list[str]  # the original header
    names: list[str]  # canonical names of the row dicts' keys
    _rows: Callable[[], Iterator[tuple[int, dict[str, str]]]] = field(repr=False)
    member: str = ""  # the CSV inside an ODK zip, the sheet of an XLSX
    delimiter: str = ""
    # ``(row_number, cells)`` before they become dicts, for a CSV whose header maps one to
    # one onto canonical names (the columnar fast path); None for other exports
    _records: Callable[[], Iterator[tuple[int, list[str]]]] | None = field(default=None, repr=False)
    convert: Callable[[list[str]], dict[str, str]] | None = field(default=None, repr=False)

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """``(row_number, row)`` with the header as row 1; blank rows are skipped."""
        return self._rows()

    @property
    def by_cells(self) -> bool:
        """True when ``records()`` is available."""
        return self._records is not None

    def records(self) -> Iterator[tuple[int, list[str]]] | None:
        """``(row_number, cells)`` as ``rows()`` numbers them, or None when the export's
        cells do not map one to one onto ``names`` (select_multiple rebuilt, columns
        dropped, not a CSV)."""
        return self._records() if self._records is not None else None

    @property
    def id_column(self) -> str:
        """The column the stable id comes from (meta/rootUuid, KEY, meta/instanceID, _uuid)."""
        return next((c for c in ID_COLUMNS if c in self.names), "")


# --------------------------------------------------------------------------- sniffing

_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "a legacy Office file (.xls/.doc); save it as .xlsx or CSV",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip archive",
    b"{\\rtf": "an RTF document",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}


def open_export(path: Path | str, *, multi: Collection[str] = ()) -> Export:
    """Open a Kobo CSV/XLSX or ODK Central CSV/.csv.zip export, sniffing its content."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise file_error(f"cannot open the file: {exc.strerror or exc}") from exc
    if not head.replace(codecs.BOM_UTF8, b"").strip():
        raise file_error("the file is empty")
    if head.startswith(_ZIP) or head.startswith(_EMPTY_ZIP):
        return _open_zip(path, multi)
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise file_error(f"not a CSV, XLSX or zip export: the file is {what}")
    if b"\x00" in head:
        enc = (
            " (it looks like UTF-16: save it as UTF-8)"
            if head[:2] in (b"\xff\xfe", b"\xfe\xff")
            else ""
        )
        raise file_error(f"not a CSV, XLSX or zip export: the file is binary{enc}")
    return _open_csv(path, multi)


def _open_zip(path: Path, multi: Collection[str]) -> Export:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise file_error(f"a damaged zip file: {exc}") from exc
    if "xl/workbook.xml" in names:
        from scorecard.scorecards.exports.xlsx import open_xlsx

        return open_xlsx(path, multi)
    if "word/document.xml" in names:
        raise file_error("not a CSV, XLSX or zip export: the file is a Word document")
    if "ppt/presentation.xml" in names or "content.xml" in names:
        raise file_error("not a CSV, XLSX or zip export: the file is an office document")
    csvs = [n for n in names if n.lower().endswith(".csv") and not n.endswith("/")]
    if not csvs:
        raise file_error("the zip file holds no CSV export")
    member = _main_csv(csvs)
    return _open_csv(path, multi, member=member)


def _main_csv(csvs: list[str]) -> str:
    """ODK's bundle: ``form.csv`` plus ``form-repeat.csv`` per repeat; pick ``form.csv``."""
    stems = {n: n.rsplit("/", 1)[-1][:-4] for n in csvs}
    for n, stem in sorted(stems.items(), key=lambda kv: (kv[0].count("/"), len(kv[1]))):
        if all(s == stem or s.startswith(stem + "-") for s in stems.values()):
            return n
    return min(csvs, key=lambda n: (n.count("/"), len(n)))


# --------------------------------------------------------------------------- CSV


def _open_binary(path: Path, member: str) -> tuple[IO[bytes], zipfile.ZipFile | None]:
    if not member:
        return path.open("rb"), None
    zf = zipfile.ZipFile(path)
    try:
        return zf.open(member), zf
    except Exception:
        zf.close()
        raise


def _first_bad_byte(path: Path, member: str) -> tuple[int, bytes]:
    """Offset and value of the first byte that is not valid UTF-8."""
    raw, zf = _open_binary(path, member)
    dec = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    try:
        while chunk := raw.read(1 << 16):
            try:
                dec.decode(chunk)
            except UnicodeDecodeError as exc:
                # the decoder keeps an incomplete sequence from the previous chunk
                pending = len(exc.object) - len(chunk)
                pos = offset + exc.start - pending
                return pos, exc.object[exc.start : exc.start + 1]
            offset += len(chunk)
        dec.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return offset - (len(exc.object) - exc.start), exc.object[exc.start : exc.start + 1]
    finally:
        raw.close()
        if zf is not None:
            zf.close()
    return -1, b""


def _encoding_error(path: Path, member: str) -> ExportError:
    pos, byte = _first_bad_byte(path, member)
    where = f" at byte offset {pos} (0x{byte.hex()})" if pos >= 0 else ""
    return file_error(
        f"the file is not UTF-8 text{where}: save it as CSV UTF-8", value=f"offset {pos}"
    )


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: 0 for d in (",", ";", "\t")}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _text(path: Path, member: str) -> tuple[io.TextIOWrapper, zipfile.ZipFile | None]:
    raw, zf = _open_binary(path, member)
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""), zf


def _records(lines: Iterable[str], delimiter: str, width: int) -> Iterator[list[str]]:
    """CSV records from lines: plain ``split`` for the lines where it is exact (no quotes,
    or every cell quoted without inner quotes, as Kobo writes), the csv module otherwise
    (embedded quotes, delimiters or line breaks). Blank lines yield ``[]``."""
    quoted_sep = f'"{delimiter}"'
    full = 2 * width
    parse = csv.reader
    it = iter(lines)
    for line in it:
        if '"' not in line:
            yield line.rstrip("\r\n").split(delimiter) if line.strip("\r\n") else []
            continue
        quotes = line.count('"')
        if quotes == full:
            body = line.rstrip("\r\n")
            if body[0] == '"' and body[-1] == '"':
                cells = body[1:-1].split(quoted_sep)
                if len(cells) == width:
                    yield cells
                    continue
        # the csv module reads exactly one record's lines (a quoted cell may go on over
        # the next lines) and leaves the rest in ``it``
        yield next(parse(itertools.chain((line,), it), delimiter=delimiter), [])


def _open_csv(path: Path, multi: Collection[str], member: str = "") -> Export:
    text, zf = _text(path, member)
    try:
        try:
            first = text.readline()
            while first and not first.strip():
                first = text.readline()
        except UnicodeDecodeError:
            raise _encoding_error(path, member) from None
        if not first.strip():
            raise file_error("the file is empty" if not member else f"{member} in the zip is empty")
        delimiter = _sniff_delimiter(first)
        header = next(csv.reader([first], delimiter=delimiter), [])
    finally:
        text.close()
        if zf is not None:
            zf.close()
    if len(header) < 2:
        raise file_error("not a CSV export: the first line has no separated column names")
    plan = make_plan(header, multi)
    odk = plan.names[0] == ODK_FIRST
    kind = (ODK_ZIP if member else ODK_CSV) if odk else (KOBO_CSV if not member else ODK_ZIP)

    def records() -> Iterator[tuple[int, list[str]]]:
        text, zf = _text(path, member)
        try:
            reader = _records(text, delimiter, len(header))
            try:
                number = 1
                for cells in reader:  # the header, after any blank lines
                    if cells and any(c.strip() for c in cells):
                        break
                for cells in reader:
                    number += 1
                    if not cells or (len(cells) == 1 and not cells[0].strip()):
                        continue
                    yield number, cells
            except UnicodeDecodeError:
                raise _encoding_error(path, member) from None
            except csv.Error as exc:
                raise file_error(f"broken CSV after row {number}: {exc}") from exc
        finally:
            text.close()
            if zf is not None:
                zf.close()

    convert = plan.make()

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, cells in records():
            yield number, convert(cells)

    simple = plan.keep is None and not plan.rebuild
    return Export(
        path,
        kind,
        list(header),
        list(plan.names),
        rows,
        member,
        delimiter,
        _records=records if simple else None,
        convert=convert,
    )


# --------------------------------------------------------------------------- XLSX


def xlsx_cell(value: object) -> str:
    """A cell as the text a CSV export would carry: 30.0 -> "30", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def kobo_json_row(submission: dict[str, object]) -> dict[str, str]:
    """A Kobo REST API submission as a canonical row (as a Kobo CSV export would carry it)."""
    row: dict[str, str] = {}
    for key, value in submission.items():
        if key == "_validation_status":
            row[key] = str(value.get("uid", "")) if isinstance(value, dict) else str(value or "")
        elif value is None or isinstance(value, list | dict):
            row[key] = ""
        else:
            row[key] = xlsx_cell(value)
    return row
