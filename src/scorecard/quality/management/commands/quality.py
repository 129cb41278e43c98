"""`scorecard quality ROUND [--format csv|json] [--out FILE]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scorecard.quality.checks import round_quality
from scorecard.quality.exports import to_csv, to_json
from scorecard.scorecards.management.commands.results import get_round, write


class Command(BaseCommand):
    help = "Write a round's enumerator quality checks, one row per enumerator (CSV or JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="round code")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--out", default="", help="write to FILE instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = round_quality(get_round(options["round"]))
        if options["format"] == "json":
            text = to_json(summary) + "\n"
        else:
            text = to_csv(summary, bom=False)
        write(self, text, options["out"])
