from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from scorecard.audit.models import AuditEntry
from scorecard.scorecards.actions import ActionError, advance_round, unlock_round
from scorecard.scorecards.models import Round
from tests.factories_scorecards import make_round, make_template
from tests.helpers import make_programme

SCORECARD = Path(sys.executable).with_name("scorecard")
pytestmark = pytest.mark.django_db


def round_cli(*args: str) -> str:
    out = io.StringIO()
    call_command("round", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_round_from_the_command_line():
    make_template()
    programme = make_programme(code="UDF-1", communes=["010201", "060301"])
    text = round_cli(
        "create", "R2019", "--template", "isaf", "--mode", "survey", "--year", "2019",
        "--title", "Follow-up", "--programme", "UDF-1",
    )  # fmt: skip
    round_ = Round.objects.get(code="R2019")
    assert "created round R2019" in text
    assert (round_.mode, round_.year, round_.title) == ("survey", 2019, "Follow-up")
    assert round_.programme == programme
    assert round_.organisation == programme.organisation
    assert sorted(round_.communes.values_list("code", flat=True)) == ["010201", "060301"]
    assert round_.status == "planned" and not round_.published
    entry = AuditEntry.objects.get(model="scorecards.Round", action="create")
    assert entry.after["code"] == "R2019"


def test_it_takes_the_communes_given():
    make_template()
    round_cli("create", "R1", "--template", "isaf", "--mode", "community", "--year", "2020",
              "--communes", "010201,010203")  # fmt: skip
    assert sorted(Round.objects.get(code="R1").communes.values_list("code", flat=True)) == [
        "010201",
        "010203",
    ]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--template", "nope", "--mode", "survey", "--year", "2019"], "unknown template 'nope'"),
        (["--template", "isaf", "--mode", "meeting", "--year", "2019"], "mode must be one of"),
        (["--template", "isaf", "--mode", "survey", "--year", "19"], "is not a year"),
        (["--template", "isaf", "--mode", "survey", "--year", "2019", "--programme", "x"],
         "unknown programme 'x'"),
        (["--template", "isaf", "--mode", "survey", "--year", "2019", "--communes", "999999"],
         "unknown commune codes: 999999"),
    ],
)  # fmt: skip
def test_it_refuses_bad_arguments_with_one_reason(args, reason):
    make_template()
    with pytest.raises(CommandError, match=reason):
        round_cli("create", "RX", *args)
    assert not Round.objects.exists()


def test_it_refuses_a_duplicate_code():
    make_round(code="R1")
    with pytest.raises(CommandError, match="round 'R1' already exists"):
        round_cli("create", "R1", "--template", "isaf", "--mode", "survey", "--year", "2019")


def test_it_exits_non_zero_with_a_one_line_reason(tmp_path):
    env = {**os.environ, "SCORECARD_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [SCORECARD, "round", "create", "R1", "--template", "isaf", "--mode", "survey",
         "--year", "twenty"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "is not a year" in result.stderr


def test_it_lists_rounds():
    make_round(code="R2018", year=2018)
    make_round(code="R2019")
    text = round_cli("list")
    assert text.index("R2019") < text.index("R2018")


def test_it_publishes_a_round_and_logs_it():
    make_round(code="R1")
    assert "published round R1" in round_cli("publish", "R1", "--from-today")
    round_ = Round.objects.get(code="R1")
    assert round_.published and round_.published_from is not None
    assert AuditEntry.objects.filter(model="scorecards.Round", action="publish").count() == 1
    with pytest.raises(CommandError, match="unknown round"):
        round_cli("publish", "nope")


def test_it_moves_through_the_statuses_and_locks_when_completed():
    round_ = make_round()
    seen = [advance_round("test", round_).status for _ in range(3)]
    assert seen == ["collecting", "in_review", "completed"]
    assert round_.locked
    with pytest.raises(ActionError):
        advance_round("test", round_)


def test_it_needs_a_reason_to_unlock_and_logs_it():
    round_ = make_round()
    for _ in range(3):
        advance_round("test", round_)
    with pytest.raises(ActionError, match="needs a reason"):
        unlock_round("test", round_, "  ")
    unlock_round("test", round_, "a late batch of paper questionnaires")
    assert not round_.locked and round_.status == "in_review"
    entry = AuditEntry.objects.get(model="scorecards.Round", action="unlock")
    assert entry.reason == "a late batch of paper questionnaires"


# --------------------------------------------------------------------------- web


@pytest.fixture
def client(client):
    client.cookies["scorecard_language"] = "en"
    return client


def web_world():
    from scorecard.accounts.models import Role
    from tests.helpers import make_organisation, make_user

    org = make_organisation(code="ngo")
    own = make_round(code="OWN", organisation=org, communes=["010201"])
    make_round(code="OTHER", organisation=make_organisation(), communes=["060301"])
    users = {
        role: make_user(role, organisation=org)
        for role in (Role.ADMIN, Role.ME_OFFICER, Role.FACILITATOR)
    }
    users["commune_official"] = make_user(Role.COMMUNE_OFFICIAL, communes=["010201"])
    users["donor_viewer"] = make_user(Role.DONOR_VIEWER, organisation=make_organisation())
    return own, users


def test_it_lists_only_the_rounds_a_user_may_see(client):
    _, users = web_world()
    client.force_login(users["me_officer"])
    page = client.get("/rounds/").content.decode()
    assert "/rounds/OWN/" in page and "/rounds/OTHER/" not in page
    client.force_login(users["commune_official"])
    assert "/rounds/OWN/" in client.get("/rounds/").content.decode()
    client.force_login(users["donor_viewer"])
    assert "/rounds/OWN/" not in client.get("/rounds/").content.decode()


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [("admin", 200, 404), ("me_officer", 200, 404), ("facilitator", 200, 404),
     ("commune_official", 200, 404), ("donor_viewer", 404, 404)],
)  # fmt: skip
def test_it_hides_other_organisations_rounds(client, role, own, other):
    _, users = web_world()
    client.force_login(users[role])
    assert client.get("/rounds/OWN/").status_code == own
    assert client.get("/rounds/OTHER/").status_code == other


def test_it_sends_anonymous_visitors_to_the_login(client):
    web_world()
    for url in ("/rounds/", "/rounds/OWN/", "/rounds/OWN/form.xlsx", "/rounds/OWN/import/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_offers_the_xlsform_of_the_round(client):
    from pyxform.xls2xform import convert

    own, users = web_world()
    client.force_login(users["facilitator"])
    page = client.get("/rounds/OWN/").content.decode()
    assert "/rounds/OWN/form.xlsx" in page and "/rounds/OWN/import/" in page
    response = client.get("/rounds/OWN/form.xlsx")
    assert response.status_code == 200
    assert own.template_version.form_version in response["Content-Disposition"]
    assert "<h:html" in convert(xlsform=response.content, warnings=[]).xform


def test_it_shows_the_round_page_in_khmer(client):
    _, users = web_world()
    client.force_login(users["me_officer"])
    client.cookies["scorecard_language"] = "km"
    page = client.get("/rounds/OWN/").content.decode()
    assert "ទាញយក" in page  # "Download"


def test_it_loads_the_demo_rounds_with_the_seed_totals():
    from scorecard.public.demo import load_demo
    from scorecard.scorecards.demo import load_demo_rounds

    list(load_demo())
    lines = list(load_demo_rounds())
    assert len(lines) == 2
    expected = {"R2018": (1019, 599, 408), "R2019": (1211, 695, 727)}
    for code, (n, female, satisfied) in expected.items():
        responses = Round.objects.get(code=code).responses
        assert responses.count() == n
        assert responses.filter(sex="female").count() == female
        assert responses.filter(overall__gte=4).count() == satisfied
    assert round(408 / 1019, 3) == 0.4 and round(727 / 1211, 3) == 0.6
    r2019 = Round.objects.get(code="R2019")
    assert r2019.imports.get().unknown_enumerators == []
    assert r2019.programme is not None and r2019.programme.code == "UDF-KHM-2019"
    assert list(load_demo_rounds()) == ["Demo round R2018: kept.", "Demo round R2019: kept."]


def test_it_creates_a_round_from_the_web_page(client):
    from scorecard.accounts.models import Role
    from tests.helpers import make_user

    make_template()
    user = make_user(Role.ME_OFFICER)
    programme = make_programme(code="P1", organisation=user.profile.organisation)
    client.force_login(user)
    assert client.get("/rounds/new/").status_code == 200
    response = client.post(
        "/rounds/new/",
        {"code": "R2020", "template": "isaf", "mode": "community", "year": "2020",
         "programme": "P1", "communes": "010201, 010203"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/rounds/R2020/"
    round_ = Round.objects.get(code="R2020")
    assert round_.programme == programme and round_.organisation == user.profile.organisation
    assert round_.communes.count() == 2
    page = client.post(
        "/rounds/new/", {"code": "R2020", "template": "isaf", "mode": "survey", "year": "2020"}
    ).content.decode()
    assert "already exists" in page


def test_it_does_not_let_a_facilitator_create_or_change_rounds(client):
    own, users = web_world()
    client.force_login(users["facilitator"])
    assert client.get("/rounds/new/").status_code == 403
    assert client.post("/rounds/OWN/status/", {"action": "advance"}).status_code == 403


def test_it_moves_publishes_and_unlocks_a_round_from_its_page(client):
    own, users = web_world()
    client.force_login(users["me_officer"])
    for _ in range(3):
        client.post("/rounds/OWN/status/", {"action": "advance"})
    own.refresh_from_db()
    assert own.status == "completed" and own.locked
    assert "/rounds/OWN/import/" not in client.get("/rounds/OWN/").content.decode()
    page = client.post("/rounds/OWN/status/", {"action": "unlock"}, follow=True).content.decode()
    assert "needs a reason" in page
    client.post("/rounds/OWN/status/", {"action": "unlock", "reason": "late forms"})
    client.post("/rounds/OWN/status/", {"action": "publish"})
    own.refresh_from_db()
    assert not own.locked and own.published
    actions = set(
        AuditEntry.objects.filter(model="scorecards.Round").values_list("action", flat=True)
    )
    assert {"create", "update", "unlock", "publish"} <= actions
    assert client.post("/rounds/OTHER/status/", {"action": "advance"}).status_code == 404


def test_it_shows_the_kobo_rest_address_only_to_editors(client):
    own, users = web_world()
    client.force_login(users["me_officer"])
    client.post("/rounds/OWN/status/", {"action": "push_token"})
    own.refresh_from_db()
    assert (
        own.push_token
        and f"/api/kobo/OWN/{own.push_token}/" in client.get("/rounds/OWN/").content.decode()
    )
    client.force_login(users["facilitator"])
    assert own.push_token not in client.get("/rounds/OWN/").content.decode()
