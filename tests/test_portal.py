"""The public portal: nothing shows until published; aggregates only; cached small pages."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from scorecard.audit.models import AuditEntry
from scorecard.public.publishing import PublishError, switch_plan, switch_round
from scorecard.scorecards.importing import import_export
from tests.factories_scorecards import make_export, make_round
from tests.helpers import make_programme
from tests.test_plans_factories import make_action, make_contribution, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tmp_path):
    cache.clear()
    programme = make_programme(code="pub", communes=["010201", "010203"])
    base = make_round(code="P18", year=2018, programme="pub")
    import_export("test", base, make_export(base, tmp_path / "a.csv", rows=80, seed=2))
    later = make_round(code="P19", year=2019, programme="pub")
    import_export("test", later, make_export(later, tmp_path / "b.csv", rows=80, seed=3))
    plan = make_plan(programme=programme, commune="010201")
    action = make_action(plan=plan)
    make_contribution(action=action)
    return {"programme": programme, "base": base, "later": later, "plan": plan}


def page(url: str, lang: str = "") -> str:
    client = Client()
    if lang:
        client.cookies["scorecard_language"] = lang
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_it_shows_nothing_until_published(world):
    text = page("/c/010201/")
    assert "Nothing has been published" in text or "មិនទាន់មានអ្វីផ្សព្វផ្សាយ" in text
    assert "%" not in text.split("<main")[1]
    assert Client().get("/p/pub/").status_code == 404
    assert "/c/010201/" not in page("/overview/")


def test_it_shows_the_latest_published_scorecard_with_the_change(world):
    switch_round("test", world["base"], "all")
    switch_round("test", world["later"], "today")
    text = page("/c/010201/", lang="en")
    assert "2019" in text and "What citizens say" in text
    assert "citizens are satisfied overall" in text
    assert "since the round of" in text  # the change from the 2018 round
    assert "scorecard/faces/" in text and "tone-" in text


def test_it_suppresses_small_cells(world, settings):
    settings.SCORECARD = {**settings.SCORECARD, "MIN_CELL_SIZE": 1000}
    switch_round("test", world["later"], "all")
    text = page("/c/010201/", lang="en")
    assert "Too few answers to show." in text
    assert "fewer than 1,000 answers" in text
    assert "citizens are satisfied overall" not in text


def test_it_shows_a_published_plan_with_funds_by_source(world):
    switch_plan("test", world["plan"], "today")
    text = page("/c/010201/", lang="en")
    assert "0 of 1 actions implemented" in text
    assert "410,000 KHR" in text and "100.00 USD" in text
    assert "Rice mill" not in text  # sources by type, not by name


def test_it_logs_every_publish_switch(world):
    switch_round("test", world["later"], "today")
    assert world["later"].published_from is not None
    switch_round("test", world["later"], "all")
    assert world["later"].published and world["later"].published_from is None
    switch_round("test", world["later"], "stop")
    assert not world["later"].published
    reasons = list(
        AuditEntry.objects.filter(model="scorecards.Round", object_pk=str(world["later"].pk))
        .order_by("pk")
        .values_list("reason", flat=True)
    )
    assert reasons[-3:] == [
        "publish switch: today",
        "publish switch: all",
        "publish switch: stop",
    ]
    with pytest.raises(PublishError):
        switch_plan("test", world["plan"], "tomorrow")


def test_it_finds_a_commune_by_khmer_name_and_links_to_its_page(world):
    text = page("/?q=បន្ទាយនាង")
    assert 'href="/c/010201/"' in text


def test_it_lists_published_communes_and_programmes(world):
    switch_round("test", world["later"], "all")
    assert 'href="/c/010201/"' in page("/overview/")
    assert 'href="/p/pub/"' in page("/p/")
    assert 'href="/c/010203/"' in page("/p/pub/")


def test_it_sends_cache_headers_and_answers_not_modified(world):
    client = Client()
    first = client.get("/c/010201/")
    assert first["Cache-Control"] == "private, max-age=300"
    again = client.get("/c/010201/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    switch_round("test", world["later"], "all")  # a write changes the page's version
    changed = client.get("/c/010201/", headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_it_hides_the_booklet_until_something_is_published(world):
    from tests.test_booklet import make_budget

    make_budget("010201", 2020, health=1000000, education=500000)
    assert Client().get("/c/010201/booklet-2020.pdf").status_code == 404
    switch_plan("test", world["plan"], "all")
    assert "/c/010201/booklet-2020.pdf" in page("/c/010201/")
    response = Client().get("/c/010201/booklet-2020.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_it_answers_404_for_an_unknown_commune():
    assert Client().get("/c/999999/").status_code == 404
