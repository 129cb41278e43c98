"""`scorecard pull ROUND --server URL --project N --form ID`: new ODK Central submissions."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.scorecards.central import central_source, pull_central
from scorecard.scorecards.importing import ImportRefused
from scorecard.scorecards.models import Round


class Command(BaseCommand):
    help = (
        "Pull the submissions of an ODK Central form that are newer than the last pull into "
        "a round (credentials from SCORECARD_CENTRAL_USERNAME and SCORECARD_CENTRAL_PASSWORD)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="round code")
        parser.add_argument(
            "--server", required=True, help="ODK Central URL, e.g. https://central.example.org"
        )
        parser.add_argument("--project", required=True, type=int, help="Central project id")
        parser.add_argument("--form", required=True, help="the form's xmlFormId")
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(code=options["round"]).first()
        if round_ is None:
            raise CommandError(f"unknown round {options['round']!r}")
        source = central_source(round_, options["server"], options["project"], options["form"])
        try:
            record = pull_central("cli", source)
        except ImportRefused as exc:
            raise CommandError(f"{exc}; nothing was imported") from None
        summary = record.summary()
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(
            f"{source} into {round_.code}: {summary['rows']} new rows, {summary['accepted']} "
            f"accepted, {summary['duplicates']} duplicates, {summary['conflicts']} conflicts, "
            f"{summary['rejected']} rejected"
        )
        if summary["unknown_enumerators"]:
            self.stdout.write(
                "enumerator ids not in the registry: " + ", ".join(summary["unknown_enumerators"])
            )
