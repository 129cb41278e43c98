from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scorecard.events.commands import add_import, programme_or_error, run_import
from scorecard.events.imports import import_sign_in


class Command(BaseCommand):
    help = "Import sign-in sheets: one row per participant per event."

    def add_arguments(self, parser: CommandParser) -> None:
        add_import(parser, "a sign-in sheet")

    def handle(self, *args: Any, **options: Any) -> None:
        programme = programme_or_error(options["programme"])
        run_import(self, options, lambda table, dry: import_sign_in("cli", programme, table, dry))
