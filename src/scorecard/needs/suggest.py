"""Suggestions for new themes from a round's unassigned answers (database side)."""

from __future__ import annotations

from scorecard.needs.classify import Suggestion, suggest, theme_keys
from scorecard.needs.models import Theme
from scorecard.needs.summary import quotes_of
from scorecard.scorecards.models import Round


def round_suggestions(
    round_: Round, facility: str, commune: str | None = None, limit: int = 8
) -> list[Suggestion]:
    themes = [theme_keys(t.pk, t.keywords) for t in Theme.objects.for_type(facility)]
    unassigned = quotes_of(round_, facility, commune).filter(theme=None)
    return suggest(unassigned.values_list("terms", flat=True), themes, limit=limit)
