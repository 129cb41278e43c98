"""Public subscriptions: validated, rate-limited, double opt-in, an unsubscribe link in every message."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from scorecard.notify.models import Subscription
from scorecard.scorecards.actions import publish_round
from tests.factories_scorecards import make_round
from tests.helpers import make_programme
from tests.telegram_standin import TelegramStandIn

pytestmark = pytest.mark.django_db
TOKEN = "123456:stand-in-secret"
URL = "/c/010201/subscribe/"


@pytest.fixture(autouse=True)
def site(settings):
    cache.clear()
    settings.SCORECARD_SITE_URL = "https://scorecard.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SCORECARD_TELEGRAM_TOKEN = TOKEN
    with TelegramStandIn(TOKEN) as standin:
        settings.SCORECARD_TELEGRAM_API = standin.url
        yield standin


def form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "channel": "email",
        "email": "citizen@example.org",
        "language": "en",
        "events": ["round_published", "plan_published"],
    }
    data.update(overrides)
    return data


def link_in(text: str) -> str:
    found = re.search(r"https://scorecard\.example\.org(/subscription/[^/\s]+/)", text)
    assert found, text
    return found.group(1)


def test_the_commune_page_links_to_the_form():
    page = Client().get("/c/010201/").content.decode()
    assert URL in page
    assert Client().get(URL).status_code == 200


def test_an_email_subscription_counts_only_once_confirmed_and_every_notice_can_stop_it(
    django_capture_on_commit_callbacks,
):
    client = Client()
    response = client.post(URL, form())
    assert response.status_code == 200
    assert "citizen@example.org" not in response.content.decode()
    sub = Subscription.objects.get()
    assert not sub.active and sub.events == "round_published,plan_published"
    assert mail.outbox[0].to == ["citizen@example.org"]
    confirm = link_in(str(mail.outbox[0].body))
    make_programme(code="ns", communes=["010201"])
    round_ = make_round(code="NS19", programme="ns")
    with django_capture_on_commit_callbacks(execute=True):
        publish_round("test", round_)
    assert len(mail.outbox) == 1  # not confirmed: not told
    assert client.get(confirm).status_code == 200
    sub.refresh_from_db()
    assert not sub.active  # opening the link (a mail scanner) is not enough
    assert "citizen@example.org" not in client.post(confirm).content.decode()
    sub.refresh_from_db()
    assert sub.active
    round_.published = False
    round_.save()
    with django_capture_on_commit_callbacks(execute=True):
        publish_round("test", round_)
    assert len(mail.outbox) == 2
    stop = link_in(str(mail.outbox[1].body))
    assert stop != confirm
    client.post(stop)
    sub.refresh_from_db()
    assert not sub.active


def test_a_telegram_subscription_is_confirmed_through_the_bot(site):
    Client().post(URL, form(channel="telegram", email="", chat_id="4242", language="km"))
    assert [m["chat_id"] for m in site.messages] == ["4242"]
    Client().post(link_in(site.messages[0]["text"]))
    assert Subscription.objects.get(channel="telegram", address="4242").active


@pytest.mark.parametrize(
    "data",
    [
        form(email="not-an-address"),
        form(email=""),
        form(channel="telegram", email="", chat_id="@someone"),
        form(events=[]),
        form(language="fr"),
    ],
)
def test_it_rejects_what_is_not_valid(data):
    assert Client().post(URL, data).status_code == 200
    assert not Subscription.objects.exists()
    assert not mail.outbox


def test_it_limits_requests_from_one_address():
    client = Client()
    codes = [client.post(URL, form(email=f"c{i}@example.org")).status_code for i in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    assert Subscription.objects.count() == 5


def test_a_forged_or_unknown_link_is_a_404():
    assert Client().get("/subscription/forged/").status_code == 404
    assert Client().post("/subscription/forged/").status_code == 404


def test_an_unknown_commune_is_a_404():
    assert Client().get("/c/999999/subscribe/").status_code == 404
