"""Statistics for citizen scorecards: plain Python in, frozen dataclasses out.

Deliberately free of Django so that it can be used from scripts, notebooks and
benchmarks, and tested without settings or a database.
"""

from .clustered import ClusteredProportion, clustered_proportion
from .intervals import Interval, wilson_bounds, wilson_interval, wilson_intervals
from .medians import TIE_RULES, median, median_from_counts
from .proportions import ProportionDiff, compare_proportions
from .ratings import RatingSummary, summarize, summarize_counts
from .suppression import DEFAULT_MIN_CELL, is_suppressed

__all__ = [
    "DEFAULT_MIN_CELL",
    "TIE_RULES",
    "ClusteredProportion",
    "Interval",
    "ProportionDiff",
    "RatingSummary",
    "clustered_proportion",
    "compare_proportions",
    "is_suppressed",
    "median",
    "median_from_counts",
    "summarize",
    "summarize_counts",
    "wilson_bounds",
    "wilson_interval",
    "wilson_intervals",
]
