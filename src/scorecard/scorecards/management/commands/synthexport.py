"""`scorecard manage synthexport`: a synthetic export of a round's form, of any size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.scorecards.exports.synth import FORMATS, generate
from scorecard.scorecards.forms import form_spec
from scorecard.scorecards.models import Round


class Command(BaseCommand):
    help = "Write a synthetic Kobo or ODK Central export of a round's form (tests, benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", required=True, help="round code")
        parser.add_argument("--rows", type=int, required=True)
        parser.add_argument("--format", choices=FORMATS, default="kobo_csv")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(code=options["round"]).first()
        if round_ is None:
            raise CommandError(f"unknown round {options['round']!r}")
        if options["rows"] < 1:
            raise CommandError("--rows must be at least 1")
        out = generate(
            form_spec(round_.template_version, round_),
            Path(options["out"]),
            rows=options["rows"],
            fmt=options["format"],
            seed=options["seed"],
        )
        self.stdout.write(f"wrote {out}: {options['rows']:,} rows, {options['format']}")
