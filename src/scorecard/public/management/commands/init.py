from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from scorecard.public.setup import initialise


class Command(BaseCommand):
    help = "Create or upgrade the database; load places, facility types and the default template."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true", help="also load the demo programme")
        parser.add_argument("--no-static", action="store_true", help="skip collecting static files")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_static"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        for line in initialise(demo=options["demo"]):
            self.stdout.write(line)
