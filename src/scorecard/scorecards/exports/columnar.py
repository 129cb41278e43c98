"""Validate export rows a batch at a time, column by column (pure: no database).

The row validator (``validate.RowValidator``) costs ~50 us a row: a dict per row and a
few dozen Python operations per cell. Here a batch of rows is transposed into columns and
each column is checked once per *distinct* value (a commune, an age, a score: a handful of
values per batch), so a clean row costs a few microseconds.

The fast path only ever accepts a row the row validator would accept with the very same
values: every cell must already be in its canonical form (no stray spaces, lower case,
no sign on the age, the first id column filled, ...). Any other row, valid or not, goes
to the row validator itself, so messages and normalisation have one definition.
``tests/test_import_columnar.py`` imports the same files both ways and compares every
stored field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Any

import numpy as np

from scorecard.scorecards.exports.read import ID_COLUMNS
from scorecard.scorecards.exports.rejects import Result
from scorecard.scorecards.exports.times import iso_utc, utc_text
from scorecard.scorecards.exports.validate import (
    REVIEW_COLUMNS,
    VERSION_COLUMNS,
    RowValidator,
    _review_state,
    strip_uuid,
)
from scorecard.scorecards.spec import FormSpec

SCORES: dict[str, int | None] = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "dk": None, "": None}
_YES_NO: dict[str, bool | None] = {"": None, "yes": True, "no": False}
_FLAG_TEXT = {"": "", "yes": "1", "no": "0"}
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_fromiso = dt.datetime.fromisoformat
_blake2b = hashlib.blake2b
_NO_TIME = np.iinfo(np.int64).min  # ``iso_utc``'s empty cell
_quote = json.encoder.encode_basestring  # type: ignore[attr-defined]  # C; keeps non-ASCII


# what ``json.dumps`` escapes (with ensure_ascii=False): quotes, backslashes, controls
_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')


def raw_json(cells: list[str]) -> str:
    """``json.dumps(cells)`` as the import stores it (compact, non-ASCII kept), ~5x faster
    for the usual row: when no cell needs escaping the cells are joined as they are."""
    if not cells:
        return "[]"
    if _JSON_ESCAPED.search("".join(cells)):
        return _dumps(cells)
    return '["' + '","'.join(cells) + '"]'


def raw_json_rows(rows: list[list[str]]) -> list[str]:
    """``raw_json`` of many rows: when no cell of the batch needs escaping (one search of
    all their text), each row is its cells joined."""
    if _JSON_ESCAPED.search("".join(["".join(cells) for cells in rows])):
        return [raw_json(cells) for cells in rows]
    joined = map('","'.join, rows)
    return [f'["{j}"]' if cells else "[]" for j, cells in zip(joined, rows, strict=True)]


def _needs_json(heads: list[str], columns: list[list[str]]) -> list[str]:
    """The needs texts of each row as a JSON object (facility code -> text, in the form's
    order), each distinct text quoted once."""
    last = len(columns) - 1
    parts = []
    for k, (head, column) in enumerate(zip(heads, columns, strict=True)):
        quoted = {t: head + _quote(t) for t in set(column)}
        if k == 0:
            quoted = {t: "{" + q for t, q in quoted.items()}
        if k == last:
            quoted = {t: q + "}" for t, q in quoted.items()}
        parts.append(list(map(quoted.__getitem__, column)))
    return list(map(",".join, zip(*parts, strict=True)))


@dataclass
class Columns:
    """The fast rows of one batch, one list per field (in the rows' order)."""

    position: list[int]  # index of each fast row in the batch
    row: list[int]
    stable_id: list[str]
    instance_id: list[str]
    content_hash: list[str]
    commune: list[str]
    village: list[str | None]
    sex: list[str]
    age: list[int]
    disability: list[bool | None]
    minority: list[bool | None]
    idpoor: list[str]  # "" when empty (as stored)
    enumerator: list[str]
    overall: list[int | None]
    overall_dk: list[bool]
    change: list[str]  # "" when empty
    ratings: list[str]  # one character per indicator (see ``ColumnarValidator``)
    needs: list[str]  # JSON of facility code -> text
    started: list[str | None]  # UTC text (``exports.times``)
    ended: list[str | None]
    form_version: list[str]
    review_state: list[str]  # "" when none
    raw: list[str]  # JSON list of the cells

    def __len__(self) -> int:
        return len(self.position)


@dataclass
class Batch:
    """One batch: the fast rows as columns, every other row as the row validator's result."""

    fast: Columns
    slow: list[tuple[int, Result]]  # (index in the batch, ParsedResponse or errors)


class ColumnarValidator:
    """Validates batches of ``(row_number, cells)`` whose cells map one to one onto
    ``names`` (``Export.records()``). ``rating_chars`` maps a score cell to its character
    in the stored ratings string ("1".."5", don't know, no answer)."""

    def __init__(
        self,
        spec: FormSpec,
        names: Sequence[str],
        convert: Callable[[list[str]], dict[str, str]],
        rating_chars: dict[str, str],
        zone: dt.tzinfo = dt.UTC,
    ) -> None:
        self.rows = RowValidator(spec, names)
        self.convert = convert
        self.width = len(names)
        index = {n: i for i, n in enumerate(names)}
        self.index = index
        v = self.rows
        self.score_idx = [index[c] for c in v.columns]
        self.needs_idx = [index.get(f"{f}/needs") for f in v.facilities]
        self.needs_head = [f"{_dumps(f)}:" for f in v.facilities]
        self.id_idx = next((index[c] for c in ID_COLUMNS if c in index), None)
        self.instance_idx = next(
            (index[c] for c in ("meta/instanceID", "KEY", "_uuid") if c in index), None
        )
        self.version_idx = next((index[c] for c in VERSION_COLUMNS if c in index), None)
        self.review_idx = next((index[c] for c in REVIEW_COLUMNS if c in index), None)
        self.rating_chars = rating_chars
        self.zone = zone  # of times written without a UTC offset

    # ------------------------------------------------------------------ helpers

    def _col(self, columns: list[tuple[str, ...]], name: str, n: int) -> Sequence[str]:
        i = self.index.get(name)
        return columns[i] if i is not None else ("",) * n

    @staticmethod
    def _mark(bad: bytearray, column: Sequence[Any], ok: Callable[[Any], bool]) -> None:
        """Flag the rows whose value fails ``ok`` (tested once per distinct value)."""
        wrong = {v for v in set(column) if not ok(v)}
        if wrong:
            for i, v in enumerate(column):
                if v in wrong:
                    bad[i] = 1

    # ------------------------------------------------------------------ a batch

    def batch(self, records: list[tuple[int, list[str]]]) -> Batch:
        width = self.width
        slow: list[tuple[int, Result]] = []
        candidates = [k for k, (_, cells) in enumerate(records) if len(cells) == width]
        if len(candidates) != len(records):
            keep = set(candidates)
            for k, (n, cells) in enumerate(records):
                if k not in keep:
                    slow.append((k, self.rows(n, self.convert(cells))))
        cells_list = [records[k][1] for k in candidates]
        count = len(cells_list)
        if not count:
            return Batch(_empty(), sorted(slow, key=lambda s: s[0]))
        columns: list[tuple[str, ...]] = list(zip(*cells_list, strict=True))
        bad = bytearray(count)
        v = self.rows
        mark = self._mark

        commune = columns[self.index["commune"]]
        communes = v.communes
        mark(bad, commune, communes.__contains__)
        village = self._col(columns, "village", count)
        villages = v.villages
        if villages:
            mark(
                bad, list(zip(commune, village, strict=True)), lambda cv: _village_ok(cv, villages)
            )
        else:
            mark(bad, list(zip(commune, village, strict=True)), _village_code_ok)
        sex = columns[self.index["sex"]]
        mark(bad, sex, v.sex.__contains__)
        age_text = columns[self.index["age"]]
        low, high = v.min_age, v.max_age
        mark(bad, age_text, lambda a: a.isdecimal() and low <= int(a) <= high)
        disability = self._col(columns, "disability", count)
        minority = self._col(columns, "minority", count)
        mark(bad, disability, _YES_NO.__contains__)
        mark(bad, minority, _YES_NO.__contains__)
        idpoor = self._col(columns, "idpoor", count)
        allowed_idpoor = v.idpoor | {""}
        mark(bad, idpoor, allowed_idpoor.__contains__)
        change = self._col(columns, "change", count)
        allowed_change = v.change | {""}
        mark(bad, change, allowed_change.__contains__)
        enumerator = columns[self.index["enumerator"]]
        mark(bad, enumerator, lambda e: bool(e) and e.strip() == e)
        overall = columns[self.index["overall"]]
        mark(bad, overall, SCORES.__contains__)
        scores = [columns[i] for i in self.score_idx]
        for col in scores:
            mark(bad, col, SCORES.__contains__)
        ids = columns[self.id_idx] if self.id_idx is not None else ("",) * count
        stable = [_uuid(s) for s in ids]
        mark(bad, stable, bool)
        if self.instance_idx is not None:
            instance_raw = columns[self.instance_idx]
            mark(bad, instance_raw, bool)
            instance = [_uuid(s) for s in instance_raw]
            instance = [i or s for i, s in zip(instance, stable, strict=True)]
        else:
            instance = stable
        if self.version_idx is not None:
            version_raw = columns[self.version_idx]
            mark(bad, version_raw, bool)
            version: Sequence[str] = [s.strip() for s in version_raw]
        else:
            version = ("",) * count
        if self.review_idx is not None:
            review_raw = columns[self.review_idx]
            states = {s: _review_state(s) if s else None for s in set(review_raw)}
            mark(bad, review_raw, lambda s: states[s] != "rejected")
            review: Sequence[str] = [states[s] or "" for s in review_raw]
        else:
            review = ("",) * count
        start_text = self._col(columns, "start", count)
        end_text = self._col(columns, "end", count)
        started, ended = _times(start_text, end_text, bad, self.zone)

        # the slow rows, through the row validator (exact messages and normalisation)
        if any(bad):
            for j in compress(range(count), bad):
                k = candidates[j]
                n, cells = records[k]
                slow.append((k, v(n, self.convert(cells))))
            slow.sort(key=lambda s: s[0])
        pick: Callable[[Sequence[Any]], Sequence[Any]]
        if slow:
            good = [not b for b in bad]
            pick = lambda col: list(compress(col, good))  # noqa: E731
            fast_pos = [candidates[j] for j in compress(range(count), good)]
        else:  # the usual batch: every row is fast, the columns are used as they are
            pick = lambda col: col  # noqa: E731
            fast_pos = candidates

        age_t = pick(age_text)
        ages_by_text = {a: int(a) for a in set(age_t)}
        age = [ages_by_text[a] for a in age_t]
        commune_g, village_g, sex_g = pick(commune), pick(village), pick(sex)
        dis_t, min_t = pick(disability), pick(minority)
        idpoor_g, change_g, enum_g, overall_t = (
            pick(idpoor),
            pick(change),
            pick(enumerator),
            pick(overall),
        )
        score_g = [pick(c) for c in scores]
        needs_g = [
            [t.strip() for t in pick(columns[i])] if i is not None else [""] * len(fast_pos)
            for i in self.needs_idx
        ]
        start_g = [s.strip() for s in pick(start_text)]
        end_g = [s.strip() for s in pick(end_text)]
        age_str = {a: str(n) for a, n in ages_by_text.items()}
        answers = zip(
            commune_g,
            [c or "" for c in village_g],
            sex_g,
            [age_str[a] for a in age_t],
            [_FLAG_TEXT[d] for d in dis_t],
            [_FLAG_TEXT[m] for m in min_t],
            idpoor_g,
            enum_g,
            overall_t,
            change_g,
            start_g,
            end_g,
            *score_g,
            *needs_g,
            strict=True,
        )
        hashes = [_blake2b("\x1f".join(a).encode(), digest_size=16).hexdigest() for a in answers]
        char = self.rating_chars.__getitem__
        ratings = (
            list(map("".join, zip(*[map(char, col) for col in score_g], strict=True)))
            if score_g
            else [""] * len(hashes)
        )
        needs = _needs_json(self.needs_head, needs_g) if needs_g else ["{}"] * len(hashes)
        fast = Columns(
            position=fast_pos,
            row=[records[k][0] for k in fast_pos],
            stable_id=list(pick(stable)),
            instance_id=list(pick(instance)),
            content_hash=hashes,
            commune=list(commune_g),
            village=[c or None for c in village_g],
            sex=list(sex_g),
            age=age,
            disability=[_YES_NO[d] for d in dis_t],
            minority=[_YES_NO[m] for m in min_t],
            idpoor=list(idpoor_g),
            enumerator=list(enum_g),
            overall=[SCORES[o] for o in overall_t],
            overall_dk=[o == "dk" for o in overall_t],
            change=list(change_g),
            ratings=ratings,
            needs=needs,
            started=list(pick(started)),
            ended=list(pick(ended)),
            form_version=list(pick(version)),
            review_state=list(pick(review)),
            raw=raw_json_rows([records[k][1] for k in fast_pos]),
        )
        return Batch(fast, slow)


def _uuid(value: str) -> str:
    """The row validator's reading of an id cell (``uuid:`` dropped)."""
    if value[:5] == "uuid:" and value[-1:] != " ":
        return value[5:]
    return strip_uuid(value)


def _village_ok(cv: tuple[str, str], villages: dict[str, str]) -> bool:
    c, v = cv
    return not v or villages.get(v) == c


def _village_code_ok(cv: tuple[str, str]) -> bool:
    c, v = cv
    return not v or (len(v) == 8 and v.isdigit() and v[:6] == c)


def _times(
    start: Sequence[str], end: Sequence[str], bad: bytearray, zone: dt.tzinfo
) -> tuple[list[str | None], list[str | None]]:
    """Both columns as UTC text; a row with an unreadable or backwards pair is flagged."""
    fast_start, fast_end = iso_utc(start), iso_utc(end)
    if fast_start is not None and fast_end is not None:
        (start_text, a), (end_text, b) = fast_start, fast_end
        for i in np.flatnonzero((b < a) & (a != _NO_TIME) & (b != _NO_TIME)).tolist():
            bad[i] = 1
        return start_text, end_text
    started: list[dt.datetime | None] = []
    ended: list[dt.datetime | None] = []
    for i, (s, e) in enumerate(zip(start, end, strict=True)):
        try:
            x = _fromiso(s) if s else None
            y = _fromiso(e) if e else None
            if x is not None and y is not None and y < x:
                bad[i] = 1
        except (ValueError, TypeError):  # unreadable, or one with a time zone, one without
            bad[i] = 1
            x = y = None
        started.append(x)
        ended.append(y)
    return utc_text(started, zone), utc_text(ended, zone)


def _empty() -> Columns:
    return Columns(*([] for _ in range(23)))


__all__ = ["Batch", "ColumnarValidator", "Columns", "raw_json"]
