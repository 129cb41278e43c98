"""From results to plan: a round's results for the plan's commune, weakest first.

Staff tick the indicators the interface meeting chose; each becomes an action linked to
the indicator (``actions.add_priorities``). The figures are the commune's "all
respondents" cells of ``scorecards.results`` (read only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from scorecard.bilingual import pick
from scorecard.plans.models import Action, ActionPlan
from scorecard.public import display
from scorecard.scorecards.models import Indicator, Round
from scorecard.scorecards.results import round_results


@dataclass
class PriorityRow:
    indicator: Indicator
    n: int
    satisfied: int
    share: float
    ci_low: float | None
    ci_high: float | None
    linked: list[int]  # numbers of this plan's actions already linked to the indicator

    @property
    def share_text(self) -> str:
        return display.digits(f"{self.share * 100:.0f}%")

    @property
    def interval_text(self) -> str:
        if self.ci_low is None or self.ci_high is None:
            return ""
        return display.digits(f"{self.ci_low * 100:.0f}–{self.ci_high * 100:.0f}%")


def round_choices(plan: ActionPlan, user: Any) -> list[Round]:
    """Rounds of the plan's commune the user may see: the plan's own rounds first."""
    rounds = (
        Round.objects.visible_to(user)
        .filter(communes=plan.commune_id)
        .annotate(ends=Coalesce("actual_end", "planned_end"))
        .distinct()
    )
    own = set(plan.rounds.values_list("pk", flat=True))
    ordered = sorted(rounds, key=lambda r: (r.year, r.ends or dt.date.min, r.code), reverse=True)
    return [r for r in ordered if r.pk in own] + [r for r in ordered if r.pk not in own]


def priority_rows(plan: ActionPlan, round_: Round) -> list[PriorityRow]:
    """The round's indicators in this commune, lowest satisfied share first."""
    indicators = {
        i.code: i for i in round_.template_version.indicators.select_related("facility_type")
    }
    linked: dict[int, list[int]] = {}
    for number, pk in Action.objects.filter(plan=plan).values_list("number", "indicators"):
        if pk is not None:
            linked.setdefault(pk, []).append(number)
    rows = []
    for r in round_results(round_, commune=plan.commune_id):
        indicator = indicators.get(r["indicator"])
        if indicator is None or r["breakdown"] != "all" or not r["n"]:
            continue
        rows.append(
            PriorityRow(
                indicator,
                r["n"],
                r["satisfied_n"],
                r["satisfied_share"],
                r["ci_low"],
                r["ci_high"],
                sorted(linked.get(indicator.pk, [])),
            )  # fmt: skip
        )
    return sorted(rows, key=lambda row: (row.share, row.indicator.code))


class PriorityForm(forms.Form):
    """One indicator's row: tick it, and adjust the action it becomes."""

    pick = forms.BooleanField(label=_("Make this a priority action"), required=False)
    section = forms.ChoiceField(label=_("Section"), choices=Action.Section.choices)
    activity_km = forms.CharField(
        label=_("Agreed priority activity (Khmer)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    activity_en = forms.CharField(
        label=_("Agreed priority activity (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    proposer = forms.CharField(label=_("Proposer"), max_length=200, required=False)
    provider = forms.CharField(label=_("Provider"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("pick") and not (
            data.get("activity_km", "").strip() or data.get("activity_en", "").strip()
        ):
            self.add_error("activity_km", _("Give the activity in English or Khmer."))
        return data


def initial_for(row: PriorityRow, round_: Round) -> dict[str, Any]:
    """Prefilled from the indicator: its service standard is what the action aims at."""
    ind = row.indicator
    return {
        "section": Action.Section.B,
        "activity_km": ind.standard_km or ind.text_km,
        "activity_en": ind.standard_en or ind.text_en,
        "proposer": gettext("Citizens (scorecard %(round)s)") % {"round": round_.code},
        "provider": pick(ind.facility_type.name_en, ind.facility_type.name_km),
    }


def priority_forms(
    rows: list[PriorityRow], round_: Round, data: Any = None
) -> list[tuple[PriorityRow, PriorityForm]]:
    return [
        (row, PriorityForm(data, prefix=f"i{row.indicator.pk}", initial=initial_for(row, round_)))
        for row in rows
    ]
