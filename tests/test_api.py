"""The REST API, /api/v1/: scoping by token, public aggregates, writes, errors, limits."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import get_resolver

from scorecard.accounts.models import Role
from scorecard.api.actions import issue_token
from scorecard.api.openapi import document
from scorecard.audit.models import AuditEntry
from scorecard.plans.models import Action, Contribution
from scorecard.scorecards.actions import publish_round
from scorecard.scorecards.exports.synth import kobo_json_submissions
from scorecard.scorecards.forms import form_spec
from scorecard.scorecards.importing import import_export
from scorecard.scorecards.push import issue_push_token
from tests.factories_scorecards import make_export, make_round
from tests.helpers import make_organisation, make_programme, make_user
from tests.test_plans_factories import make_action, make_contribution, make_plan

pytestmark = pytest.mark.django_db


def make_api_world(tmp_path: Path) -> dict[str, Any]:
    """Two published rounds and a hidden one, a published and an unpublished plan, tokens."""
    cache.clear()  # rate-limit counters of earlier tests
    org = make_organisation(code="api-ngo")
    programme = make_programme(code="api", organisation=org, communes=["010201", "010203"])
    rounds = {}
    for code, year, seed in (("API18", 2018, 3), ("API19", 2019, 4), ("APIX", 2020, 5)):
        round_ = make_round(code=code, year=year, programme="api")
        import_export(
            "test", round_, make_export(round_, tmp_path / f"{code}.csv", rows=60, seed=seed)
        )
        rounds[code] = round_
    for code in ("API18", "API19"):
        publish_round("test", rounds[code], from_date=dt.date(2020, 1, 1))
    shown = make_plan(programme=programme, commune="010201", published=True)
    hidden = make_plan(programme=programme, commune="010203", year=2020)
    action = make_action(plan=shown)
    make_contribution(action=action)
    make_action(plan=hidden)
    officer = make_user(Role.ME_OFFICER, organisation=org)
    official = make_user(Role.COMMUNE_OFFICIAL, communes=["010203"])
    stranger = make_user(Role.ME_OFFICER, organisation=make_organisation())
    return {
        "rounds": rounds,
        "shown": shown,
        "hidden": hidden,
        "action": action,
        "read": issue_token("test", officer, "read")[1],
        "write": issue_token("test", officer, "write", can_write=True)[1],
        "official": issue_token("test", official, "official", can_write=True)[1],
        "stranger": issue_token("test", stranger, "stranger")[1],
    }


@pytest.fixture
def world(tmp_path):
    return make_api_world(tmp_path)


def get(url: str, token: str | None = None, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().get(url, params, headers=headers)


def post(url: str, body: Any, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, str) else json.dumps(body)
    return Client().post(url, data, content_type="application/json", headers=headers)


def codes(response: Any) -> list[str]:
    return [r["code"] for r in response.json()["results"]]


def test_it_shows_anonymous_callers_published_rounds_only(world):
    assert codes(get("/api/v1/rounds/")) == ["API19", "API18"]
    assert get("/api/v1/rounds/APIX/").status_code == 404
    assert get("/api/v1/rounds/APIX/results/").json()["error"] == "no round 'APIX'"


def test_it_scopes_a_token_to_its_users_organisation(world):
    assert codes(get("/api/v1/rounds/", world["read"])) == ["APIX", "API19", "API18"]
    assert codes(get("/api/v1/rounds/", world["stranger"])) == []
    assert get("/api/v1/rounds/APIX/", world["stranger"]).status_code == 404


def test_it_suppresses_small_cells_for_anonymous_callers_only(world):
    public = get("/api/v1/rounds/API19/results/", commune="010201", page_size=1000).json()
    staff = get(
        "/api/v1/rounds/API19/results/", world["read"], commune="010201", page_size=1000
    ).json()
    small = [r for r in public["results"] if r["suppressed"]]
    assert small, "60 answers over 2 communes leave some groups under 5"
    assert all(r["n"] is None and r["satisfied_share"] is None for r in small)
    by_key = {(r["indicator"], r["breakdown"], r["group"]): r for r in staff["results"]}
    assert all(by_key[(r["indicator"], r["breakdown"], r["group"])]["n"] for r in small)
    assert public["count"] == staff["count"]


def test_it_gives_the_clis_columns_and_filters(world):
    rows = get("/api/v1/rounds/API19/results/", breakdown="sex", indicator="overall").json()
    assert {r["breakdown"] for r in rows["results"]} == {"sex"}
    assert list(rows["results"][0]) == [
        "round", "commune", "facility", "indicator", "breakdown", "group", "n",
        "n_1", "n_2", "n_3", "n_4", "n_5", "mean", "median", "satisfied_n",
        "satisfied_share", "ci_low", "ci_high", "suppressed",
    ]  # fmt: skip
    bad = get("/api/v1/rounds/API19/results/", breakdown="shoe size")
    assert bad.status_code == 400
    assert "breakdown='shoe size' is not one of" in bad.json()["error"]


def test_it_pages_with_links(world):
    first = get("/api/v1/rounds/API19/results/", page_size=50).json()
    assert len(first["results"]) == 50 and first["previous"] is None
    second = Client().get(first["next"]).json()
    assert second["page"] == 2 and second["results"] != first["results"]
    assert get("/api/v1/rounds/", page_size=0).status_code == 400
    assert get("/api/v1/rounds/", page="x").json()["error"] == "page='x' is not a whole number"


def test_it_compares_with_the_previous_published_round(world):
    rows = get("/api/v1/rounds/API19/comparison/", commune="all", indicator="overall").json()
    assert rows["count"] > 0
    assert {(r["base_round"], r["round"]) for r in rows["results"]} == {("API18", "API19")}
    # The hidden round is no baseline for anonymous callers.
    assert get("/api/v1/rounds/API19/comparison/", base="APIX").status_code == 404
    assert get("/api/v1/rounds/API18/comparison/").status_code == 404


def test_it_shows_published_plans_publicly_and_scopes_officials(world):
    public = get("/api/v1/plans/").json()["results"]
    assert [p["id"] for p in public] == [world["shown"].pk]
    assert public[0]["actions"] == 1 and public[0]["commune"] == "010201"
    official = get("/api/v1/plans/", world["official"]).json()["results"]
    assert [p["id"] for p in official] == [world["hidden"].pk]
    assert get(f"/api/v1/plans/{world['hidden'].pk}/").status_code == 404
    actions = get("/api/v1/actions/").json()["results"]
    assert [a["id"] for a in actions] == [world["action"].pk]
    money = get("/api/v1/contributions/").json()["results"]
    assert money[0]["amount"] == "410000.00" and money[0]["usd"] == "100.00"


def test_it_records_progress_with_a_write_token(world):
    url = f"/api/v1/actions/{world['action'].pk}/progress/"
    body = {"status": "agreed", "date": "2019-07-01", "note": "agreed at the meeting"}
    assert post(url, body).status_code == 401
    refused = post(url, body, world["read"])
    assert refused.status_code == 403 and refused.json()["error"] == "the token may only read"
    made = post(url, body, world["write"])
    assert made.status_code == 201, made.content
    assert made.json()["to_status"] == "agreed"
    assert Action.objects.get(pk=world["action"].pk).status == "agreed"
    assert AuditEntry.objects.filter(
        model="plans.Action", object_pk=str(world["action"].pk)
    ).exists()
    backwards = post(url, {"status": "proposed", "date": "2019-07-02"}, world["write"])
    assert backwards.status_code == 400 and backwards.json()["error"]


def test_it_refuses_writes_to_another_communes_action(world):
    url = f"/api/v1/actions/{world['action'].pk}/progress/"
    response = post(url, {"status": "agreed", "date": "2019-07-01"}, world["official"])
    assert response.status_code == 404


def test_it_adds_a_contribution(world):
    url = f"/api/v1/actions/{world['action'].pk}/contributions/"
    body = {
        "source_type": "community",
        "source_name": "Village fund",
        "amount": "50",
        "currency": "USD",
        "rate_khr_per_usd": 4100,
        "date": "2019-09-01",
    }
    made = post(url, body, world["write"])
    assert made.status_code == 201, made.content
    assert made.json()["khr"] == "205000.00"
    assert Contribution.objects.filter(action=world["action"]).count() == 2
    wrong = post(url, {**body, "amount": "lots"}, world["write"])
    assert wrong.status_code == 400 and "amount='lots'" in wrong.json()["error"]
    assert post(url, "not json", world["write"]).json()["error"] == "the body is not valid JSON"


def test_it_takes_a_kobo_submission_with_the_rounds_push_token(world):
    round_ = world["rounds"]["APIX"]
    token = issue_push_token("test", round_)
    spec = form_spec(round_.template_version, round_)
    submission = next(iter(kobo_json_submissions(spec, rows=1, seed=99)))
    url = "/api/v1/rounds/APIX/submissions/"
    assert post(url, submission, "guessed").status_code == 404
    assert post(url, submission).status_code == 401
    made = post(url, submission, token)
    assert made.status_code == 201 and made.json()["accepted"] == 1
    again = post(url, submission, token)
    assert again.status_code == 200 and again.json()["duplicates"] == 1


def test_it_keeps_events_for_tokens(world):
    assert get("/api/v1/events/").status_code == 401
    assert get("/api/v1/events/", world["read"]).json()["count"] == 0


def test_it_gives_logframe_values_to_tokens_only(world):
    url = f"/api/v1/programmes/{world['shown'].programme.code}/logframe/"
    assert get(url).status_code == 401
    body = get(url, world["read"]).json()
    assert body["programme"] == "api" and isinstance(body["indicators"], list)
    assert get(url, world["stranger"]).status_code == 404


def test_it_answers_errors_as_json(world):
    unknown = get("/api/v1/nothing/here/")
    assert unknown.status_code == 404 and unknown.json()["error"].startswith("no API endpoint")
    assert get("/api/v1/rounds/", "bogus").json() == {
        "error": "the token is not valid or has been revoked",
        "status": 401,
    }
    wrong_method = Client().delete("/api/v1/rounds/")
    assert wrong_method.status_code == 405 and wrong_method["Allow"] == "GET"


def test_it_limits_the_rate(world, settings):
    settings.SCORECARD_API_ANON_PER_MINUTE = 3
    cache.clear()
    statuses = [get("/api/v1/rounds/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = get("/api/v1/rounds/")
    assert "Retry-After" in limited and "calls a minute" in limited.json()["error"]
    assert get("/api/v1/rounds/", world["read"]).status_code == 200  # tokens count apart


def test_it_documents_every_api_url_in_openapi():
    spec = document()
    resolver = get_resolver()
    documented = {p.replace("{code}", "X").replace("{id}", "1") for p in spec["paths"]}
    for url in documented:
        assert resolver.resolve(url).url_name != "api_not_found", url
    from scorecard.api import urls

    names = {p.name for p in urls.urlpatterns} - {"api_openapi", "api_not_found"}
    assert len(names) == len(spec["paths"])
    assert Client().get("/api/v1/openapi.json").json()["openapi"].startswith("3.")


def test_it_hashes_tokens_and_revokes_them(world):
    from scorecard.api.actions import revoke_token
    from scorecard.api.models import ApiToken

    assert not ApiToken.objects.filter(key_hash=world["read"]).exists()
    token = ApiToken.objects.get(name="read")
    revoke_token("test", token)
    assert get("/api/v1/rounds/", world["read"]).status_code == 401
