"""A real phone-sized browser picks priorities from a round's results into a plan."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage

from scorecard.accounts.models import Role
from scorecard.places.gazetteer import load_gazetteer
from scorecard.plans.models import Action
from scorecard.public.setup import load_facility_types
from tests.browser import chromium
from tests.helpers import PASSWORD, make_organisation, make_programme, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server: Any) -> dict[str, Any]:
    # Transactional tests start from an empty database.
    load_gazetteer()
    load_facility_types()
    from tests.factories_scorecards import make_round
    from tests.test_plans_effect import make_cells
    from tests.test_plans_factories import make_plan

    org = make_organisation(code="ngo")
    programme = make_programme(code="own", organisation=org, communes=["010201"])
    round_ = make_round(code="R18", year=2018, programme="own")
    make_cells(round_, "hc_fees_posted", 8, 40)
    make_cells(round_, "hc_medicines", 20, 40)
    plan = make_plan(programme=programme, commune="010201", code="mine")
    user = make_user(Role.COMMUNE_OFFICIAL, communes=["010201"])
    return {"url": str(live_server.url), "plan": plan, "user": user}


def test_it_picks_the_weakest_indicator_into_the_plan_on_a_phone(site):
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 360, "height": 740})
        page = context.new_page()
        errors: list[str] = []

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                errors.append(message.text)

        page.on("console", on_console)
        page.goto(site["url"] + "/accounts/login/")
        page.fill("input[name=username]", site["user"].username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form[method=post]:has(input[name=password]) button")
        page.goto(f"{site['url']}/plans/{site['plan'].pk}/priorities/")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        first = page.locator("ol.priorities li").first
        assert "២០%" in first.inner_text()  # the weakest (20% satisfied) comes first
        first.locator("input[type=checkbox]").check()
        first.locator("summary").click()
        first.locator("textarea[name$=activity_en]").fill("Post the fees at the door")
        page.locator("form[method=post] button[type=submit]").last.click()
        page.wait_for_url(f"**/plans/{site['plan'].pk}/")
        context.close()
    action = Action.objects.get(plan=site["plan"])
    assert action.activity_en == "Post the fees at the door"
    assert [i.code for i in action.indicators.all()] == ["hc_fees_posted"]
    assert errors == []  # nothing blocked by the Content-Security-Policy
