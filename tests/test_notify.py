"""Notifications: publishing and implemented actions reach subscribers by Telegram, e-mail, SMS."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from scorecard.notify.channels import OutboxSms
from scorecard.notify.models import Delivery, Subscription
from scorecard.plans.actions import record_progress
from scorecard.public.publishing import switch_plan, switch_round
from scorecard.scorecards.actions import publish_round
from tests.factories_scorecards import make_round
from tests.helpers import make_programme
from tests.telegram_standin import TelegramStandIn
from tests.test_plans_factories import make_action, make_plan

pytestmark = pytest.mark.django_db(transaction=False)
TOKEN = "123456:stand-in-secret"


def make_subscription(**overrides: Any) -> Subscription:
    fields: dict[str, Any] = {"commune_id": "010201", "channel": "telegram", "address": "42"}
    fields.update(overrides)
    return Subscription.objects.create(**fields)


@pytest.fixture
def bot(settings):
    settings.SCORECARD_TELEGRAM_TOKEN = TOKEN
    settings.SCORECARD_SITE_URL = "https://scorecard.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxSms.outbox.clear()
    with TelegramStandIn(TOKEN, fail_chats={"999"}) as standin:
        settings.SCORECARD_TELEGRAM_API = standin.url
        yield standin


def test_it_tells_every_channel_when_a_round_is_published(bot, django_capture_on_commit_callbacks):
    make_programme(code="nt", communes=["010201", "010203"])
    round_ = make_round(code="NT19", year=2019, programme="nt")
    make_subscription(address="42", language="en")
    make_subscription(channel="email", address="citizen@example.org", language="km")
    make_subscription(channel="sms", address="+85512345678", language="en")
    make_subscription(commune_id="060301", address="77")  # another commune: not told
    with django_capture_on_commit_callbacks(execute=True):
        publish_round("test", round_)
    assert [m["chat_id"] for m in bot.messages] == ["42"]
    assert "https://scorecard.example.org/c/010201/" in bot.messages[0]["text"]
    assert "2019" in bot.messages[0]["text"]
    assert mail.outbox[0].to == ["citizen@example.org"]
    assert "ត្រូវបានផ្សព្វផ្សាយ" in mail.outbox[0].body  # Khmer for a km subscriber
    assert OutboxSms.outbox[0][0] == "+85512345678"
    assert Delivery.objects.filter(ok=True).count() == 3


def test_it_tells_when_a_plan_is_published_and_an_action_implemented(
    bot, django_capture_on_commit_callbacks
):
    plan = make_plan(commune="010201")
    action = make_action(plan=plan, activity_en="Repair the school roof")
    make_subscription(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        switch_plan("test", plan, "all")
    with django_capture_on_commit_callbacks(execute=True):
        record_progress("test", action, "agreed", dt.date(2019, 7, 1))
        record_progress("test", action, "implemented", dt.date(2019, 9, 1))
    texts = [m["text"] for m in bot.messages]
    assert len(texts) == 2
    assert "action plan" in texts[0]
    assert "Repair the school roof" in texts[1]


def test_it_stays_silent_about_what_is_not_public(bot, django_capture_on_commit_callbacks):
    plan = make_plan(commune="010201")  # not published
    action = make_action(plan=plan)
    make_subscription()
    with django_capture_on_commit_callbacks(execute=True):
        record_progress("test", action, "implemented", dt.date(2019, 9, 1))
        switch_round("test", make_round(code="NTX", programme=plan.programme.code), "stop")
    assert bot.messages == []


def test_it_logs_a_failed_delivery_without_the_bot_token(bot, django_capture_on_commit_callbacks):
    plan = make_plan(commune="010201")
    make_subscription(address="999")
    with django_capture_on_commit_callbacks(execute=True):
        switch_plan("test", plan, "today")
    failed = Delivery.objects.get()
    assert not failed.ok and "chat not found" in failed.error
    assert TOKEN not in failed.error
