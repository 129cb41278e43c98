from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.accounts.models import Organisation
from scorecard.places.models import Commune
from scorecard.programmes.actions import create_programme
from scorecard.programmes.models import Programme


class Command(BaseCommand):
    help = "Create and list programmes."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a programme")
        create.add_argument("code")
        create.add_argument("--title", required=True)
        create.add_argument("--title-km", default="")
        create.add_argument(
            "--donor", default="", help="donor organisation (code, acronym or name)"
        )
        create.add_argument("--currency", choices=["USD", "KHR"], default="USD")
        create.add_argument("--budget", default="0")
        create.add_argument("--communes", default="", help="comma-separated 6-digit commune codes")
        sub.add_parser("list", help="list programmes")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for p in Programme.objects.select_related("donor"):
                self.stdout.write(f"{p.code}\t{p.title_en}\t{p.donor or ''}")
            return
        if Programme.objects.filter(code=options["code"]).exists():
            raise CommandError(f"programme {options['code']!r} already exists")
        try:
            budget = Decimal(options["budget"])
        except InvalidOperation:
            raise CommandError(f"--budget {options['budget']!r} is not a number") from None
        codes = [c.strip() for c in options["communes"].split(",") if c.strip()]
        communes = list(Commune.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {c.code for c in communes})
        if unknown:
            raise CommandError(f"unknown commune codes: {', '.join(unknown)}")
        try:
            programme = create_programme(
                "cli",
                options["code"],
                options["title"],
                title_km=options["title_km"],
                donor=self._donor(options["donor"]),
                currency=options["currency"],
                budget=budget,
                communes=communes,
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from None
        self.stdout.write(f"created programme {programme.code}")

    def _donor(self, name: str) -> Organisation | None:
        if not name:
            return None
        found = (
            Organisation.objects.filter(code=name).first()
            or Organisation.objects.filter(acronym__iexact=name).first()
            or Organisation.objects.filter(name_en__iexact=name).first()
        )
        if found:
            return found
        code = "".join(ch for ch in name.lower() if ch.isalnum())[:40] or "donor"
        return Organisation.objects.create(code=code, name_en=name, kind=Organisation.Kind.DONOR)
