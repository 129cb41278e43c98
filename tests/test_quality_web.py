"""Quality pages: dashboard, one enumerator's interviews, CSV/XLSX, who may open them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from scorecard.accounts.models import Role
from tests.browser import chromium
from tests.factories_scorecards import make_round
from tests.helpers import make_organisation, make_programme, make_user
from tests.test_quality import START, make_response, make_trainee


def make_world() -> dict[str, Any]:
    org = make_organisation()
    donor = make_organisation(kind="donor")
    programme = make_programme(code="p", organisation=org, donor=donor, communes=["010201"])
    round_ = make_round(code="RQ", programme="p")
    make_trainee(programme, "ENUM-01", sex="female")
    make_trainee(programme, "ENUM-02", sex="male")
    for _ in range(4):
        make_response(round_, enumerator_code="ENUM-01")
    make_response(round_, enumerator_code="ENUM-02", needs={"health_centre": "none"})
    make_response(round_, enumerator_code="ENUM-02", ended=START + dt.timedelta(minutes=3))
    make_round(code="ROTHER", programme=make_programme(code="q").code)
    users = {
        role: make_user(role, organisation=donor if role == Role.DONOR_VIEWER else org)
        for role in (Role.ADMIN, Role.ME_OFFICER, Role.FACILITATOR, Role.DONOR_VIEWER)
    }
    users[Role.COMMUNE_OFFICIAL] = make_user(Role.COMMUNE_OFFICIAL, communes=["010201"])
    return {"round": round_, "users": users}


@pytest.fixture
def world(db):
    return make_world()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.ME_OFFICER, 200),
        (Role.FACILITATOR, 200),
        (Role.COMMUNE_OFFICIAL, 403),
        (Role.DONOR_VIEWER, 403),
    ],
)
def test_it_opens_the_dashboard_only_to_those_who_check_enumerators(world, role, status):
    client = client_for(world["users"][role])
    for url in ("/rounds/RQ/quality/", "/rounds/RQ/quality.csv", "/rounds/RQ/quality.xlsx"):
        assert client.get(url).status_code == status, url
    link = "/rounds/RQ/quality/" in client.get("/rounds/RQ/").content.decode()
    assert link == (status == 200)


def test_it_hides_another_organisations_round(world):
    client = client_for(world["users"][Role.ME_OFFICER])
    assert client.get("/rounds/ROTHER/quality/").status_code == 404
    assert client.get("/rounds/ROTHER/quality/enumerators/ENUM-01/").status_code == 404
    assert client.get("/rounds/RQ/quality/enumerators/NOBODY/").status_code == 404
    assert client.get("/rounds/RQ/quality.pdf").status_code == 404


def test_it_shows_each_enumerator_with_flags_and_sorts(world):
    client = client_for(world["users"][Role.ME_OFFICER])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/rounds/RQ/quality/")
    text = page.content.decode()
    assert page.context["summary"].trained == 2
    assert page.context["summary"].succeeded == 1
    assert "ENUM-01" in text and "too short" in text and "no concrete need" in text
    assert "50.00%" in text  # 1 of 2 trained succeeded
    rows = client.get("/rounds/RQ/quality/?sort=share").context["rows"]
    assert [e.code for e in rows] == ["ENUM-02", "ENUM-01"]  # lowest share first
    rows = client.get("/rounds/RQ/quality/?sort=nonsense").context["rows"]
    assert [e.code for e in rows] == ["ENUM-01", "ENUM-02"]


def test_it_drills_down_to_an_enumerators_interviews(world):
    client = client_for(world["users"][Role.FACILITATOR])
    page = client.get("/rounds/RQ/quality/enumerators/ENUM-02/")
    assert page.status_code == 200
    interviews = page.context["interviews"]
    assert len(interviews) == 2
    assert sorted(f for i in interviews for f in i.flags) == ["no_concrete_need", "too_short"]


def test_it_exports_csv_with_a_bom_and_xlsx(world):
    client = client_for(world["users"][Role.ME_OFFICER])
    response = client.get("/rounds/RQ/quality.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="RQ-quality.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffround,enumerator,sex,trained,interviews,concrete_needs")
    assert "RQ,ENUM-02,male,true,2,1,0.5,false," in text
    book = load_workbook(io.BytesIO(client.get("/rounds/RQ/quality.xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("round", "enumerator", "sex")
    assert rows[1][1] == "ENUM-01" and rows[1][7] is True and rows[1][4] == 4


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_reads_well_on_a_phone(live_server):
    world = make_world()
    session = client_for(world["users"][Role.ME_OFFICER]).cookies[settings.SESSION_COOKIE_NAME]
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 360, "height": 740})
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session.value, "url": live_server.url}]
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(live_server.url + "/rounds/RQ/quality/")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
        # on a phone each enumerator is a card whose cells carry their labels
        assert page.locator("table.cards thead").is_hidden()
        first = page.locator("table.cards tbody tr").first
        box = first.bounding_box()
        assert box is not None and box["width"] <= 360
        page.locator("table.cards a", has_text="ENUM-02").click()
        assert "/quality/enumerators/ENUM-02/" in page.url
        assert page.locator("table.cards tbody tr").count() == 2
        assert errors == []
        context.close()
