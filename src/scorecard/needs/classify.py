"""Assigning open answers to themes, and suggesting new themes: pure functions.

A quote goes to the theme with the highest score, the score being the number of the
theme's keywords found in the quote, each weighted by its length in words (a two-word
keyword is more specific than one word). Ties go to the theme listed first. A quote that
matches no keyword stays unassigned ("other"), and feeds the suggestions: the terms and
pairs of consecutive terms most often found in unassigned quotes that no theme covers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scorecard.needs.text import bigrams, contains, join, terms


@dataclass(frozen=True, slots=True)
class ThemeKeys:
    """A theme's id with its keywords already split into words."""

    id: int
    keys: tuple[tuple[str, ...], ...]


def theme_keys(theme_id: int, keywords: Iterable[str]) -> ThemeKeys:
    keys = tuple(k for k in (tuple(terms(word)) for word in keywords) if k)
    return ThemeKeys(theme_id, keys)


def best_theme(quote_terms: Sequence[str], themes: Sequence[ThemeKeys]) -> int | None:
    best, best_score = None, 0
    for theme in themes:
        score = sum(len(k) for k in theme.keys if contains(quote_terms, k))
        if score > best_score:
            best, best_score = theme.id, score
    return best


@dataclass(frozen=True, slots=True)
class Suggestion:
    keyword: str  # one term or two consecutive ones, as it would be typed
    quotes: int  # how many unassigned quotes contain it


def suggest(
    unassigned: Iterable[Sequence[str]],
    themes: Sequence[ThemeKeys],
    limit: int = 10,
    at_least: int = 2,
) -> list[Suggestion]:
    """Frequent terms and bigrams of unassigned quotes that no theme's keywords cover.

    Counted once per quote. A bigram that is as frequent as its more frequent word
    replaces that word (it says more); ties are ordered by the keyword for stable output.
    """
    covered = {k for t in themes for k in t.keys}
    singles: Counter[tuple[str, ...]] = Counter()
    pairs: Counter[tuple[str, ...]] = Counter()
    for seq in unassigned:
        singles.update({(w,) for w in seq})
        pairs.update(set(bigrams(seq)))
    found: dict[tuple[str, ...], int] = {}
    for pair, n in pairs.items():
        if n >= at_least and pair not in covered:
            found[pair] = n
    for single, n in singles.items():
        if n < at_least or single in covered:
            continue
        if any(single[0] in pair and found[pair] >= n for pair in found):
            continue
        found[single] = n
    ranked = sorted(found.items(), key=lambda kv: (-kv[1], -len(kv[0]), join(kv[0])))
    return [Suggestion(join(k), n) for k, n in ranked[:limit]]
