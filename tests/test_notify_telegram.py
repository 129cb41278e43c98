"""The Telegram bot: the t.me start link, /start confirms, /stop stops; polling and webhook."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from scorecard.notify import telegram
from scorecard.notify.models import Subscription
from scorecard.places.models import Commune
from tests.telegram_standin import TelegramStandIn

pytestmark = pytest.mark.django_db
TOKEN = "123456:stand-in-secret"
SECRET = "webhook-secret_123"
URL = "/c/010201/subscribe/"
HOOK = "/telegram/webhook/"


@pytest.fixture
def bot(settings):
    cache.clear()  # the poll offset and the subscription limit of earlier tests
    settings.SCORECARD_TELEGRAM_TOKEN = TOKEN
    settings.SCORECARD_TELEGRAM_BOT = "@ScorecardTestBot"
    settings.SCORECARD_TELEGRAM_WEBHOOK_SECRET = SECRET
    with TelegramStandIn(TOKEN) as standin:
        settings.SCORECARD_TELEGRAM_API = standin.url
        yield standin


def start_token_from_form(**overrides: Any) -> str:
    data: dict[str, Any] = {
        "channel": "telegram",
        "chat_id": "",
        "language": "en",
        "events": ["round_published", "action_implemented"],
    }
    data.update(overrides)
    page = Client().post(URL, data).content.decode()
    found = re.search(r"https://t\.me/ScorecardTestBot\?start=([A-Za-z0-9_-]{1,64})\"", page)
    assert found, page
    return found.group(1)


def replies(bot: TelegramStandIn, chat: int) -> list[str]:
    return [m["text"] for m in bot.messages if m["chat_id"] == str(chat)]


def test_it_subscribes_a_chat_only_when_it_sends_the_start_token_back(bot):
    token = start_token_from_form()
    assert not Subscription.objects.exists()  # nothing stored before the chat confirms
    bot.user_says(4242, f"/start {token}")
    call_command("telegram", "poll", "--once")
    sub = Subscription.objects.get()
    assert (sub.commune_id, sub.channel, sub.address, sub.active) == (
        "010201",
        "telegram",
        "4242",
        True,
    )
    assert sub.language == "en" and sub.events == "round_published,action_implemented"
    assert "Send /stop" in replies(bot, 4242)[0]
    bot.user_says(4242, "/stop")
    call_command("telegram", "poll", "--once")
    sub.refresh_from_db()
    assert not sub.active
    assert "no more messages" in replies(bot, 4242)[1]
    assert cache.get(telegram.OFFSET_KEY) == 1003  # the next call confirms both updates


def test_it_answers_in_khmer_for_a_khmer_subscriber_and_in_both_when_it_does_not_know(bot):
    token = start_token_from_form(language="km")
    bot.user_says(77, f"/start {token}")
    bot.user_says(88, "/stop")  # a chat with no subscription
    bot.user_says(99, "hello")
    call_command("telegram", "poll", "--once")
    assert re.search("[\u1780-\u17ff]", replies(bot, 77)[0])
    assert "Send /stop" not in replies(bot, 77)[0]
    for chat in (88, 99):
        text = replies(bot, chat)[0]
        assert re.search("[\u1780-\u17ff]", text) and re.search("[A-Za-z]{4}", text)


def test_it_refuses_a_forged_changed_or_expired_token(bot):
    commune = Commune.objects.get(code="010201")
    good = telegram.start_token(commune, "en", ["round_published"])
    assert telegram.read_start_token(good) is not None
    forged = good.replace("010201", "010203", 1)
    old = telegram.start_token(commune, "en", ["round_published"], now=time.time() - 8 * 86400)
    for token in (forged, old, "", "not-a-token", good[:-1] + ("A" if good[-1] != "A" else "B")):
        assert telegram.read_start_token(token) is None
    assert len(good) <= 64 and re.fullmatch(r"[A-Za-z0-9_-]+", good)
    bot.user_says(5, f"/start {forged}")
    call_command("telegram", "poll", "--once")
    assert not Subscription.objects.exists()
    assert "subscription page" in replies(bot, 5)[0]


def test_the_webhook_needs_the_secret_header_and_handles_start(bot):
    token = start_token_from_form()
    update = bot.user_says(31, f"/start@ScorecardTestBot {token}")
    client = Client()
    assert client.post(HOOK, update, content_type="application/json").status_code == 403
    wrong = {"X-Telegram-Bot-Api-Secret-Token": "nope"}
    assert (
        client.post(HOOK, update, content_type="application/json", headers=wrong).status_code == 403
    )
    right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert client.get(HOOK, headers=right).status_code == 405
    bad = client.post(HOOK, "{", content_type="application/json", headers=right)
    assert bad.status_code == 400
    done = client.post(HOOK, update, content_type="application/json", headers=right)
    assert done.status_code == 200 and done.json() == {"ok": True}
    assert Subscription.objects.get(address="31").active
    # Telegram sends an update again when unsure: the same answer, still one subscription.
    client.post(HOOK, update, content_type="application/json", headers=right)
    assert Subscription.objects.filter(address="31").count() == 1


def test_the_webhook_is_not_there_unless_configured(bot, settings):
    settings.SCORECARD_TELEGRAM_WEBHOOK_SECRET = ""
    response = Client().post(HOOK, {}, content_type="application/json")
    assert response.status_code == 404


def test_the_command_sets_the_webhook_with_the_secret(bot):
    call_command("telegram", "webhook", "https://scorecard.example.org/telegram/webhook/")
    method, body = bot.calls[-1]
    assert method == "setWebhook" and body["secret_token"] == SECRET
    call_command("telegram", "webhook", "--delete")
    assert bot.calls[-1][0] == "deleteWebhook"


def test_without_a_bot_name_the_form_still_asks_for_a_chat_id(bot, settings):
    settings.SCORECARD_TELEGRAM_BOT = ""
    page = Client().post(
        URL, {"channel": "telegram", "language": "en", "events": ["plan_published"]}
    )
    assert "t.me/" not in page.content.decode()
    assert not Subscription.objects.exists()
