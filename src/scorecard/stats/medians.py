"""Exact medians of ratings, with an explicit rule for even counts."""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence

__all__ = ["TIE_RULES", "median", "median_from_counts"]

# "mean" is the textbook median; "up" reproduces the ISAF app, which reports the higher of
# the two middle ratings so that a published median is always a level on the scale.
TIE_RULES = ("mean", "up", "down")


def _check_tie(tie: str) -> None:
    if tie not in TIE_RULES:
        raise ValueError(f"tie must be one of {', '.join(TIE_RULES)}; got {tie!r}")


def _resolve(lower: float, upper: float, tie: str) -> float:
    if tie == "up":
        return upper
    if tie == "down":
        return lower
    # (a + b) / 2 rather than a + (b - a) / 2 so results match statistics.median exactly.
    return (lower + upper) / 2


def median(values: Sequence[float], tie: str = "mean") -> float:
    """Exact median; an even count uses the tie rule ("mean", "up" or "down")."""
    _check_tie(tie)
    ordered = sorted(float(v) for v in values)
    if not ordered:
        raise ValueError("median of no values is undefined")
    if any(math.isnan(v) for v in ordered):
        # NaN breaks sorting silently, so the "median" would depend on input order.
        raise ValueError("median values must not contain NaN")
    half, odd = divmod(len(ordered), 2)
    if odd:
        return ordered[half]
    return _resolve(ordered[half - 1], ordered[half], tie)


def median_from_counts(counts: Sequence[int], tie: str = "mean") -> float | None:
    """Median of ratings given counts[i] ratings of level i+1; None when there are none."""
    _check_tie(tie)
    cs = [operator.index(c) for c in counts]
    if any(c < 0 for c in cs):
        raise ValueError(f"counts must not be negative, got {cs}")
    total = sum(cs)
    if total == 0:
        return None
    # 1-based ranks of the middle observation(s); equal when the total is odd.
    low_rank, high_rank = (total + 1) // 2, total // 2 + 1
    low_level: int | None = None
    cumulative = 0
    for level, count in enumerate(cs, start=1):
        cumulative += count
        if low_level is None and cumulative >= low_rank:
            low_level = level
        if cumulative >= high_rank:
            assert low_level is not None  # low_rank <= high_rank, so it was set first
            return _resolve(float(low_level), float(level), tie)
    raise AssertionError("unreachable: the ranks never exceed the total")  # pragma: no cover
