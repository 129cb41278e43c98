from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from scorecard.accounts.models import Role
from scorecard.audit.models import AuditEntry
from scorecard.plans import money
from scorecard.plans.actions import (
    PlanError,
    delete_contribution,
    record_progress,
    update_action,
    update_contribution,
)
from scorecard.plans.models import Action, Contribution, StatusChange
from tests.helpers import make_user
from tests.test_plans_factories import make_action, make_contribution, make_plan

pytestmark = pytest.mark.django_db


def test_it_converts_riel_to_usd_at_the_row_rate_rounding_half_even():
    assert money.in_usd(Decimal("2000000"), "KHR", Decimal("4100")) == Decimal("487.80")
    # 20,500 / 4,100 = 5.00 exactly; 10,250 / 4,100 = 2.50; a half cent goes to even
    assert money.in_usd(Decimal("50"), "KHR", Decimal("4000")) == Decimal("0.01")  # 0.0125
    assert money.in_usd(Decimal("30"), "KHR", Decimal("4000")) == Decimal("0.01")  # 0.0075
    assert money.in_usd(Decimal("10"), "KHR", Decimal("4000")) == Decimal("0.00")  # 0.0025
    assert money.in_khr(Decimal("12.34"), "USD", Decimal("4100")) == Decimal("50594")
    assert money.in_khr(Decimal("0.50"), "USD", Decimal("4001")) == Decimal("2000")  # 2000.5


def test_it_adds_rows_at_their_own_rates_in_both_currencies():
    totals = money.total(
        [
            (Decimal("410000"), "KHR", Decimal("4100")),  # 100.00 USD
            (Decimal("400000"), "KHR", Decimal("4000")),  # 100.00 USD
            (Decimal("10.25"), "USD", Decimal("4050")),  # 41,512.5 -> 41,512 riel
        ]
    )
    assert (totals.usd, totals.khr, totals.n) == (Decimal("210.25"), Decimal("851512"), 3)
    assert all(isinstance(v, Decimal) for v in (totals.usd, totals.khr))


def test_it_refuses_amounts_that_are_not_money():
    with pytest.raises(ValueError, match="not a number"):
        money.parse_amount("abc", "USD")
    with pytest.raises(ValueError, match="more than zero"):
        money.parse_amount("-5", "USD")
    with pytest.raises(ValueError, match="whole"):
        money.parse_amount("100.5", "KHR")
    assert money.parse_amount("1,230,000", "KHR") == Decimal("1230000")


def test_it_totals_contributions_by_source_type_per_plan_commune_and_programme():
    plan = make_plan()
    action = make_action(plan=plan)
    make_contribution(action=action, amount=Decimal("410000"), currency="KHR")
    make_contribution(action=action, amount=Decimal("25.50"), currency="USD")
    make_contribution(action=action, source_type="donor", amount=Decimal("2000"), currency="USD")
    other = make_contribution(source_type="cbo")  # another plan
    rows = Contribution.objects.filter(action__plan=plan)
    by_type = rows.by_source_type()
    assert by_type["private_sector"].usd == Decimal("125.50")
    assert by_type["private_sector"].khr == Decimal("410000") + Decimal("104550")
    assert by_type["donor"].usd == Decimal("2000.00")
    assert Contribution.objects.by_plan()[plan.pk].usd == Decimal("2125.50")
    assert Contribution.objects.by_commune()["010201"].usd == Decimal("2225.50")
    assert Contribution.objects.by_programme()[other.action.plan.programme_id].usd == Decimal(
        "100.00"
    )


def test_it_records_each_progress_update_with_its_date_and_percent():
    user = make_user(Role.ME_OFFICER)
    action = make_action(date=dt.date(2019, 5, 1))
    record_progress(user, action, "agreed", dt.date(2019, 5, 10), note="agreed at the meeting")
    record_progress(user, action, "in_progress", dt.date(2019, 7, 1), percent=40)
    record_progress(user, action, "implemented", dt.date(2019, 11, 30))
    action.refresh_from_db()
    assert (action.status, action.progress) == ("implemented", 100)
    history = [(c.from_status, c.to_status, c.date, c.percent) for c in StatusChange.objects.all()]
    assert history == [
        ("", "proposed", dt.date(2019, 5, 1), 0),
        ("proposed", "agreed", dt.date(2019, 5, 10), 0),
        ("agreed", "in_progress", dt.date(2019, 7, 1), 40),
        ("in_progress", "implemented", dt.date(2019, 11, 30), 100),
    ]
    last = StatusChange.objects.last()
    assert last is not None and last.by == user


def test_it_refuses_moving_back_dropping_without_a_reason_and_bad_percents():
    action = make_action(status="in_progress", progress=50)
    with pytest.raises(PlanError, match="back"):
        record_progress("t", action, "agreed", dt.date(2019, 7, 1))
    with pytest.raises(PlanError, match="reason"):
        record_progress("t", action, "dropped", dt.date(2019, 7, 1))
    with pytest.raises(PlanError, match="percent"):
        record_progress("t", action, "in_progress", dt.date(2019, 7, 1), percent=150)
    with pytest.raises(PlanError, match="100 percent"):
        record_progress("t", action, "implemented", dt.date(2019, 7, 1), percent=80)
    record_progress("t", action, "dropped", dt.date(2019, 7, 2), note="the land was not given")
    action.refresh_from_db()
    assert (action.status, action.dropped_reason) == ("dropped", "the land was not given")
    with pytest.raises(PlanError, match="cannot change"):
        record_progress("t", action, "in_progress", dt.date(2019, 7, 3))


def test_it_flags_overdue_actions():
    late = make_action(end=dt.date(2019, 3, 1), start=dt.date(2019, 1, 1))
    done = make_action(plan=late.plan, end=dt.date(2019, 3, 1), start=dt.date(2019, 1, 1))
    record_progress("t", done, "implemented", dt.date(2019, 2, 28))
    make_action(plan=late.plan, end=dt.date(2030, 1, 1))
    assert late.is_overdue(dt.date(2019, 3, 2))
    assert not late.is_overdue(dt.date(2019, 3, 1))
    assert list(Action.objects.overdue(dt.date(2019, 3, 2))) == [late]


def test_it_checks_one_action_s_own_rules():
    with pytest.raises(ValidationError) as caught:
        make_action(
            activity_en="",
            activity_km="",
            start=dt.date(2019, 5, 1),
            end=dt.date(2019, 4, 1),
            beneficiaries=10,
            beneficiaries_female=11,
        )
    assert set(caught.value.message_dict) == {"activity_en", "end", "beneficiaries_female"}
    with pytest.raises(ValidationError):
        make_action(number=1, plan=make_action().plan)  # number unique per plan


def test_it_refuses_a_plan_for_a_commune_outside_the_programme():
    programme = make_plan().programme
    with translation.override("en"), pytest.raises(ValidationError, match="target communes"):
        make_plan(programme=programme, commune="060301")
    with translation.override("km"), pytest.raises(ValidationError, match="ឃុំគោលដៅ"):
        make_plan(programme=programme, commune="060301")


def test_it_audits_every_change_of_money():
    user = make_user(Role.ME_OFFICER)
    action = make_action(actor=user, estimated_cost_khr=1_000_000)
    update_action(user, action, estimated_cost_khr=1_200_000)
    entry = AuditEntry.objects.filter(model="plans.Action", action="update").get()
    assert ("estimated_cost_khr", 1_000_000, 1_200_000) in entry.changes()

    contribution = make_contribution(
        action=action, actor=user, amount=Decimal("100.00"), currency="USD"
    )
    created = AuditEntry.objects.get(model="plans.Contribution", action="create")
    assert created.after is not None
    assert (created.actor, created.after["amount"], created.after["rate_khr_per_usd"]) == (
        user,
        "100.00",
        "4100.0000",
    )
    update_contribution(user, contribution, reason="receipt", amount=Decimal("120.00"))
    updated = AuditEntry.objects.get(model="plans.Contribution", action="update")
    assert ("amount", "100.00", "120.00") in updated.changes()
    assert updated.reason == "receipt"
    with pytest.raises(PlanError):
        delete_contribution(user, contribution, reason="")
    delete_contribution(user, contribution, reason="entered twice")
    deleted = AuditEntry.objects.get(model="plans.Contribution", action="delete")
    assert deleted.before is not None
    assert deleted.before["amount"] == "120.00" and deleted.reason == "entered twice"


def test_it_refuses_a_contribution_without_a_positive_amount_or_rate():
    with pytest.raises(ValidationError) as caught:
        make_contribution(amount=Decimal("-5"), rate_khr_per_usd=Decimal("0"))
    assert set(caught.value.message_dict) == {"amount", "rate_khr_per_usd"}
    assert not AuditEntry.objects.filter(model="plans.Contribution").exists()
