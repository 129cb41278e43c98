"""`scorecard compare BASE_ROUND ROUND [--format csv|json] [--public] [--out FILE]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scorecard.scorecards.compare import compare_table
from scorecard.scorecards.management.commands.results import add_output_options, get_round, write
from scorecard.scorecards.results import to_json


class Command(BaseCommand):
    help = "Compare a round with a baseline: change in % satisfied, interval and z-test."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("base_round", help="baseline round code")
        parser.add_argument("round", help="later round code")
        add_output_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        base = get_round(options["base_round"])
        round_ = get_round(options["round"])
        table = compare_table(base, round_, public=options["public"])
        if options["format"] == "json":
            payload = {"base_round": base.code, "round": round_.code, "rows": table.rows()}
            write(self, to_json(payload) + "\n", options["out"])
        else:
            write(self, table.csv_parts(), options["out"])
