"""From results to plan: pick a round's weakest indicators into the plan, or type actions."""

from __future__ import annotations

import pytest
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.audit.models import AuditEntry
from scorecard.plans.actions import create_action
from scorecard.plans.models import Action
from scorecard.plans.priorities import priority_rows
from scorecard.stats import wilson_interval
from tests.factories_scorecards import make_round
from tests.helpers import make_organisation, make_programme, make_user
from tests.test_plans_effect import indicator, make_cells
from tests.test_plans_factories import make_action, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    org = make_organisation(code="ngo")
    programme = make_programme(code="own", organisation=org, communes=["010201", "010203"])
    round_ = make_round(code="R18", year=2018, programme="own")
    make_cells(round_, "hc_fees_posted", 8, 40)  # 20%
    make_cells(round_, "hc_medicines", 20, 40)  # 50%
    make_cells(round_, "co_budget_info", 12, 40)  # 30%
    make_cells(round_, "hc_midwife", 1, 40, commune="010203")  # another commune
    plan = make_plan(programme=programme, commune="010201", code="mine")
    make_action(plan=plan)  # number 1, typed in before
    client = Client()
    client.force_login(make_user(Role.COMMUNE_OFFICIAL, communes=["010201"]))
    return {"round": round_, "plan": plan, "client": client, "programme": programme}


def test_it_lists_the_communes_indicators_lowest_satisfied_first(world):
    rows = priority_rows(world["plan"], world["round"])
    assert [r.indicator.code for r in rows] == ["hc_fees_posted", "co_budget_info", "hc_medicines"]
    first = rows[0]
    expected = wilson_interval(8, 40)
    assert (first.n, first.satisfied) == (40, 8)
    assert (first.ci_low, first.ci_high) == pytest.approx((expected.low, expected.high))
    page = world["client"].get(f"/plans/{world['plan'].pk}/priorities/").content.decode()
    assert page.index(f"i{first.indicator.pk}-pick") < page.index(f"i{rows[2].indicator.pk}-pick")
    assert "n=៤០" in page and "២០%" in page


def test_it_turns_ticked_indicators_into_linked_actions(world):
    plan, round_, client = world["plan"], world["round"], world["client"]
    fees, budget = indicator(round_, "hc_fees_posted"), indicator(round_, "co_budget_info")
    form = client.get(f"/plans/{plan.pk}/priorities/").context["rows"]
    data = {}
    for _row, f in form:
        for name, field in f.fields.items():
            value = f.initial.get(name, field.initial)
            if value is not None and value is not False:
                data[f.add_prefix(name)] = value
    data[f"i{fees.pk}-pick"] = "on"
    data[f"i{budget.pk}-pick"] = "on"
    data[f"i{budget.pk}-section"] = "A"
    data[f"i{budget.pk}-activity_en"] = "Post the budget at the market"
    response = client.post(f"/plans/{plan.pk}/priorities/", data)
    assert response.status_code == 302
    made = {a.number: a for a in plan.actions.exclude(number=1)}
    assert sorted(made) == [2, 3]
    assert [list(a.indicators.all()) for a in (made[2], made[3])] == [[fees], [budget]]
    assert made[2].section == "B" and made[2].provider and "R18" in made[2].proposer
    assert made[2].activity_en == fees.standard_en
    assert (made[3].section, made[3].activity_en) == ("A", "Post the budget at the market")
    assert list(plan.rounds.all()) == [round_]
    assert AuditEntry.objects.filter(model="plans.Action", action="create").count() == 3
    page = client.get(f"/plans/{plan.pk}/priorities/").content.decode()
    assert "tag" in page and "២" in page  # marked as already in the plan


def test_it_stores_nothing_when_a_ticked_row_has_no_activity(world):
    plan, client = world["plan"], world["client"]
    fees = indicator(world["round"], "hc_fees_posted")
    data = {f"i{fees.pk}-pick": "on", f"i{fees.pk}-section": "B"}
    response = client.post(f"/plans/{plan.pk}/priorities/", data)
    assert response.status_code == 200
    assert plan.actions.count() == 1


def test_it_scopes_the_page_to_the_officials_communes_and_known_rounds(world):
    client, programme = world["client"], world["programme"]
    other = make_plan(programme=programme, commune="010203", code="theirs")
    assert client.get(f"/plans/{other.pk}/priorities/").status_code == 404
    assert client.get("/plans/999999/priorities/").status_code == 404
    url = f"/plans/{world['plan'].pk}/priorities/"
    assert client.get(url + "?round=NOPE").status_code == 404
    reader = Client()
    reader.force_login(make_user(Role.FACILITATOR, organisation=programme.organisation))
    assert reader.get(url).status_code == 403


def test_it_still_takes_actions_typed_in_directly(world):
    plan, client = world["plan"], world["client"]
    form = {"section": "B", "number": "7", "activity_km": "បិទផ្សាយតម្លៃសេវា", "proposer": "Youth"}
    response = client.post(f"/plans/{plan.pk}/actions/new/", form)
    assert response.status_code == 302
    assert plan.actions.get(number=7).activity_km == "បិទផ្សាយតម្លៃសេវា"


def test_it_keeps_the_create_action_signature_the_meeting_mode_calls(world):
    fees = indicator(world["round"], "hc_fees_posted")
    action = create_action(
        "meeting", world["plan"], indicators=[fees], section="B", number=9,
        activity_km="បិទផ្សាយ", activity_en="Post fees", proposer="Women",
    )  # fmt: skip
    assert isinstance(action, Action) and list(action.indicators.all()) == [fees]
