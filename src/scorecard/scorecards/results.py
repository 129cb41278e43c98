"""A round's results table (the contract's ``scorecard results`` rows), from the cube.

Everything is a sum over ``RatingCount``: one query reads the round's cube (its text
columns coded as integers in SQL, one text of numbers per commune that numpy parses),
and numpy adds its cells into a dense array ``[commune, question, group slot, level]``
(one ``bincount`` per level), where the group slots are every group of every breakdown
in the contract's order. The whole round (``all``) is the sum over communes (for its
summary alone, ``commune=ALL``, summed in SQL over communes). Figures then
come from the counts in bulk: ``stats.wilson_bounds`` for the intervals, and numpy for
the exact median (checked against ``stats.median_from_counts`` in the tests).

The rows are kept as columns (:class:`Table`): ``scorecard results`` writes a national
round's ~600,000 rows as CSV straight from them; :func:`round_results` gives one dict per
row to the pages, reports and the API.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import connection

from scorecard.scorecards.cube import questions_of
from scorecard.scorecards.models import RatingCount, Round
from scorecard.stats import wilson_bounds

COLUMNS = [
    "round",
    "commune",
    "facility",
    "indicator",
    "breakdown",
    "group",
    "n",
    "n_1",
    "n_2",
    "n_3",
    "n_4",
    "n_5",
    "mean",
    "median",
    "satisfied_n",
    "satisfied_share",
    "ci_low",
    "ci_high",
    "suppressed",
]
NUMERIC = [c for c in COLUMNS[6:] if c != "suppressed"]

SEXES = ("female", "male", "other")
YOUTH = ("youth", "non_youth")
YES_NO = ("yes", "no")
IDPOOR = ("level1", "level2", "none")
# breakdown -> its groups, in the contract's order (sex_youth is sex x youth, sex first)
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "all": ("all",),
    "sex": SEXES,
    "youth": YOUTH,
    "disability": YES_NO,
    "minority": YES_NO,
    "idpoor": IDPOOR,
    "sex_youth": tuple(f"{s}+{y}" for s in SEXES for y in YOUTH),
}
SLOTS: list[tuple[str, str]] = [(b, g) for b, groups in BREAKDOWNS.items() for g in groups]
_OFFSET = {}
_k = 0
for _b, _groups in BREAKDOWNS.items():
    _OFFSET[_b] = _k
    _k += len(_groups)
LEVEL_FIELDS = ("n_1", "n_2", "n_3", "n_4", "n_5")
ALL = "all"  # the whole round's place; as ``commune=``, the whole round's rows only


def min_cell() -> int:
    return int(settings.SCORECARD["MIN_CELL_SIZE"])  # type: ignore[call-overload]


def has_intervals(round_: Round) -> bool:
    """Only citizen surveys are samples; meetings and self-assessments get no interval."""
    return round_.mode == Round.Mode.SURVEY


# The cube's text columns, each coded in SQL as its group's index (-1: missing or
# unknown, which leaves the respondent out of that breakdown), in this order.
PROFILE_CODES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sex", SEXES),
    ("youth", YOUTH),
    ("disability", YES_NO),
    ("minority", YES_NO),
    ("idpoor", IDPOOR),
)
_AGGREGATE = {"postgresql": "string_agg({}, ',')"}  # every other database: group_concat


def _case(column: str, values: Sequence[str]) -> tuple[str, list[str]]:
    whens = " ".join(f"WHEN %s THEN {i}" for i in range(len(values)))
    return f"CASE {connection.ops.quote_name(column)} {whens} ELSE -1 END", list(values)


def _profile_sql() -> tuple[str, list[str]]:
    """The profile columns as one mixed-radix integer (each digit its group index + 1)."""
    profile, params = "0", []
    for column, groups in PROFILE_CODES:
        case, values = _case(column, groups)
        profile = f"({profile}) * {len(groups) + 1} + ({case}) + 1"
        params += values
    return profile, params


def _cube_sql(
    round_: Round, questions: Sequence[str], commune: str | None
) -> tuple[str, list[Any]]:
    """One row per commune: its cube cells as one text of integers, seven per cell
    (question index, profile code, n_1..n_5).

    A national round has millions of cells; fetched as Python tuples of strings they
    took most of the time and gigabytes of memory. SQL codes the strings as integers
    (the profile as one mixed-radix number) and joins them into one text per commune,
    which numpy parses in C.
    """
    q_case, values = _case("question", questions)
    profile, profile_params = _profile_sql()
    params: list[Any] = [*values, *profile_params]
    levels = " || ',' || ".join(connection.ops.quote_name(f) for f in LEVEL_FIELDS)
    cell = f"({q_case}) || ',' || ({profile}) || ',' || {levels}"
    aggregate = _AGGREGATE.get(connection.vendor, "group_concat({}, ',')").format(cell)
    table = connection.ops.quote_name(RatingCount._meta.db_table)
    where = "round_id = %s" + (" AND commune_id = %s" if commune else "")
    params += [round_.pk, *([commune] if commune else [])]
    sql = f"SELECT commune_id, {aggregate} FROM {table} WHERE {where} GROUP BY commune_id"  # noqa: S608 - our own names; values are parameters
    return sql, params


def _profile_groups(code: npt.NDArray[np.int64]) -> dict[str, npt.NDArray[np.int64]]:
    """Each breakdown's group index (-1: left out) from the SQL profile code."""
    groups: dict[str, npt.NDArray[np.int64]] = {}
    for column, values in reversed(PROFILE_CODES):
        code, digit = np.divmod(code, len(values) + 1)
        groups[column] = digit - 1
    sex, youth = groups["sex"], groups["youth"]
    groups["sex_youth"] = np.where((sex >= 0) & (youth >= 0), sex * 2 + youth, -1)
    return groups


def _add_up(
    cube: npt.NDArray[np.int64], c: npt.NDArray[np.int64], shape: tuple[int, ...]
) -> npt.NDArray[np.int64]:
    """Dense counts ``[place, question, group slot, level]`` from cells (seven integers
    each, see :func:`_cube_sql`) of place ``c``."""
    dense = np.zeros((*shape, 5), dtype=np.int64)
    if not len(cube):
        return dense
    n_q, n_s = shape[1], shape[2]
    known = cube[:, 0] >= 0  # a question no longer in the template: not counted
    cube, c = cube[known], c[known]
    base = (c * n_q + cube[:, 0]) * n_s
    groups = {"all": np.zeros(len(cube), dtype=np.int64), **_profile_groups(cube[:, 1])}
    flat_parts, keep_parts = [], []
    for breakdown in BREAKDOWNS:
        group = groups[breakdown]
        keep = group >= 0  # a missing value leaves the respondent out of this one
        flat_parts.append(base[keep] + _OFFSET[breakdown] + group[keep])
        keep_parts.append(np.flatnonzero(keep))
    flat = np.concatenate(flat_parts)
    rows = np.concatenate(keep_parts)
    size = dense[..., 0].size
    for level in range(5):
        counted = np.bincount(flat, weights=cube[rows, 2 + level], minlength=size)
        dense[..., level] = counted.reshape(shape)
    return dense


class Counts:
    """The round's counts per (commune or all, question, group slot, level 1..5): for
    every commune and ``all`` (``commune`` None), one commune, or ``ALL`` only."""

    def __init__(self, round_: Round, commune: str | None = None) -> None:
        self.round = round_
        self.questions = questions_of(round_)  # (facility, question), overall first
        codes = [q for _, q in self.questions]
        n_q, n_s = len(self.questions), len(SLOTS)
        if commune == ALL:
            self.communes: list[str] = []
            self.places = [ALL]
            from scorecard.scorecards.summary import summary_cells  # it reads this module

            cells = summary_cells(round_, codes)
            self.dense = _add_up(cells, np.zeros(len(cells), dtype=np.int64), (1, n_q, n_s))
            return
        with connection.cursor() as cursor:
            cursor.execute(*_cube_sql(round_, codes, commune))
            texts = sorted(cursor.fetchall())
        self.communes = [str(c) for c, _ in texts]
        parsed = [np.fromstring(text, dtype=np.int64, sep=",").reshape(-1, 7) for _, text in texts]
        cube = np.concatenate(parsed) if parsed else np.zeros((0, 7), dtype=np.int64)
        c = np.repeat(np.arange(len(parsed)), [len(cells) for cells in parsed])
        dense = _add_up(cube, c, (len(self.communes), n_q, n_s))
        # "all" (the whole round) first, then the communes in code order
        self.places = [ALL, *self.communes]
        self.dense = np.concatenate([dense.sum(axis=0, keepdims=True), dense])


def _medians(counts: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Exact medians (tie: the mean of the two middle levels) for every row at once.

    The same rule as ``stats.median_from_counts(tie="mean")``, which is 15 us a call: too
    slow for the ~650,000 cells of a national round (tests/test_results.py checks that
    both agree on every cell).
    """
    if not len(counts):
        return np.zeros(0)
    cumulative = counts.cumsum(axis=1)
    total = cumulative[:, -1:]
    low = 1 + (cumulative < (total + 1) // 2).sum(axis=1)
    high = 1 + (cumulative < total // 2 + 1).sum(axis=1)
    return (low + high) / 2


@dataclass
class Figures:
    """One round's results as columns: a row per non-empty (place, question, group slot)."""

    code: str
    places: list[str]  # "all", then the communes in code order
    questions: list[tuple[str, str]]  # (facility, question)
    place: npt.NDArray[np.int64]  # per row: index into places
    question: npt.NDArray[np.int64]
    slot: npt.NDArray[np.int64]  # index into SLOTS
    counts: npt.NDArray[np.int64]  # (rows, 5)
    n: npt.NDArray[np.int64]
    satisfied: npt.NDArray[np.int64]
    low: npt.NDArray[np.float64] | None  # Wilson limits; None when not a sample
    high: npt.NDArray[np.float64] | None

    @property
    def share(self) -> npt.NDArray[np.float64]:
        return self.satisfied / self.n

    def take(self, rows: npt.NDArray[np.int64]) -> Figures:
        def pick(values: Any) -> Any:
            return None if values is None else values[rows]

        return replace(
            self,
            place=self.place[rows],
            question=self.question[rows],
            slot=self.slot[rows],
            counts=self.counts[rows],
            n=self.n[rows],
            satisfied=self.satisfied[rows],
            low=pick(self.low),
            high=pick(self.high),
        )


def round_figures(round_: Round, commune: str | None = None) -> Figures:
    """The figures of every non-empty cell; with ``commune``, that commune's only (with
    ``ALL``, the whole round's only)."""
    data = Counts(round_, commune)
    n_p, n_q, n_s, _ = data.dense.shape
    flat = data.dense.reshape(-1, 5)
    n_all = flat.sum(axis=1)
    keep = np.flatnonzero(n_all > 0)  # rows with n = 0 are left out
    if commune and commune != ALL:  # "all" is then the commune itself: skip it
        keep = keep[keep >= n_q * n_s]
    counts, n = flat[keep], n_all[keep]
    place, rest = np.divmod(keep, n_q * n_s)
    question, slot = np.divmod(rest, n_s)
    satisfied = counts[:, int(round_.template.threshold) - 1 :].sum(axis=1)
    low = high = None
    if has_intervals(round_) and len(n):
        low, high = wilson_bounds(satisfied, n)
    elif has_intervals(round_):
        low = high = np.zeros(0)
    return Figures(
        round_.code, data.places, data.questions, place, question, slot, counts, n, satisfied,
        low, high,
    )  # fmt: skip


def results_table(round_: Round, public: bool = False, commune: str | None = None) -> Table:
    """The contract's results rows as columns (for CSV without a dict per row)."""
    return figures_table(round_figures(round_, commune), public)


def key_columns(
    code: str,
    places: Sequence[str],
    questions: Sequence[tuple[str, str]],
    place: npt.NDArray[np.int64],
    question: npt.NDArray[np.int64],
    slot: npt.NDArray[np.int64],
) -> dict[str, Column]:
    """The contract's key columns (round .. group) of rows given as index arrays."""
    return {
        "round": Text([code], np.zeros(len(place), dtype=np.int64)),
        "commune": Text(places, place),
        "facility": Text([q[0] for q in questions], question),
        "indicator": Text([q[1] for q in questions], question),
        "breakdown": Text([s[0] for s in SLOTS], slot),
        "group": Text([s[1] for s in SLOTS], slot),
    }


def figures_table(f: Figures, public: bool = False) -> Table:
    counts = f.counts
    suppressed = f.n < min_cell()
    data: dict[str, Column] = {
        **key_columns(f.code, f.places, f.questions, f.place, f.question, f.slot),
        "n": f.n,
        **{f"n_{k + 1}": counts[:, k] for k in range(5)},
        "mean": (counts @ np.arange(1, 6)) / f.n,
        "median": _medians(counts),
        "satisfied_n": f.satisfied,
        "satisfied_share": f.share,
        "ci_low": f.low,
        "ci_high": f.high,
        "suppressed": suppressed,
    }
    return Table(COLUMNS, data, hidden=suppressed if public else None, hideable=NUMERIC)


def round_results(
    round_: Round, public: bool = False, commune: str | None = None
) -> list[dict[str, Any]]:
    """The contract's results rows for every commune (and ``all``), question and group.

    With ``commune``, only that commune's rows (a page reads one commune's cells only);
    with ``ALL``, only the whole round's rows (summed over communes in SQL). The bulk writers (``scorecard results``) use :func:`results_table` instead.
    """
    return results_table(round_, public, commune).rows()


# --- Writing rows ------------------------------------------------------------------------


@dataclass
class Text:
    """A text column stored as codes into its few distinct labels."""

    labels: Sequence[str]
    codes: npt.NDArray[np.int64]


# A column: text, numbers (float NaN is a blank cell), booleans, or None (all blank).
Column = Text | npt.NDArray[Any] | None


@dataclass
class Table:
    """A contract table as columns, so that a national round's ~550,000 rows are written
    as CSV without building a dict per row (which was most of the time and memory);
    :meth:`rows` gives the dicts for the callers that want them (pages, API, JSON).

    ``hidden`` (public outputs) blanks the ``hideable`` columns of those rows.
    """

    columns: Sequence[str]
    data: dict[str, Column]
    hidden: npt.NDArray[np.bool_] | None = None
    hideable: Sequence[str] = ()
    size: int = field(init=False)

    def __post_init__(self) -> None:
        sizes = {
            len(c.codes if isinstance(c, Text) else c) for c in self.data.values() if c is not None
        }
        if len(sizes) > 1:
            raise ValueError(f"columns of different lengths: {sorted(sizes)}")
        self.size = sizes.pop() if sizes else 0

    def __len__(self) -> int:
        return self.size

    def _hidden_rows(self, name: str, start: int, stop: int) -> list[int]:
        if self.hidden is None or name not in self.hideable:
            return []
        rows: list[int] = np.flatnonzero(self.hidden[start:stop]).tolist()
        return rows

    def values(self, name: str) -> list[Any]:
        """One column as Python values, None for a blank cell."""
        column = self.data[name]
        if column is None:
            return [None] * self.size
        if isinstance(column, Text):
            labels = list(column.labels)
            return [labels[i] for i in column.codes.tolist()]
        values: list[Any] = column.tolist()
        if column.dtype.kind == "f":
            for i in np.flatnonzero(np.isnan(column)).tolist():
                values[i] = None
        for i in self._hidden_rows(name, 0, self.size):
            values[i] = None
        return values

    def rows(self) -> list[dict[str, Any]]:
        columns = list(self.columns)
        return [
            dict(zip(columns, values, strict=True))
            for values in zip(*(self.values(c) for c in columns), strict=True)
        ]

    def _cells(self, name: str, start: int, stop: int) -> list[str]:
        """CSV cells of one column's rows start..stop, as :func:`cell` writes them."""
        column = self.data[name]
        if column is None:
            return [""] * (stop - start)
        if isinstance(column, Text):
            quoted = np.array([_quote(v) for v in column.labels], dtype=object)
            texts: list[str] = quoted[column.codes[start:stop]].tolist()
            return texts
        part = column[start:stop]
        if part.dtype.kind == "b":
            cells: list[str] = np.where(part, "true", "false").tolist()
        elif part.dtype.kind == "f":
            cells = list(map(repr, part.tolist()))
            for i in np.flatnonzero(np.isnan(part)).tolist():
                cells[i] = ""
        else:
            cells = list(map(str, part.tolist()))
        for i in self._hidden_rows(name, start, stop):
            cells[i] = ""
        return cells

    def csv_parts(self, bom: bool = False, chunk: int = 50_000) -> Iterator[str]:
        """The CSV text (the same bytes as :func:`to_csv` of :meth:`rows`), a chunk at a
        time so that memory stays at one chunk's cells."""
        yield ("\ufeff" if bom else "") + ",".join(_quote(c) for c in self.columns) + "\r\n"
        for start in range(0, self.size, chunk):
            stop = min(self.size, start + chunk)
            cells = [self._cells(name, start, stop) for name in self.columns]
            yield "".join([",".join(row) + "\r\n" for row in zip(*cells, strict=True)])

    def to_csv(self, bom: bool = False) -> str:
        return "".join(self.csv_parts(bom))


def _quote(value: str) -> str:
    """One text cell as the csv module quotes it (only when it must)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([value, ""])
    return buffer.getvalue()[:-3]


def cell(value: Any) -> str:
    """A CSV cell: blank for None, true/false, numbers unrounded (repr of the float)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], bom: bool = False) -> str:
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row[c]) for c in columns])
    return buffer.getvalue()


def to_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, allow_nan=False)


def to_xlsx(rows: Iterable[dict[str, Any]], columns: Sequence[str], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "results")
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row[c] for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
