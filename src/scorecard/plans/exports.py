"""A plan's actions as CSV (UTF-8 with BOM, so Excel shows Khmer) or XLSX.

The columns are those of `scorecard plans import` plus the optional ones, so an export
can be edited and imported again.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from scorecard.plans.models import Action, ActionPlan
from scorecard.plans.validate import PLAN_COLUMNS, PLAN_OPTIONAL

COLUMNS = [*PLAN_COLUMNS, *PLAN_OPTIONAL[:-1], "overdue"]


def _row(plan: ActionPlan, action: Action) -> list[Any]:
    last = action.changes.order_by("-date", "-id").first()
    values: dict[str, Any] = {
        "plan": plan.code,
        "commune": plan.commune_id,
        "year": plan.year,
        "indicators": " ".join(i.code for i in action.indicators.all()),
        "status_date": last.date.isoformat() if last else "",
        "overdue": "yes" if action.is_overdue() else "no",
    }
    for name in COLUMNS:
        if name not in values:
            value = getattr(action, name)
            values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return ["" if values[c] is None else values[c] for c in COLUMNS]


def rows(plan: ActionPlan) -> list[list[Any]]:
    actions = plan.actions.prefetch_related("indicators", "changes").order_by("section", "number")
    return [_row(plan, a) for a in actions]


def to_csv(plan: ActionPlan) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(plan))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(plan: ActionPlan) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "actions"
    sheet.append(COLUMNS)
    for values in rows(plan):
        # Text that starts like a formula stays text in Excel.
        sheet.append([f"'{v}" if isinstance(v, str) and v.startswith("=") else v for v in values])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
