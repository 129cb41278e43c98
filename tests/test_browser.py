"""Real-browser checks: login, language switch, Khmer shaping, a 360 px phone, the CSP."""

from __future__ import annotations

from typing import Any

import pytest

from scorecard.public.demo import DEMO_PASSWORD, PROGRAMME_CODE
from scorecard.public.setup import initialise
from tests.browser import chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Width of one cluster vs. its base letter: shaped, the subscripts stack under ស and
# the cluster is barely wider; unshaped, six glyphs sit side by side.
SHAPING_JS = """async () => {
  await document.fonts.ready;
  const font = "32px 'Noto Sans Khmer'";
  await document.fonts.load(font, "ស្ត្រី");
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = font;
  return {
    loaded: document.fonts.check(font, "ស្ត្រី"),
    base: ctx.measureText("ស").width,
    cluster: ctx.measureText("ស្ត្រី").width,
    family: getComputedStyle(document.body).fontFamily,
  };
}"""


@pytest.fixture
def site(live_server: Any) -> str:
    list(initialise(demo=True))  # transactional tests start from an empty database
    return str(live_server.url)


@pytest.fixture
def page(site: str) -> Any:
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))  # type: ignore[attr-defined]
        yield page
        context.close()


def test_it_shows_the_public_home_in_khmer_with_shaped_text_on_a_phone(site, page):
    page.goto(site + "/")
    assert page.locator("html").get_attribute("lang") == "km"
    assert page.locator("h1").inner_text() == "តើសេវាសាធារណៈក្នុងឃុំរបស់អ្នកយ៉ាងដូចម្ដេចដែរ?"
    metrics = page.evaluate(SHAPING_JS)
    assert metrics["loaded"], metrics
    assert "Noto Sans Khmer" in metrics["family"]
    assert metrics["cluster"] < 2 * metrics["base"], metrics
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert page.errors == []  # nothing blocked by the Content-Security-Policy


def test_it_finds_a_commune_in_khmer_script(site, page):
    page.goto(site + "/")
    page.fill("#q", "បន្ទាយនាង")
    page.locator("form.search button").click()
    assert "010201" in page.locator("main").inner_text().translate(
        str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
    )


def test_it_switches_language_both_ways(site, page):
    page.goto(site + "/")
    page.get_by_role("button", name="English").click()
    assert page.locator("h1").inner_text() == "How are public services in your commune?"
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="ខ្មែរ").click()
    assert page.locator("html").get_attribute("lang") == "km"


def test_it_logs_in_and_opens_the_programme(site, page):
    page.goto(site + "/programmes/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "meofficer")
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="ចូល").click()
    page.get_by_role("link", name="ការពង្រឹងអភិបាលកិច្ចប្រជាធិបតេយ្យមូលដ្ឋាននៅកម្ពុជា ឆ្នាំ២០១៩-២០២០").click()
    assert page.url.endswith(f"/programmes/{PROGRAMME_CODE}/")
    text = page.locator("main").inner_text()
    assert "១៦៥,០០០.០០ USD" in text
    assert "UNDEF" in text or "មូលនិធិប្រជាធិបតេយ្យសហប្រជាជាតិ" in text
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert page.errors == []
