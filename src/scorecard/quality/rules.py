"""The quality rules applied to one interview, with no database: see docs/quality.md.

Every rule reads only an interview's own fields (needs, ratings, times), so it can be
tested on plain values, and the thresholds come from ``QualityRules`` (defaults below,
overridden by ``settings.SCORECARD["QUALITY"]``).
"""

from __future__ import annotations

import datetime as dt
import statistics
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from scorecard.scorecards.models import RATING_CHARS

# What enumerators type when a respondent has no need to report (English and Khmer):
# "none", "no", "nothing", "ok", "no comment", "don't know", "-"; "មិនមាន"/"អត់មាន"/"គ្មាន"
# = "there is none", "អត់" = "no", "ល្អ" = "good", "មិនដឹង" = "don't know".
STOCK_PHRASES = (
    "none",
    "no",
    "n/a",
    "na",
    "nil",
    "nothing",
    "no need",
    "no comment",
    "ok",
    "okay",
    "good",
    "don't know",
    "dont know",
    "-",
    "មិនមាន",
    "អត់មាន",
    "គ្មាន",
    "អត់",
    "ល្អ",
    "មិនដឹង",
    "គ្មានទេ",
    "អត់មានទេ",
    "មិនមានទេ",
)
# Punctuation and spaces that do not make a text any more concrete.
_TRIM = " \t\r\n.,;:!?។៕\"'()[]-_/"


@dataclass(frozen=True)
class QualityRules:
    """Thresholds of the checks; ``from_settings()`` gives the configured ones."""

    stock_phrases: frozenset[str] = field(
        default_factory=lambda: frozenset(normalise(p) for p in STOCK_PHRASES)
    )
    min_length: int = 4  # characters (Unicode code points) after trimming
    success_threshold: float = 0.8  # share of interviews with a concrete need
    too_short_minutes: float = 10.0
    straight_line_min: int = 5  # fewer rated indicators than this never count

    @classmethod
    def from_settings(cls, overrides: Mapping[str, Any] | None = None) -> QualityRules:
        from django.conf import settings

        configured = dict(getattr(settings, "SCORECARD", {}).get("QUALITY", {}))
        configured.update(overrides or {})
        rules = cls()
        if "stock_phrases" in configured:
            phrases = frozenset(normalise(p) for p in configured.pop("stock_phrases"))
            rules = replace(rules, stock_phrases=phrases)
        return replace(rules, **configured)


def normalise(text: str) -> str:
    """Case-folded, NFC, trimmed of punctuation and runs of spaces."""
    text = unicodedata.normalize("NFC", text).casefold().strip(_TRIM)
    return " ".join(text.split())


def is_concrete(text: Any, rules: QualityRules) -> bool:
    """A need is concrete when it is text, long enough and not a stock phrase."""
    if not isinstance(text, str):
        return False
    clean = normalise(text)
    return len(clean) >= rules.min_length and clean not in rules.stock_phrases


def has_concrete_need(needs: Any, rules: QualityRules) -> bool:
    """True when at least one facility type's needs field holds a concrete need."""
    if not isinstance(needs, dict):
        return False
    return any(is_concrete(v, rules) for v in needs.values())


def duration_minutes(started: dt.datetime | None, ended: dt.datetime | None) -> float | None:
    """Minutes from start to end; None when a time is missing or the end is before the start."""
    if started is None or ended is None or ended < started:
        return None
    return (ended - started).total_seconds() / 60


def is_straight_lined(ratings: str, rules: QualityRules) -> bool:
    """The same score for every rated indicator (don't knows and blanks aside)."""
    scores = [c for c in ratings if c in RATING_CHARS]
    return len(scores) >= rules.straight_line_min and len(set(scores)) == 1


def missing_values(ratings: str, overall: int | None, overall_dk: bool) -> int:
    """Questions left without an answer (a don't know is an answer)."""
    return ratings.count("-") + (1 if overall is None and not overall_dk else 0)


def median(values: Iterable[float]) -> float | None:
    values = list(values)
    return statistics.median(values) if values else None
