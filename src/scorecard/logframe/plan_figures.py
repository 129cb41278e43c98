"""Catalogue computations over action plans: actions implemented, plans, actions and
contributions. Registered in the catalogue when ``scorecard.logframe.catalogue`` loads."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from scorecard.logframe.catalogue import Link, ParameterError, Value, _share, computation
from scorecard.programmes.models import Programme


def _plans(programme: Programme, plans: list[str] | None) -> Any:
    from scorecard.plans.models import ActionPlan

    qs = ActionPlan.objects.filter(programme=programme)
    if plans:
        qs = qs.filter(code__in=plans)
        if qs.count() != len(set(plans)):
            found = set(qs.values_list("code", flat=True))
            raise ParameterError(f"no plan(s) {', '.join(sorted(set(plans) - found))}")
    return qs


def _plan_links(qs: Any) -> tuple[Link, ...]:
    return tuple(Link(p.code, reverse("plan", args=[p.pk])) for p in qs.order_by("code"))


@computation(
    "actions_implemented_share", "percent", {"plans": "list of plan codes (default all)"},
    plans=None,
)  # fmt: skip
def actions_implemented_share(programme: Programme, plans: list[str] | None) -> Value:
    """Actions implemented over actions not dropped, in those plans (``plans`` split:
    how many plans)."""
    from scorecard.plans.models import Action, Status

    qs = _plans(programme, plans)
    actions = Action.objects.filter(plan__in=qs).exclude(status=Status.DROPPED)
    total = actions.count()
    done = actions.filter(status=Status.IMPLEMENTED)
    return Value(
        computation="actions_implemented_share",
        unit="percent",
        value=_share(done.count(), total),
        numerator=done.count(),
        denominator=total,
        splits=(("plans", qs.count()), ("actions", total)),
        links=_plan_links(qs),
        ids=tuple(f"{a.plan.code}#{a.number}" for a in done.select_related("plan")),
    )


@computation("plans_count", "number", {"plans": "list of plan codes (default all)"}, plans=None)
def plans_count(programme: Programme, plans: list[str] | None) -> Value:
    """Action plans of the programme (``actions`` split: their actions)."""
    from scorecard.plans.models import Action

    qs = _plans(programme, plans)
    n = qs.count()
    return Value(
        computation="plans_count",
        unit="number",
        value=n,
        numerator=n,
        splits=(("actions", Action.objects.filter(plan__in=qs).count()),),
        links=_plan_links(qs),
    )


@computation(
    "actions_count", "number", {"plans": "list of plan codes", "status": "status (optional)"},
    plans=None, status="",
)  # fmt: skip
def actions_count(programme: Programme, plans: list[str] | None, status: str) -> Value:
    """Actions in those plans (with ``status``: only those in it)."""
    from scorecard.plans.models import Action

    qs = _plans(programme, plans)
    actions = Action.objects.filter(plan__in=qs)
    if status:
        actions = actions.filter(status=status)
    n = actions.count()
    return Value(
        computation="actions_count",
        unit="number",
        value=n,
        numerator=n,
        splits=(("plans", qs.count()),),
        links=_plan_links(qs),
    )


@computation(
    "contributions_total", "money",
    {"source_types": "list of source types", "currency": "USD or KHR", "plans": "plan codes"},
    currency="USD", plans=None,
)  # fmt: skip
def contributions_total(
    programme: Programme, source_types: list[str], currency: str, plans: list[str] | None
) -> Value:
    """Sum of the contributions of those source types, each row converted at its own rate
    (``scorecard.plans.money``); Decimal."""
    from scorecard.plans.models import Contribution

    if currency not in ("USD", "KHR"):
        raise ParameterError(f"currency must be USD or KHR, not {currency!r}")
    qs = _plans(programme, plans)
    rows = Contribution.objects.filter(action__plan__in=qs, source_type__in=source_types)
    totals = rows.totals()
    amount = totals.usd if currency == "USD" else totals.khr
    by_type = rows.by_source_type()
    return Value(
        computation="contributions_total",
        unit="money",
        value=amount,
        numerator=amount,
        currency=currency,
        splits=tuple(
            (code, t.usd if currency == "USD" else t.khr) for code, t in sorted(by_type.items())
        )
        + (("rows", totals.n),),
        links=_plan_links(qs.filter(actions__contributions__in=rows).distinct()),
    )
