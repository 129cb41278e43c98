"""Actual against target, per period and for the life of the programme.

An indicator's life-of-programme actual follows its rule: ``latest`` is the value of the
latest period that has one (or, without periods, the computation with the indicator's
own parameters); ``sum`` adds the periods' values (counts and money). The band compares
the progress made from the baseline with the progress planned:
``(actual - baseline) / (target - baseline)`` (reversed when lower is better) is
``achieved`` from 1, ``on track`` from the indicator's ``on_track_at`` (default 0.9),
else ``off track``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from scorecard.logframe.catalogue import ParameterError, Value, compute, manual_value
from scorecard.logframe.models import Direction, Indicator, Period, Rule
from scorecard.programmes.models import Programme

ACHIEVED, ON_TRACK, OFF_TRACK, NO_TARGET, NO_VALUE = (
    "achieved",
    "on_track",
    "off_track",
    "no_target",
    "no_value",
)


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    period: Period | None  # None: life of programme
    value: Value | None
    target: Decimal | None
    error: str = ""

    @property
    def label(self) -> str:
        return self.period.label if self.period else "life"

    @property
    def progress(self) -> float | None:
        return progress_share(self.indicator, self.value, self.target)

    @property
    def band(self) -> str:
        return band(self.indicator, self.value, self.target)


def _as_float(x: object) -> float | None:
    return None if x is None else float(x)  # type: ignore[arg-type]


def progress_share(
    indicator: Indicator, value: Value | None, target: Decimal | None
) -> float | None:
    actual = _as_float(value.value) if value else None
    if actual is None or target is None:
        return None
    base = _as_float(indicator.baseline_value) or 0.0
    goal = float(target)
    if indicator.direction == Direction.DECREASE:
        actual, base, goal = -actual, -base, -goal
    if goal == base:
        return 1.0 if actual >= goal else 0.0
    return (actual - base) / (goal - base)


def band(indicator: Indicator, value: Value | None, target: Decimal | None) -> str:
    if value is None or value.value is None:
        return NO_VALUE
    share = progress_share(indicator, value, target)
    if share is None:
        return NO_TARGET
    if share >= 1:
        return ACHIEVED
    return ON_TRACK if share >= float(indicator.on_track_at) else OFF_TRACK


def value_of(indicator: Indicator, period: Period | None = None) -> Value:
    """The indicator's value (for a period: with that period's parameters)."""
    if indicator.is_manual:
        manual = period.manual_value if period else indicator.manual_value
        evidence = (period.evidence if period else "") or indicator.evidence
        return manual_value(
            indicator.unit,
            manual,
            None if period else indicator.manual_numerator,
            None if period else indicator.manual_denominator,
            None if period else indicator.manual_female,
            indicator.currency,
            evidence,
        )
    params = {**indicator.params, **(period.params if period else {})}
    return compute(indicator.programme, indicator.computation, params)


def _safe(indicator: Indicator, period: Period | None) -> tuple[Value | None, str]:
    try:
        return value_of(indicator, period), ""
    except ParameterError as exc:
        return None, str(exc)


def _sum(values: list[Value]) -> Value | None:
    present = [v for v in values if v.value is not None]
    if not present:
        return None
    first = present[0]
    return Value(
        computation=first.computation,
        unit=first.unit,
        value=sum((Decimal(str(v.value)) for v in present), Decimal("0")),
        numerator=sum((Decimal(str(v.numerator or 0)) for v in present), Decimal("0")),
        female=sum(v.female or 0 for v in present) if all(v.female is not None for v in present)
        else None,
        currency=first.currency,
        links=tuple(link for v in present for link in v.links),
    )  # fmt: skip


def indicator_rows(indicator: Indicator) -> list[Row]:
    """One row per period, then the life-of-programme row."""
    rows = []
    for period in indicator.periods.all():
        value, error = _safe(indicator, period)
        rows.append(Row(indicator, period, value, period.target, error))
    with_values = [r for r in rows if r.value is not None and r.value.value is not None]
    if not rows:
        value, error = _safe(indicator, None)
    elif indicator.rule == Rule.SUM:
        value, error = _sum([r.value for r in with_values if r.value]), ""
    else:
        value, error = (with_values[-1].value, "") if with_values else _safe(indicator, None)
    rows.append(Row(indicator, None, value, indicator.target, error))
    return rows


def life_value(indicator: Indicator) -> Row:
    return indicator_rows(indicator)[-1]


def programme_values(programme: Programme) -> list[Row]:
    """The life-of-programme row of every indicator, in logframe order."""
    indicators = Indicator.objects.filter(programme=programme).select_related("level")
    return [life_value(i) for i in indicators.prefetch_related("periods")]
