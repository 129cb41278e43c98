"""`scorecard plans import` and `scorecard contributions import`: read, validate, write.

Read (``tables``) and validate (``validate``) are pure. Here each valid row is checked
against stored records and written, all in one transaction, each row in its own
savepoint so a refused row never stops the others. A dry run does exactly the same work
and then rolls the transaction back, so it reports what a real run would do and stores
nothing (not even audit entries).

A plans row for an existing (plan, number) updates the action: blank cells keep the
stored values, and a new status or percent is recorded as a dated progress update. A
contributions row identical to a stored one (same action, source, amount, currency,
cash or in kind, date) is counted as unchanged, so a file can be imported twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from scorecard.audit.log import snapshot
from scorecard.places.models import Commune
from scorecard.plans.actions import (
    PlanError,
    add_contribution,
    create_action,
    create_plan,
    record_progress,
    update_action,
)
from scorecard.plans.models import Action, ActionPlan, Contribution
from scorecard.plans.tables import FileRefused, Row, RowError, read_path, read_table
from scorecard.plans.validate import (
    CONTRIBUTION_COLUMNS,
    PLAN_COLUMNS,
    ParsedAction,
    ParsedContribution,
    validate_contribution_row,
    validate_plan_row,
)
from scorecard.programmes.models import Programme

__all__ = ["FileRefused", "ImportResult", "import_contributions", "import_plans"]


class RowRefused(Exception):
    def __init__(self, column: str, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, str(value), reason


@dataclass
class ImportResult:
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "errors": [e.as_dict() for e in self.errors],
        }


def _validation_reason(exc: ValidationError) -> tuple[str, str]:
    if hasattr(exc, "error_dict"):
        name, errors = next(iter(exc.message_dict.items()))
        return name, " ".join(errors)
    return "", " ".join(exc.messages)


def _run(rows: list[Row], validate: Any, write: Any, dry_run: bool) -> ImportResult:
    result = ImportResult(rows=len(rows), dry_run=dry_run)
    with transaction.atomic():
        for row in rows:
            parsed, errors = validate(row)
            if parsed is not None:
                try:
                    with transaction.atomic():
                        outcome = write(parsed)
                except RowRefused as exc:
                    errors = [RowError(row.number, exc.column, exc.value, exc.reason)]
                except PlanError as exc:
                    column = "progress" if exc.code in ("done", "percent") else "status"
                    errors = [RowError(row.number, column, row.cells.get(column, ""), str(exc))]
                except ValidationError as exc:
                    column, reason = _validation_reason(exc)
                    errors = [RowError(row.number, column, row.cells.get(column, ""), reason)]
                else:
                    result.accepted += 1
                    setattr(result, outcome, getattr(result, outcome) + 1)
                    continue
            result.rejected += 1
            result.errors.extend(errors)
        if dry_run:
            transaction.set_rollback(True)
    return result


class _PlanWriter:
    def __init__(self, actor: Any, programme: Programme) -> None:
        self.actor = actor
        self.programme = programme
        self.communes = set(programme.communes.values_list("code", flat=True))

    def plan(self, p: ParsedAction) -> ActionPlan:
        plan = ActionPlan.objects.filter(programme=self.programme, code=p.plan).first()
        if plan is not None:
            if plan.commune_id != p.commune:
                raise RowRefused(
                    "commune", p.commune, f"plan {p.plan} is for commune {plan.commune_id}"
                )
            if plan.year != p.year:
                raise RowRefused("year", p.year, f"plan {p.plan} is for {plan.year}")
            return plan
        commune = Commune.objects.filter(code=p.commune).first()
        if commune is None:
            raise RowRefused("commune", p.commune, "unknown commune code")
        if p.commune not in self.communes:
            raise RowRefused(
                "commune", p.commune, f"not a commune of programme {self.programme.code}"
            )
        taken = ActionPlan.objects.filter(programme=self.programme, commune=commune, year=p.year)
        if taken.exists():
            raise RowRefused(
                "plan", p.plan, f"commune {p.commune} already has plan {taken[0].code} for {p.year}"
            )
        return create_plan(self.actor, self.programme, commune, p.year, code=p.plan)

    def indicators(self, codes: list[str]) -> list[Any]:
        from scorecard.scorecards.models import Indicator

        found: dict[str, Any] = {}
        mine = Indicator.objects.filter(code__in=codes, version__rounds__programme=self.programme)
        for indicator in [
            *mine.order_by("-version__number"),
            *Indicator.objects.filter(code__in=codes).order_by("-pk"),
        ]:
            found.setdefault(indicator.code, indicator)
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise RowRefused(
                "indicators", " ".join(codes), "unknown indicator codes: " + ", ".join(unknown)
            )
        return [found[c] for c in codes]

    def themes(self, codes: list[str]) -> list[Any]:
        from scorecard.needs.models import Theme

        found, problems = [], []
        for code in codes:
            kind, _, name = code.rpartition(":")
            matches = Theme.objects.filter(code=name)
            if kind:
                matches = matches.filter(facility_type__code=kind)
            hits = list(matches[:2])
            if len(hits) == 1:
                found.append(hits[0])
            else:
                problems.append(
                    f"{code} ({'write it as facility_type:code' if hits else 'unknown'})"
                )
        if problems:
            raise RowRefused("themes", " ".join(codes), "themes: " + ", ".join(problems))
        return found

    def __call__(self, p: ParsedAction) -> str:
        plan = self.plan(p)
        changes: dict[str, Any] = dict(p.fields)
        if p.indicators is not None:
            changes["indicators"] = self.indicators(p.indicators)
        if p.themes is not None:
            changes["themes"] = self.themes(p.themes)
        action = Action.objects.filter(plan=plan, number=p.number).first()
        if action is None:
            if "section" not in changes:
                raise RowRefused("section", "", "required for a new action (A or B)")
            if not (changes.get("activity_en") or changes.get("activity_km")):
                raise RowRefused("activity_en", "", "a new action needs activity_en or activity_km")
            if p.status and p.progress is not None:
                changes["progress"] = p.progress
            if p.status == "dropped":
                changes["dropped_reason"] = p.note
            create_action(self.actor, plan, number=p.number, status=p.status or "proposed",
                          date=p.status_date, note=p.note, **changes)  # fmt: skip
            return "created"
        before = snapshot(action)
        update_action(self.actor, action, **changes)
        status = p.status or action.status
        moved = status != action.status or (
            p.progress is not None and p.progress != action.progress
        )
        if moved:
            if p.status_date is None:
                raise RowRefused("status_date", "", "required when the status or progress changes")
            record_progress(
                self.actor, action, status, p.status_date, percent=p.progress, note=p.note
            )
        action.refresh_from_db()
        return "updated" if moved or snapshot(action) != before else "unchanged"


class _ContributionWriter:
    def __init__(self, actor: Any, programme: Programme) -> None:
        self.actor = actor
        self.programme = programme

    def __call__(self, p: ParsedContribution) -> str:
        plan = ActionPlan.objects.filter(programme=self.programme, code=p.plan).first()
        if plan is None:
            raise RowRefused("plan", p.plan, f"unknown plan in programme {self.programme.code}")
        action = Action.objects.filter(plan=plan, number=p.number).first()
        if action is None:
            raise RowRefused("number", p.number, f"plan {p.plan} has no action {p.number}")
        same = {k: v for k, v in p.fields.items() if k != "rate_date"}
        if Contribution.objects.filter(action=action, **same).exists():
            return "unchanged"
        add_contribution(self.actor, action, **p.fields)
        return "created"


def _rows(source: Path | tuple[bytes, str], columns: list[str]) -> list[Row]:
    if isinstance(source, Path):
        return read_path(source, columns)[1]
    data, name = source
    return read_table(data, name, columns)[1]


def import_plans(
    actor: Any, programme: Programme, source: Path | tuple[bytes, str], *, dry_run: bool = False
) -> ImportResult:
    """Raises FileRefused when the file as a whole cannot be read."""
    rows = _rows(source, PLAN_COLUMNS)
    return _run(rows, validate_plan_row, _PlanWriter(actor, programme), dry_run)


def import_contributions(
    actor: Any, programme: Programme, source: Path | tuple[bytes, str], *, dry_run: bool = False
) -> ImportResult:
    rows = _rows(source, CONTRIBUTION_COLUMNS)
    return _run(rows, validate_contribution_row, _ContributionWriter(actor, programme), dry_run)
