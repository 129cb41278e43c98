"""Event pages: upload with a dry run, typed-in entry, who sees participant rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.events.models import Attendance, Event, Outcome
from tests.helpers import make_organisation, make_programme, make_user
from tests.test_events_import import HEADER, make_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    org = make_organisation()
    donor = make_organisation(kind="donor")
    programme = make_programme(code="p", organisation=org, donor=donor)
    other = make_programme(code="q")
    Event.objects.create(programme=other, code="X-1", type="meeting", start="2019-01-01")
    users = {
        role: make_user(role, organisation=donor if role == Role.DONOR_VIEWER else org)
        for role in (Role.ME_OFFICER, Role.FACILITATOR, Role.DONOR_VIEWER)
    }
    return programme, users


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, text: str, kind: str = "sign_in", dry_run: bool = False):
    data = {"kind": kind, "file": SimpleUploadedFile("sheet.csv", text.encode("utf-8-sig"))}
    if dry_run:
        data["dry_run"] = "on"
    return client.post("/programmes/p/events/import/", data)


def test_it_checks_a_sign_in_sheet_then_imports_it(world):
    _, users = world
    client = client_for(users[Role.FACILITATOR])
    sheet = "\n".join([HEADER, make_row(), make_row(participant="ENUM-02", sex="woman")])
    page = upload(client, sheet, dry_run=True).content.decode()
    assert "sex must be one of female, male, other" in page
    assert not Attendance.objects.exists()
    upload(client, sheet)
    assert Attendance.objects.get().participant.code == "ENUM-01"
    outcomes = "event,participant,outcome,value\nT-1,ENUM-01,post_test,80\n"
    upload(client, outcomes, kind="outcomes")
    assert Outcome.objects.get().value == "80"


def test_it_explains_an_unreadable_upload(world):
    _, users = world
    page = upload(client_for(users[Role.ME_OFFICER]), "event,participant\nT-1,A\n").content.decode()
    assert "missing columns" in page


def test_it_records_a_typed_in_attendance_with_an_outcome(world):
    programme, users = world
    Event.objects.create(programme=programme, code="T-9", type="training", start="2019-05-01")
    client = client_for(users[Role.FACILITATOR])
    form = {
        "participant": "OFF-1",
        "role": "local_official",
        "sex": "female",
        "age": "44",
        "disability": "no",
        "organisation": "",
        "commune": "010201",
        "outcome": "improved_attitude",
        "value": "yes",
    }
    assert client.post("/programmes/p/events/T-9/attend/", form).status_code == 302
    attendance = Attendance.objects.get()
    assert (attendance.age, attendance.commune_id, attendance.outcomes.get().value) == (
        44,
        "010201",
        "yes",
    )
    bad = client.post(
        "/programmes/p/events/T-9/attend/", {**form, "participant": "OFF-2", "value": "maybe"}
    )
    assert "must be yes or no" in bad.content.decode()
    assert Attendance.objects.count() == 1  # the rejected outcome took its attendance back


def test_it_creates_an_event_by_hand(world):
    _, users = world
    client = client_for(users[Role.ME_OFFICER])
    form = {
        "code": "W-1",
        "type": "workshop",
        "title_en": "National workshop",
        "start": "2020-11-26",
        "place": "Phnom Penh",
        "commune_code": "",
    }
    assert client.post("/programmes/p/events/new/", form).status_code == 302
    assert Event.objects.get(code="W-1").where == "Phnom Penh"
    bad = client.post(
        "/programmes/p/events/new/",
        {**form, "code": "W-2", "training_kind": "facilitators", "end": "2020-01-01"},
    ).content.decode()
    assert not Event.objects.filter(code="W-2").exists() and "training_kind" in bad


def test_it_shows_participant_rows_only_to_those_who_work_with_them(world):
    programme, users = world
    event = Event.objects.create(
        programme=programme, code="T-1", type="training", start="2019-03-04"
    )
    upload(client_for(users[Role.ME_OFFICER]), "\n".join([HEADER, make_row()]))
    assert event.attendances.count() == 1
    staff = client_for(users[Role.FACILITATOR]).get("/programmes/p/events/T-1/").content.decode()
    donor = client_for(users[Role.DONOR_VIEWER]).get("/programmes/p/events/T-1/")
    assert "ENUM-01" in staff
    assert donor.status_code == 200 and "ENUM-01" not in donor.content.decode()
    assert (
        client_for(users[Role.DONOR_VIEWER]).get("/programmes/p/events/T-1/attend/").status_code
        == 403
    )
    assert client_for(users[Role.ME_OFFICER]).get("/programmes/q/events/X-1/").status_code == 404


def test_it_shows_the_mean_of_test_scores_instead_of_a_yes_count(world):
    from scorecard.events.models import Participant

    programme, users = world
    event = Event.objects.create(
        programme=programme, code="T-9", type="training", start="2020-02-10"
    )
    for code, score in (("P-1", "80"), ("P-2", "91")):
        person = Participant.objects.create(
            programme=programme, code=code, sex="female", role="youth_trainee"
        )
        attendance = Attendance.objects.create(
            event=event, participant=person, role="youth_trainee", age=20
        )
        Outcome.objects.create(attendance=attendance, code="post_test", value=score)
        Outcome.objects.create(attendance=attendance, code="improved_attitude", value="yes")
    page = client_for(users[Role.ME_OFFICER]).get("/programmes/p/events/T-9/")
    rows = {o["code"]: o for o in page.context["outcomes"]}
    assert rows["post_test"]["mean"] == Decimal("85.5")
    assert rows["improved_attitude"]["mean"] is None and rows["improved_attitude"]["yes"] == 2
    assert "85.5" in page.content.decode() or "៨៥.៥" in page.content.decode()
