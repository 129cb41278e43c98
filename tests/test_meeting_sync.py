"""The meeting sync API: idempotent replays, conflicts, rules, and the round's results."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.meetings.actions import (
    carry_actions,
    complete_meeting,
    open_meeting,
    reopen_meeting,
    request_changes,
    submit_meeting,
)
from scorecard.meetings.models import Meeting, Participant, SyncConflict, Vote
from scorecard.meetings.results import meeting_results
from scorecard.meetings.sync import SyncRefused, apply_batch
from scorecard.places.models import Facility, FacilityType
from scorecard.scorecards.actions import ActionError
from scorecard.scorecards.models import Response, Round
from scorecard.scorecards.results import round_results
from tests.factories_scorecards import make_round
from tests.helpers import make_organisation, make_programme, make_user

pytestmark = pytest.mark.django_db


def make_facility(commune: str = "010201", type_code: str = "health_centre") -> Facility:
    return Facility.objects.get_or_create(
        code=f"HC-{commune}",
        defaults={
            "type": FacilityType.objects.get(code=type_code),
            "commune_id": commune,
            "name_en": "Ou Thum Health Centre",
            "name_km": "មណ្ឌលសុខភាពអូរធំ",
        },
    )[0]


def make_meeting(mode: str = "community", **overrides: Any) -> Meeting:
    org = overrides.pop("organisation", None) or make_organisation()
    programme = make_programme(organisation=org, communes=["010201"])
    round_ = make_round(mode=mode, programme=programme.code, organisation=org, **overrides)
    meeting, _ = open_meeting("test", round_, make_facility())
    return meeting


def uid() -> str:
    return str(uuid.uuid4())


def person(number: int, **overrides: Any) -> dict[str, Any]:
    data = {
        "number": number,
        "age": 25,
        "sex": "female",
        "disability": False,
        "minority": False,
        "idpoor": "none",
        "village": "",
        "anonymous": False,
        "role": "citizen",
        "deleted": False,
    }
    data.update(overrides)
    return data


def rec(kind: str, data: dict[str, Any], uuid_: str = "", base: int = 0) -> dict[str, Any]:
    return {"kind": kind, "uuid": uuid_ or uid(), "base": base, "data": data}


def codes(meeting: Meeting) -> list[str]:
    return [
        i.code
        for i in meeting.round.template_version.indicators.filter(
            facility_type=meeting.facility.type
        ).order_by("order")
    ]


def a_meeting_batch(meeting: Meeting, ratings: list[list[int]]) -> list[dict[str, Any]]:
    """Participants (one per row of ratings) voting on the first len(row) indicators."""
    people = [
        rec("participant", person(k + 1, sex="female" if k % 2 else "male", age=20 + 5 * k))
        for k in range(len(ratings))
    ]
    props = [
        rec(
            "proposal",
            {
                "indicator": code,
                "text": "",
                "proposers": [people[0]["uuid"]],
                "selected": True,
                "order": k,
                "deleted": False,
            },
        )
        for k, code in enumerate(codes(meeting)[: len(ratings[0])])
    ]
    votes = [
        rec(
            "vote",
            {"participant": p["uuid"], "proposal": props[k]["uuid"], "value": v, "deleted": False},
        )
        for p, row in zip(people, ratings, strict=True)
        for k, v in enumerate(row)
    ]
    setup = rec(
        "setup",
        {"date": "2019-11-20", "language": "km", "facilitators": "Sok, Dara"},
        str(meeting.uuid),
    )
    return [setup, *people, *props, *votes]


def test_it_stores_a_batch_once_and_a_replay_changes_nothing():
    meeting = make_meeting()
    batch = a_meeting_batch(meeting, [[5, 4], [3, 4], [4, 2]])
    first = apply_batch("test", meeting, batch)
    assert first["counts"] == {"created": 11, "updated": 1}  # setup is the meeting: updated
    again = apply_batch("test", meeting, batch)
    assert again["counts"] == {"unchanged": 12}
    assert Participant.objects.filter(meeting=meeting).count() == 3
    assert Vote.objects.filter(meeting=meeting).count() == 6
    assert Response.objects.filter(round=meeting.round).count() == 3


def test_it_puts_synced_votes_into_the_rounds_results():
    meeting = make_meeting()
    apply_batch("test", meeting, a_meeting_batch(meeting, [[5, 1], [3, 2], [4, 2], [4, 5]]))
    first = codes(meeting)[0]
    rows = {
        (r["indicator"], r["breakdown"], r["group"]): r
        for r in round_results(meeting.round)
        if r["commune"] == "all"
    }
    row = rows[(first, "all", "all")]
    assert (row["n"], row["n_3"], row["n_4"], row["n_5"]) == (4, 1, 2, 1)
    assert rows[(first, "sex", "male")]["n"] == 2
    ours = meeting_results(meeting)
    assert ours[0].counts == [0, 0, 1, 2, 1]
    assert ours[0].median == 4  # 3,4,4,5: the middle two agree
    assert ours[1].median == 2  # 1,2,2,5 -> 2 (two middle 2s)


def test_it_rounds_an_even_median_up_as_the_isaf_app_does():
    meeting = make_meeting()
    apply_batch("test", meeting, a_meeting_batch(meeting, [[2], [3]]))
    assert meeting_results(meeting)[0].median == 3


def test_it_updates_a_record_edited_against_the_stored_revision_and_rebuilds_results():
    meeting = make_meeting()
    batch = a_meeting_batch(meeting, [[5], [3]])
    apply_batch("test", meeting, batch)
    vote = next(r for r in batch if r["kind"] == "vote")
    changed = {**vote, "base": 1, "data": {**vote["data"], "value": 1}}
    answer = apply_batch("test", meeting, [changed])
    assert answer["results"][0]["status"] == "updated"
    assert answer["results"][0]["rev"] == 2
    assert Vote.objects.get(uuid=vote["uuid"]).value == 1
    stored = Response.objects.filter(round=meeting.round).values_list("ratings", flat=True)
    assert sorted(r.strip("-") for r in stored) == ["1", "3"]
    assert meeting_results(meeting)[0].counts == [1, 0, 1, 0, 0]


def test_it_reports_a_stale_edit_as_a_conflict_and_keeps_the_stored_version():
    meeting = make_meeting()
    batch = a_meeting_batch(meeting, [[5]])
    apply_batch("test", meeting, batch)
    vote = next(r for r in batch if r["kind"] == "vote")
    apply_batch("test", meeting, [{**vote, "base": 1, "data": {**vote["data"], "value": 2}}])
    stale = {**vote, "base": 1, "data": {**vote["data"], "value": 4}}  # another device
    answer = apply_batch("test", meeting, [stale])["results"][0]
    assert answer["status"] == "conflict"
    assert answer["server"]["value"] == 2
    assert Vote.objects.get(uuid=vote["uuid"]).value == 2
    apply_batch("test", meeting, [stale])  # the replayed conflict is kept once
    assert SyncConflict.objects.filter(meeting=meeting).count() == 1


def test_it_refuses_a_second_vote_and_a_taken_sticker_number():
    meeting = make_meeting()
    batch = a_meeting_batch(meeting, [[5]])
    apply_batch("test", meeting, batch)
    vote = next(r for r in batch if r["kind"] == "vote")
    twin = rec("vote", {**vote["data"], "value": 1})
    clash = rec("participant", person(1))
    answer = apply_batch("test", meeting, [twin, clash])["results"]
    assert [a["status"] for a in answer] == ["conflict", "conflict"]
    assert "sticker number 1" in answer[0]["reason"]
    assert "already voted" in answer[1]["reason"]
    assert Vote.objects.filter(meeting=meeting).count() == 1


def test_it_rejects_a_vote_by_an_anonymous_participant_but_records_their_proposal():
    meeting = make_meeting()
    anon = rec("participant", person(1, anonymous=True))
    prop = rec(
        "proposal",
        {
            "indicator": codes(meeting)[0],
            "text": "",
            "selected": True,
            "proposers": [anon["uuid"]],
            "order": 0,
            "deleted": False,
        },
    )
    vote = rec(
        "vote",
        {"participant": anon["uuid"], "proposal": prop["uuid"], "value": 3, "deleted": False},
    )
    answer = apply_batch("test", meeting, [vote, prop, anon])["results"]
    assert [a["status"] for a in answer] == ["created", "created", "rejected"]
    assert "anonymous" in answer[2]["reason"]
    assert Response.objects.filter(round=meeting.round).count() == 0


def test_it_rejects_bad_values_naming_the_field():
    meeting = make_meeting()
    answer = apply_batch(
        "test",
        meeting,
        [rec("participant", person(1, age=7)), rec("participant", person(2, village="99999999"))],
    )
    reasons = [a["reason"] for a in answer["results"]]
    assert reasons[0].startswith("age:") and reasons[1].startswith("village:")
    assert not Participant.objects.filter(meeting=meeting).exists()


def test_it_reviews_locks_and_unlocks_with_a_reason():
    meeting = make_meeting()
    apply_batch("test", meeting, a_meeting_batch(meeting, [[5], [4]]))
    submit_meeting("test", meeting)
    assert Round.objects.get(pk=meeting.round_id).status == "in_review"
    with pytest.raises(SyncRefused):
        apply_batch("test", meeting, [rec("participant", person(9))])
    with pytest.raises(ActionError):
        request_changes("test", meeting, " ")
    request_changes("test", meeting, "Village of #2 is missing")
    assert meeting.status == "open"
    submit_meeting("test", meeting)
    complete_meeting("test", meeting)
    round_ = Round.objects.get(pk=meeting.round_id)
    assert (round_.status, round_.locked) == ("completed", True)
    with pytest.raises(ActionError):
        reopen_meeting("test", meeting, "")
    reopen_meeting("test", meeting, "a vote was entered twice")
    assert Round.objects.get(pk=meeting.round_id).locked is False


def test_it_does_not_submit_with_votes_missing():
    meeting = make_meeting()
    batch = a_meeting_batch(meeting, [[5], [4]])
    apply_batch("test", meeting, batch[:-1])
    with pytest.raises(ActionError, match="1 votes"):
        submit_meeting("test", meeting)


def test_it_carries_chosen_actions_into_the_communes_plan_once():
    meeting = make_meeting()
    batch = a_meeting_batch(meeting, [[2], [3]])
    prop = next(r for r in batch if r["kind"] == "proposal")
    notes = [
        rec(
            "note",
            {
                "proposal": prop["uuid"],
                "kind": "action",
                "text": "ទិញថ្នាំបន្ថែម",
                "chosen": True,
                "deleted": False,
            },
        ),
        rec(
            "note",
            {
                "proposal": prop["uuid"],
                "kind": "action",
                "text": "not chosen",
                "chosen": False,
                "deleted": False,
            },
        ),
    ]
    apply_batch("test", meeting, batch + notes)
    made = carry_actions("test", meeting)
    assert [a.activity_km for a in made] == ["ទិញថ្នាំបន្ថែម"]
    assert made[0].plan.commune_id == "010201"
    assert list(made[0].indicators.values_list("code", flat=True)) == [codes(meeting)[0]]
    assert carry_actions("test", meeting) == []


def test_it_answers_the_api_over_http_with_csrf():
    org = make_organisation()
    meeting = make_meeting(organisation=org)
    user = make_user(Role.FACILITATOR, organisation=org)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    url = f"/meetings/{meeting.uuid}/sync/"
    token = client.get(url).json()["csrf"]
    body = json.dumps({"records": a_meeting_batch(meeting, [[4]])})
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 403
    answer = client.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert answer.json()["counts"] == {"created": 3, "updated": 1}
    outsider = Client()
    outsider.force_login(make_user(Role.FACILITATOR))
    assert outsider.get(url).status_code == 404
    assert client.get(f"/meetings/{meeting.uuid}/bundle.json").json()["indicators"]
