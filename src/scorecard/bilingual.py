"""User-authored names are bilingual: every named record has an English and a Khmer name."""

from __future__ import annotations

import unicodedata

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Zero-width characters that Khmer typists insert to mark word breaks; they must not
# stop a search from matching.
_IGNORED = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff"}


def normalise(text: str) -> str:
    """Search key: NFC, no zero-width marks, no spaces, case-folded."""
    text = unicodedata.normalize("NFC", text).translate(_IGNORED)
    return "".join(text.split()).casefold()


def pick(en: str, km: str, language: str | None = None) -> str:
    """The text in the active language, falling back to the other one when empty."""
    language = language or get_language() or "km"
    if language.startswith("km"):
        return km or en
    return en or km


class Bilingual(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_km = models.CharField(_("name (Khmer)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self.name_en, self.name_km)
