"""`scorecard gap ROUND [--provider ROUND] [--commune CODE] [--format csv|json] [--public] [--out FILE]`.

Citizens' scores beside the providers' self-assessment (``scorecard.scorecards.gap``):
one row per commune (and ``all``), facility type and indicator rated by both sides.
Without ``--provider`` the self-assessment round is found by ``provider_round``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.scorecards.gap import GAP_COLUMNS, gaps, provider_round
from scorecard.scorecards.management.commands.results import add_output_options, get_round, write
from scorecard.scorecards.results import round_results, to_csv, to_json


class Command(BaseCommand):
    help = "Citizens' scores beside the providers' self-assessment, and the gap."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="the citizens' round")
        parser.add_argument("--provider", default="", help="the self-assessment round")
        parser.add_argument("--commune", default="", help="one commune (6 digits) or all")
        add_output_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = get_round(options["round"])
        if options["provider"]:
            providers = get_round(options["provider"])
            if providers.mode != "self_assessment":
                raise CommandError(f"round {providers.code!r} is not a self-assessment")
        else:
            found = provider_round(round_)
            if found is None:
                raise CommandError(f"no self-assessment round to set beside {round_.code!r}")
            providers = found
        public = options["public"]
        rows = gaps(
            round_results(round_, public=public),
            round_results(providers, public=public),
            commune=options["commune"] or None,
            public=public,
        )
        if options["format"] == "json":
            text = to_json({"round": round_.code, "provider_round": providers.code, "rows": rows})
            text += "\n"
        else:
            text = to_csv(rows, GAP_COLUMNS)
        write(self, text, options["out"])
