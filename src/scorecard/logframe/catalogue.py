"""The catalogue of computations an indicator can pick (documented in docs/logframe.md).

Each computation is a function of the programme and its parameters returning a frozen
``Value``: the value, its numerator and denominator, the female count within each, other
splits, and links to the records behind it, so every reported figure can be traced to
raw records. Shares are in 0..1; money is Decimal in the asked currency.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse

from scorecard.programmes.models import Programme

Number = int | float | Decimal


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Value:
    computation: str
    unit: str  # percent | number | money
    value: Number | None
    numerator: Number | None
    denominator: int | None = None
    female: int | None = None
    denominator_female: int | None = None
    currency: str = ""
    splits: tuple[tuple[str, Any], ...] = ()  # e.g. ("youth", 43), ("base_value", 0.4)
    links: tuple[Link, ...] = ()
    ids: tuple[str, ...] = ()  # the records behind the numerator (participant ids, ...)
    note: str = ""

    @property
    def female_share(self) -> float | None:
        if self.female is None or not self.numerator:
            return None
        return float(self.female) / float(self.numerator)

    def split(self, name: str) -> Any:
        return dict(self.splits).get(name)

    def as_json(self, code: str) -> dict[str, Any]:
        def plain(x: Any) -> Any:
            if isinstance(x, Decimal):
                return int(x) if x == x.to_integral_value() and self.unit != "money" else float(x)
            return x

        return {
            "code": code,
            "value": plain(self.value),
            "numerator": plain(self.numerator),
            "denominator": self.denominator,
            "female": self.female,
            "female_share": self.female_share,
            "denominator_female": self.denominator_female,
            "unit": self.unit,
            "currency": self.currency,
            "computation": self.computation,
            "splits": {k: plain(v) for k, v in self.splits},
        }


class ParameterError(ValueError):
    """A computation's parameters name something that does not exist."""


@dataclass(frozen=True)
class Computation:
    name: str
    unit: str
    params: dict[str, str]  # name -> what it is ("" default means required)
    function: Callable[..., Value]
    doc: str
    defaults: dict[str, Any] = field(default_factory=dict)

    def __call__(self, programme: Programme, params: dict[str, Any]) -> Value:
        unknown = set(params) - set(self.params)
        if unknown:
            raise ParameterError(f"{self.name}: unknown parameter(s) {', '.join(sorted(unknown))}")
        merged = {**self.defaults, **params}
        missing = [p for p in self.params if p not in merged]
        if missing:
            raise ParameterError(f"{self.name}: missing parameter(s) {', '.join(missing)}")
        return self.function(programme, **merged)


CATALOGUE: dict[str, Computation] = {}


def computation(
    name: str, unit: str, params: dict[str, str], **defaults: Any
) -> Callable[[Callable[..., Value]], Callable[..., Value]]:
    def register(function: Callable[..., Value]) -> Callable[..., Value]:
        CATALOGUE[name] = Computation(
            name, unit, params, function, (function.__doc__ or "").strip(), defaults
        )
        return function

    return register


def compute(programme: Programme, name: str, params: dict[str, Any]) -> Value:
    if name not in CATALOGUE:
        raise ParameterError(f"unknown computation {name!r}")
    return CATALOGUE[name](programme, params)


# --- Helpers ------------------------------------------------------------------------------


def _share(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def _round(programme: Programme, code: str) -> Any:
    from scorecard.scorecards.models import Round

    round_ = Round.objects.filter(code=code, programme=programme).first()
    if round_ is None:
        raise ParameterError(f"no round {code!r} in programme {programme.code}")
    return round_


def _event_links(programme: Programme, codes: Iterable[str]) -> tuple[Link, ...]:
    return tuple(
        Link(code, reverse("event", args=[programme.code, code])) for code in sorted(set(codes))
    )


def _events_of(programme: Programme, event_type: str, event: str = "") -> list[str]:
    from scorecard.events.models import Event

    qs = Event.objects.filter(programme=programme, type=event_type)
    if event:
        qs = qs.filter(code=event)
    return list(qs.values_list("code", flat=True))


def _figure_value(
    name: str, unit: str, programme: Programme, figure: Any, events: list[str]
) -> Value:
    return Value(
        computation=name,
        unit=unit,
        value=figure.value,
        numerator=figure.numerator,
        denominator=figure.denominator,
        female=figure.female,
        denominator_female=figure.denominator_female,
        links=_event_links(programme, events),
        ids=figure.ids,
    )


# --- Events -------------------------------------------------------------------------------


@computation(
    "participant_outcome_share",
    "percent",
    {"event_type": "event type", "roles": "list of roles", "outcome": "outcome code",
     "event": "one event code (optional)"},
    event="",
)  # fmt: skip
def participant_outcome_share(
    programme: Programme, event_type: str, roles: list[str], outcome: str, event: str
) -> Value:
    """Participants of events of that type and those roles with the outcome `yes`, over
    those participants (each counted once)."""
    from scorecard.events import figures

    fig = figures.participant_outcome_share(programme, event_type, roles, outcome, event)
    events = _events_of(programme, event_type, event)
    return _figure_value("participant_outcome_share", "percent", programme, fig, events)


@computation(
    "rapid_survey_share",
    "percent",
    {"outcome": "question (outcome code)", "event_type": "event type", "event": "event code"},
    outcome="understanding_increased",
    event_type="outreach",
    event="",
)
def rapid_survey_share(programme: Programme, outcome: str, event_type: str, event: str) -> Value:
    """Rapid-survey respondents answering yes, over the respondents who answered."""
    from scorecard.events import figures

    fig = figures.rapid_survey_share(programme, outcome, event_type, event)
    events = _events_of(programme, event_type, event)
    return _figure_value("rapid_survey_share", "percent", programme, fig, events)


@computation(
    "participants_count",
    "number",
    {"event_type": "event type", "event": "event code"},
    event="",
)
def participants_count(programme: Programme, event_type: str, event: str) -> Value:
    """Distinct participants of events of that type (female: the women among them)."""
    from scorecard.events import figures

    fig = figures.participants_count(programme, event_type, event)
    events = _events_of(programme, event_type, event)
    return _figure_value("participants_count", "number", programme, fig, events)


# --- Surveys ------------------------------------------------------------------------------


@computation(
    "enumerator_success_share",
    "percent",
    {"round": "round code", "training": "training event code", "min_share": "0..1"},
    min_share=None,
)
def enumerator_success_share(
    programme: Programme, round: str, training: str, min_share: float | str | None
) -> Value:
    """Youth trainees of the training whose accepted interviews in the round record a
    concrete need in at least ``min_share`` of them (default: the quality checks'
    success threshold, 0.8), over the youth trainees of the training (a trainee with no
    interview has not succeeded). The decision is the quality module's
    (``scorecard.quality.checks.success_counts``)."""
    from dataclasses import replace

    from scorecard.events.models import Attendance, ParticipantRole
    from scorecard.quality.checks import success_counts
    from scorecard.quality.rules import QualityRules

    round_ = _round(programme, round)
    trained = dict(
        Attendance.objects.filter(
            event__programme=programme,
            event__code=training,
            role=ParticipantRole.YOUTH_TRAINEE,
        ).values_list("participant__code", "participant__sex")
    )
    if not trained:
        raise ParameterError(f"no youth trainees in event {training!r}")
    rules = QualityRules.from_settings()
    if min_share is not None:
        rules = replace(rules, success_threshold=_fraction("min_share", min_share))
    counts = success_counts(round_, trained, rules)
    return Value(
        computation="enumerator_success_share",
        unit="percent",
        value=_share(counts.succeeded, counts.trained),
        numerator=counts.succeeded,
        denominator=counts.trained,
        female=counts.succeeded_female,
        denominator_female=counts.trained_female,
        splits=(("youth", counts.succeeded), ("interviews", counts.interviews)),
        links=(
            *_event_links(programme, [training]),
            Link(round, reverse("round", args=[round])),
        ),
        ids=counts.ids,
    )


def _fraction(name: str, value: float | str) -> float:
    try:
        share = float(value)
    except (TypeError, ValueError):
        share = -1.0
    if not 0 <= share <= 1:
        raise ParameterError(f"{name} must be a number from 0 to 1, not {value!r}")
    return share


def _satisfied(round_: Any, indicator: str) -> dict[str, tuple[int, int]]:
    """(satisfied, ratings) for ``all``, each sex and youth group, whole round, one
    question: sums over the round's cube (``RatingCount``), the cells
    ``scorecard results`` adds up, so both always agree (tests check it on the demo)."""
    from django.db.models import Sum

    from scorecard.scorecards.models import RatingCount

    threshold = int(round_.template.threshold)
    levels = [f"n_{k}" for k in range(1, 6)]
    cells = RatingCount.objects.filter(round=round_, question=indicator)
    out: dict[str, tuple[int, int]] = {}
    for key in ("sex", "youth"):
        for row in cells.values(key).annotate(**{f"s{lv}": Sum(lv) for lv in levels}):
            counts = [row[f"s{lv}"] or 0 for lv in levels]
            if row[key] and sum(counts):
                out[row[key]] = (sum(counts[threshold - 1 :]), sum(counts))
    totals = cells.aggregate(**{f"s{lv}": Sum(lv) for lv in levels})
    counts = [totals[f"s{lv}"] or 0 for lv in levels]
    if not sum(counts):
        raise ParameterError(f"round {round_.code} has no ratings of {indicator!r}")
    out["all"] = (sum(counts[threshold - 1 :]), sum(counts))
    return out


@computation(
    "satisfied_share",
    "percent",
    {"round": "round code", "indicator": "indicator code or overall"},
    indicator="overall",
)
def satisfied_share(programme: Programme, round: str, indicator: str) -> Value:
    """Satisfied ratings (4 or 5) over ratings in the round (female: satisfied women
    respondents; denominator_female: women who rated)."""
    round_ = _round(programme, round)
    groups = _satisfied(round_, indicator)
    sat, n = groups["all"]
    f_sat, f_n = groups.get("female", (0, 0))
    return Value(
        computation="satisfied_share",
        unit="percent",
        value=_share(sat, n),
        numerator=sat,
        denominator=n,
        female=f_sat,
        denominator_female=f_n,
        splits=tuple((g, groups[g][0]) for g in ("male", "youth", "non_youth") if g in groups),
        links=(Link(round, reverse("round_results", args=[round])),),
    )


@computation(
    "satisfied_change",
    "percent",
    {"round": "round code", "base_round": "baseline round code", "indicator": "question"},
    indicator="overall",
)
def satisfied_change(programme: Programme, round: str, base_round: str, indicator: str) -> Value:
    """Satisfied share in the round minus that of the baseline round (in 0..1 points),
    with the Newcombe 95% interval of the difference; the base round's figures are in the
    splits (``base_value``, ``base_numerator``, ``base_denominator``,
    ``base_denominator_female``)."""
    import numpy as np

    from scorecard.scorecards.compare import newcombe

    now = satisfied_share(programme, round, indicator)
    base = satisfied_share(programme, base_round, indicator)
    arrays = [np.array([x]) for x in (now.numerator, now.denominator)]
    arrays += [np.array([x]) for x in (base.numerator, base.denominator)]
    diff, low, high, _z, p = newcombe(*arrays)  # type: ignore[arg-type]
    return dataclasses.replace(
        now,
        computation="satisfied_change",
        value=float(diff[0]),
        splits=(
            ("base_value", base.value),
            ("base_numerator", base.numerator),
            ("base_denominator", base.denominator),
            ("base_denominator_female", base.denominator_female),
            ("round_value", now.value),
            ("ci_low", float(low[0])),
            ("ci_high", float(high[0])),
            ("p_value", float(p[0])),
        ),
        links=(*base.links, *now.links, Link("compare", reverse("round_results", args=[round]))),
    )


@computation("respondents_count", "number", {"round": "round code"})
def respondents_count(programme: Programme, round: str) -> Value:
    """Accepted survey responses of the round (female: women respondents)."""
    from scorecard.scorecards.models import Response

    round_ = _round(programme, round)
    responses = Response.objects.filter(round=round_)
    total = responses.count()
    female = responses.filter(sex="female").count()
    youth = responses.filter(youth=True).count()
    return Value(
        computation="respondents_count",
        unit="number",
        value=total,
        numerator=total,
        female=female,
        splits=(("youth", youth),),
        links=(Link(round, reverse("round", args=[round])),),
    )


# --- Plans and money ----------------------------------------------------------------------


def manual_value(
    unit: str,
    value: Decimal | None,
    numerator: int | None = None,
    denominator: int | None = None,
    female: int | None = None,
    currency: str = "",
    evidence: str = "",
) -> Value:
    """A figure entered by hand, with the evidence behind it (no computation)."""
    links = (Link(evidence, evidence),) if evidence.startswith(("http://", "https://", "/")) else ()
    return Value(
        computation="manual",
        unit=unit,
        value=value,
        numerator=numerator if numerator is not None else value,
        denominator=denominator,
        female=female,
        currency=currency,
        links=links,
        note=evidence,
    )


# The plan computations live in their own module; importing it registers them.
from scorecard.logframe import plan_figures  # noqa: E402, F401
