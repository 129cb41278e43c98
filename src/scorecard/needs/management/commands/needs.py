"""`scorecard needs ROUND [--commune CODE] [--facility CODE] [--no-classify] [--json]`.

(Re)classifies the round's open answers into themes (seeding the default themes the
first time), then prints the themes ranked per facility type with counts by sex and
youth, and suggestions for new themes from the answers no theme matched.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scorecard.needs.actions import classify_round
from scorecard.needs.suggest import round_suggestions
from scorecard.needs.summary import SEXES, YOUTH, theme_counts
from scorecard.scorecards.management.commands.results import get_round


class Command(BaseCommand):
    help = "Group a round's open answers into themes, then list the themes ranked."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="round code")
        parser.add_argument("--commune", default="all", help="one commune's counts (6 digits)")
        parser.add_argument("--facility", default="", help="one facility type code")
        parser.add_argument("--no-classify", action="store_true", help="count only")
        parser.add_argument("--public", action="store_true", help="blank small counts")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = get_round(options["round"])
        summary: dict[str, Any] = {"round": round_.code, "commune": options["commune"]}
        if not options["no_classify"]:
            done = classify_round("cli", round_)
            summary["classified"] = {
                "quotes": done.quotes,
                "added": done.added,
                "removed": done.removed,
                "assigned": done.assigned,
                "moved": done.moved,
            }
        codes = list(
            dict.fromkeys(
                i.facility_type.code for i in round_.template_version.ordered_indicators()
            )
        )
        if options["facility"]:
            codes = [c for c in codes if c == options["facility"]]
        summary["facilities"] = []
        for code in codes:
            total, rows = theme_counts(
                round_, code, options["commune"], public=options["public"], quotes_per_theme=0
            )
            summary["facilities"].append(
                {
                    "facility": code,
                    "respondents": total,
                    "themes": [
                        {
                            "theme": r.theme.code if r.theme else "",
                            "name_en": r.label.en,
                            "name_km": r.label.km,
                            "count": r.count,
                            "share": r.share,
                            **{g: r.groups.get(g) for g in SEXES + YOUTH},
                        }
                        for r in rows
                    ],
                    "suggestions": [
                        {"keyword": s.keyword, "quotes": s.quotes}
                        for s in round_suggestions(round_, code)
                    ],
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=1))
            return
        self._print(summary)

    def _print(self, summary: dict[str, Any]) -> None:
        done = summary.get("classified")
        if done:
            self.stdout.write(
                f"{summary['round']}: {done['quotes']} answers, {done['assigned']} in a theme "
                f"({done['added']} new, {done['removed']} removed, {done['moved']} moved by staff)"
            )
        for f in summary["facilities"]:
            self.stdout.write(f"\n{f['facility']} ({f['respondents']} answers)")
            for t in f["themes"]:
                count = "-" if t["count"] is None else t["count"]
                share = "" if t["share"] is None else f" {100 * t['share']:.1f}%"
                groups = " ".join(f"{g}={t[g] if t[g] is not None else '-'}" for g in SEXES + YOUTH)
                self.stdout.write(f"  {count:>6}{share:>7}  {t['theme'] or '(other)'}  {groups}")
            if f["suggestions"]:
                words = ", ".join(f"{s['keyword']} ({s['quotes']})" for s in f["suggestions"])
                self.stdout.write(f"  suggested themes: {words}")
