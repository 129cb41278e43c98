"""Public subscriptions: double opt-in by a signed link, and a signed unsubscribe link.

A subscription made on the public portal starts inactive; a message with a signed link
goes to the address given (by e-mail, or by the Telegram bot to the chat id), and only
opening that link and confirming makes it count. Every notice carries a signed link that
stops it. The links hold the subscription's id only, never the address.
"""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from scorecard.api.auth import count_call
from scorecard.notify.channels import SendError, send_email, send_telegram
from scorecard.notify.messages import page_url
from scorecard.notify.models import Channel, Subscription
from scorecard.places.models import Commune

SALT = "scorecard.notify.subscription"
CONFIRM_DAYS = 7
LIMIT_PER_HOUR = 5  # subscription requests from one network address


def link(subscription: Subscription, action: str) -> str:
    token = signing.dumps({"s": subscription.pk, "a": action}, salt=SALT)
    base = page_url(subscription.commune).removesuffix(
        reverse("public_commune", args=[subscription.commune_id])
    )
    return base + reverse("subscription_link", args=[token])


def read_link(token: str) -> tuple[Subscription, str] | None:
    """The subscription and action ("confirm" or "stop") a link names; None if not valid."""
    try:
        data = signing.loads(token, salt=SALT, max_age=None)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") not in {"confirm", "stop"}:
        return None
    if data["a"] == "confirm":
        try:
            signing.loads(token, salt=SALT, max_age=CONFIRM_DAYS * 86400)
        except signing.SignatureExpired:
            return None
    pk = data.get("s")
    if not isinstance(pk, int):
        return None
    found = Subscription.objects.filter(pk=pk).select_related("commune").first()
    return (found, data["a"]) if found else None


def over_limit(address: str) -> bool:
    # Counted in the database (api.CallCount), so every server process adds to one count.
    return count_call(f"notify:subscribe:{address}", timeout=3600) > LIMIT_PER_HOUR


def request_subscription(
    commune: Commune, channel: str, address: str, language: str, events: list[str]
) -> bool:
    """Store an inactive subscription (or refresh one) and send the confirmation link."""
    with transaction.atomic():
        sub, created = Subscription.objects.get_or_create(
            commune=commune,
            channel=channel,
            address=address,
            defaults={"active": False, "language": language, "events": ",".join(events)},
        )
        if sub.active:
            return True  # already confirmed: nothing to send, and nothing to tell apart
        if not created:
            sub.language, sub.events = language, ",".join(events)
            sub.save(update_fields=["language", "events"])
    with translation.override(language):
        subject = gettext("Confirm your subscription for %(commune)s") % {"commune": commune.name}
        text = gettext(
            "To hear about the scorecard and the action plan of %(commune)s, confirm here: "
            "%(url)s\nIf you did not ask for this, ignore this message."
        ) % {"commune": commune.name, "url": link(sub, "confirm")}
    try:
        if channel == Channel.TELEGRAM:
            send_telegram(address, text)
        else:
            send_email(address, subject, text)
    except (SendError, OSError):
        return False
    return True


def unsubscribe_line(subscription: Subscription) -> str:
    with translation.override(subscription.language):
        return gettext("Stop these messages: %(url)s") % {"url": link(subscription, "stop")}
