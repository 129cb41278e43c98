"""Wilson score intervals for a single proportion, scalar and vectorised."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Interval", "wilson_bounds", "wilson_interval", "wilson_intervals"]


@dataclass(frozen=True, slots=True)
class Interval:
    """A closed confidence interval on the proportion scale (0..1)."""

    low: float
    high: float


def check_confidence(confidence: float) -> float:
    """Return alpha for a two-sided interval, rejecting levels outside (0, 1)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    return 1.0 - confidence


def check_count(successes: int, n: int, *, label: str = "") -> tuple[int, int]:
    """Validate one successes/n pair and return them as plain ints."""
    where = f" ({label})" if label else ""
    # operator.index accepts numpy integers but refuses floats such as 4.5, which would
    # otherwise slip through and give an interval for a count nobody observed.
    s, m = operator.index(successes), operator.index(n)
    if m <= 0:
        raise ValueError(f"n must be positive{where}, got {m}")
    if not 0 <= s <= m:
        raise ValueError(f"successes must be between 0 and n={m}{where}, got {s}")
    return s, m


def _whole_floats(arr: npt.NDArray[np.generic]) -> bool:
    if not np.issubdtype(arr.dtype, np.floating):
        return False
    return bool(np.all(np.isfinite(arr)) and np.all(arr == np.floor(arr)))


def as_int_array(values: Sequence[int] | npt.ArrayLike, name: str) -> npt.NDArray[np.int64]:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    # Whole-number floats (e.g. 12.0 from a pandas sum) are accepted here, unlike the scalar
    # path; anything fractional, boolean or non-numeric is refused. An empty list is float.
    is_int = np.issubdtype(arr.dtype, np.integer)
    if arr.size and not is_int and not _whole_floats(arr):
        raise ValueError(f"{name} must contain whole numbers")
    return arr.astype(np.int64)


def _wilson_core(
    successes: npt.NDArray[np.int64], ns: npt.NDArray[np.int64], alpha: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    # statsmodels is imported here, not at module level: it is ~0.9 s of every command's
    # start-up, and most commands never compute an interval.
    from statsmodels.stats.proportion import proportion_confint

    # One code path for scalar and vector calls, so the two agree bit for bit.
    low, high = proportion_confint(successes, ns, alpha=alpha, method="wilson")
    low = np.asarray(low, dtype=np.float64)
    high = np.asarray(high, dtype=np.float64)
    # statsmodels clips to [0, 1], but rounding can still leave 1e-17 instead of an exact 0
    # at 0/n (or just under 1 at n/n); pin the limits the formula gives exactly there.
    low = np.where(successes == 0, 0.0, low)
    high = np.where(successes == ns, 1.0, high)
    return low, high


def wilson_bounds(
    successes: Sequence[int] | npt.ArrayLike,
    ns: Sequence[int] | npt.ArrayLike,
    confidence: float = 0.95,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Vectorised Wilson limits as two numpy arrays (for bulk work: no objects per cell)."""
    alpha = check_confidence(confidence)
    s = as_int_array(successes, "successes")
    m = as_int_array(ns, "ns")
    if s.shape != m.shape:
        raise ValueError(f"successes and ns differ in length ({s.size} vs {m.size})")
    if np.any(m <= 0):
        raise ValueError(f"every n must be positive (first bad index {int(np.argmax(m <= 0))})")
    bad = (s < 0) | (s > m)
    if np.any(bad):
        raise ValueError(
            f"successes must be between 0 and n (first bad index {int(np.argmax(bad))})"
        )
    return _wilson_core(s, m, alpha)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Wilson (1927) score interval for successes/n. n=0 raises ValueError."""
    alpha = check_confidence(confidence)
    s, m = check_count(successes, n)
    low, high = _wilson_core(np.array([s], dtype=np.int64), np.array([m], dtype=np.int64), alpha)
    return Interval(float(low[0]), float(high[0]))


def wilson_intervals(
    successes: Sequence[int], ns: Sequence[int], confidence: float = 0.95
) -> list[Interval]:
    """Wilson intervals for many cells in one numpy pass; same values as wilson_interval."""
    low, high = wilson_bounds(successes, ns, confidence)
    # tolist() turns the arrays into Python floats in C, far faster than float() per item.
    return [Interval(lo, hi) for lo, hi in zip(low.tolist(), high.tolist(), strict=True)]
