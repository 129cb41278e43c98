from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from scorecard.scorecards.actions import ActionError, create_round, publish_round
from scorecard.scorecards.models import Round


def _year(value: str) -> int:
    if not (value.isdigit() and len(value) == 4 and 2000 <= int(value) <= 2100):
        raise CommandError(f"--year {value!r} is not a year (YYYY, 2000-2100)")
    return int(value)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Create, list and publish scorecard rounds."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a round")
        create.add_argument("code")
        create.add_argument("--template", required=True, help="template code, e.g. isaf")
        create.add_argument("--mode", required=True, help="survey, community or self_assessment")
        create.add_argument("--year", required=True, help="YYYY")
        create.add_argument("--title", default="")
        create.add_argument("--programme", default="", help="programme code")
        create.add_argument("--communes", default="", help="comma-separated 6-digit codes")
        create.add_argument("--planned-start", type=_date, default=None)
        create.add_argument("--planned-end", type=_date, default=None)
        sub.add_parser("list", help="list rounds")
        publish = sub.add_parser("publish", help="publish a round's aggregates (logged)")
        publish.add_argument("code")
        publish.add_argument(
            "--from-today", action="store_true", help="published from today (default: as set)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for r in Round.objects.select_related("template_version__template", "programme"):
                self.stdout.write(
                    f"{r.code}\t{r.year}\t{r.mode}\t{r.template_version}\t{r.status}"
                    f"\t{'published' if r.published else ''}\t{r.responses.count()}"
                )
            return
        if action == "publish":
            found = Round.objects.filter(code=options["code"]).first()
            if found is None:
                raise CommandError(f"unknown round {options['code']!r}")
            today = timezone.localdate() if options["from_today"] else None
            publish_round("cli", found, from_date=today)
            self.stdout.write(f"published round {found.code} from {found.published_from}")
            return
        try:
            created = create_round(
                "cli",
                options["code"],
                template=options["template"],
                mode=options["mode"],
                year=_year(options["year"]),
                title=options["title"],
                programme=options["programme"],
                communes=options["communes"].split(",") if options["communes"] else (),
                planned_start=options["planned_start"],
                planned_end=options["planned_end"],
            )
        except ActionError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"created round {created.code} ({created.mode}, {created.year}, "
            f"{created.template_version}, {created.communes.count()} communes)"
        )
