"""Did it work? The change in an implemented action's indicators, round before to after."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from scorecard.accounts.models import Role
from scorecard.plans.actions import record_progress, update_plan
from scorecard.plans.effect import action_effect, plan_effects
from scorecard.scorecards.actions import revise_template
from scorecard.scorecards.models import Indicator, RatingCount, Round, Template
from scorecard.stats import compare_proportions
from tests.factories_scorecards import make_round
from tests.helpers import make_organisation, make_programme, make_user
from tests.test_plans_factories import make_action, make_plan

pytestmark = pytest.mark.django_db

COMMUNE = "010201"


def make_cells(round_: Round, question: str, satisfied: int, n: int, **overrides: Any) -> None:
    """``n`` answers in the commune, ``satisfied`` of them 4 or 5 (women and men split)."""
    commune = overrides.pop("commune", COMMUNE)
    unhappy = n - satisfied
    for sex, share in (("female", 0.5), ("male", 0.5)):
        happy = round(satisfied * share) if sex == "female" else satisfied - round(satisfied * 0.5)
        sad = round(unhappy * share) if sex == "female" else unhappy - round(unhappy * 0.5)
        RatingCount.objects.create(
            round=round_, commune_id=commune, facility="health_centre", question=question,
            sex=sex, youth="youth", n_2=sad, n_4=happy,
        )  # fmt: skip


def make_rounds(**overrides: Any) -> tuple[Round, Round]:
    mode = overrides.pop("mode", "survey")
    before = make_round(
        code=overrides.pop("before_code", "B2018"), year=2018, mode=mode,
        planned_start=dt.date(2018, 11, 1), planned_end=dt.date(2018, 11, 15),
    )  # fmt: skip
    after = make_round(
        code=overrides.pop("after_code", "A2019"), year=2019, mode=mode,
        planned_start=dt.date(2019, 11, 1), planned_end=dt.date(2019, 11, 15),
    )  # fmt: skip
    return before, after


def indicator(round_: Round, code: str) -> Indicator:
    return Indicator.objects.get(version=round_.template_version, code=code)


def implemented(action: Any, on: dt.date = dt.date(2019, 10, 1)) -> Any:
    record_progress("test", action, "implemented", on)
    action.refresh_from_db()
    return action


def test_it_compares_the_round_before_with_the_round_after():
    before, after = make_rounds()
    make_cells(before, "hc_fees_posted", 10, 40)
    make_cells(after, "hc_fees_posted", 30, 45)
    make_cells(after, "hc_fees_posted", 1, 50, commune="010203")  # another commune: ignored
    action = make_action(
        start=dt.date(2019, 5, 1), indicators=[indicator(before, "hc_fees_posted")]
    )
    effect = action_effect(implemented(action))
    assert (effect.base, effect.after) == (before, after)
    (change,) = effect.changes
    expected = compare_proportions(10, 40, 30, 45)
    assert (change.base_satisfied, change.base_n, change.satisfied, change.n) == (10, 40, 30, 45)
    assert change.diff == expected and expected.p_value is not None
    assert expected.ci_low > 0 and expected.p_value < 0.05
    with translation.override("en"):
        assert change.statement.startswith("Satisfied rose from 25% to 67%: +42 points")
        assert "A clear improvement" in change.statement


def test_it_says_no_clear_change_when_the_interval_covers_zero():
    before, after = make_rounds()
    make_cells(before, "hc_fees_posted", 20, 40)
    make_cells(after, "hc_fees_posted", 22, 40)
    action = implemented(make_action(indicators=[indicator(before, "hc_fees_posted")]))
    (change,) = action_effect(action).changes
    assert change.diff is not None and change.diff.ci_low < 0 < change.diff.ci_high
    with translation.override("en"):
        assert "No clear change" in change.statement


def test_it_gives_meetings_a_difference_without_interval():
    before, after = make_rounds(mode="community")
    make_cells(before, "hc_fees_posted", 2, 10)
    make_cells(after, "hc_fees_posted", 8, 10)
    action = implemented(make_action(indicators=[indicator(before, "hc_fees_posted")]))
    (change,) = action_effect(action).changes
    assert not change.sampled and change.trend == "flat"
    with translation.override("en"):
        assert "+60 points" in change.statement and "no interval" in change.statement


def test_it_follows_indicators_across_template_versions():
    before = make_round(code="V1", year=2018, planned_end=dt.date(2018, 11, 15))

    def reword(version: Any) -> None:
        Indicator.objects.filter(version=version, code="hc_fees_posted").update(
            code="hc_fees_shown"
        )

    revise_template("test", Template.objects.get(code="isaf"), reword)
    after = make_round(code="V2", year=2019, planned_end=dt.date(2019, 11, 15))
    assert after.template_version != before.template_version
    make_cells(before, "hc_fees_posted", 10, 40)
    make_cells(after, "hc_fees_shown", 30, 40)
    for linked in (indicator(before, "hc_fees_posted"), indicator(after, "hc_fees_shown")):
        action = implemented(make_action(indicators=[linked]))
        (change,) = action_effect(action).changes
        assert (change.base_code, change.code) == ("hc_fees_posted", "hc_fees_shown")
        assert (change.base_satisfied, change.satisfied) == (10, 30)


def test_it_picks_the_latest_round_before_the_start_and_the_first_after_implementation():
    early = make_round(code="E2017", year=2017, planned_end=dt.date(2017, 11, 15))
    before, after = make_rounds()
    late = make_round(code="L2020", year=2020, planned_end=dt.date(2020, 11, 15))
    for round_, s in ((early, 5), (before, 10), (after, 30), (late, 35)):
        make_cells(round_, "hc_fees_posted", s, 40)
    action = make_action(
        start=dt.date(2019, 3, 1), indicators=[indicator(before, "hc_fees_posted")]
    )
    effect = action_effect(implemented(action, dt.date(2019, 9, 1)))
    assert (effect.base, effect.after) == (before, after)


def test_it_falls_back_to_the_plans_source_round():
    before, after = make_rounds()
    make_cells(before, "hc_fees_posted", 10, 40)
    make_cells(after, "hc_fees_posted", 30, 40)
    plan = make_plan()
    update_plan("test", plan, rounds=[before])
    # Started before any round ended: the source round is the baseline.
    action = make_action(
        plan=plan, start=dt.date(2018, 1, 1), indicators=[indicator(before, "hc_fees_posted")]
    )
    assert action_effect(implemented(action)).base == before


def test_it_says_why_there_is_no_figure_yet():
    before, after = make_rounds()
    ind = indicator(before, "hc_fees_posted")
    with translation.override("en"):
        assert (
            "once the action is implemented" in action_effect(make_action(indicators=[ind])).missing
        )
        assert "No indicators" in action_effect(implemented(make_action())).missing
        late = implemented(make_action(indicators=[ind]), dt.date(2019, 12, 1))
        assert "has ended since" in action_effect(late).missing
        make_cells(before, "hc_fees_posted", 10, 40)  # the later round has no answers
        (change,) = action_effect(implemented(make_action(indicators=[ind]))).changes
        assert change.diff is None and "A2019 has no answers" in change.statement


@pytest.fixture
def shown(settings):
    org = make_organisation(code="ngo")
    programme = make_programme(code="own", organisation=org, communes=[COMMUNE, "010203"])
    before, after = make_rounds()
    make_cells(before, "hc_fees_posted", 10, 40)
    make_cells(after, "hc_fees_posted", 30, 45)
    plan = make_plan(programme=programme, code="shown")
    action = implemented(make_action(plan=plan, indicators=[indicator(before, "hc_fees_posted")]))
    client = Client()
    client.force_login(make_user(Role.COMMUNE_OFFICIAL, communes=[COMMUNE]))
    return {"plan": plan, "action": action, "client": client}


def test_it_shows_the_change_on_the_action_and_plan_pages_and_exports_it(shown):
    client, plan, action = shown["client"], shown["plan"], shown["action"]
    for url in (f"/plans/actions/{action.pk}/", f"/plans/{plan.pk}/"):
        page = client.get(url).content.decode()
        # Khmer first, with Khmer digits: 25% (n=40) -> 67% (n=45)
        assert "B2018" in page and "A2019" in page and "n=៤០" in page and "៦៧%" in page
        assert "p &lt; ០.០០១" in page
    assert plan_page_tally(client, plan) == {"up": 1, "down": 0, "flat": 0, "measured": 1}
    response = client.get(f"/plans/{plan.pk}/effects.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    expected = compare_proportions(10, 40, 30, 45)
    assert len(rows) == 1 and rows[0]["indicator"] == "hc_fees_posted"
    assert float(rows[0]["diff_ci_low"]) == pytest.approx(expected.ci_low)
    assert float(rows[0]["p_value"]) == pytest.approx(expected.p_value)
    assert client.get(f"/plans/{plan.pk}/effects.xlsx").status_code == 200


def plan_page_tally(client: Client, plan: Any) -> dict[str, int]:
    return client.get(f"/plans/{plan.pk}/").context["tally"]


def test_it_hides_another_communes_effects(shown):
    other = make_plan(commune="010203", programme=shown["plan"].programme, code="other")
    assert shown["client"].get(f"/plans/{other.pk}/effects.csv").status_code == 404


def test_it_gives_the_demo_real_numbers():
    """The demo's shape: plans made from the 2018 baseline, implemented before 2019."""
    before, after = make_rounds()
    make_cells(before, "hc_fees_posted", 106, 233)
    make_cells(after, "hc_fees_posted", 174, 296)
    plan = make_plan()
    update_plan("test", plan, rounds=[before])
    implemented(make_action(plan=plan, indicators=[indicator(before, "hc_fees_posted")]))
    (effect,) = plan_effects(plan)
    diff = effect.changes[0].diff
    assert diff is not None and diff.diff == pytest.approx(174 / 296 - 106 / 233)
