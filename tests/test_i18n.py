from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from scorecard.public.templatetags.khmer import longdate, money, number
from tests.helpers import make_user

PO = Path(__file__).parents[1] / "src/scorecard/locale/km/LC_MESSAGES/django.po"


def entries() -> list[tuple[str, str, str]]:
    """(flags, msgid, msgstr) of every entry but the header."""
    found = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        if not msgid or not msgstr:
            continue
        text = "".join(re.findall(r'"(.*)"', msgid.group(1)))
        if text:
            flags = " ".join(re.findall(r"^#, (.*)$", block, re.M))
            found.append((flags, text, "".join(re.findall(r'"(.*)"', msgstr.group(1)))))
    return found


def test_it_ships_a_complete_khmer_catalogue():
    found = entries()
    assert len(found) > 100
    assert [m for _, m, s in found if not s] == []
    assert [m for f, m, _ in found if "fuzzy" in f] == []


def test_it_translates_into_khmer_script():
    for _, msgid, msgstr in entries():
        if re.search("[A-Za-z]{4}", msgid.replace("%(", "")) and msgid not in {"IPv4"}:
            assert re.search("[\u1780-\u17ff]", msgstr), msgid


def test_it_keeps_placeholders_in_translations():
    for _, msgid, msgstr in entries():
        assert sorted(re.findall(r"%\(\w+\)[sdr]|%[sd]", msgid)) == sorted(
            re.findall(r"%\(\w+\)[sdr]|%[sd]", msgstr)
        ), msgid


@pytest.mark.django_db
def test_it_serves_the_public_side_in_khmer_whatever_the_browser_asks():
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="km">' in page
    assert "តើសេវាសាធារណៈក្នុងឃុំរបស់អ្នកយ៉ាងដូចម្ដេចដែរ?" in page


@pytest.mark.django_db
def test_it_switches_to_english_and_back():
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "How are public services in your commune?" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "km", "next": "/"})
    assert '<html lang="km">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_it_shows_django_s_own_messages_in_khmer():
    make_user(username="someone")
    page = Client().post(
        "/accounts/login/", {"username": "someone", "password": "wrong"}, REMOTE_ADDR="10.3.3.3"
    )
    assert "សូមបញ្ចូល" in page.content.decode()
    assert "Please enter a correct" not in page.content.decode()


def test_it_writes_khmer_digits_and_dates_when_asked():
    import datetime as dt
    from decimal import Decimal

    with translation.override("km"):
        assert number(1211) == "១,២១១"
        assert money(Decimal("4257.33"), "USD") == "៤,២៥៧.៣៣ USD"
        assert money(Decimal("17000000"), "KHR") == "១៧,០០០,០០០ KHR"
        assert longdate(dt.date(2019, 12, 31)) == "៣១ ធ្នូ ២០១៩"
    with translation.override("en"):
        assert number(1211) == "1,211"
        assert longdate(dt.date(2019, 12, 31)) == "31 December 2019"


@pytest.mark.django_db
def test_it_lets_a_visitor_choose_latin_digits():
    client = Client()
    client.post("/display/digits/", {"digits": "latin", "next": "/?q=010201"})
    page = client.get("/?q=010201").content.decode()
    assert "(010201, " in page
    assert "(០១០២០១, " not in page
