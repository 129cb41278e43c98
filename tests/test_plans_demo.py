from __future__ import annotations

from decimal import Decimal

import pytest

from scorecard.plans.demo import load_demo_plans
from scorecard.plans.models import Action, ActionPlan, Contribution, StatusChange
from scorecard.plans.summary import programme_summary
from scorecard.programmes.models import Programme
from scorecard.public.demo import load_demo

pytestmark = pytest.mark.django_db

SEED = (
    "All 16 priority actions in the four commune action plans were implemented; "
    "contributions of 4,257.33 USD from the private sector, local NGOs, local authorities "
    "and CBOs, and 8,000.00 USD from UNDEF"
)


@pytest.fixture
def demo():
    list(load_demo())
    return list(load_demo_plans())


def test_it_loads_the_seed_plans_and_writes_the_seed_sentence(demo):
    programme = Programme.objects.get(code="UDF-KHM-2019")
    assert programme_summary(programme) == SEED
    assert demo == [f"Demo action plans: {SEED}."]
    plans = ActionPlan.objects.filter(programme=programme)
    assert sorted(plans.values_list("commune", flat=True)) == [
        "010201",
        "010203",
        "060301",
        "060303",
    ]
    assert Action.objects.filter(status="implemented").count() == 16
    history = StatusChange.objects.filter(action__plan__commune="010201", action__number=1)
    assert [c.to_status for c in history] == ["agreed", "in_progress", "implemented"]
    local = Contribution.objects.exclude(source_type="donor")
    assert local.totals().usd == Decimal("4257.33")
    assert {"KHR", "USD"} == set(local.values_list("currency", flat=True))


def test_it_loads_the_demo_twice_without_change(demo):
    counts = (Action.objects.count(), StatusChange.objects.count(), Contribution.objects.count())
    list(load_demo_plans())
    assert (
        Action.objects.count(),
        StatusChange.objects.count(),
        Contribution.objects.count(),
    ) == counts
