"""The needs pages: who may see and change what, moves, approvals, themes, top needs."""

from __future__ import annotations

import pytest
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.audit.models import AuditEntry
from scorecard.needs import actions
from scorecard.needs.models import Quote, Theme
from scorecard.scorecards.importing import import_export
from tests.factories_scorecards import make_export, make_round
from tests.helpers import make_organisation, make_user


@pytest.fixture
def world(db, tmp_path):
    org = make_organisation()
    round_ = make_round(organisation=org)
    import_export("test", round_, make_export(round_, tmp_path / "a.csv", rows=80, seed=9))
    actions.classify_round("test", round_)
    return {
        "round": round_,
        "me": make_user(Role.ME_OFFICER, organisation=org),
        "facilitator": make_user(Role.FACILITATOR, organisation=org),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def a_quote(round_, facility="health_centre") -> Quote:
    return Quote.objects.filter(
        response__round=round_, facility_type__code=facility, theme__isnull=False
    )[0]


def test_staff_see_every_theme_with_its_quotes(world):
    round_ = world["round"]
    page = client_for(world["facilitator"]).get(
        f"/rounds/{round_.code}/needs/?facility=health_centre"
    )
    html = page.content.decode()
    assert page.status_code == 200
    quote = a_quote(round_)
    assert quote.text in html and Theme.objects.get(quotes=quote).name_km in html
    assert "needs/quotes/" not in html  # a facilitator may not change anything
    assert "style=" not in html.split("<main", 1)[-1]


def test_anonymous_users_log_in_and_other_organisations_get_404(world):
    code = world["round"].code
    assert Client().get(f"/rounds/{code}/needs/").status_code == 302
    stranger = make_user(Role.ME_OFFICER, organisation=make_organisation())
    assert client_for(stranger).get(f"/rounds/{code}/needs/").status_code == 404


def test_an_me_officer_moves_and_approves_a_quote_and_it_is_logged(world):
    round_, quote = world["round"], a_quote(world["round"])
    target = Theme.objects.for_type("health_centre").exclude(pk=quote.theme_id)[0]
    url = f"/rounds/{round_.code}/needs/quotes/{quote.pk}/"
    answer = client_for(world["me"]).post(url, {"theme": target.pk, "approved": "on"})
    assert answer.status_code == 302
    quote.refresh_from_db()
    assert quote.theme == target and quote.moved and quote.approved
    assert quote.approved_by == world["me"]
    logged = AuditEntry.objects.filter(model="needs.Quote", object_pk=str(quote.pk))
    assert logged.count() == 2


def test_a_facilitator_may_not_move_a_quote(world):
    round_, quote = world["round"], a_quote(world["round"])
    url = f"/rounds/{round_.code}/needs/quotes/{quote.pk}/"
    assert client_for(world["facilitator"]).post(url, {"theme": ""}).status_code == 403
    quote.refresh_from_db()
    assert not quote.moved


def test_a_quote_of_another_round_is_404(world, tmp_path):
    other = make_round(organisation=world["round"].organisation)
    url = f"/rounds/{other.code}/needs/quotes/{a_quote(world['round']).pk}/"
    assert client_for(world["me"]).post(url, {"theme": ""}).status_code == 404


def test_staff_create_rename_and_merge_themes(world):
    client = client_for(world["me"])
    answer = client.post(
        "/needs/themes/?facility=health_centre",
        {"name_en": "Ambulance", "name_km": "រថយន្តសង្គ្រោះ", "keywords": "រថយន្ត, ambulance"},
    )
    assert answer.status_code == 302
    theme = Theme.objects.get(facility_type__code="health_centre", name_en="Ambulance")
    assert theme.keywords == ["រថយន្ត", "ambulance"]
    p = f"t{theme.pk}"
    client.post(
        f"/needs/themes/{theme.pk}/",
        {
            f"{p}-name_en": "Ambulances",
            f"{p}-name_km": "រថយន្តសង្គ្រោះបន្ទាន់",
            f"{p}-keywords": "រថយន្ត",
        },
    )
    theme.refresh_from_db()
    assert theme.name_en == "Ambulances" and theme.keywords == ["រថយន្ត"]
    into = Theme.objects.get(facility_type__code="health_centre", code="medicines")
    client.post(f"/needs/themes/{theme.pk}/", {f"m{theme.pk}-into": into.pk, "merge": "1"})
    assert not Theme.objects.filter(pk=theme.pk).exists()
    page = client.get("/needs/themes/?facility=health_centre").content.decode()
    assert "Ambulances" not in page and into.name_km in page
    assert client_for(world["facilitator"]).get("/needs/themes/").status_code == 403


def test_the_results_page_shows_top_needs_with_approved_quotes_only(world):
    round_, quote = world["round"], a_quote(world["round"])
    client = client_for(world["me"])
    url = f"/rounds/{round_.code}/results/?facility=health_centre"
    html = client.get(url).content.decode()
    assert 'id="needs"' in html and Theme.objects.get(quotes=quote).name_km in html
    assert f"“{quote.text}”" not in html
    actions.set_approval("staff", quote, True)
    assert f"“{quote.text}”" in client.get(url).content.decode()


def test_a_commune_official_sees_the_themes_but_only_approved_quotes(world):
    round_, quote = world["round"], a_quote(world["round"])
    url = f"/rounds/{round_.code}/needs/?facility=health_centre"
    assert f"“{quote.text}”" in client_for(world["me"]).get(url).content.decode()
    official = make_user(Role.COMMUNE_OFFICIAL, communes=["010201", "010203"])
    page = client_for(official).get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert Theme.objects.get(quotes=quote).name_km in html and f"“{quote.text}”" not in html
    actions.set_approval("staff", quote, True)
    assert f"“{quote.text}”" in client_for(official).get(url).content.decode()
