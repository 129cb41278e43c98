from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.events.booklet import booklet_pdf
from scorecard.places.models import Commune


class Command(BaseCommand):
    help = "Write the Citizens' Budget booklet (A5 PDF) of a commune and year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("commune", help="6-digit commune code")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--lang", choices=["km", "en"], default="km")
        parser.add_argument("--out", required=True, help="FILE.pdf")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["commune"].zfill(6)
        commune = Commune.objects.select_related("district__province").filter(code=code).first()
        if commune is None:
            raise CommandError(f"no commune with code {options['commune']!r}")
        out = Path(options["out"])
        if out.suffix.lower() != ".pdf":
            raise CommandError("--out must be a .pdf file")
        try:
            out.write_bytes(booklet_pdf(commune, options["year"], options["lang"]))
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror}") from None
        self.stdout.write(f"wrote {out}")
