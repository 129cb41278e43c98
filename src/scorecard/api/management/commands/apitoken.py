from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.api.actions import issue_token, revoke_token
from scorecard.api.models import ApiToken


class Command(BaseCommand):
    help = "Issue, list or revoke REST API tokens; a token acts as its user (role, organisation)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", help="the staff user the token acts as")
        parser.add_argument("--name", default="api", help="what the token is for")
        parser.add_argument("--write", action="store_true", help="allow writes (progress, money)")
        parser.add_argument("--list", action="store_true", help="list tokens")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the token with this prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for t in ApiToken.objects.select_related("user"):
                state = "revoked" if t.revoked else ("read+write" if t.can_write else "read")
                self.stdout.write(
                    f"{t.prefix}\t{t.user.username}\t{t.name}\t{state}\t{t.last_used or ''}"
                )
            return
        if options["revoke"]:
            token = ApiToken.objects.filter(prefix=options["revoke"], revoked=False).first()
            if token is None:
                raise CommandError(f"no active token starts with {options['revoke']!r}")
            revoke_token("cli", token)
            self.stdout.write(f"revoked {token}")
            return
        user = User.objects.filter(username=options["username"] or "").first()
        if user is None:
            raise CommandError("give the username of an existing staff user")
        _token, key = issue_token("cli", user, options["name"], can_write=options["write"])
        self.stdout.write(f"API token for {user.username} (shown once, keep it secret):\n{key}")
