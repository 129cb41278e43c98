"""`scorecard report ROUND [--commune CODE] [--lang km|en] --out FILE.pdf|FILE.html`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.scorecards.management.commands.results import get_round
from scorecard.scorecards.report_data import report_data


class Command(BaseCommand):
    help = "Write one commune's scorecard report, or the round summary, as PDF or HTML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="round code")
        parser.add_argument("--commune", default="", help="6-digit commune code (default: summary)")
        parser.add_argument("--lang", choices=["km", "en"], default="km")
        parser.add_argument("--out", required=True, help="FILE.pdf or FILE.html")

    def handle(self, *args: Any, **options: Any) -> None:
        from scorecard.reports.render import render_html, render_pdf

        round_ = get_round(options["round"])
        out = Path(options["out"])
        suffix = out.suffix.lower()
        if suffix not in {".pdf", ".html", ".htm"}:
            raise CommandError(f"--out must end in .pdf or .html, not {out.name!r}")
        code = options["commune"]
        if code and not round_.rating_counts.filter(commune_id=code).exists():
            raise CommandError(f"round {round_.code} has no results for commune {code!r}")
        data = report_data(round_, commune=code or None)
        if suffix == ".pdf":
            out.write_bytes(render_pdf(data, options["lang"]))
        else:
            out.write_text(render_html(data, options["lang"]), encoding="utf-8")
