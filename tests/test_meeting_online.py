"""Online voting: a signed link per participant, one vote per participant per indicator."""

from __future__ import annotations

import pytest
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.meetings.models import Participant, Proposal, Vote
from scorecard.meetings.online import read_token, vote_token
from scorecard.meetings.sync import apply_batch
from scorecard.scorecards.models import Response
from tests.helpers import make_organisation, make_user
from tests.test_meeting_sync import a_meeting_batch, make_meeting, person, rec

pytestmark = pytest.mark.django_db


def a_meeting_without_votes():
    org = make_organisation()
    meeting = make_meeting(organisation=org)
    batch = [r for r in a_meeting_batch(meeting, [[1, 1], [1, 1]]) if r["kind"] != "vote"]
    batch.append(rec("participant", person(3, anonymous=True)))
    apply_batch("test", meeting, batch)
    return meeting, org


def test_it_stores_a_phones_votes_once_each():
    meeting, _org = a_meeting_without_votes()
    voter = Participant.objects.get(meeting=meeting, number=1)
    url = f"/meetings/vote/{vote_token(meeting, voter)}/"
    phone = Client()
    page = phone.get(url)
    assert page.status_code == 200 and page.content.count(b"data-ballot") == 2
    first, second = Proposal.objects.filter(meeting=meeting, selected=True).order_by("order")
    phone.post(url, {f"p{first.pk}": "4", f"p{second.pk}": "2"})
    phone.post(url, {f"p{first.pk}": "1", f"p{second.pk}": "1"})  # a second vote: refused
    assert sorted(Vote.objects.filter(participant=voter).values_list("value", flat=True)) == [2, 4]
    assert Response.objects.filter(round=meeting.round).count() == 1
    # the facilitator's device then sending another vote for the same pair is a conflict
    clash = rec(
        "vote",
        {"participant": str(voter.uuid), "proposal": str(first.uuid), "value": 5, "deleted": False},
    )
    assert apply_batch("test", meeting, [clash])["results"][0]["status"] == "conflict"


def test_it_refuses_forged_links_and_anonymous_participants():
    meeting, _org = a_meeting_without_votes()
    voter = Participant.objects.get(meeting=meeting, number=1)
    token = vote_token(meeting, voter)
    assert read_token(token[:-2] + "xx") is None
    assert Client().get("/meetings/vote/not-a-token/").status_code == 404
    anonymous = Participant.objects.get(meeting=meeting, number=3)
    url = f"/meetings/vote/{vote_token(meeting, anonymous)}/"
    first = Proposal.objects.filter(meeting=meeting, selected=True).first()
    Client().post(url, {f"p{first.pk}": "3"})  # type: ignore[union-attr]
    assert not Vote.objects.filter(participant=anonymous).exists()


def test_it_shows_the_facilitator_a_qr_code_per_voter_with_progress():
    meeting, org = a_meeting_without_votes()
    client = Client()
    client.force_login(make_user(Role.FACILITATOR, organisation=org))
    page = client.get(f"/meetings/{meeting.uuid}/qr/")
    assert page.status_code == 200
    assert page.content.count(b"<svg") == 2  # the anonymous participant gets no code
    assert b'data-done="0"' in page.content
