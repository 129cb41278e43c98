"""Whole public pages kept in the shared cache: each visitor still gets their own CSRF
token, staff are never served a kept page, and a write shows at once."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from scorecard.public.publishing import switch_round
from tests.factories_scorecards import make_round
from tests.helpers import make_programme, make_user

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture
def round_(db):
    cache.clear()
    make_programme(code="pc", communes=["010201"])
    return make_round(code="PC19", year=2019, programme="pc")


def kept_pages() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM scorecard_cache WHERE cache_key LIKE '%portal:page:%'")
        return int(cursor.fetchone()[0])


def test_two_visitors_get_one_page_each_with_their_own_csrf_token(round_):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    a = first.get("/c/010201/")
    b = second.get("/c/010201/")
    assert kept_pages() == 1
    token_a, token_b = TOKEN.findall(a.content.decode()), TOKEN.findall(b.content.decode())
    assert token_a and token_b and set(token_a).isdisjoint(token_b)
    assert "csrftoken" in b.cookies  # the second visitor's own cookie, from the kept page
    # The token of the kept page works: the language switch of the second visitor passes.
    switched = second.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token_b[0]})
    assert switched.status_code == 302
    assert a.content.decode().replace(token_a[0], "") == b.content.decode().replace(token_b[0], "")


def test_staff_get_a_fresh_page_and_a_write_shows_at_once(round_):
    before = Client().get("/c/010201/").content.decode()
    assert 'aria-labelledby="sc"' not in before and kept_pages() == 1
    staff = Client()
    staff.force_login(make_user("me_officer"))
    staff.get("/c/010201/")
    assert kept_pages() == 1  # nothing kept for a logged-in visitor
    switch_round("test", round_, "all")
    text = Client().get("/c/010201/").content.decode()
    assert 'aria-labelledby="sc"' in text  # published now: the page of before is not served
    assert kept_pages() == 2
