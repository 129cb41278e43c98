"""`scorecard compare BASE_ROUND ROUND [--format csv|json] [--public] [--out FILE]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scorecard.scorecards.compare import COMPARE_COLUMNS, compare_rounds
from scorecard.scorecards.management.commands.results import add_output_options, get_round, write
from scorecard.scorecards.results import to_csv, to_json


class Command(BaseCommand):
    help = "Compare a round with a baseline: change in % satisfied, interval and z-test."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("base_round", help="baseline round code")
        parser.add_argument("round", help="later round code")
        add_output_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        base = get_round(options["base_round"])
        round_ = get_round(options["round"])
        rows = compare_rounds(base, round_, public=options["public"])
        if options["format"] == "json":
            payload = {"base_round": base.code, "round": round_.code, "rows": rows}
            text = to_json(payload) + "\n"
        else:
            text = to_csv(rows, COMPARE_COLUMNS)
        write(self, text, options["out"])
