from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scorecard.events.commands import add_import, programme_or_error, run_import
from scorecard.events.outcome_imports import import_outcomes


class Command(BaseCommand):
    help = "Import outcomes (tests, attitude flags, rapid surveys) of event participants."

    def add_arguments(self, parser: CommandParser) -> None:
        add_import(parser, "outcomes")

    def handle(self, *args: Any, **options: Any) -> None:
        programme = programme_or_error(options["programme"])
        run_import(self, options, lambda table, dry: import_outcomes("cli", programme, table, dry))
