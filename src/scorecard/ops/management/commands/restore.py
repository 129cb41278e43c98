from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = "Replace the database and uploaded files with those of a backup archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="an archive written by `scorecard backup`")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask before replacing the current data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            manifest = read_manifest(path)
            if not options["yes"]:
                answer = input(
                    f"Replace ALL current data with the backup of {manifest.get('created')}? [y/N] "
                )
                if answer.strip().lower() not in {"y", "yes"}:
                    raise CommandError("restore cancelled; nothing changed")
            report = restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Restored: {report.summary()}.")
