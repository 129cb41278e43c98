"""The staff page for the publish switch: admins and M&E officers of the organisation only."""

from __future__ import annotations

import pytest
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.audit.models import AuditEntry
from tests.factories_scorecards import make_round
from tests.helpers import make_organisation, make_programme, make_user
from tests.test_plans_factories import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    org = make_organisation(code="own-org")
    programme = make_programme(code="pubsw", organisation=org, communes=["010201"])
    round_ = make_round(code="SW1", programme="pubsw")
    other = make_round(code="SW2", programme=make_programme(code="elsewhere").code)
    plan = make_plan(programme=programme, commune="010201")
    return {"org": org, "round": round_, "other": other, "plan": plan}


def client_for(role: str, org) -> Client:
    client = Client()
    client.force_login(make_user(role, organisation=org))
    return client


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ME_OFFICER])
def test_it_publishes_a_round_from_today_after_confirmation(world, role):
    client = client_for(role, world["org"])
    page = client.get("/rounds/SW1/").content.decode()
    assert "/rounds/SW1/publish/" in page
    unconfirmed = client.post("/rounds/SW1/publish/", {"mode": "today"})
    assert unconfirmed.status_code == 200
    world["round"].refresh_from_db()
    assert not world["round"].published
    response = client.post("/rounds/SW1/publish/", {"mode": "today", "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/rounds/SW1/"
    world["round"].refresh_from_db()
    assert world["round"].published and world["round"].published_from is not None
    entry = AuditEntry.objects.filter(reason="publish switch: today").get()
    assert entry.action == AuditEntry.Action.PUBLISH


def test_it_stops_and_publishes_a_plan(world):
    client = client_for(Role.ME_OFFICER, world["org"])
    url = f"/plans/{world['plan'].pk}/publish/"
    assert url in client.get(f"/plans/{world['plan'].pk}/").content.decode()
    client.post(url, {"mode": "all", "confirm": "on"})
    world["plan"].refresh_from_db()
    assert world["plan"].published
    client.post(url, {"mode": "stop", "confirm": "on"})
    world["plan"].refresh_from_db()
    assert not world["plan"].published
    assert AuditEntry.objects.filter(reason__startswith="publish switch").count() == 2


def test_it_hides_another_organisations_round(world):
    client = client_for(Role.ME_OFFICER, world["org"])
    assert client.get("/rounds/SW2/publish/").status_code == 404
    assert client.post("/rounds/SW2/publish/", {"mode": "all", "confirm": "on"}).status_code == 404
    world["other"].refresh_from_db()
    assert not world["other"].published


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.DONOR_VIEWER, Role.COMMUNE_OFFICIAL])
def test_it_refuses_other_roles(world, role):
    org = None if role == Role.COMMUNE_OFFICIAL else world["org"]
    client = Client()
    client.force_login(make_user(role, organisation=org, communes=["010201"]))
    assert client.get("/rounds/SW1/publish/").status_code == 403
    plan_url = f"/plans/{world['plan'].pk}/publish/"
    assert client.post(plan_url, {"mode": "all", "confirm": "on"}).status_code == 403
    assert "/publish/" not in client.get("/rounds/SW1/").content.decode()


def test_it_sends_anonymous_visitors_to_the_login_page(world):
    response = Client().get("/rounds/SW1/publish/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
