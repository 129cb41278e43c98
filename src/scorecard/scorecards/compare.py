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
from scipy.stats import norm

from scorecard.scorecards.models import Round
from scorecard.scorecards.results import has_intervals, min_cell, round_results
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


def _nan_none(values: npt.NDArray[np.float64]) -> list[float | None]:
    return [None if v != v else v for v in values.tolist()]


def compare_rounds(
    base: Round, round_: Round, public: bool = False, *, commune: str | None = None
) -> list[dict[str, Any]]:
    """The contract's compare rows: round_'s cells that the baseline also has, in its order.

    With ``commune``, only that commune's rows (a page reads one commune's cells only,
    not two national rounds).
    """
    mapping = indicator_map(base, round_)
    before = {
        (r["commune"], r["indicator"], r["breakdown"], r["group"]): r
        for r in round_results(base, commune=commune)
    }
    pairs = []
    for later in round_results(round_, commune=commune):
        old = mapping.get(later["indicator"])
        match = before.get((later["commune"], old, later["breakdown"], later["group"]))
        if match is not None:
            pairs.append((match, later))
    if not pairs:
        return []
    n2 = np.array([b["n"] for b, _ in pairs], dtype=np.int64)
    s2 = np.array([b["satisfied_n"] for b, _ in pairs], dtype=np.int64)
    n1 = np.array([r["n"] for _, r in pairs], dtype=np.int64)
    s1 = np.array([r["satisfied_n"] for _, r in pairs], dtype=np.int64)
    diff, low, high, z, p = newcombe(s1, n1, s2, n2)
    sampled = has_intervals(base) and has_intervals(round_)
    none = [None] * len(pairs)
    figures = {
        "diff": diff.tolist(),
        "diff_ci_low": low.tolist() if sampled else none,
        "diff_ci_high": high.tolist() if sampled else none,
        "z": _nan_none(z) if sampled else none,
        "p_value": _nan_none(p) if sampled else none,
    }
    smallest = min_cell()
    out = []
    for i, (b, r) in enumerate(pairs):
        row: dict[str, Any] = {
            "base_round": base.code,
            "round": round_.code,
            "commune": r["commune"],
            "facility": r["facility"],
            "indicator": r["indicator"],
            "breakdown": r["breakdown"],
            "group": r["group"],
            "base_n": b["n"],
            "base_satisfied_share": b["satisfied_share"],
            "n": r["n"],
            "satisfied_share": r["satisfied_share"],
            **{name: values[i] for name, values in figures.items()},
        }
        if public and (b["n"] < smallest or r["n"] < smallest):
            row.update(dict.fromkeys(COMPARE_NUMERIC))
        out.append(row)
    return out


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
