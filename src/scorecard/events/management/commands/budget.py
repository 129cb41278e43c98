from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scorecard.events.budget import import_budget
from scorecard.events.commands import add_import, run_import


class Command(BaseCommand):
    help = "Import commune budget lines: commune, year, sector, amount_khr (whole riel)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_import(parser, "budget lines", programme=False)

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(self, options, lambda table, dry: import_budget("cli", table, dry))
