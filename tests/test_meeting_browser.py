"""A whole community scorecard meeting in Chromium with the network off, on a 360 px
phone: registration to results, a reload half-way, then back online and synced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scorecard.accounts.models import Role
from scorecard.meetings.models import Meeting, Participant, Proposal, Vote
from scorecard.scorecards.models import Response
from scorecard.scorecards.results import round_results
from tests.browser import chromium
from tests.factories_scorecards import make_round
from tests.helpers import PASSWORD, make_organisation, make_programme, make_user
from tests.test_meeting_sync import make_facility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PEOPLE = 20
SHOTS = Path("/tmp/meeting/shots")
# each participant's votes on the two selected indicators (#20 is anonymous: no vote)
VOTES = [(1 + k % 5, 1 + (k * 2) % 5) for k in range(PEOPLE - 1)]


@pytest.fixture
def world(live_server: Any) -> dict[str, Any]:
    from scorecard.places.gazetteer import load_gazetteer
    from scorecard.places.models import Commune
    from scorecard.public.setup import load_facility_types

    if not Commune.objects.exists():  # an earlier transactional test emptied the tables
        load_gazetteer()
        load_facility_types()
    org = make_organisation()
    programme = make_programme(organisation=org, communes=["010201"])
    round_ = make_round(mode="community", programme=programme.code, organisation=org)
    make_facility()
    user = make_user(Role.FACILITATOR, organisation=org, username="caf")
    return {"site": str(live_server.url), "round": round_, "user": user}


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_meeting_online(page: Any, site: str, round_code: str, facility: str) -> None:
    page.goto(site + "/accounts/login/")
    page.fill("#id_username", "caf")
    page.fill("#id_password", PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.goto(site + "/meetings/")
    page.select_option("#id_round", round_code)
    page.select_option("#id_facility", facility)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#meeting-app[data-ready=yes]")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def register(page: Any, age: int, sex: str, anonymous: bool = False) -> None:
    page.fill("#p-age", str(age))
    page.locator(f"input[name=sex][value={sex}]").check()
    if anonymous:
        page.locator("input[name=anonymous]").check()
    page.click("#p-register")


def run_meeting(page: Any) -> list[str]:
    """Every step with the network off (the caller switches it off); returns the medians
    the results step shows."""
    page.fill("#setup-date", "2020-03-02")
    page.fill("#setup-facilitators", "សុខ ចិន្តា")
    page.click("[data-next=participants]")
    shot(page, "2-registration-empty")
    for k in range(PEOPLE // 2):
        register(page, 18 + k * 3, "female" if k % 2 else "male")
    page.wait_for_selector(f"[data-total=all]:text-is('{PEOPLE // 2}')")
    page.fill("#p-age", "33")  # typed, not yet registered: must survive the reload
    page.wait_for_timeout(200)
    page.reload()  # offline: the service worker serves the page, IndexedDB the records
    page.wait_for_selector("#meeting-app[data-ready=yes]")
    assert page.locator("[data-total=all]").inner_text() == str(PEOPLE // 2)
    assert page.input_value("#p-age") == "33"
    page.locator("input[name=sex][value=female]").check()
    page.click("#p-register")
    for k in range(PEOPLE // 2 + 1, PEOPLE):
        register(page, 18 + k * 3, "female" if k % 2 else "male", anonymous=k == PEOPLE - 1)
    page.wait_for_selector(f"[data-total=all]:text-is('{PEOPLE}')")
    assert page.locator("[data-total=anonymous]").inner_text() == "1"
    shot(page, "2-registration")
    page.click("[data-next=proposals]")
    page.wait_for_selector("[data-propose]")
    codes = page.locator("[data-propose]").evaluate_all("els => els.map(e => e.dataset.propose)")
    page.locator("[data-proposer='1']").check()
    page.locator("[data-proposer='20']").check()  # anonymous participants may propose
    page.click(f"[data-propose='{codes[0]}']")
    page.locator("[data-proposer='2']").check()
    page.click(f"[data-propose='{codes[1]}']")
    page.wait_for_selector(f"li.proposed[data-indicator='{codes[1]}']")
    page.fill("#custom-text", "ទឹកស្អាត")
    page.click("#add-custom")
    page.wait_for_selector(".customs li:has-text('ទឹកស្អាត')")
    shot(page, "3-proposals")
    page.click("[data-next=priority]")
    page.wait_for_selector("[data-select]")
    page.locator(f"[data-select='{codes[0]}']").check()
    page.locator(f"[data-select='{codes[1]}']").check()
    shot(page, "4-priority")
    page.click("[data-next=voting]")
    page.wait_for_selector("[data-vote-indicator]")
    for k in range(2):
        page.click(f"[data-vote-indicator='{k}']")
        for n, ratings in enumerate(VOTES):
            page.wait_for_selector(f"[data-voter='{n + 1}']")
            if k == 0 and n == 3:
                shot(page, "5-voting")
            page.click(f"[data-face='{ratings[k]}']")
        page.wait_for_selector(f"[data-progress='{PEOPLE - 1}/{PEOPLE - 1}']")
    page.wait_for_selector("[data-missing='0']")
    page.click("[data-next=results]")
    page.wait_for_selector("[data-median]")
    shot(page, "6-results")
    medians: list[str] = page.locator("[data-median]").all_inner_texts()
    page.click("[data-next=actions]")
    page.wait_for_selector("#note-0")
    page.select_option("#note-kind-0", "action")
    page.fill("#note-0", "បង្ហាញម៉ោងធ្វើការ")
    page.click("[data-add-note='0']")
    page.locator("[data-notes] input[type=checkbox]").first.check()
    shot(page, "7-actions")
    return medians


def test_it_runs_a_whole_meeting_offline_and_syncs_it_once(world):
    round_ = world["round"]
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="km-KH")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        open_meeting_online(page, world["site"], round_.code, "HC-010201")
        shot(page, "1-setup")
        assert page.locator("html").get_attribute("lang") == "km"
        context.set_offline(True)
        medians = run_meeting(page)
        assert Participant.objects.count() == 0  # nothing reached the server yet
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.wait_for_selector("#sync-status[data-pending='0'][data-online=yes]", timeout=20000)
        page.reload()  # online again: the same records, nothing sent twice
        page.wait_for_selector("#meeting-app[data-ready=yes]")
        page.wait_for_timeout(1500)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        context.close()
    assert errors == []
    meeting = Meeting.objects.get(round=round_)
    assert (str(meeting.date), meeting.facilitators) == ("2020-03-02", "សុខ ចិន្តា")
    assert Participant.objects.filter(meeting=meeting).count() == PEOPLE
    assert sorted(Participant.objects.values_list("number", flat=True)) == list(
        range(1, PEOPLE + 1)
    )
    assert Participant.objects.get(number=PEOPLE).anonymous
    assert Proposal.objects.filter(meeting=meeting).count() == 3
    assert Proposal.objects.filter(meeting=meeting, selected=True).count() == 2
    assert Vote.objects.filter(meeting=meeting).count() == 2 * (PEOPLE - 1)
    assert all(v.rev == 1 for v in Vote.objects.all())  # each vote stored once, never re-sent
    assert Response.objects.filter(round=round_).count() == PEOPLE - 1
    first = (
        Proposal.objects.filter(meeting=meeting, selected=True).order_by("order")[0].indicator.code  # type: ignore[union-attr]
    )
    row = next(
        r
        for r in round_results(round_)
        if r["commune"] == "all" and r["indicator"] == first and r["breakdown"] == "all"
    )
    expected = [sum(1 for v in VOTES if v[0] == level) for level in range(1, 6)]
    assert [row[f"n_{k}"] for k in range(1, 6)] == expected
    from scorecard.meetings.results import meeting_results

    assert medians == [f"{r.median:g}" for r in meeting_results(meeting)]
