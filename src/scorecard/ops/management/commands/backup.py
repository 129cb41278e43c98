from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup archive of the database and uploaded files (safe while serving)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, help="archive to write (default: scorecard-backup-<time>.tar.gz)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup(options["out"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backup written: {report.summary()}.")
