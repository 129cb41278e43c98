"""The donor dashboard in a real browser on a 360 px phone: cards, drill-down, download."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage

from scorecard.accounts.models import Role
from scorecard.public.setup import initialise
from tests.browser import chromium
from tests.helpers import PASSWORD, make_organisation, make_user
from tests.test_logframe import make_logframe, make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server: Any) -> dict[str, Any]:
    list(initialise())  # transactional tests start from an empty database
    donor = make_organisation(kind="donor")
    programme = make_world(donor=donor)
    make_logframe(programme)
    user = make_user(Role.DONOR_VIEWER, organisation=donor)
    return {"url": str(live_server.url), "programme": programme, "user": user}


def test_it_shows_a_donor_the_cards_and_the_evidence_on_a_phone(site: dict[str, Any]) -> None:
    base, code = site["url"], site["programme"].code
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 360, "height": 740}, accept_downloads=True)
        page = context.new_page()
        errors: list[str] = []

        def collect(message: ConsoleMessage) -> None:
            if message.type == "error":
                errors.append(message.text)

        page.on("console", collect)
        page.goto(base + "/accounts/login/")
        page.fill("input[name=username]", site["user"].username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main button[type=submit], #content button[type=submit]").first.click()
        page.goto(f"{base}/programmes/{code}/logframe/")
        cards = page.locator("article.lf-card")
        assert cards.count() == 3
        assert page.locator("progress").count() == 3
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        with page.expect_download() as download:
            page.locator(f"a[href='/programmes/{code}/logframe/narrative.docx?lang=en']").click()
        assert download.value.suggested_filename == f"{code}-results-en.docx"
        page.locator(f"a[href='/programmes/{code}/logframe/1.1/']").click()
        assert page.locator(f"a[href='/programmes/{code}/events/T-1/']").count() == 1
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        assert errors == []  # nothing blocked by the Content-Security-Policy
        context.close()
