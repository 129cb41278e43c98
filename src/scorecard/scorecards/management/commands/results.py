"""`scorecard results ROUND [--format csv|json] [--public] [--out FILE]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.scorecards.models import Round
from scorecard.scorecards.results import COLUMNS, round_results, to_csv, to_json


def get_round(code: str) -> Round:
    round_ = Round.objects.select_related("template_version__template").filter(code=code).first()
    if round_ is None:
        raise CommandError(f"unknown round {code!r}")
    return round_


def add_output_options(parser: CommandParser) -> None:
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    parser.add_argument(
        "--public", action="store_true", help="blank the figures of cells below the minimum size"
    )
    parser.add_argument("--out", default="", help="write to FILE instead of standard output")


def write(command: BaseCommand, text: str, out: str) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8", newline="")
    else:
        command.stdout.write(text, ending="")
        command.stdout.flush()


class Command(BaseCommand):
    help = "Write a round's results: every commune, indicator and breakdown (CSV or JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="round code")
        add_output_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = get_round(options["round"])
        rows = round_results(round_, public=options["public"])
        if options["format"] == "json":
            text = to_json({"round": round_.code, "rows": rows}) + "\n"
        else:
            text = to_csv(rows, COLUMNS)
        write(self, text, options["out"])
