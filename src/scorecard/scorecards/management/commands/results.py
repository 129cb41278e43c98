"""`scorecard results ROUND [--format csv|json] [--public] [--out FILE]`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.scorecards.models import Round
from scorecard.scorecards.results import results_table, to_json


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


def write(command: BaseCommand, text: str | Iterable[str], out: str) -> None:
    """Write the text, or its parts one after the other (a national CSV is written in
    chunks, never held whole)."""
    parts = [text] if isinstance(text, str) else text
    if out:
        with Path(out).open("w", encoding="utf-8", newline="") as fh:
            for part in parts:
                fh.write(part)
    else:
        for part in parts:
            command.stdout.write(part, ending="")
        command.stdout.flush()


class Command(BaseCommand):
    help = "Write a round's results: every commune, indicator and breakdown (CSV or JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="round code")
        add_output_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = get_round(options["round"])
        table = results_table(round_, public=options["public"])
        if options["format"] == "json":
            write(
                self, to_json({"round": round_.code, "rows": table.rows()}) + "\n", options["out"]
            )
        else:
            write(self, table.csv_parts(), options["out"])
