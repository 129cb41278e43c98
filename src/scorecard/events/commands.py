"""What the `events`, `outcomes` and `budget` verbs share: read, import, print the summary."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.events import tables as t


def add_import(parser: CommandParser, what: str, programme: bool = True) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    imp = sub.add_parser("import", help=f"import {what} from a CSV or XLSX file")
    imp.add_argument("file")
    if programme:
        imp.add_argument("--programme", required=True, help="programme code")
    imp.add_argument("--dry-run", action="store_true", help="validate, store nothing")
    imp.add_argument("--json", action="store_true", help="print the summary as JSON")


def run_import(
    command: BaseCommand, options: dict[str, Any], importer: Callable[[t.Table, bool], t.Summary]
) -> None:
    try:
        table = t.read_table(options["file"])
        summary = importer(table, bool(options["dry_run"]))
    except t.TableError as exc:
        raise CommandError(f"{options['file']}: {exc}; nothing imported") from None
    if options["json"]:
        command.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False))
        return
    for error in summary.errors:
        command.stderr.write(str(error))
    note = " (dry run: nothing stored)" if summary.dry_run else ""
    command.stdout.write(
        f"{summary.rows} rows: {summary.accepted} accepted ({summary.created} new, "
        f"{summary.updated} updated, {summary.unchanged} unchanged), "
        f"{summary.rejected} rejected{note}"
    )


def programme_or_error(code: str) -> Any:
    from scorecard.programmes.models import Programme

    try:
        return Programme.objects.get(code=code)
    except Programme.DoesNotExist:
        raise CommandError(f"no programme with code {code!r}") from None
