"""Figures the results framework computes from events, attendance and outcomes.

Each returns a ``Figure``: the numerator and denominator, the female count within each,
and the participant ids behind them, so a reported number can always be traced back.
Participants are counted once however many events of the kind they attended.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from scorecard.events.models import Attendance, Outcome, Sex
from scorecard.programmes.models import Programme


@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int | None
    female: int
    denominator_female: int | None
    ids: tuple[str, ...]
    denominator_ids: tuple[str, ...] = ()

    @property
    def value(self) -> float | int:
        if self.denominator is None:
            return self.numerator
        return self.numerator / self.denominator if self.denominator else 0.0

    @property
    def female_share(self) -> float:
        return self.female / self.numerator if self.numerator else 0.0


def _people(attendances: Iterable[tuple[str, str]]) -> tuple[tuple[str, ...], int]:
    """Distinct participant ids (sorted) and how many of them are female."""
    sexes = dict(attendances)
    return tuple(sorted(sexes)), sum(1 for s in sexes.values() if s == Sex.FEMALE)


def _attendances(
    programme: Programme, event_type: str, roles: Iterable[str] = (), event: str = ""
) -> QuerySet[Attendance]:
    qs = Attendance.objects.filter(event__programme=programme, event__type=event_type)
    roles = list(roles)
    if roles:
        qs = qs.filter(role__in=roles)
    if event:
        qs = qs.filter(event__code=event)
    return qs


def participants_count(programme: Programme, event_type: str, event: str = "") -> Figure:
    qs = _attendances(programme, event_type, event=event)
    ids, female = _people(qs.values_list("participant__code", "participant__sex"))
    return Figure(len(ids), None, female, None, ids)


def participant_outcome_share(
    programme: Programme, event_type: str, roles: Iterable[str], outcome: str, event: str = ""
) -> Figure:
    """Participants of those events and roles with the outcome `yes` / those participants."""
    qs = _attendances(programme, event_type, roles, event)
    den_ids, den_female = _people(qs.values_list("participant__code", "participant__sex"))
    yes = Outcome.objects.filter(attendance__in=qs, code=outcome, value="yes")
    ids, female = _people(
        yes.values_list("attendance__participant__code", "attendance__participant__sex")
    )
    return Figure(len(ids), len(den_ids), female, den_female, ids, den_ids)


def rapid_survey_share(
    programme: Programme,
    outcome: str = "understanding_increased",
    event_type: str = "outreach",
    event: str = "",
) -> Figure:
    """Respondents answering `yes` / respondents who answered (yes or no)."""
    qs = _attendances(programme, event_type, event=event)
    answers = Outcome.objects.filter(attendance__in=qs, code=outcome)
    pairs = ("attendance__participant__code", "attendance__participant__sex")
    den_ids, den_female = _people(answers.values_list(*pairs))
    ids, female = _people(answers.filter(value="yes").values_list(*pairs))
    return Figure(len(ids), len(den_ids), female, den_female, ids, den_ids)
