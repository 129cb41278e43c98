"""Demo: publish the demo programme's rounds and plans, so the public portal has content."""

from __future__ import annotations

from collections.abc import Iterator

from scorecard.plans.models import ActionPlan
from scorecard.public.demo import PROGRAMME_CODE
from scorecard.public.publishing import switch_plan, switch_round
from scorecard.scorecards.models import Round


def load_demo_publication() -> Iterator[str]:
    rounds = list(Round.objects.filter(programme__code=PROGRAMME_CODE, published=False))
    plans = list(ActionPlan.objects.filter(programme__code=PROGRAMME_CODE, published=False))
    for round_ in rounds:
        switch_round("demo", round_, "all")
    for plan in plans:
        switch_plan("demo", plan, "all")
    yield f"Demo portal: {len(rounds)} rounds and {len(plans)} action plans published."
