"""Line-break opportunities for Khmer, which is written without spaces between words.

Browsers break Khmer lines with ICU's dictionary, but WeasyPrint (Pango) has none: a long
Khmer sentence either overflows its box or is cut in the middle of a word. We insert
U+200B ZERO WIDTH SPACE between the words found by ``khmercut`` (a small CRF segmenter),
which every engine treats as an allowed break that draws nothing.

Only runs of Khmer letters are touched: digits, Latin text, markup and entities are left
as they are, and no break is put before Khmer punctuation (។ ៕ ៖ ...), so a line never
starts with a full stop. The same text goes into the HTML download too: harmless for
browsers, and it keeps the two outputs identical. Copy-paste keeps the invisible ZWSPs,
which Khmer typists already use to mark words; search (``scorecard.bilingual.normalise``)
ignores them.
"""

from __future__ import annotations

import re
from functools import lru_cache

import khmercut

ZWSP = "\u200b"
# Khmer letters, dependent vowels and signs; digits (U+17E0-17E9) and punctuation
# (U+17D4-17DA) end a run so a number is never split.
_KHMER_RUN = re.compile("[\u1780-\u17d3\u17dc\u17dd]+")
_MIN_RUN = 6  # shorter runs are one or two syllables: nothing worth splitting


@lru_cache(maxsize=4096)
def _segment(run: str) -> str:
    return ZWSP.join(khmercut.tokenize(run))


def break_words(text: str) -> str:
    """``text`` with a ZWSP between Khmer words; anything else unchanged."""
    if not text:
        return text
    return _KHMER_RUN.sub(
        lambda m: m.group(0) if len(m.group(0)) < _MIN_RUN else _segment(m.group(0)), text
    )


def strip_breaks(text: str) -> str:
    """Undo :func:`break_words` (for comparisons in tests and plain-text exports)."""
    return text.replace(ZWSP, "")
