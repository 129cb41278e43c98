"""Did it work? The change in an implemented action's indicators, round before to after.

"Before" is the latest round covering the plan's commune that ended before the action
started (failing that, the latest of the rounds the plan came from); "after" is the first
round covering the commune that ended after the action was implemented. A round's end is
its actual end, else its planned end; rounds with neither are left out. When the rounds
use different template versions, an indicator is followed along its predecessors (and
successors) to the one the round asked.

Figures are the commune's "all respondents" cells of ``scorecards.results`` (read only);
the difference, its Newcombe hybrid-score interval and the pooled z-test come from
``stats.compare_proportions``. Meetings and self-assessments are not samples: for them the
difference is given without interval or test, as in ``scorecards.compare``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from scorecard.plans.models import Action, ActionPlan, Status
from scorecard.public import display
from scorecard.scorecards.models import Indicator, Round
from scorecard.scorecards.results import has_intervals, round_results
from scorecard.stats import compare_proportions
from scorecard.stats.proportions import ProportionDiff

CONFIDENCE = 0.95


@dataclass
class IndicatorChange:
    indicator: Indicator
    base_code: str = ""
    code: str = ""
    base_n: int = 0
    base_satisfied: int = 0
    n: int = 0
    satisfied: int = 0
    sampled: bool = False
    diff: ProportionDiff | None = None
    missing: str = ""  # why there is no figure, in words

    @property
    def base_share(self) -> float | None:
        return self.base_satisfied / self.base_n if self.base_n else None

    @property
    def share(self) -> float | None:
        return self.satisfied / self.n if self.n else None

    @property
    def before_text(self) -> str:
        return "" if self.base_share is None else _pct(self.base_share)

    @property
    def after_text(self) -> str:
        return "" if self.share is None else _pct(self.share)

    @property
    def p_text(self) -> str:
        """The test's p-value as people read it; '' when there is no test."""
        if self.diff is None or self.diff.p_value is None or not self.sampled:
            return ""
        p = self.diff.p_value
        return display.digits("p < 0.001" if p < 0.001 else f"p = {p:.3f}")

    @property
    def trend(self) -> str:
        """up / down when the interval leaves out zero, else flat (for the colour)."""
        if self.diff is None or not self.sampled:
            return "flat"
        return "up" if self.diff.ci_low > 0 else "down" if self.diff.ci_high < 0 else "flat"

    @property
    def statement(self) -> str:
        return self.missing or statement(self)


@dataclass
class ActionEffect:
    action: Action
    base: Round | None = None
    after: Round | None = None
    changes: list[IndicatorChange] = field(default_factory=list)
    missing: str = ""

    @property
    def ready(self) -> bool:
        return not self.missing


def _pct(share: float) -> str:
    return display.digits(f"{share * 100:.0f}%")


def _points(diff: float) -> str:
    return display.digits(f"{diff * 100:+.0f}")


def statement(change: IndicatorChange) -> str:
    """One plain sentence: before, after, the change and whether the rounds can tell."""
    d = change.diff
    assert d is not None
    values = {"before": _pct(d.base_share), "after": _pct(d.share), "points": _points(d.diff)}
    if not change.sampled:
        return (
            _(
                "Satisfied went from %(before)s to %(after)s (%(points)s points). These rounds "
                "were meetings, not samples, so there is no interval."
            )
            % values
        )
    values.update(low=_points(d.ci_low), high=_points(d.ci_high))
    if d.ci_low > 0:
        text = _(
            "Satisfied rose from %(before)s to %(after)s: %(points)s points (95%% interval "
            "%(low)s to %(high)s). A clear improvement."
        )
    elif d.ci_high < 0:
        text = _(
            "Satisfied fell from %(before)s to %(after)s: %(points)s points (95%% interval "
            "%(low)s to %(high)s). A clear worsening."
        )
    else:
        text = _(
            "Satisfied went from %(before)s to %(after)s: %(points)s points (95%% interval "
            "%(low)s to %(high)s). No clear change: a difference this size can come from "
            "chance."
        )
    return text % values


def round_end(round_: Round) -> dt.date | None:
    return round_.actual_end or round_.planned_end


def started_on(action: Action) -> dt.date | None:
    """The action's start, else the date it was first recorded in progress."""
    if action.start:
        return action.start
    change = action.changes.filter(to_status__in=[Status.IN_PROGRESS, Status.IMPLEMENTED])
    return change.order_by("date", "id").values_list("date", flat=True).first()


def implemented_on(action: Action) -> dt.date | None:
    change = action.changes.filter(to_status=Status.IMPLEMENTED)
    return change.order_by("-date", "-id").values_list("date", flat=True).first()


def commune_rounds(plan: ActionPlan) -> list[Round]:
    """Rounds covering the plan's commune that have an end date, earliest end first."""
    rounds = (
        Round.objects.filter(communes=plan.commune_id)
        .annotate(ends=Coalesce("actual_end", "planned_end"))
        .filter(ends__isnull=False)
        .select_related("template_version__template")
        .distinct()
    )
    return list(rounds.order_by("ends", "code"))


def rounds_around(action: Action, rounds: list[Round]) -> tuple[Round | None, Round | None]:
    started, done = started_on(action), implemented_on(action)
    base = None
    if started:
        earlier = [r for r in rounds if r.ends < started]  # type: ignore[attr-defined]
        base = earlier[-1] if earlier else None
    if base is None:
        sources = action.plan.rounds.annotate(ends=Coalesce("actual_end", "planned_end"))
        base = sources.order_by(F("ends").desc(nulls_last=True), "-year").first()
        if base is not None:
            base = next((r for r in rounds if r.pk == base.pk), base)
    after = None
    if done:
        later = [r for r in rounds if r.ends > done]  # type: ignore[attr-defined]
        after = later[0] if later else None
    return base, after


def relatives(indicator: Indicator) -> list[Indicator]:
    """The indicator, its predecessors and its successors across template versions."""
    family = {i.pk: i for i in indicator.lineage()}
    todo = [indicator]
    while todo:
        for child in Indicator.objects.filter(predecessor=todo.pop()):
            if child.pk not in family:
                family[child.pk] = child
                todo.append(child)
    return list(family.values())


def code_in(indicator: Indicator, round_: Round) -> str:
    """The code ``round_`` asked this indicator under, or '' when it did not ask it."""
    for relative in relatives(indicator):
        if relative.version_id == round_.template_version_id:
            return relative.code
    return ""


class Cells:
    """Each round's 'all respondents' cells for one commune, read once per page."""

    def __init__(self, commune: str) -> None:
        self.commune = commune
        self.cache: dict[int, dict[str, dict[str, Any]]] = {}

    def get(self, round_: Round, code: str) -> dict[str, Any] | None:
        if round_.pk not in self.cache:
            rows = round_results(round_, commune=self.commune)
            self.cache[round_.pk] = {
                r["indicator"]: r for r in rows if r["breakdown"] == "all" and r["group"] == "all"
            }
        return self.cache[round_.pk].get(code)


def indicator_change(
    indicator: Indicator, base: Round, after: Round, cells: Cells
) -> IndicatorChange:
    change = IndicatorChange(indicator, code_in(indicator, base), code_in(indicator, after))
    old = cells.get(base, change.base_code) if change.base_code else None
    new = cells.get(after, change.code) if change.code else None
    if old is None or new is None:
        round_code = (after if old is not None else base).code
        change.missing = _("Round %(round)s has no answers to this indicator here.") % {
            "round": round_code
        }
        return change
    change.base_n, change.base_satisfied = old["n"], old["satisfied_n"]
    change.n, change.satisfied = new["n"], new["satisfied_n"]
    change.sampled = has_intervals(base) and has_intervals(after)
    change.diff = compare_proportions(
        change.base_satisfied, change.base_n, change.satisfied, change.n, CONFIDENCE
    )
    return change


def action_effect(
    action: Action, rounds: list[Round] | None = None, cells: Cells | None = None
) -> ActionEffect:
    effect = ActionEffect(action)
    if action.status != Status.IMPLEMENTED:
        effect.missing = _("Shown once the action is implemented.")
        return effect
    rounds = commune_rounds(action.plan) if rounds is None else rounds
    effect.base, effect.after = rounds_around(action, rounds)
    indicators = list(action.indicators.all())
    if not indicators:
        effect.missing = _("No indicators are linked to this action.")
    elif effect.base is None:
        effect.missing = _("No round of this commune ended before the action started.")
    elif effect.after is None:
        effect.missing = _(
            "No round of this commune has ended since the action was implemented yet."
        )
    if effect.missing:
        return effect
    assert effect.base is not None and effect.after is not None
    cells = cells or Cells(action.plan.commune_id)
    effect.changes = [indicator_change(i, effect.base, effect.after, cells) for i in indicators]
    return effect


def plan_effects(plan: ActionPlan) -> list[ActionEffect]:
    """The effect of every implemented action of the plan (rounds read once)."""
    rounds = commune_rounds(plan)
    cells = Cells(plan.commune_id)
    actions = plan.actions.filter(status=Status.IMPLEMENTED).prefetch_related("indicators")
    return [action_effect(a, rounds, cells) for a in actions.order_by("section", "number")]


def tally(effects: list[ActionEffect]) -> dict[str, int]:
    """How many indicator changes rose clearly, fell clearly, or cannot be told apart."""
    counts = {"up": 0, "down": 0, "flat": 0, "measured": 0}
    for effect in effects:
        for change in effect.changes:
            if change.diff is not None:
                counts["measured"] += 1
                counts[change.trend] += 1
    return counts
