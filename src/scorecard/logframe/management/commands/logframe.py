from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.logframe import exports
from scorecard.logframe.actions import load_logframe
from scorecard.logframe.loading import LogframeError
from scorecard.programmes.models import Programme


def programme_or_error(code: str) -> Programme:
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        raise CommandError(f"no programme {code!r}")
    return programme


def write_out(command: BaseCommand, data: bytes, out: str | None) -> None:
    if out:
        Path(out).write_bytes(data)
        command.stderr.write(f"wrote {out}")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


class Command(BaseCommand):
    help = "Load a programme's logframe (YAML) and compute, export its indicators."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="create or update a logframe from a YAML file")
        load.add_argument("file")
        load.add_argument("--programme", required=True)
        values = sub.add_parser("values", help="every indicator's computed value")
        values.add_argument("programme")
        values.add_argument("--format", choices=["json", "csv"], default="json")
        values.add_argument("--out")
        iptt = sub.add_parser("iptt", help="the indicator performance tracking table (XLSX)")
        iptt.add_argument("programme")
        iptt.add_argument("--out", required=True)
        iati = sub.add_parser("iati", help="IATI activity XML 2.03 with the results")
        iati.add_argument("programme")
        iati.add_argument("--out")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "load":
            programme = programme_or_error(options["programme"])
            try:
                text = Path(options["file"]).read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from exc
            try:
                count = load_logframe("cli", programme, text)
            except LogframeError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{programme.code}: {count} indicators loaded")
            return
        programme = programme_or_error(options["programme"])
        if action == "values":
            if options["format"] == "csv":
                from scorecard.scorecards.results import to_csv

                data = to_csv(exports.iptt_rows(programme), exports.IPTT_COLUMNS).encode()
            else:
                data = (exports.values_json(programme) + "\n").encode("utf-8")
            write_out(self, data, options["out"])
        elif action == "iptt":
            write_out(self, exports.iptt_xlsx(programme), options["out"])
        else:
            write_out(self, exports.iati_xml(programme), options["out"])
