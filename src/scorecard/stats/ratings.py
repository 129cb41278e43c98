"""Summaries of 1..5 citizen ratings: counts, mean, median and % satisfied."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .intervals import wilson_interval
from .medians import median_from_counts

__all__ = ["RatingSummary", "summarize", "summarize_counts"]


@dataclass(frozen=True, slots=True)
class RatingSummary:
    """Counts and headline figures for one set of ratings (None where undefined)."""

    n: int
    counts: tuple[int, ...]
    mean: float | None
    median: float | None
    satisfied_n: int
    satisfied_share: float | None
    ci_low: float | None
    ci_high: float | None


def summarize_counts(
    counts: Sequence[int], threshold: int = 4, interval: bool = True, tie: str = "mean"
) -> RatingSummary:
    """Summarise counts[i] ratings of level i+1; satisfied means rating >= threshold.

    interval=False leaves ci_low/ci_high None: community meetings and self-assessments are
    not random samples, so a sampling interval would claim a precision they do not have.
    """
    cs = tuple(operator.index(c) for c in counts)
    if not cs:
        raise ValueError("counts must cover at least one rating level")
    if any(c < 0 for c in cs):
        raise ValueError(f"counts must not be negative, got {cs}")
    threshold = operator.index(threshold)
    if not 1 <= threshold <= len(cs):
        raise ValueError(f"threshold must be between 1 and {len(cs)}, got {threshold}")
    n = sum(cs)
    satisfied_n = sum(cs[threshold - 1 :])
    mid = median_from_counts(cs, tie=tie)  # validates tie even when n == 0
    if n == 0:
        return RatingSummary(0, cs, None, None, 0, None, None, None)
    mean = sum(level * c for level, c in enumerate(cs, start=1)) / n
    ci_low = ci_high = None
    if interval:
        ci = wilson_interval(satisfied_n, n)
        ci_low, ci_high = ci.low, ci.high
    return RatingSummary(n, cs, mean, mid, satisfied_n, satisfied_n / n, ci_low, ci_high)


def summarize(
    ratings: Iterable[int],
    levels: int = 5,
    threshold: int = 4,
    interval: bool = True,
    tie: str = "mean",
) -> RatingSummary:
    """Count ratings on a 1..levels scale, then summarise them with summarize_counts."""
    levels = operator.index(levels)
    if levels < 1:
        raise ValueError(f"levels must be at least 1, got {levels}")
    counts = [0] * levels
    for rating in ratings:
        # bool is an int subclass; a True/False here is a data bug, not a rating of 1 or 0.
        if isinstance(rating, bool):
            raise ValueError(f"rating {rating!r} is not a whole number between 1 and {levels}")
        try:
            value = operator.index(rating)
        except TypeError:
            raise ValueError(
                f"rating {rating!r} is not a whole number between 1 and {levels}"
            ) from None
        if not 1 <= value <= levels:
            raise ValueError(f"rating {rating!r} is outside the scale 1..{levels}")
        counts[value - 1] += 1
    return summarize_counts(counts, threshold=threshold, interval=interval, tie=tie)
