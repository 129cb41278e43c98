"""Factories for plan tests: make_<noun>(**overrides) with sensible defaults (no tests here)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from scorecard.places.models import Commune
from scorecard.plans.actions import add_contribution, create_action, create_plan
from scorecard.plans.models import Action, ActionPlan, Contribution
from tests.helpers import make_programme

_seq = itertools.count(1)


def make_plan(**overrides: Any) -> ActionPlan:
    n = next(_seq)
    commune = overrides.pop("commune", "010201")
    if isinstance(commune, str):
        commune = Commune.objects.get(code=commune)
    programme = overrides.pop("programme", None) or make_programme(communes=[commune.code])
    fields: dict[str, Any] = {"year": 2019, "code": f"plan-{n}", "title_en": f"Plan {n}"}
    fields.update(overrides)
    return create_plan("test", programme, commune, fields.pop("year"), **fields)


def make_action(**overrides: Any) -> Action:
    plan = overrides.pop("plan", None) or make_plan()
    fields: dict[str, Any] = {
        "section": "A",
        "number": plan.actions.count() + 1,
        "activity_en": "Repair the road to the health centre",
        "activity_km": "ជួសជុលផ្លូវទៅមណ្ឌលសុខភាព",
        "start": dt.date(2019, 6, 1),
        "end": dt.date(2019, 12, 31),
        "estimated_cost_khr": 4_100_000,
        "implementer": "Commune council",
    }
    fields.update(overrides)
    actor = fields.pop("actor", "test")
    return create_action(actor, plan, **fields)


def make_contribution(**overrides: Any) -> Contribution:
    action = overrides.pop("action", None) or make_action()
    fields: dict[str, Any] = {
        "source_type": "private_sector",
        "source_name": "Rice mill",
        "amount": Decimal("410000"),
        "currency": "KHR",
        "rate_khr_per_usd": Decimal("4100"),
        "date": dt.date(2019, 8, 1),
    }
    fields.update(overrides)
    actor = fields.pop("actor", "test")
    return add_contribution(actor, action, **fields)
