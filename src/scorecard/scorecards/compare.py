"""Change between two rounds (the contract's ``scorecard compare`` rows).

Rows are matched by (commune, facility, indicator, breakdown, group); when the later
round uses another template version, an indicator is matched to the one it rewords
(its ``predecessor`` chain) in the baseline's version. A cell present in only one round
gives no row. The interval (Newcombe's hybrid score) and the pooled z-test are computed
in bulk with numpy, from ``stats.wilson_bounds``, and agree with
``stats.compare_proportions`` to rounding (tests/test_compare.py checks both).
Meetings and self-assessments are not samples: between them the difference is given,
without interval, z or p-value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from scorecard.scorecards.models import Round
from scorecard.scorecards.results import (
    SLOTS,
    Column,
    Figures,
    Table,
    Text,
    has_intervals,
    key_columns,
    min_cell,
    round_figures,
)
from scorecard.stats import wilson_bounds

COMPARE_COLUMNS = [
    "base_round",
    "round",
    "commune",
    "facility",
    "indicator",
    "breakdown",
    "group",
    "base_n",
    "base_satisfied_share",
    "n",
    "satisfied_share",
    "diff",
    "diff_ci_low",
    "diff_ci_high",
    "z",
    "p_value",
]
COMPARE_NUMERIC = COMPARE_COLUMNS[7:]


def indicator_map(base: Round, round_: Round) -> dict[str, str]:
    """Later round's indicator code -> the baseline's code for the same indicator."""
    mapping = {"overall": "overall"}
    same = base.template_version_id == round_.template_version_id
    for ind in round_.template_version.indicators.all():
        if same:
            mapping[ind.code] = ind.code
            continue
        for ancestor in ind.lineage():
            if ancestor.version_id == base.template_version_id:
                mapping[ind.code] = ancestor.code
                break
    return mapping


def newcombe(
    s1: npt.NDArray[np.int64],
    n1: npt.NDArray[np.int64],
    s2: npt.NDArray[np.int64],
    n2: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.float64], ...]:
    """Later (1) minus baseline (2): diff, Newcombe hybrid limits, pooled z, two-sided p."""
    from scipy.stats import norm  # slow import (~0.6 s): on first use, not at start-up

    p1, p2 = s1 / n1, s2 / n2
    l1, u1 = wilson_bounds(s1, n1)
    l2, u2 = wilson_bounds(s2, n2)
    diff = p1 - p2
    low = diff - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    pooled = (s1 + s2) / (n1 + n2)
    testable = (pooled > 0) & (pooled < 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = np.where(testable, diff / se, np.nan)
    p = np.where(testable, 2 * norm.sf(np.abs(z)), np.nan)
    return diff, low, high, z, p


def compare_table(
    base: Round,
    round_: Round,
    public: bool = False,
    *,
    commune: str | None = None,
    later: Figures | None = None,
) -> Table:
    """The contract's compare rows as columns: round_'s cells that the baseline also has,
    in round_'s order. ``later``: round_'s figures for ``commune`` when the caller has
    them already (a page or report shows them too), not to read its cube twice.

    Both rounds' figures share the axes (place, question, group slot), so the match is
    an index lookup in a dense array rather than a dict of row tuples.
    """
    mapping = indicator_map(base, round_)
    old, new = round_figures(base, commune), later or round_figures(round_, commune)
    n_s, n_q = len(SLOTS), len(old.questions)
    base_place = {p: i for i, p in enumerate(old.places)}
    base_question = {q: i for i, (_, q) in enumerate(old.questions)}
    p_map = np.array([base_place.get(p, -1) for p in new.places], dtype=np.int64)
    q_map = np.array(
        [base_question.get(mapping.get(q, ""), -1) for _, q in new.questions], dtype=np.int64
    )
    position = np.full(len(old.places) * n_q * n_s, -1, dtype=np.int64)
    position[(old.place * n_q + old.question) * n_s + old.slot] = np.arange(len(old.n))
    bp, bq = p_map[new.place], q_map[new.question]
    found = np.flatnonzero((bp >= 0) & (bq >= 0))
    match = np.full(len(new.n), -1, dtype=np.int64)
    match[found] = position[(bp[found] * n_q + bq[found]) * n_s + new.slot[found]]
    rows = np.flatnonzero(match >= 0)
    b, r = old.take(match[rows]), new.take(rows)
    sampled = has_intervals(base) and has_intervals(round_)
    diff = r.share - b.share
    low = high = z = p = None
    if len(rows):
        diff, low, high, z, p = newcombe(r.satisfied, r.n, b.satisfied, b.n)
    if not sampled:
        low = high = z = p = None
    size = len(rows)
    data: dict[str, Column] = {
        "base_round": Text([base.code], np.zeros(size, dtype=np.int64)),
        **key_columns(round_.code, new.places, new.questions, r.place, r.question, r.slot),
        "base_n": b.n,
        "base_satisfied_share": b.share,
        "n": r.n,
        "satisfied_share": r.share,
        "diff": diff,
        "diff_ci_low": low,
        "diff_ci_high": high,
        "z": z,
        "p_value": p,
    }
    smallest = min_cell()
    hidden = ((b.n < smallest) | (r.n < smallest)) if public else None
    return Table(COMPARE_COLUMNS, data, hidden=hidden, hideable=COMPARE_NUMERIC)


def compare_rounds(
    base: Round,
    round_: Round,
    public: bool = False,
    *,
    commune: str | None = None,
    later: Figures | None = None,
) -> list[dict[str, Any]]:
    """The contract's compare rows: round_'s cells that the baseline also has, in its order.

    With ``commune``, only that commune's rows (a page reads one commune's cells only,
    not two national rounds). The bulk writer (``scorecard compare``) uses
    :func:`compare_table` instead.
    """
    return compare_table(base, round_, public, commune=commune, later=later).rows()


def previous_round(round_: Round) -> Round | None:
    """The latest earlier round of the same programme, template and mode, if any.

    The mode matters: a providers' self-assessment is never a baseline for citizens.
    """
    if round_.programme_id is None:
        return None
    earlier = Round.objects.filter(
        programme_id=round_.programme_id,
        mode=round_.mode,
        template_version__template_id=round_.template_version.template_id,
        year__lte=round_.year,
    ).exclude(pk=round_.pk)
    earlier = earlier.exclude(year=round_.year, code__gt=round_.code)
    return earlier.order_by("-year", "-code").first()
