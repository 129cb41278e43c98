from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.notify import telegram
from scorecard.notify.channels import SendError, telegram_call


class Command(BaseCommand):
    help = (
        "The Telegram bot: `poll` answers /start and /stop (getUpdates, long polling); "
        "`webhook URL` has Telegram push them to URL instead (`webhook --delete` stops it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        poll = sub.add_parser("poll", help="answer the bot's messages until stopped")
        poll.add_argument("--once", action="store_true", help="one getUpdates call, then exit")
        poll.add_argument("--timeout", type=int, default=25, help="seconds of long polling")
        hook = sub.add_parser("webhook", help="set or delete the webhook")
        hook.add_argument("url", nargs="?", help="https://your.site/telegram/webhook/")
        hook.add_argument("--delete", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "webhook":
                self.webhook(options["url"], options["delete"])
                return
            self.poll(options["once"], max(0, options["timeout"]))
        except SendError as exc:
            raise CommandError(str(exc)) from None

    def poll(self, once: bool, timeout: int) -> None:
        while True:
            try:
                answered = telegram.poll_once(timeout=0 if once else timeout)
            except SendError as exc:
                if once:
                    raise
                self.stderr.write(f"{exc}; trying again in 10 s")
                time.sleep(10)
                continue
            if once:
                self.stdout.write(f"answered {answered} update(s)")
                return

    def webhook(self, url: str | None, delete: bool) -> None:
        if delete:
            telegram_call("deleteWebhook", {})
            self.stdout.write("webhook deleted; `scorecard telegram poll` can run again")
            return
        secret = telegram.webhook_secret()
        if not url or not secret:
            raise CommandError(
                "give the webhook URL, and set SCORECARD_TELEGRAM_WEBHOOK_SECRET "
                "(1-256 characters A-Z a-z 0-9 _ -) on every server"
            )
        body = {"url": url, "secret_token": secret, "allowed_updates": ["message"]}
        telegram_call("setWebhook", body)
        self.stdout.write(f"Telegram now sends the bot's messages to {url}")
