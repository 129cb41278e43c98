from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scorecard.places.gazetteer import load_gazetteer
from scorecard.places.models import Commune, Village


class Command(BaseCommand):
    help = "Search the gazetteer by code or name (Khmer or Latin); --defects lists skipped rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="?", default="")
        parser.add_argument("--villages", action="store_true", help="search villages, not communes")
        parser.add_argument("--defects", action="store_true", help="reload and list defective rows")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["defects"]:
            report = load_gazetteer()
            for line in report.skipped:
                self.stdout.write(line)
            self.stdout.write(report.summary())
            return
        model = Village if options["villages"] else Commune
        for place in model.objects.search(options["query"])[:100]:
            self.stdout.write(f"{place.code}\t{place.name_km}\t{place.name_en}")
