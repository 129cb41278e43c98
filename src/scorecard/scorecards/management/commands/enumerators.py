from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from scorecard.accounts.models import Organisation
from scorecard.scorecards.actions import ActionError, register_enumerator
from scorecard.scorecards.models import Enumerator

COLUMNS = ("id", "sex", "age", "organisation")


class Command(BaseCommand):
    help = "Register enumerators from a CSV file with the columns id, sex, age, organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="create or update enumerators from a CSV file")
        imp.add_argument("file")
        imp.add_argument("--json", action="store_true")
        imp.add_argument("--dry-run", action="store_true", help="validate, store nothing")
        sub.add_parser("list", help="list the registry")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for e in Enumerator.objects.select_related("organisation"):
                self.stdout.write(f"{e.code}\t{e.sex}\t{e.age or ''}\t{e.organisation or ''}")
            return
        path = Path(options["file"])
        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.DictReader(fh))
                header = [c.strip() for c in (rows[0].keys() if rows else [])]
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from None
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise CommandError(f"{path.name}: missing columns {', '.join(missing)}")
        orgs = {o.code: o for o in Organisation.objects.all()}
        accepted, errors = 0, []
        with transaction.atomic():
            for n, row in enumerate(rows, start=2):
                why = self._register(row, orgs)
                if why:
                    errors.append(f"row {n}: {why}")
                else:
                    accepted += 1
            if options["dry_run"]:
                transaction.set_rollback(True)
        summary = {"rows": len(rows), "accepted": accepted, "rejected": len(errors)}
        if options["json"]:
            self.stdout.write(json.dumps({**summary, "errors": errors}, ensure_ascii=False))
            return
        for line in errors:
            self.stderr.write(line)
        self.stdout.write(f"{summary['rows']} rows, {accepted} registered, {len(errors)} rejected")

    def _register(self, row: dict[str, str], orgs: dict[str, Organisation]) -> str:
        code = (row.get("id") or "").strip()
        sex = (row.get("sex") or "").strip().lower()
        age_text = (row.get("age") or "").strip()
        org_code = (row.get("organisation") or "").strip()
        if not code:
            return "id is empty"
        if sex not in ("", "female", "male", "other"):
            return f"sex must be female, male or other, not {sex!r}"
        if age_text and not (age_text.isdigit() and 10 <= int(age_text) <= 110):
            return f"age must be a whole number 10-110, not {age_text!r}"
        if org_code and org_code not in orgs:
            return f"unknown organisation {org_code!r}"
        try:
            register_enumerator(
                "cli",
                code,
                organisation=orgs.get(org_code),
                sex=sex,
                age=int(age_text) if age_text else None,
            )
        except ActionError as exc:
            return str(exc)
        return ""
