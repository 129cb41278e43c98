"""Open answers as words: Khmer segmented with ``khmercut``, both scripts normalised.

Khmer is written without spaces between words, so a keyword cannot be found with
``in``: "ទឹកស្អាត" (clean water) would also match inside an unrelated compound. We
segment every answer and every keyword into words and match whole word sequences.
Normalising first (NFC, no zero-width marks, case-folded, the common spelling variants of
"ឱ្យ" unified, plural "-s" dropped from Latin words) lets "Teachers" match "teacher" and
an answer typed with ZWSPs match one typed without.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import khmercut

_ZERO_WIDTH = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff"}
# The same word "to/let" is typed three ways; Unicode recommends ឱ្យ.
_VARIANTS = (("អោយ", "ឱ្យ"), ("ឲ្យ", "ឱ្យ"), ("ឪ្យ", "ឱ្យ"))
_WORD = re.compile(r"[\u1780-\u17d3\u17dc\u17dd]+|[^\W\d_]+", re.UNICODE)
_KHMER = re.compile(r"[\u1780-\u17d3\u17dc\u17dd]")

# Words that say nothing about the theme: polite openers and grammar words.
STOPWORDS = frozenset(
    [
        "សូម",
        "ឱ្យ",
        "មាន",
        "នៅ",
        "ដោយ",
        "បាន",
        "ការ",
        "និង",
        "ដែល",
        "ក្នុង",
        "ពី",
        "ជាមួយ",
        "អំពី",
        "ដល់",
        "ជាង",
        "នេះ",
        "នោះ",
        "សម្រាប់",
        "ជា",
        "គឺ",
        "ទៅ",
        "មក",
        "ទាំង",
        "ផង",
        "ដែរ",
        "ហើយ",
        "ឬ",
        "ពេល",
        "ត្រូវ",
        "គួរ",
        "ចង់",
        "ច្រើន",
        "ណាស់",
        "បន្ថែម",
        "a",
        "an",
        "the",
        "at",
        "to",
        "of",
        "in",
        "on",
        "for",
        "and",
        "or",
        "is",
        "are",
        "be",
        "should",
        "would",
        "please",
        "need",
        "needs",
        "more",
        "every",
        "our",
        "we",
        "they",
        "there",
        "with",
        "by",
        "from",
        "not",
        "very",
        "មណ្ឌល",
        "សុខភាព",
        "សាលារៀន",
        "សាលា",
        "ឃុំ",
        "សង្កាត់",
        "health",
        "centre",
        "center",
        "school",
        "commune",
        "office",
    ]
)
# What enumerators type when the respondent has no concrete need (the contract's list).
STOCK_PHRASES = frozenset(
    ["none", "no", "n/a", "na", "-", "--", ".", "nothing", "មិនមាន", "គ្មាន", "ទេ", "អត់មាន", "អត់"]
)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH).casefold()
    for variant, standard in _VARIANTS:
        text = text.replace(variant, standard)
    return " ".join(text.split())


def is_concrete(text: str) -> bool:
    """False for blanks and stock phrases such as "none" or "មិនមាន"."""
    key = normalise(text).strip(" .។")
    return bool(key) and key not in STOCK_PHRASES


def _latin(word: str) -> str:
    # "teachers" -> "teacher", "toilets" -> "toilet"; short words ("bus", "is") kept
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@lru_cache(maxsize=8192)
def _khmer_words(run: str) -> tuple[str, ...]:
    return tuple(w for w in khmercut.tokenize(run) if w.strip())


def words(text: str) -> list[str]:
    """Every word of ``text``, normalised, in order (stopwords included)."""
    out: list[str] = []
    for match in _WORD.finditer(normalise(text)):
        token = match.group(0)
        if _KHMER.match(token):
            out.extend(_khmer_words(token))
        else:
            out.append(_latin(token))
    return out


def terms(text: str) -> list[str]:
    """The words that carry meaning: ``words`` without stopwords."""
    return [w for w in words(text) if w not in STOPWORDS]


def contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    """Whether the word sequence ``needle`` occurs in ``haystack`` as consecutive words."""
    n = len(needle)
    if n == 0:
        return False
    return any(list(haystack[i : i + n]) == list(needle) for i in range(len(haystack) - n + 1))


def bigrams(seq: Sequence[str]) -> list[tuple[str, str]]:
    return list(zip(seq, seq[1:], strict=False))


def join(seq: Sequence[str]) -> str:
    """A term sequence as one keyword: Khmer words run together, Latin ones spaced."""
    out = ""
    for word in seq:
        if out and not (_KHMER.match(out[-1]) and _KHMER.match(word)):
            out += " "
        out += word
    return out
