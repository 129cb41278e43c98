"""Issue 5: a meeting survives a browser restart and a flat battery mid-meeting, nothing
typed lost. Chromium with a profile on disk opens a meeting online, goes offline, takes
a few registrations and half of the next one, and is then killed outright (every process
of that browser, SIGKILL: no unload, no flush, no sync). A new Chromium on the same
profile, still offline, opens the meeting from the service worker's cache and IndexedDB,
finds every record and the half-typed form, finishes the meeting to a vote, and syncs
when the network is back: the server holds exactly the records entered, once each."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Playwright, expect, sync_playwright

from scorecard.meetings.models import Meeting, Note, Participant, Proposal, SyncConflict, Vote
from tests import test_meeting_browser as base
from tests.browser import ARGS, CHROMIUM
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
world = base.world  # the round, the facility and the facilitator `caf`, on the live server

# the participants registered before the battery dies: (age, sex)
BEFORE = [(24, "male"), (37, "female"), (52, "female"), (19, "male")]
# typed into the form, not registered, when it dies
HALF = {"age": "41", "sex": "female", "disability": True}
VOTES = [4, 2, 5, 3, 1]  # sticker 1..5 on the selected indicator

DRAFT_JS = """key => new Promise((resolve, reject) => {
  const req = indexedDB.open("scorecard-meetings");
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const db = req.result;
    const get = db.transaction("drafts").objectStore("drafts").get(key);
    get.onsuccess = () => { db.close(); resolve(get.result ?? null); };
    get.onerror = () => { db.close(); reject(get.error); };
  };
})"""


def launch(p: Playwright, profile: Path, offline: bool) -> BrowserContext:
    """Chromium as tests/browser.py starts it, but on a profile kept on disk."""
    return p.chromium.launch_persistent_context(
        user_data_dir=str(profile),
        executable_path=CHROMIUM,
        args=ARGS,
        headless=True,
        viewport={"width": 360, "height": 740},
        locale="km-KH",
        offline=offline,
    )


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process we can see."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        found[int(entry)] = (ppid, cmdline)
    return found


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def pull_the_battery(profile: Path) -> None:
    """SIGKILL the Chromium that runs on `profile` and every process it started."""
    procs = _processes()
    flag = f"--user-data-dir={profile}"
    roots = [
        pid
        for pid, (_, cmd) in procs.items()
        if flag in cmd and "--type=" not in cmd and "chrom" in cmd
    ]
    assert len(roots) == 1, roots
    tree = set(roots)
    grew = True
    while grew:
        kids = {pid for pid, (ppid, _) in procs.items() if ppid in tree} - tree
        grew = bool(kids)
        tree |= kids
    for pid in tree:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while not all(_gone(pid) for pid in tree):
        assert time.monotonic() < deadline, "Chromium did not die"
        time.sleep(0.05)


def wait_for_draft(page: Any, key: str, expected: dict[str, Any]) -> None:
    """A person does not pull the battery within a millisecond of typing: wait until the
    form's draft is in IndexedDB (as the app writes it), then kill."""
    deadline = time.monotonic() + 5
    while True:
        stored = page.evaluate(DRAFT_JS, key) or {}
        if all(stored.get(k) == v for k, v in expected.items()):
            return
        assert time.monotonic() < deadline, stored
        page.wait_for_timeout(50)


def test_a_meeting_survives_a_browser_restart_and_a_flat_battery(world, tmp_path):
    round_ = world["round"]
    site = world["site"]
    profile = tmp_path / "chromium-profile"
    errors: list[str] = []

    def watch(page: Any) -> None:
        page.on(
            "console",
            lambda m: errors.append(m.text + " " + str(m.location)) if m.type == "error" else None,
        )

    with sync_playwright() as p:
        # --- first browser: open online, then work offline until the battery dies
        context = launch(p, profile, offline=False)
        page = context.pages[0] if context.pages else context.new_page()
        watch(page)
        base.open_meeting_online(page, site, round_.code, "HC-010201")
        run_url = page.url
        meeting_uuid = page.locator("#meeting-app").get_attribute("data-meeting")
        context.set_offline(True)
        page.fill("#setup-date", "2020-03-02")
        page.fill("#setup-facilitators", "សុខ ចិន្តា")
        page.click("[data-next=participants]")
        for age, sex in BEFORE:
            base.register(page, age, sex)
        page.wait_for_selector(f"[data-total=all]:text-is('{len(BEFORE)}')")
        page.fill("#p-age", HALF["age"])
        page.locator(f"input[name=sex][value={HALF['sex']}]").check()
        page.locator("input[name=disability]").check()
        wait_for_draft(page, f"{meeting_uuid}:participant", HALF)
        assert Participant.objects.count() == 0  # offline all along: nothing sent
        pull_the_battery(profile)
        with contextlib.suppress(Exception):
            context.close()  # Playwright's side only: the browser is already dead

        # --- second browser, same profile, still offline: the meeting from the device
        context = launch(p, profile, offline=True)
        page = context.pages[0] if context.pages else context.new_page()
        watch(page)
        page.goto(run_url)  # the service worker answers: there is no network
        page.wait_for_selector("#meeting-app[data-ready=yes]")
        assert page.evaluate("navigator.onLine") is False
        page.wait_for_selector("#sync-status[data-online=no]")
        # every record of before the restart is there, still waiting to be sent
        assert page.locator("[data-total=all]").inner_text() == str(len(BEFORE))
        assert page.locator("[data-total=female]").inner_text() == "2"
        shown = page.locator("[data-participant]").evaluate_all(
            "els => els.map(e => Number(e.dataset.participant))"
        )
        assert sorted(shown) == list(range(1, len(BEFORE) + 1))
        assert page.locator("#sync-status").get_attribute("data-pending") == str(len(BEFORE) + 1)
        # and so is the half-typed registration, with its sticker number
        expect(page.locator("#p-age")).to_have_value(HALF["age"])
        assert page.locator(f"input[name=sex][value={HALF['sex']}]").is_checked()
        assert page.locator("input[name=disability]").is_checked()
        assert page.locator("[data-next-number]").inner_text() == str(len(BEFORE) + 1)
        page.click("[data-go=setup]")
        assert page.input_value("#setup-date") == "2020-03-02"
        assert page.input_value("#setup-facilitators") == "សុខ ចិន្តា"
        page.click("[data-go=participants]")
        expect(page.locator("#p-age")).to_have_value(HALF["age"])
        page.click("#p-register")
        people = len(BEFORE) + 1
        page.wait_for_selector(f"[data-total=all]:text-is('{people}')")

        # carry on offline: one proposal, selected, voted by everyone
        page.click("[data-next=proposals]")
        page.wait_for_selector("[data-propose]")
        code = page.locator("[data-propose]").first.get_attribute("data-propose")
        page.locator("[data-proposer='2']").check()
        page.click(f"[data-propose='{code}']")
        page.click("[data-next=priority]")
        page.locator(f"[data-select='{code}']").check()
        page.click("[data-next=voting]")
        page.wait_for_selector("[data-vote-indicator]")
        for n, value in enumerate(VOTES):
            page.wait_for_selector(f"[data-voter='{n + 1}']")
            page.click(f"[data-face='{value}']")
        page.wait_for_selector(f"[data-progress='{people}/{people}']")
        page.wait_for_selector("[data-missing='0']")
        page.click("[data-next=results]")
        median = page.locator("[data-median]").inner_text()
        # setup, the participants, the proposal (edited by the priority step), the votes
        pending = 1 + people + 1 + len(VOTES)
        assert page.locator("#sync-status").get_attribute("data-pending") == str(pending)
        assert Participant.objects.count() == 0

        # --- the network is back: everything goes once
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.wait_for_selector(
            "#sync-status[data-pending='0'][data-online=yes], #sync-status[data-login=needed]",
            timeout=20000,
        )
        if page.locator("#sync-status").get_attribute("data-login") == "needed":
            # Chromium writes its cookies to disk now and then: the kill took the session
            # with it. The records wait on the device; the facilitator logs in again and
            # is taken back to the meeting, which sends them.
            assert page.locator("#sync-status").get_attribute("data-pending") == str(pending)
            assert Participant.objects.count() == 0
            page.click("#sync-login")
            page.fill("#id_username", "caf")
            page.fill("#id_password", PASSWORD)
            page.locator("form [type=submit]").last.click()
            page.wait_for_url(run_url)
            page.wait_for_selector("#meeting-app[data-ready=yes]")
        page.wait_for_selector("#sync-status[data-pending='0'][data-online=yes]", timeout=20000)
        page.reload()  # online: the server's copy comes back, nothing is sent again
        page.wait_for_selector("#meeting-app[data-ready=yes]")
        page.wait_for_timeout(1500)
        assert page.locator("#sync-status").get_attribute("data-pending") == "0"
        context.close()

    assert errors == []
    meeting = Meeting.objects.get(round=round_)
    assert str(meeting.uuid) == meeting_uuid
    assert (str(meeting.date), meeting.facilitators) == ("2020-03-02", "សុខ ចិន្តា")
    assert meeting.setup_rev == 1
    stored = list(Participant.objects.filter(meeting=meeting).order_by("number"))
    expected = [(n + 1, age, sex, False) for n, (age, sex) in enumerate(BEFORE)]
    expected.append((people, int(HALF["age"]), HALF["sex"], True))
    assert [(x.number, x.age, x.sex, x.disability) for x in stored] == expected
    assert Participant.objects.count() == people
    proposal = Proposal.objects.get(meeting=meeting)
    assert proposal.indicator.code == code  # type: ignore[union-attr]
    assert proposal.selected
    assert [x.number for x in proposal.proposers.all()] == [2]
    votes = Vote.objects.filter(meeting=meeting).order_by("participant__number")
    assert [v.value for v in votes] == VOTES
    assert Vote.objects.count() == len(VOTES)
    assert Note.objects.count() == 0
    # each record created once, never updated by a replay, nothing refused
    for model in (Participant, Proposal, Vote):
        assert all(r.rev == 1 for r in model.objects.all()), model
    assert SyncConflict.objects.count() == 0
    assert median == str(sorted(VOTES)[len(VOTES) // 2])
