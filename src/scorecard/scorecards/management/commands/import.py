"""`scorecard import FILE --round CODE`: the module is named after the verb (Django loads
management commands by file name, so a keyword is fine here)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.scorecards.importing import ImportRefused, import_export
from scorecard.scorecards.models import Round


class ProgressBar:
    """Rows read so far and the rate, redrawn on one stderr line (only on a terminal)."""

    def __init__(self, path: Path) -> None:
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, rows: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        sys.stderr.write(f"\r  {rows:>10,} rows  {rows / elapsed:>9,.0f} rows/s")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")


class Command(BaseCommand):
    help = "Import a KoboToolbox or ODK Central export of the round's form."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--round", required=True, help="round code")
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")
        parser.add_argument("--rejects", default="", help="write the rejected rows to OUT.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(code=options["round"]).first()
        if round_ is None:
            raise CommandError(f"unknown round {options['round']!r}")
        path = Path(options["file"])
        bar = ProgressBar(path) if sys.stderr.isatty() else None
        try:
            record = import_export("cli", round_, path, progress=bar)
        except ImportRefused as exc:
            raise CommandError(f"{path.name}: {exc}; nothing was imported") from None
        finally:
            if bar:
                bar.close()
        if options["rejects"]:
            Path(options["rejects"]).write_text(
                record.rejects or "\ufeffrow,column,value,reason\r\n", encoding="utf-8"
            )
        summary = record.summary()
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(
            f"{path.name} into {round_.code}: {summary['rows']} rows, {summary['accepted']} accepted, "
            f"{summary['duplicates']} duplicates, {summary['conflicts']} conflicts, "
            f"{summary['rejected']} rejected"
        )
        if summary["unknown_enumerators"]:
            self.stdout.write(
                "enumerator ids not in the registry: " + ", ".join(summary["unknown_enumerators"])
            )
