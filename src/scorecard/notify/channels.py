"""Sending one message by Telegram, e-mail or SMS. SMS gateways plug in by dotted path.

Telegram goes to ``{SCORECARD_TELEGRAM_API}/bot<token>/sendMessage`` (the Bot API); the
base URL is a setting so tests point it at a local stand-in. The bot token never appears
in an error message or a log line.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class SendError(Exception):
    pass


def _setting(name: str, default: str = "") -> str:
    return str(getattr(settings, name, None) or os.environ.get(name, default))


def send_telegram(chat_id: str, text: str) -> None:
    telegram_call("sendMessage", {"chat_id": chat_id, "text": text}, timeout=10)


def telegram_call(method: str, body: dict[str, Any], timeout: float = 10) -> Any:
    """One Bot API method; its ``result``. Raises SendError, never naming the token."""
    token = _setting("SCORECARD_TELEGRAM_TOKEN")
    if not token:
        raise SendError("no Telegram bot token (SCORECARD_TELEGRAM_TOKEN)")
    base = _setting("SCORECARD_TELEGRAM_API", "https://api.telegram.org").rstrip("/")
    request = urllib.request.Request(  # noqa: S310 - the base URL is the operator's setting
        f"{base}/bot{token}/{method}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer: dict[str, Any] = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")[:300]
        raise SendError(f"Telegram answered {exc.code}: {detail}") from None
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise SendError(f"Telegram could not be reached: {type(exc).__name__}") from None
    if not answer.get("ok"):
        raise SendError(f"Telegram refused {method}: {answer.get('description', '')}")
    return answer.get("result")


def send_email(address: str, subject: str, text: str) -> None:
    sender = _setting("SCORECARD_MAIL_FROM", "scorecard@localhost")
    send_mail(subject, text, sender, [address], fail_silently=False)


class SmsBackend(Protocol):
    def send(self, number: str, text: str) -> None: ...


class OutboxSms:
    """The default SMS backend: keeps messages in memory (tests, or no gateway yet)."""

    outbox: list[tuple[str, str]] = []

    def send(self, number: str, text: str) -> None:
        self.outbox.append((number, text))


def sms_backend() -> SmsBackend:
    path = _setting("SCORECARD_SMS_BACKEND", "scorecard.notify.channels.OutboxSms")
    backend: SmsBackend = import_string(path)()
    return backend
