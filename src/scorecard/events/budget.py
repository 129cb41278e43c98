"""Commune budget lines: `scorecard budget import FILE` (commune, year, sector, amount_khr)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry
from scorecard.events import tables as t
from scorecard.events.i4c_models import BudgetLine, Sector
from scorecard.events.imports import _cells
from scorecard.places.models import Commune

BUDGET_COLUMNS = ("commune", "year", "sector", "amount_khr")
MAX_RIEL = 10**15


@dataclass(frozen=True)
class BudgetRow:
    row: int
    commune: str
    year: int
    sector: str
    amount_khr: int


def check_budget(table: t.Table, communes: frozenset[str]) -> tuple[list[BudgetRow], t.Summary]:
    table.require(BUDGET_COLUMNS)
    summary = t.Summary(rows=len(table.rows))
    seen: dict[tuple[str, int, str], BudgetRow] = {}
    checks: dict[str, Callable[[str], Any]] = {
        "commune": lambda v: t.commune_code(v, communes),
        "year": lambda v: t.whole(v, 1990, 2100),
        "sector": lambda v: t.choice(v, Sector.values),
        "amount_khr": lambda v: t.whole(v, 0, MAX_RIEL),
    }
    for number, row in table.rows:
        v, errors = _cells(number, row, checks)
        if not errors:
            earlier = seen.get((v["commune"], v["year"], v["sector"]))
            if earlier is not None and earlier.amount_khr != v["amount_khr"]:
                reason = f"row {earlier.row} gives another amount for this commune, year and sector"
                errors = [t.RowError(number, "amount_khr", row["amount_khr"], reason)]
        if errors:
            summary.reject(errors[0])
            summary.errors.extend(errors[1:])
            continue
        item = BudgetRow(number, v["commune"], v["year"], v["sector"], v["amount_khr"])
        seen.setdefault((item.commune, item.year, item.sector), item)
        summary.accepted += 1
    return list(seen.values()), summary


@transaction.atomic
def write_budget(actor: Any, rows: list[BudgetRow], summary: t.Summary) -> None:
    communes = {c.code: c for c in Commune.objects.filter(code__in={r.commune for r in rows})}
    stored = {
        (b.commune_id, b.year, b.sector): b
        for b in BudgetLine.objects.filter(commune__in=communes.values())
    }
    for r in rows:
        line = stored.get((r.commune, r.year, r.sector))
        if line is None:
            line = BudgetLine.objects.create(
                commune=communes[r.commune], year=r.year, sector=r.sector, amount_khr=r.amount_khr
            )
            record(actor, AuditEntry.Action.CREATE, line)
            summary.created += 1
        elif line.amount_khr != r.amount_khr:
            before = snapshot(line)
            line.amount_khr = r.amount_khr
            line.save()
            record(actor, AuditEntry.Action.UPDATE, line, before=before)
            summary.updated += 1
        else:
            summary.unchanged += 1
    summary.unchanged += summary.accepted - len(rows)


def import_budget(
    actor: Any, table: t.Table, dry_run: bool = False, communes: frozenset[str] | None = None
) -> t.Summary:
    """Check every row, then (unless a dry run) write the accepted ones in one transaction.

    ``communes`` limits the communes a row may name (the web page passes the user's);
    by default every commune of the gazetteer.
    """
    if communes is None:
        communes = frozenset(Commune.objects.values_list("code", flat=True))
    rows, summary = check_budget(table, communes)
    summary.dry_run = dry_run
    if not dry_run:
        write_budget(actor, rows, summary)
    return summary
