"""Demo needs: the demo rounds' open answers classified and a few quotes approved.

Approval is a staff decision; the demo takes it for the first two distinct answers of
each theme in each commune, as an M&E officer would after reading them. The providers'
self-assessment set beside the 2019 survey (``SA2019``) is the meetings demo's, loaded
before this one (``scorecard.meetings.demo``): one loader owns it, so ``init --demo``
cannot end with two different self-assessments depending on what was loaded first.
"""

from __future__ import annotations

from collections.abc import Iterator

from scorecard.needs.actions import classify_round, set_approval
from scorecard.needs.models import Quote
from scorecard.scorecards.demo import ROUNDS
from scorecard.scorecards.models import Round

APPROVED_PER_THEME = 2


def _approve_some(round_: Round) -> int:
    approved = 0
    quotes = Quote.objects.filter(response__round=round_, theme__isnull=False)
    cells = quotes.order_by().values_list("response__commune_id", "theme_id").distinct()
    for commune, theme_id in sorted(cells):
        texts: set[str] = set()
        mine = quotes.filter(response__commune_id=commune, theme_id=theme_id)
        for quote in mine.order_by("id")[:50]:
            if len(texts) == APPROVED_PER_THEME:
                break
            if quote.text not in texts:
                texts.add(quote.text)
                if not quote.approved:
                    set_approval("demo", quote, True)
                    approved += 1
    return approved


def load_demo_needs() -> Iterator[str]:
    for code, *_ in ROUNDS:
        round_ = Round.objects.filter(code=code).first()
        if round_ is None:
            continue
        done = classify_round("demo", round_)
        approved = _approve_some(round_)
        yield (
            f"Demo needs {code}: {done.quotes:,} answers, {done.assigned:,} in a theme, "
            f"{approved} quotes approved."
        )
