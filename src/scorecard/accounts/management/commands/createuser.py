from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from scorecard.accounts.models import Organisation, Profile, Role
from scorecard.places.models import Commune


class Command(BaseCommand):
    help = "Create a staff user with a role in an organisation (password from SCORECARD_PASSWORD or a prompt)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--organisation", default="", help="organisation code")
        parser.add_argument("--communes", default="", help="commune codes, for commune officials")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"user {options['username']!r} already exists")
        org = None
        if options["organisation"]:
            org = Organisation.objects.filter(code=options["organisation"]).first()
            if org is None:
                raise CommandError(f"unknown organisation {options['organisation']!r}")
        password = os.environ.get("SCORECARD_PASSWORD") or getpass.getpass("Password: ")
        user = User(username=options["username"])
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        codes = [c for c in options["communes"].split(",") if c]
        with transaction.atomic():
            user.set_password(password)
            user.is_staff = options["role"] == Role.ADMIN
            user.save()
            profile = Profile.objects.create(user=user, role=options["role"], organisation=org)
            profile.communes.set(Commune.objects.filter(code__in=codes))
        self.stdout.write(f"created {user.username} ({profile.get_role_display()})")
