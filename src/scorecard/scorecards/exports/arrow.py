"""Read and validate a CSV export with Apache Arrow, a block of rows at a time (pure: no
database).

``columnar.ColumnarValidator`` checks each column once per distinct value, but reading
the file, transposing rows into columns and building each stored field are still some
fifty Python operations a row. Here Arrow's CSV reader parses a block of the file
straight into columns (C++), each column is dictionary-encoded so that Python sees only
its distinct values, and the stored texts (raw row, needs, ratings, the content hash's
input) are joined by Arrow's string kernels. Python's per-row work is the content hash.

The same rule as the columnar path holds: a row is taken here only when each of its
cells is in the canonical form the row validator reads the same way; every other row goes
to the row validator itself, so messages and normalisation have one definition.

A file Arrow cannot read exactly as ``read._records`` does raises ``FastReadRefused`` and
the import starts again with the Python reader: a ragged row (Arrow refuses the file),
broken encoding or quoting, a blank line (Arrow would read it as a row of empty cells,
where the Python reader skips it but counts it). Files as Kobo and ODK Central write
them are read here whole.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from scorecard.scorecards.exports.columnar import (
    _FLAG_TEXT,
    _YES_NO,
    SCORES,
    ColumnarValidator,
    _times,
    raw_json,
)
from scorecard.scorecards.exports.read import Export, FastReadRefused
from scorecard.scorecards.exports.rejects import Result
from scorecard.scorecards.exports.times import us_text
from scorecard.scorecards.exports.validate import _review_state

# bytes of CSV per block (~1,850 rows of the default template), one chunk for the writer:
# Arrow's reader holds some twenty times a block (measured: +45 MB at 1 MiB, +80 at 2 MiB)
BLOCK = 1 << 20
_blake2b = hashlib.blake2b
_quote = json.encoder.encode_basestring  # type: ignore[attr-defined]  # C; keeps non-ASCII
# an id cell read the same by ``columnar._uuid`` and the row validator, "uuid:" or not
_ID = r"^(uuid:)?[0-9A-Za-z._-]+$"
# a Kobo / ODK time both ``datetime.fromisoformat`` and Arrow read alike, with its offset
_TIME = (
    r"^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d"
    r"(\.\d{3}|\.\d{6})?[+-]([01]\d|2[0-3]):[0-5]\d$"
)
_NO_TIME = np.iinfo(np.int64).min
_NULL = pa.scalar(None, type=pa.string())
# what JSON escapes in a cell (``raw_json``), or COPY in a text
_JSON_ESCAPED = r'["\\\x00-\x1f]'


@dataclass
class Block:
    """One block of rows: the fast ones as Arrow arrays (their rows' order), every other
    valid or invalid row as the row validator's result."""

    rows: int  # rows read
    position: np.ndarray  # index of each fast row in the block
    fields: dict[str, pa.Array]  # stored field -> values of the fast rows
    slow: list[tuple[int, Result]]

    def __len__(self) -> int:
        return len(self.position)


def blocks(export: Export, opened: Callable[[], tuple[IO[bytes], Any]]) -> Iterator[pa.RecordBatch]:
    """The export's rows after the header, as Arrow batches of text columns named
    ``export.names``. ``opened`` gives the binary stream and what to close with it."""
    names = export.names
    if len(set(names)) != len(names) or not export.delimiter:
        raise FastReadRefused("column names repeat")
    stream, closing = opened()
    try:
        first = stream.readline().removeprefix(b"\xef\xbb\xbf")
        if not first.strip():
            raise FastReadRefused("blank lines before the header")
        if b"\r" in first.rstrip(b"\r\n"):  # lines ended by CR alone: this was not one line
            raise FastReadRefused("lines end in CR")
        read = pacsv.ReadOptions(column_names=names, block_size=BLOCK, use_threads=False)
        parse = pacsv.ParseOptions(
            delimiter=export.delimiter, newlines_in_values=True, ignore_empty_lines=False
        )
        convert = pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            null_values=[],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )
        try:
            reader = pacsv.open_csv(
                stream, read_options=read, parse_options=parse, convert_options=convert
            )
            yield from reader
        except pa.ArrowException as exc:
            raise FastReadRefused(str(exc)) from None
    finally:
        stream.close()
        if closing is not None:
            closing.close()


def _utf8(values: Sequence[Any] | pa.Array) -> pa.Array:
    return values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())


class ArrowValidator:
    """``ColumnarValidator``'s checks and stored fields for Arrow batches."""

    def __init__(self, columnar: ColumnarValidator, names: Sequence[str]) -> None:
        self.c = columnar
        self.names = list(names)

    def block(self, batch: pa.RecordBatch, first_row: int) -> Block:
        """Validate one batch whose first row is numbered ``first_row``."""
        c, v = self.c, self.c.rows
        n = batch.num_rows
        cols = dict(zip(self.names, batch.columns, strict=True))
        empty = pa.array([""] * n, type=pa.string())
        bad = np.zeros(n, dtype=bool)
        coded: dict[str, tuple[np.ndarray, list[str]]] = {}

        def col(name: str) -> pa.Array:
            return cols.get(name, empty)

        def codes(name: str, values: pa.Array | None = None) -> tuple[np.ndarray, list[str]]:
            if name not in coded:
                d = (col(name) if values is None else values).dictionary_encode()
                coded[name] = (d.indices.to_numpy(), d.dictionary.to_pylist())
            return coded[name]

        def mark(name: str, ok: Callable[[str], bool], values: pa.Array | None = None) -> None:
            idx, distinct = codes(name, values)
            wrong = [k for k, value in enumerate(distinct) if not ok(value)]
            if wrong:
                bad[np.isin(idx, wrong)] = True

        def mapped(name: str, f: Callable[[str], Any], kind: pa.DataType) -> pa.Array:
            """``f`` of each cell, once per distinct value (None for the values of rows
            flagged slow, which are dropped)."""
            idx, distinct = codes(name)
            return pa.array([_or_none(f, x) for x in distinct], type=kind).take(pa.array(idx))

        commune = cols["commune"]
        communes, villages = v.communes, v.villages
        # a row of empty cells is a blank line for Arrow: the Python reader numbers rows
        # past it differently, so the file goes to it
        blank = pc.equal(commune, "")
        if pc.any(blank).as_py():
            rest = [pc.equal(a, "") for a in batch.columns]
            if pc.any(pc.and_(blank, _all(rest))).as_py():
                raise FastReadRefused("a blank line")
        mark("commune", communes.__contains__)
        pair = pc.binary_join_element_wise(commune, col("village"), "\x1f")
        if villages:
            ok_pair: Callable[[str], bool] = lambda cv: _pair_ok(cv, villages)  # noqa: E731
        else:
            ok_pair = _pair_code_ok
        mark("\x1fpair", ok_pair, pair)
        mark("sex", v.sex.__contains__)
        low, high = v.min_age, v.max_age
        mark("age", lambda a: a.isdecimal() and low <= int(a) <= high)
        for name in ("disability", "minority"):
            mark(name, _YES_NO.__contains__)
        allowed_idpoor, allowed_change = v.idpoor | {""}, v.change | {""}
        mark("idpoor", allowed_idpoor.__contains__)
        mark("change", allowed_change.__contains__)
        mark("enumerator", lambda e: bool(e) and e.strip() == e)
        mark("overall", SCORES.__contains__)
        score_names = list(v.columns)
        for name in score_names:
            mark(name, SCORES.__contains__)
        id_name = self.names[c.id_idx] if c.id_idx is not None else None
        ids = col(id_name) if id_name else empty
        bad |= ~pc.match_substring_regex(ids, _ID).to_numpy(zero_copy_only=False)
        stable = _strip_prefix(ids)
        if c.instance_idx is not None:
            raw_instance = cols[self.names[c.instance_idx]]
            bad |= ~pc.match_substring_regex(raw_instance, _ID).to_numpy(zero_copy_only=False)
            instance = _strip_prefix(raw_instance)
        else:
            instance = stable
        if c.version_idx is not None:
            version_name = self.names[c.version_idx]
            mark(version_name, bool)
            version = mapped(version_name, str.strip, pa.string())
        else:
            version = empty
        if c.review_idx is not None:
            review_name = self.names[c.review_idx]
            states = {s: _review_state(s) if s else None for s in codes(review_name)[1]}
            mark(review_name, lambda s: states[s] != "rejected")
            review = mapped(review_name, lambda s: states[s] or "", pa.string())
        else:
            review = empty
        started, ended, start_g, end_g = self._times(col("start"), col("end"), bad)

        slow: list[tuple[int, Result]] = []
        if bad.any():
            rows = np.flatnonzero(bad)
            picked = pa.array(rows)
            cells = [a.take(picked).to_pylist() for a in batch.columns]
            for k, row_cells in zip(rows.tolist(), zip(*cells, strict=True), strict=True):
                slow.append((k, v(first_row + k, c.convert(list(row_cells)))))
            keep = pa.array(~bad)
            position = np.flatnonzero(~bad)
        else:
            keep = None
            position = np.arange(n)

        def fast(a: pa.Array) -> pa.Array:
            return a if keep is None else a.filter(keep)

        def age_of(a: str) -> int | None:  # in range only: a bad row's age may not fit int64
            return int(a) if a.isdecimal() and low <= int(a) <= high else None

        age = fast(mapped("age", age_of, pa.int64()))
        age_text = fast(mapped("age", lambda a: str(age_of(a)), pa.string()))
        flags = {
            name: (
                fast(mapped(name, _YES_NO.__getitem__, pa.bool_())),
                fast(mapped(name, _FLAG_TEXT.__getitem__, pa.string())),
            )
            for name in ("disability", "minority")
        }
        overall_t = fast(col("overall"))
        needs = [fast(mapped(f"{f}/needs", str.strip, pa.string())) for f in v.facilities]
        scores = [fast(col(name)) for name in score_names]
        commune_f, village_f = fast(commune), fast(col("village"))
        answers = [
            commune_f,
            village_f,
            fast(col("sex")),
            age_text,
            flags["disability"][1],
            flags["minority"][1],
            fast(col("idpoor")),
            fast(col("enumerator")),
            overall_t,
            fast(col("change")),
            fast(start_g),
            fast(end_g),
            *scores,
            *needs,
        ]
        joined = pc.binary_join_element_wise(*answers, "\x1f").cast(pa.binary())
        hashes = [_blake2b(b, digest_size=16).hexdigest() for b in joined.to_pylist()]
        chars = c.rating_chars
        ratings_cols = [fast(mapped(name, chars.__getitem__, pa.string())) for name in score_names]
        ratings = pc.binary_join_element_wise(*ratings_cols, "") if ratings_cols else fast(empty)
        fields = {
            "row": pa.array(position + first_row, type=pa.int64()),
            "stable_id": fast(stable),
            "instance_id": fast(instance),
            "content_hash": pa.array(hashes, type=pa.string()),
            "commune": commune_f,
            "village": pc.if_else(pc.equal(village_f, ""), _NULL, village_f),
            "sex": fast(col("sex")),
            "age": age,
            "disability": flags["disability"][0],
            "minority": flags["minority"][0],
            "idpoor": fast(col("idpoor")),
            "enumerator": fast(col("enumerator")),
            "overall": fast(mapped("overall", SCORES.__getitem__, pa.int64())),
            "overall_dk": pc.equal(overall_t, "dk"),
            "change": fast(col("change")),
            "ratings": ratings,
            "needs": self._needs(needs, len(position)),
            "started": fast(started),
            "ended": fast(ended),
            "form_version": fast(version),
            "review_state": fast(review),
            "raw": self._raw([fast(a) for a in batch.columns]),
        }
        return Block(n, position, fields, slow)

    def _times(
        self, start: pa.Array, end: pa.Array, bad: np.ndarray
    ) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array]:
        """Both columns as UTC text (null when empty) and as cells stripped (the content
        hash's input); rows with an unreadable or backwards pair are flagged."""
        both = [_arrow_time(start), _arrow_time(end)]
        if both[0] is not None and both[1] is not None:
            (s_text, a), (e_text, b) = both[0], both[1]
            bad |= (b < a) & (a != _NO_TIME) & (b != _NO_TIME)
            return s_text, e_text, start, end
        flagged = bytearray(len(bad))
        s_list, e_list = start.to_pylist(), end.to_pylist()
        s_utc, e_utc = _times(s_list, e_list, flagged, self.c.zone)
        bad |= np.frombuffer(bytes(flagged), dtype=np.uint8).astype(bool)
        return (
            _utf8(s_utc),
            _utf8(e_utc),
            _utf8([s.strip() for s in s_list]),
            _utf8([e.strip() for e in e_list]),
        )

    def _needs(self, needs: list[pa.Array], n: int) -> pa.Array:
        """Each row's needs as a JSON object (facility code -> text, the form's order)."""
        if not needs:
            return pa.array(["{}"] * n, type=pa.string())
        parts = []
        for head, a in zip(self.c.needs_head, needs, strict=True):
            d = a.dictionary_encode()
            quoted = [head + _quote(t) for t in d.dictionary.to_pylist()]
            parts.append(pa.array(quoted, type=pa.string()).take(d.indices))
        return pc.binary_join_element_wise("{", pc.binary_join_element_wise(*parts, ","), "}", "")

    @staticmethod
    def _raw(columns: list[pa.Array]) -> pa.Array:
        """``raw_json`` of each row: its cells joined, or ``json.dumps`` for a row with a
        character JSON escapes (looked for in the columns' bytes, then in the rows of the
        few columns that have one)."""
        if not columns:
            return pa.array([], type=pa.string())
        raw = pc.binary_join_element_wise(
            '["', pc.binary_join_element_wise(*columns, '","'), '"]', ""
        )
        odd = None
        for a in columns:
            if has_bytes(a, JSON_BYTES):
                found = pc.match_substring_regex(a, _JSON_ESCAPED)
                odd = found if odd is None else pc.or_(odd, found)
        if odd is not None and pc.any(odd).as_py():
            rows = np.flatnonzero(odd.to_numpy(zero_copy_only=False))
            cells = [a.take(pa.array(rows)).to_pylist() for a in columns]
            dumped = [raw_json(list(r)) for r in zip(*cells, strict=True)]
            mask = np.zeros(len(raw), dtype=bool)
            mask[rows] = True
            raw = pc.replace_with_mask(raw, pa.array(mask), pa.array(dumped, type=pa.string()))
        return raw


def byte_table(chars: str) -> np.ndarray:
    """A lookup table of the bytes of ASCII ``chars``, for ``has_bytes``."""
    table = np.zeros(256, dtype=bool)
    table[list(chars.encode())] = True
    return table


JSON_BYTES = byte_table('"\\' + "".join(map(chr, range(32))))


def has_bytes(a: pa.Array, table: np.ndarray) -> bool:
    """Whether any byte of a string array's data is in ``table`` (a whole scan of its
    data buffer, ~0.01 us a byte: far cheaper than a regular expression per value). The
    buffer of a sliced or filtered array may hold more than its values: a false alarm
    only costs the exact search after it."""
    data = a.buffers()[2]
    if data is None:
        return False
    return bool(table[np.frombuffer(data, dtype=np.uint8)].any())


def _or_none(f: Callable[[str], Any], value: str) -> Any:
    try:
        return f(value)
    except (KeyError, ValueError):
        return None


def _all(masks: list[pa.Array]) -> pa.Array:
    out = masks[0]
    for m in masks[1:]:
        out = pc.and_(out, m)
    return out


def _strip_prefix(ids: pa.Array) -> pa.Array:
    """``columnar._uuid`` of id cells that match ``_ID``: "uuid:" dropped."""
    return pc.if_else(pc.starts_with(ids, "uuid:"), pc.utf8_slice_codeunits(ids, 5), ids)


def _pair_ok(cv: str, villages: dict[str, str]) -> bool:
    c, v = cv.split("\x1f", 1)
    return not v or villages.get(v) == c


def _pair_code_ok(cv: str) -> bool:
    c, v = cv.split("\x1f", 1)
    return not v or (len(v) == 8 and v.isdigit() and v[:6] == c)


def _arrow_time(cells: pa.Array) -> tuple[pa.Array, np.ndarray] | None:
    """A column of Kobo / ODK times (empty cells allowed) as UTC text (null when empty)
    and microseconds since the epoch; None unless every cell is in the form ``_TIME``
    and a real date (30 February is not)."""
    present = pc.not_equal(cells, "")
    if not pc.all(pc.or_(pc.invert(present), pc.match_substring_regex(cells, _TIME))).as_py():
        return None
    try:
        stamps = pc.cast(pc.if_else(present, cells, _NULL), pa.timestamp("us", tz="UTC"))
    except pa.ArrowException:
        return None
    us = stamps.cast(pa.int64()).fill_null(_NO_TIME).to_numpy()
    given = us != _NO_TIME
    text = np.array([None] * len(us), dtype=object)
    if given.any():
        text[given] = us_text(us[given])
    return pa.array(text.tolist(), type=pa.string()), us


def opener(export: Export) -> Callable[[], tuple[IO[bytes], Any]]:
    """The binary stream of the export's CSV (inside its zip for ODK's ``.csv.zip``)."""

    def opened() -> tuple[IO[bytes], Any]:
        if not export.member:
            return Path(export.path).open("rb"), None
        zf = zipfile.ZipFile(export.path)
        return zf.open(export.member), zf

    return opened


__all__ = ["ArrowValidator", "Block", "FastReadRefused", "blocks", "opener"]
