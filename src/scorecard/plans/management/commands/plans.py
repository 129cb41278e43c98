"""`scorecard plans import FILE --programme CODE [--dry-run] [--json]`, and `export`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.plans.exports import to_csv, to_xlsx
from scorecard.plans.imports import FileRefused, ImportResult, import_plans
from scorecard.plans.models import ActionPlan
from scorecard.programmes.models import Programme


def programme_or_fail(code: str) -> Programme:
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        raise CommandError(f"unknown programme {code!r}")
    return programme


def report(command: BaseCommand, path: Path, result: ImportResult, as_json: bool) -> None:
    if as_json:
        command.stdout.write(json.dumps(result.summary(), ensure_ascii=False))
        return
    dry = " (dry run: nothing stored)" if result.dry_run else ""
    command.stdout.write(
        f"{path.name}: {result.rows} rows, {result.accepted} accepted "
        f"({result.created} new, {result.updated} updated, {result.unchanged} unchanged), "
        f"{result.rejected} rejected{dry}"
    )
    for e in result.errors:
        command.stdout.write(f"  row {e.row}, column {e.column or '-'}: {e.reason} ({e.value!r})")


def add_import_arguments(parser: CommandParser) -> None:
    parser.add_argument("file")
    parser.add_argument("--programme", required=True, help="programme code")
    parser.add_argument("--dry-run", action="store_true", help="validate only, store nothing")
    parser.add_argument("--json", action="store_true", help="print the counts and errors as JSON")


class Command(BaseCommand):
    help = "Import action plans and progress (CSV or XLSX), or export a plan's actions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add_import_arguments(sub.add_parser("import", help="import plans, actions and progress"))
        export = sub.add_parser("export", help="export a plan's actions")
        export.add_argument("plan", help="plan code")
        export.add_argument("--programme", required=True, help="programme code")
        export.add_argument("--out", required=True, help="FILE.csv or FILE.xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        programme = programme_or_fail(options["programme"])
        if options["action"] == "export":
            plan = ActionPlan.objects.filter(programme=programme, code=options["plan"]).first()
            if plan is None:
                raise CommandError(f"unknown plan {options['plan']!r} in {programme.code}")
            out = Path(options["out"])
            out.write_bytes(to_xlsx(plan) if out.suffix.lower() == ".xlsx" else to_csv(plan))
            self.stdout.write(f"wrote {out}")
            return
        path = Path(options["file"])
        try:
            result = import_plans("cli", programme, path, dry_run=options["dry_run"])
        except FileRefused as exc:
            raise CommandError(f"{path.name}: {exc}; nothing was imported") from None
        report(self, path, result, options["json"])
