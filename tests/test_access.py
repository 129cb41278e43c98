from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from scorecard.accounts.models import Role
from tests.helpers import PASSWORD, make_organisation, make_programme, make_user
from tests.test_plans_factories import make_action, make_plan

ROLES = ["admin", "me_officer", "facilitator", "commune_official", "donor_viewer"]
EXPECTED_STATUS = {"allow": 200, "deny": 403, "hidden": 404, "login": 302}


def documented_matrix() -> list[tuple[str, str, str]]:
    """(url, role, outcome) for every cell of the table in docs/access.md."""
    text = (Path(__file__).parents[1] / "docs" / "access.md").read_text()
    rows = re.findall(r"^\| `([^`]+)` \|(.+)\|$", text, re.M)
    header = re.search(r"^\| URL \|(.+)\|$", text, re.M)
    assert header and rows
    columns = [c.strip() for c in header.group(1).split("|")]
    cells = []
    for url, values in rows:
        for role, value in zip(columns, values.split("|"), strict=True):
            cells.append((url, role, value.strip()))
    return cells


MATRIX = documented_matrix()


@pytest.fixture
def world(db):
    org = make_organisation(code="ngo")
    donor = make_organisation(code="funder", kind="donor")
    own = make_programme(code="own", organisation=org, donor=donor, communes=["010201"])
    other = make_programme(code="other", communes=["060301"])
    users = {
        "admin": make_user(Role.ADMIN, organisation=org),
        "me_officer": make_user(Role.ME_OFFICER, organisation=org),
        "facilitator": make_user(Role.FACILITATOR, organisation=org),
        "commune_official": make_user(Role.COMMUNE_OFFICIAL, communes=["010201"]),
        "donor_viewer": make_user(Role.DONOR_VIEWER, organisation=donor),
    }
    own_action = make_action(plan=make_plan(programme=own, commune="010201"))
    other_action = make_action(plan=make_plan(programme=other, commune="060301"))
    # {placeholder} in a URL of the table: the code or id of a record of this world
    ids = {
        "own": "own",
        "other": "other",
        "own_plan": own_action.plan_id,
        "other_plan": other_action.plan_id,
        "own_action": own_action.pk,
        "other_action": other_action.pk,
    }
    return {"own": own, "users": users, "ids": ids}


def filled(url: str, world) -> str:
    for name, value in world["ids"].items():
        url = url.replace(f"{{{name}}}", str(value))
    assert "{" not in url, f"no such record in the world: {url}"
    return url


def test_it_documents_every_role_for_every_url():
    urls = {url for url, _, _ in MATRIX}
    assert len(urls) >= 8
    assert len(MATRIX) == len(urls) * (len(ROLES) + 1)
    assert {role for _, role, _ in MATRIX} == {"anonymous", *ROLES}
    assert {outcome for *_, outcome in MATRIX} <= set(EXPECTED_STATUS)


@pytest.mark.parametrize(("url", "role", "outcome"), MATRIX, ids=[f"{r}:{u}" for u, r, _ in MATRIX])
def test_it_enforces_the_documented_matrix(world, url, role, outcome):
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    response = client.get(filled(url, world))
    assert response.status_code == EXPECTED_STATUS[outcome], f"{role} {url}"
    if outcome == "login":
        assert response["Location"].startswith("/accounts/login/")


def test_it_shows_a_commune_official_only_programmes_in_their_communes(world):
    client = Client()
    client.force_login(world["users"]["commune_official"])
    page = client.get("/programmes/").content.decode()
    assert "/programmes/own/" in page
    assert "/programmes/other/" not in page


def test_it_throttles_repeated_failed_logins(world):
    client = Client()
    user = world["users"]["me_officer"]
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": user.username, "password": "wrong"},
            REMOTE_ADDR="10.1.1.1",
        )
    locked = client.post(
        "/accounts/login/",
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="10.1.1.1",
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_logs_in_with_the_right_password(world):
    client = Client()
    user = world["users"]["facilitator"]
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="10.2.2.2",
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_it_creates_a_programme_through_the_form(world):
    client = Client()
    client.force_login(world["users"]["me_officer"])
    response = client.post(
        "/programmes/new/",
        {
            "code": "new-one",
            "title_en": "New one",
            "title_km": "",
            "start": "2021-01-01",
            "end": "2022-12-31",
            "budget": "1500.50",
            "currency": "USD",
            "commune_codes": "010201, 060301",
        },
    )
    assert response.status_code == 302
    from scorecard.audit.models import AuditEntry
    from scorecard.programmes.models import Programme

    programme = Programme.objects.get(code="new-one")
    assert str(programme.budget) == "1500.50"
    assert sorted(programme.communes.values_list("code", flat=True)) == ["010201", "060301"]
    assert AuditEntry.objects.filter(
        model="programmes.Programme", object_pk=str(programme.pk), action="create"
    ).exists()


def test_it_explains_what_is_wrong_in_the_form_and_stores_nothing(world):
    client = Client()
    client.force_login(world["users"]["me_officer"])
    page = client.post(
        "/programmes/new/",
        {
            "code": "bad",
            "title_en": "Bad",
            "start": "2022-01-01",
            "end": "2021-01-01",
            "budget": "-5",
            "currency": "USD",
            "commune_codes": "010201 999999",
        },
    ).content.decode()
    assert "999999" in page
    assert "កម្មវិធីមិនអាចបញ្ចប់មុនពេលចាប់ផ្ដើមបានទេ។" in page
    from scorecard.programmes.models import Programme

    assert not Programme.objects.filter(code="bad").exists()


NO_MEETING = "00000000-0000-4000-8000-000000000000"
# POST-only endpoints (a GET answers 405 to everyone), posted to for another organisation's
# or a missing record: (url, outcome for anonymous and each role, in the order of ROLES).
POST_ONLY = [
    ("/rounds/other/status/", "login hidden hidden deny deny deny"),
    ("/rounds/other/conflicts/1/", "login hidden hidden deny deny deny"),
    ("/rounds/other/central/", "login hidden hidden hidden deny deny"),
    ("/rounds/other/paper/Q1/resolve/", "login hidden hidden hidden deny deny"),
    ("/rounds/other/needs/classify/", "login hidden hidden deny deny deny"),
    ("/rounds/other/needs/quotes/1/", "login hidden hidden deny deny deny"),
    ("/needs/themes/999999/", "login hidden hidden deny deny deny"),
    (f"/meetings/{NO_MEETING}/review/", "login hidden hidden hidden deny deny"),
    ("/plans/actions/{other_action}/progress/", "login hidden hidden deny hidden deny"),
    ("/plans/actions/{other_action}/contributions/", "login hidden hidden deny hidden deny"),
    ("/plans/actions/{other_action}/evidence/", "login hidden hidden deny hidden deny"),
]


@pytest.mark.parametrize(("url", "outcomes"), POST_ONLY, ids=[u for u, _ in POST_ONLY])
def test_it_enforces_access_on_post_only_endpoints(world, url, outcomes):
    url = filled(url, world)
    for role, outcome in zip(["anonymous", *ROLES], outcomes.split(), strict=True):
        client = Client()
        if role != "anonymous":
            client.force_login(world["users"][role])
        assert client.get(url).status_code == 405, f"{role} GET {url}"
        response = client.post(url, {"action": "advance", "keep": "stored"})
        assert response.status_code == EXPECTED_STATUS[outcome], f"{role} POST {url}"
        if outcome == "login":
            assert response["Location"].startswith("/accounts/login/")


def test_it_keeps_django_s_admin_to_staff_accounts(world):
    for role in ["anonymous", *ROLES]:  # none of the world's users is staff
        client = Client()
        if role != "anonymous":
            client.force_login(world["users"][role])
        response = client.get("/admin/")
        assert response.status_code == 302, role
        assert response["Location"].startswith("/admin/login/"), role
    superuser = make_user(None, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200


def test_it_logs_out_only_by_post(world):
    client = Client()
    client.force_login(world["users"]["facilitator"])
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_it_sends_a_logged_in_user_from_the_login_page_to_the_dashboard(world):
    assert Client().get("/accounts/login/").status_code == 200
    client = Client()
    client.force_login(world["users"]["donor_viewer"])
    response = client.get("/accounts/login/")
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
