"""A round's results table (the contract's ``scorecard results`` rows), from the cube.

Everything is a sum over ``RatingCount``: one query reads the round's cube, and numpy
adds its cells into a dense array ``[commune, question, group slot, level]`` (one
``bincount`` per level), where the group slots are every group of every breakdown in
the contract's order. The whole round (``all``) is the sum over communes. Figures then
come from the counts in bulk: ``stats.wilson_bounds`` for the intervals, and numpy for
the exact median (checked against ``stats.median_from_counts`` in the tests).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from itertools import repeat
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
CUBE_FIELDS = ("commune_id", "question", "sex", "youth", "disability", "minority", "idpoor")
LEVEL_FIELDS = ("n_1", "n_2", "n_3", "n_4", "n_5")


def min_cell() -> int:
    return int(settings.SCORECARD["MIN_CELL_SIZE"])  # type: ignore[call-overload]


def has_intervals(round_: Round) -> bool:
    """Only citizen surveys are samples; meetings and self-assessments get no interval."""
    return round_.mode == Round.Mode.SURVEY


def _codes(values: Sequence[str], groups: Sequence[str]) -> npt.NDArray[np.int64]:
    """Index of each value in groups, -1 when missing or unknown."""
    lookup = {g: i for i, g in enumerate(groups)}
    return np.fromiter((lookup.get(v, -1) for v in values), dtype=np.int64, count=len(values))


class Counts:
    """The round's counts per (commune or all, question, group slot, level 1..5)."""

    def __init__(self, round_: Round, commune: str | None = None) -> None:
        self.round = round_
        self.questions = questions_of(round_)  # (facility, question), overall first
        q_index = {q: i for i, (_, q) in enumerate(self.questions)}
        cells = RatingCount.objects.filter(round=round_)
        if commune:
            cells = cells.filter(commune_id=commune)
        # A plain cursor: Django's per-row overhead is most of the cost of ~1M cells.
        sql, params = cells.values_list(*CUBE_FIELDS, *LEVEL_FIELDS).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cube = cursor.fetchall()
        cube = [row for row in cube if row[1] in q_index]
        self.communes = sorted({row[0] for row in cube})
        c_index = {c: i for i, c in enumerate(self.communes)}
        n_q, n_s = len(self.questions), len(SLOTS)
        dense = np.zeros((len(self.communes), n_q, n_s, 5), dtype=np.int64)
        if cube:
            cols = list(zip(*cube, strict=True))
            c = np.fromiter((c_index[v] for v in cols[0]), dtype=np.int64, count=len(cube))
            q = np.fromiter((q_index[v] for v in cols[1]), dtype=np.int64, count=len(cube))
            levels = np.array(cols[7:12], dtype=np.int64).T  # (rows, 5)
            sex = _codes(cols[2], SEXES)
            youth = _codes(cols[3], YOUTH)
            slots = {
                "all": np.zeros(len(cube), dtype=np.int64),
                "sex": sex,
                "youth": youth,
                "disability": _codes(cols[4], YES_NO),
                "minority": _codes(cols[5], YES_NO),
                "idpoor": _codes(cols[6], IDPOOR),
                "sex_youth": np.where((sex >= 0) & (youth >= 0), sex * 2 + youth, -1),
            }
            base = (c * n_q + q) * n_s
            flat_parts, keep_parts = [], []
            for breakdown, group in slots.items():
                keep = group >= 0  # a missing value leaves the respondent out of this one
                flat_parts.append(base[keep] + _OFFSET[breakdown] + group[keep])
                keep_parts.append(np.flatnonzero(keep))
            flat = np.concatenate(flat_parts)
            rows = np.concatenate(keep_parts)
            size = dense[..., 0].size
            for level in range(5):
                weights = levels[rows, level]
                dense[..., level] = np.bincount(flat, weights=weights, minlength=size).reshape(
                    dense.shape[:3]
                )
        # "all" (the whole round) first, then the communes in code order
        self.places = ["all", *self.communes]
        self.dense = np.concatenate([dense.sum(axis=0, keepdims=True), dense])


def _medians(counts: npt.NDArray[np.int64]) -> list[float | None]:
    """Exact medians (tie: the mean of the two middle levels) for every row at once.

    The same rule as ``stats.median_from_counts(tie="mean")``, which is 15 us a call: too
    slow for the ~650,000 cells of a national round (tests/test_results.py checks that
    both agree on every cell).
    """
    if not len(counts):
        return []
    cumulative = counts.cumsum(axis=1)
    total = cumulative[:, -1:]
    low = 1 + (cumulative < (total + 1) // 2).sum(axis=1)
    high = 1 + (cumulative < total // 2 + 1).sum(axis=1)
    medians: list[float | None] = ((low + high) / 2).tolist()
    return medians


def _floats(values: npt.NDArray[np.float64] | None, size: int) -> list[float | None]:
    return [None] * size if values is None else values.tolist()


def round_results(
    round_: Round, public: bool = False, commune: str | None = None
) -> list[dict[str, Any]]:
    """The contract's results rows for every commune (and ``all``), question and group.

    With ``commune``, only that commune's rows (a page reads one commune's cells only).
    """
    data = Counts(round_, commune)
    threshold = int(round_.template.threshold)
    n_p, n_q, n_s, _ = data.dense.shape
    flat = data.dense.reshape(-1, 5)
    n_all = flat.sum(axis=1)
    keep = np.flatnonzero(n_all > 0)  # rows with n = 0 are left out
    counts, n = flat[keep], n_all[keep]
    p_idx, rest = np.divmod(keep, n_q * n_s)
    q_idx, s_idx = np.divmod(rest, n_s)
    satisfied = counts[:, threshold - 1 :].sum(axis=1)
    mean = (counts @ np.arange(1, 6)) / n
    share = satisfied / n
    low = high = None
    if has_intervals(round_):
        low, high = wilson_bounds(satisfied, n)
    suppressed = (n < min_cell()).tolist()
    size = len(keep)
    columns = {
        "n": n.tolist(),
        **{f"n_{k + 1}": counts[:, k].tolist() for k in range(5)},
        "mean": mean.tolist(),
        "median": _medians(counts),
        "satisfied_n": satisfied.tolist(),
        "satisfied_share": share.tolist(),
        "ci_low": _floats(low, size),
        "ci_high": _floats(high, size),
    }
    places, questions, code = data.places, data.questions, round_.code
    if commune:  # "all" is then the commune itself: skip it
        keep_rows = p_idx > 0
        p_idx, q_idx, s_idx = p_idx[keep_rows], q_idx[keep_rows], s_idx[keep_rows]
        index = np.flatnonzero(keep_rows).tolist()
        columns = {name: [values[i] for i in index] for name, values in columns.items()}
        suppressed = [suppressed[i] for i in index]
    # Column lists zipped into dicts at the end: a national round has ~500,000 rows, and
    # one dict(zip(...)) per row costs a third of filling each row key by key.
    if public:
        hidden = [i for i, small in enumerate(suppressed) if small]
        for values in columns.values():
            for i in hidden:
                values[i] = None
    facility_of = [f for f, _ in questions]
    indicator_of = [q for _, q in questions]
    q_list, s_list = q_idx.tolist(), s_idx.tolist()
    return [
        dict(zip(COLUMNS, values, strict=True))
        for values in zip(
            repeat(code, len(q_list)),
            [places[p] for p in p_idx.tolist()],
            [facility_of[q] for q in q_list],
            [indicator_of[q] for q in q_list],
            [SLOTS[s][0] for s in s_list],
            [SLOTS[s][1] for s in s_list],
            *(columns[name] for name in NUMERIC),
            suppressed,
            strict=True,
        )
    ]


# --- Writing rows ------------------------------------------------------------------------


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
