"""The Telegram bot's side of subscriptions: ``/start <token>`` subscribes, ``/stop`` stops.

The subscription page gives a citizen the link ``https://t.me/<bot>?start=<token>``; Telegram
opens the bot and, when they press Start, sends ``/start <token>`` from their chat. That
message is the confirmation of the double opt-in: the request was made on the site, and
the owner of the chat sent the token back. The token carries the request itself (commune,
language, what to hear about, when) with an HMAC, so nothing is stored before the chat
confirms, and it fits Telegram's limit for a start parameter (64 of A-Z a-z 0-9 _ -).

Updates arrive by polling (``scorecard telegram poll``, getUpdates) or by the webhook
(``/telegram/webhook/``, Telegram's secret-token header); both call ``handle_update``.
"""

from __future__ import annotations

import base64
import logging
import time
from typing import Any

from django.core.cache import cache
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext, gettext_noop

from scorecard.notify.channels import SendError, _setting, send_telegram, telegram_call
from scorecard.notify.messages import ACTION_IMPLEMENTED, PLAN_PUBLISHED, ROUND_PUBLISHED
from scorecard.notify.models import Channel, Subscription
from scorecard.places.models import Commune

log = logging.getLogger(__name__)
SALT = "scorecard.notify.telegram.start"
EVENTS = (ROUND_PUBLISHED, PLAN_PUBLISHED, ACTION_IMPLEMENTED)  # bit 1, 2, 4 of the mask
LANGUAGES = {"k": "km", "e": "en"}
VALID_DAYS = 7
OFFSET_KEY = "notify:telegram:offset"

# Sent to chats whose language is not known yet, in Khmer and in English (see both()).
NO_TOKEN = gettext_noop(
    "To subscribe, open the subscription page of your commune on the Citizen Scorecard "
    "site and follow its Telegram link. A link works for 7 days."
)
NOTHING_TO_STOP = gettext_noop("This chat has no subscription.")
HELP = gettext_noop("Send /stop to stop the messages of this chat.")


def _signature(payload: str) -> str:
    digest = salted_hmac(SALT, payload, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:22]


def start_token(
    commune: Commune, language: str, events: list[str], now: float | None = None
) -> str:
    mask = sum(1 << i for i, name in enumerate(EVENTS) if name in events)
    lang = "e" if language == "en" else "k"
    stamp = int(time.time() if now is None else now)
    payload = f"{commune.code}-{lang}-{mask}-{_base36(stamp)}"
    return f"{payload}-{_signature(payload)}"


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def read_start_token(token: str, now: float | None = None) -> tuple[Commune, str, list[str]] | None:
    """(commune, language, events) of a valid, unexpired token; None otherwise."""
    parts = token.strip().split("-", 4)
    if len(parts) != 5:
        return None
    code, lang, mask, stamp, signature = parts
    if not constant_time_compare(signature, _signature("-".join(parts[:4]))):
        return None
    try:
        made, bits = int(stamp, 36), int(mask)
    except ValueError:
        return None
    if (time.time() if now is None else now) - made > VALID_DAYS * 86400 or lang not in LANGUAGES:
        return None
    commune = Commune.objects.filter(code=code).first()
    if commune is None:
        return None
    return commune, LANGUAGES[lang], [name for i, name in enumerate(EVENTS) if bits & (1 << i)]


def bot_name() -> str:
    return _setting("SCORECARD_TELEGRAM_BOT").lstrip("@")


def webhook_secret() -> str:
    return _setting("SCORECARD_TELEGRAM_WEBHOOK_SECRET")


def start_link(commune: Commune, language: str, events: list[str]) -> str | None:
    """The t.me link that opens the bot with the request, or None without a bot name."""
    name = bot_name()
    if not name:
        return None
    return f"https://t.me/{name}?start={start_token(commune, language, events)}"


# --------------------------------------------------------------------------- updates


def both(text: str) -> str:
    """A message for a chat whose language we do not know: Khmer, then English."""
    lines = []
    for language in ("km", "en"):
        with translation.override(language):
            lines.append(gettext(text))
    return "\n\n".join(lines)


def on_start(chat_id: str, token: str) -> str:
    found = read_start_token(token) if token else None
    if found is None:
        return both(NO_TOKEN)
    commune, language, events = found
    sub, created = Subscription.objects.get_or_create(
        commune=commune,
        channel=Channel.TELEGRAM,
        address=chat_id,
        defaults={"active": True, "language": language, "events": ",".join(events)},
    )
    if not created:
        sub.active, sub.language, sub.events = True, language, ",".join(events)
        sub.save(update_fields=["active", "language", "events"])
    with translation.override(language):
        return gettext(
            "Thank you: you will hear here about the scorecards and the action plan of "
            "%(commune)s. Send /stop to stop these messages."
        ) % {"commune": commune.name}


def on_stop(chat_id: str) -> str:
    subs = list(
        Subscription.objects.filter(channel=Channel.TELEGRAM, address=chat_id, active=True)
        .select_related("commune")
        .order_by("pk")
    )
    if not subs:
        return both(NOTHING_TO_STOP)
    Subscription.objects.filter(pk__in=[s.pk for s in subs]).update(active=False)
    names = ", ".join(s.commune.name for s in subs)
    with translation.override(subs[0].language):
        return gettext("You will get no more messages about %(communes)s.") % {"communes": names}


def handle_update(update: Any) -> str | None:
    """Answer one update from Telegram; the reply sent, or None when there is none to send."""
    message = update.get("message") if isinstance(update, dict) else None
    if not isinstance(message, dict):
        return None
    chat = message.get("chat")
    text = message.get("text")
    if not isinstance(chat, dict) or not isinstance(text, str) or "id" not in chat:
        return None
    chat_id = str(chat["id"])
    command, _, argument = text.strip().partition(" ")
    command = command.split("@", 1)[0].lower()  # "/start@SomeBot" in group chats
    if command == "/start":
        reply = on_start(chat_id, argument.strip())
    elif command == "/stop":
        reply = on_stop(chat_id)
    else:
        reply = both(HELP)
    try:
        send_telegram(chat_id, reply)
    except SendError as exc:  # the subscription change stands; the reply is best effort
        log.warning("Telegram reply to a chat failed: %s", exc)
    return reply


def poll_once(timeout: int = 25) -> int:
    """One getUpdates call (long polling); answers each update; returns how many."""
    offset = cache.get(OFFSET_KEY)
    body: dict[str, Any] = {"timeout": timeout, "allowed_updates": ["message"]}
    if offset is not None:
        body["offset"] = offset
    updates = telegram_call("getUpdates", body, timeout=timeout + 10) or []
    for update in updates:
        handle_update(update)
        # Asking with a later offset is what tells Telegram the update was received.
        cache.set(OFFSET_KEY, int(update["update_id"]) + 1, None)
    return len(updates)
