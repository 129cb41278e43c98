"""Demo needs: the demo rounds' open answers classified, a few quotes approved, and a
providers' self-assessment to set beside the 2019 survey.

Approval is a staff decision; the demo takes it for the first two distinct answers of
each theme in each commune, as an M&E officer would after reading them. The self-assessment round is a
synthetic export of six providers per commune imported through the normal path; it has
no programme, so that it is never taken as a baseline by ``previous_round``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from scorecard.needs.actions import classify_round, set_approval
from scorecard.needs.models import Quote
from scorecard.scorecards.actions import create_round
from scorecard.scorecards.demo import COMMUNES, PROGRAMME_CODE, ROUNDS
from scorecard.scorecards.exports.synth import generate
from scorecard.scorecards.forms import form_spec
from scorecard.scorecards.gap import provider_round
from scorecard.scorecards.importing import import_export
from scorecard.scorecards.models import Round

SELF_ASSESSMENT = "SA2019"
PROVIDERS_PER_COMMUNE = 6
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


def _self_assessment(survey: Round) -> Round:
    round_ = create_round(
        "demo",
        SELF_ASSESSMENT,
        template="isaf",
        mode="self_assessment",
        year=survey.year,
        title="Providers' self-assessment 2019",
        communes=COMMUNES,
        organisation=survey.programme.organisation if survey.programme else None,
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = generate(
            form_spec(round_.template_version, round_),
            Path(tmp) / "sa2019.csv",
            rows=PROVIDERS_PER_COMMUNE * len(COMMUNES),
            fmt="kobo_csv",
            seed=2019_5,
            communes=COMMUNES,
        )
        import_export("demo", round_, path)
    return round_


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
    survey = Round.objects.filter(code=ROUNDS[-1][0], programme__code=PROGRAMME_CODE).first()
    if survey is not None and provider_round(survey) is None:
        providers = _self_assessment(survey)
        yield f"Demo self-assessment {providers.code}: {providers.responses.count()} providers."
