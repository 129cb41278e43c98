"""The demo's completed community scorecard and provider self-assessment."""

from __future__ import annotations

import pytest
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.meetings.demo import FACILITY, load_demo_meetings
from scorecard.meetings.models import Meeting
from scorecard.meetings.results import meeting_results, missing_votes
from scorecard.scorecards.models import Response
from scorecard.scorecards.results import round_results
from tests.helpers import make_organisation, make_programme, make_user
from tests.test_meeting_sync import make_facility

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world():
    org = make_organisation()
    make_programme(code="UDF-KHM-2019", organisation=org, communes=["010201"])
    facility = make_facility()
    facility.code = FACILITY
    facility.save()
    return org


def test_it_loads_two_completed_meetings_once(demo_world):
    lines = list(load_demo_meetings())
    assert len(lines) == 2 and all("completed" in line for line in lines)
    assert list(load_demo_meetings()) == [
        "Demo meeting CSC2019: kept.",
        "Demo meeting SA2019: kept.",
    ]
    community = Meeting.objects.get(round__code="CSC2019")
    providers = Meeting.objects.get(round__code="SA2019")
    for meeting in (community, providers):
        assert meeting.status == "completed" and meeting.round.locked
        assert missing_votes(meeting) == 0
    # 20 registered, the anonymous one does not vote; every vote is in the round's results
    assert Response.objects.filter(round=community.round).count() == 19
    results = meeting_results(community)
    assert len(results) == 4 and all(r.n == 19 for r in results)
    first = results[0].proposal.indicator.code  # type: ignore[union-attr]
    row = next(
        r
        for r in round_results(community.round)
        if r["commune"] == "all" and r["indicator"] == first and r["breakdown"] == "all"
    )
    assert [row[f"n_{k}"] for k in range(1, 6)] == results[0].counts


def test_it_shows_both_sides_at_the_interface_meeting(demo_world):
    list(load_demo_meetings())
    client = Client()
    client.force_login(make_user(Role.ME_OFFICER, organisation=demo_world))
    community = Meeting.objects.get(round__code="CSC2019")
    page = client.get(f"/meetings/{community.uuid}/interface/")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert len(rows) == 4 and all("citizens" in r and "providers" in r for r in rows)
    detail = client.get(f"/meetings/{community.uuid}/")
    assert detail.status_code == 200 and b"data-median" in detail.content
