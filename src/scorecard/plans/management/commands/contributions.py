"""`scorecard contributions import FILE --programme CODE [--dry-run] [--json]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.plans.imports import FileRefused, import_contributions
from scorecard.plans.management.commands.plans import (
    add_import_arguments,
    programme_or_fail,
    report,
)


class Command(BaseCommand):
    help = "Import funding contributions to plan actions (CSV or XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add_import_arguments(sub.add_parser("import", help="import contributions"))

    def handle(self, *args: Any, **options: Any) -> None:
        programme = programme_or_fail(options["programme"])
        path = Path(options["file"])
        try:
            result = import_contributions("cli", programme, path, dry_run=options["dry_run"])
        except FileRefused as exc:
            raise CommandError(f"{path.name}: {exc}; nothing was imported") from None
        report(self, path, result, options["json"])
