"""The needs page in a real browser on a 360 px phone: read, move and approve a quote."""

from __future__ import annotations

from typing import Any

import pytest

from scorecard.accounts.models import Role
from scorecard.needs import actions
from scorecard.needs.models import Quote, Theme
from scorecard.public.setup import initialise
from scorecard.scorecards.importing import import_export
from tests.browser import chromium
from tests.factories_scorecards import make_export, make_round
from tests.helpers import PASSWORD, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server: Any, tmp_path: Any) -> dict[str, Any]:
    list(initialise())  # transactional tests start from an empty database
    org = make_organisation()
    round_ = make_round(organisation=org)
    import_export("test", round_, make_export(round_, tmp_path / "a.csv", rows=40, seed=9))
    actions.classify_round("test", round_)
    user = make_user(Role.ME_OFFICER, organisation=org)
    return {"url": str(live_server.url), "round": round_, "user": user}


def test_an_officer_moves_and_approves_a_quote_on_a_phone(world):
    round_ = world["round"]
    quote = Quote.objects.filter(
        response__round=round_, facility_type__code="health_centre", theme__isnull=False
    )[0]
    target = Theme.objects.for_type("health_centre").exclude(quotes=quote)[0]
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(world["url"] + "/accounts/login/")
        page.fill("input[name=username]", world["user"].username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.stack button[type=submit]")
        page.goto(f"{world['url']}/rounds/{round_.code}/needs/?facility=health_centre")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        form = page.locator(f"form[action$='/needs/quotes/{quote.pk}/']")
        form.locator("select").select_option(str(target.pk))
        form.locator("input[type=checkbox]").check()
        form.locator("button").click()
        page.wait_for_load_state()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        assert errors == []  # nothing blocked by the Content-Security-Policy
        context.close()
    quote.refresh_from_db()
    assert quote.theme == target and quote.moved and quote.approved
