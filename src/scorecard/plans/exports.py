"""A plan's actions as CSV (UTF-8 with BOM, so Excel shows Khmer) or XLSX.

The columns are those of `scorecard plans import` plus the optional ones, so an export
can be edited and imported again.
"""

from __future__ import annotations

from typing import Any

from scorecard.plans.models import Action, ActionPlan
from scorecard.plans.validate import PLAN_COLUMNS, PLAN_OPTIONAL
from scorecard.sheets import csv_bytes, xlsx_bytes

COLUMNS = [*PLAN_COLUMNS, *PLAN_OPTIONAL[:-1], "overdue"]


def _row(plan: ActionPlan, action: Action) -> list[Any]:
    last = action.changes.order_by("-date", "-id").first()
    values: dict[str, Any] = {
        "plan": plan.code,
        "commune": plan.commune_id,
        "year": plan.year,
        "indicators": " ".join(i.code for i in action.indicators.all()),
        "themes": " ".join(f"{t.facility_type.code}:{t.code}" for t in action.themes.all()),
        "status_date": last.date.isoformat() if last else "",
        "overdue": "yes" if action.is_overdue() else "no",
    }
    for name in COLUMNS:
        if name not in values:
            value = getattr(action, name)
            values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return ["" if values[c] is None else values[c] for c in COLUMNS]


def rows(plan: ActionPlan) -> list[list[Any]]:
    actions = plan.actions.prefetch_related(
        "indicators", "changes", "themes__facility_type"
    ).order_by("section", "number")
    return [_row(plan, a) for a in actions]


def to_csv(plan: ActionPlan) -> bytes:
    return csv_bytes(COLUMNS, rows(plan))


def to_xlsx(plan: ActionPlan) -> bytes:
    return xlsx_bytes("actions", COLUMNS, rows(plan))


# --- Did it work? (plans/effect.py): one row per implemented action and indicator ------

EFFECT_COLUMNS = [
    "plan", "number", "activity", "indicator", "base_round", "round", "base_n",
    "base_satisfied_n", "base_satisfied_share", "n", "satisfied_n", "satisfied_share",
    "diff", "diff_ci_low", "diff_ci_high", "z", "p_value", "statement",
]  # fmt: skip


def effect_rows(plan: ActionPlan) -> list[list[Any]]:
    from scorecard.plans.effect import plan_effects

    out: list[list[Any]] = []
    for effect in plan_effects(plan):
        head = [plan.code, effect.action.number, effect.action.activity]
        rounds = [
            effect.base.code if effect.base else "",
            effect.after.code if effect.after else "",
        ]
        if not effect.changes:
            out.append([*head, "", *rounds, *[""] * 11, effect.missing])
        for c in effect.changes:
            d = c.diff
            figures: list[Any] = [""] * 11
            if d is not None:
                figures = [
                    c.base_n, c.base_satisfied, d.base_share, c.n, c.satisfied, d.share, d.diff,
                    d.ci_low if c.sampled else "", d.ci_high if c.sampled else "",
                    "" if d.z is None or not c.sampled else d.z,
                    "" if d.p_value is None or not c.sampled else d.p_value,
                ]  # fmt: skip
            out.append([*head, c.indicator.code, *rounds, *figures, c.statement])
    return out


def effects_csv(plan: ActionPlan) -> bytes:
    return csv_bytes(EFFECT_COLUMNS, effect_rows(plan))


def effects_xlsx(plan: ActionPlan) -> bytes:
    return xlsx_bytes("did it work", EFFECT_COLUMNS, effect_rows(plan))
