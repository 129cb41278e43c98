"""Small-cell suppression for published figures."""

from __future__ import annotations

import operator

__all__ = ["DEFAULT_MIN_CELL", "is_suppressed"]

DEFAULT_MIN_CELL = 5


def is_suppressed(n: int, min_cell: int = DEFAULT_MIN_CELL) -> bool:
    """True when a cell of n respondents is too small to publish (n < min_cell).

    Why: with under five people, a share is both unstable (one answer moves it by 20+
    points) and can reveal how identifiable individuals in a village answered.
    """
    n, min_cell = operator.index(n), operator.index(min_cell)
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    return n < min_cell
