"""No public page or public API response names a respondent, an enumerator or a participant.

Every public output is fetched anonymously over a published world, and scanned for the
identifiers and names that the records behind it hold.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from scorecard.events.models import Participant
from scorecard.public.publishing import switch_plan, switch_round
from scorecard.scorecards.models import Response
from tests.test_api import make_api_world
from tests.test_outcomes import make_attendance, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tmp_path):
    world = make_api_world(tmp_path)
    switch_round("test", world["rounds"]["APIX"], "all")
    switch_plan("test", world["hidden"], "all")
    programme = world["shown"].programme
    event = make_event(programme=programme, commune_id="010201")
    for code, name in (("P-0001", "Sok Chanthy"), ("P-0002", "សុខ ចន្ធី")):
        make_attendance(event, code)
        Participant.objects.filter(programme=programme, code=code).update(name=name)
    return world


def secrets_of_respondents() -> set[str]:
    values: set[str] = set()
    for stable, instance, enumerator in Response.objects.values_list(
        "stable_id", "instance_id", "enumerator_code"
    ):
        values |= {stable, instance, enumerator}
    for code, name in Participant.objects.values_list("code", "name"):
        values |= {code, name}
    return {v for v in values if v and len(v) >= 4}


def public_outputs(client: Client) -> dict[str, str]:
    urls = ["/", "/?q=010", "/overview/", "/p/", "/api/v1/rounds/", "/api/v1/plans/"]
    urls += ["/api/v1/actions/", "/api/v1/contributions/", "/api/v1/events/"]
    urls += ["/c/010201/", "/c/010203/", "/p/api/"]
    for code in ("API18", "API19", "APIX"):
        urls += [f"/api/v1/rounds/{code}/", f"/api/v1/rounds/{code}/comparison/"]
        urls += [f"/api/v1/rounds/{code}/results/?page_size=1000"]
    outputs = {}
    for url in urls:
        response = client.get(url)
        outputs[url] = response.content.decode()
        # Follow every page of a list, so nothing is left unscanned.
        while response.get("Content-Type", "").startswith("application/json"):
            body = json.loads(response.content)
            if not isinstance(body, dict) or not body.get("next"):
                break
            response = client.get(body["next"])
            outputs[body["next"]] = response.content.decode()
    return outputs


def test_it_shows_no_respondent_or_participant_on_public_outputs(world, settings):
    settings.SCORECARD_API_ANON_PER_MINUTE = 100_000
    secrets = secrets_of_respondents()
    assert len(secrets) > 100  # ids of 180 responses, enumerators and two participants
    outputs = public_outputs(Client())
    assert sum(len(text) for text in outputs.values()) > 50_000
    leaks = [(url, s) for url, text in outputs.items() for s in secrets if s in text]
    assert not leaks, leaks[:10]


def test_it_keeps_public_results_aggregate(world, settings):
    settings.SCORECARD_API_ANON_PER_MINUTE = 100_000
    rows = Client().get("/api/v1/rounds/APIX/results/?page_size=1000").json()["results"]
    assert rows
    for row in rows:
        assert row["suppressed"] or row["n"] >= settings.SCORECARD["MIN_CELL_SIZE"]
        assert set(row) >= {"n", "satisfied_share"} and "stable_id" not in row


def test_it_exports_and_erases_a_participant_on_request(world, capsys):
    from django.core.management import call_command

    from scorecard.audit.models import AuditEntry
    from scorecard.events.models import Attendance

    programme = world["shown"].programme.code
    call_command("participant", programme, "P-0001")
    exported = json.loads(capsys.readouterr().out)
    assert exported["name"] == "Sok Chanthy" and exported["attendances"][0]["age"] == 40
    call_command("participant", programme, "P-0001", "--erase", "asked by phone, 2 Dec")
    person = Participant.objects.get(
        attendances__event__programme__code=programme,
        sex="female",
        name="",
        code__startswith="erased-",
    )
    attendance = Attendance.objects.get(participant=person)
    assert attendance.age is None and attendance.youth is False  # counts kept, age gone
    entry = AuditEntry.objects.filter(model="events.Participant").latest("pk")
    assert entry.reason == "erased: asked by phone, 2 Dec"
    assert not Participant.objects.filter(code="P-0001").exists()
