"""The per-enumerator table as rows for CSV (UTF-8 BOM), XLSX and JSON."""

from __future__ import annotations

import json
from typing import Any

from scorecard.quality.checks import EnumeratorQuality, SuccessSummary
from scorecard.sheets import csv_bytes, xlsx_bytes

COLUMNS = (
    "round",
    "enumerator",
    "sex",
    "trained",
    "interviews",
    "concrete_needs",
    "concrete_share",
    "succeeded",
    "median_minutes",
    "too_short",
    "no_duration",
    "straight_lined",
    "duplicates",
    "missing_values",
    "interviews_with_missing",
    "flags",
)


def row_of(round_code: str, e: EnumeratorQuality) -> dict[str, Any]:
    share = e.concrete_share
    return {
        "round": round_code,
        "enumerator": e.code,
        "sex": e.sex,
        "trained": e.trained,
        "interviews": e.interviews,
        "concrete_needs": e.concrete,
        "concrete_share": None if share is None else round(share, 4),
        "succeeded": e.succeeded,
        "median_minutes": None if e.median_minutes is None else round(e.median_minutes, 1),
        "too_short": e.too_short,
        "no_duration": e.no_duration,
        "straight_lined": e.straight_lined,
        "duplicates": e.duplicates,
        "missing_values": e.missing_values,
        "interviews_with_missing": e.with_missing,
        "flags": " ".join(e.flags),
    }


def rows_of(summary: SuccessSummary) -> list[dict[str, Any]]:
    return [row_of(summary.round_code, e) for e in summary.enumerators]


def _text(value: Any) -> Any:
    """How a value reads in the CSV; ``sheets`` then quotes what looks like a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_csv(summary: SuccessSummary, bom: bool = True) -> str:
    """The table as CSV text; with ``bom`` (the download) Excel reads Khmer right."""
    rows = ([_text(row[c]) for c in COLUMNS] for row in rows_of(summary))
    text = csv_bytes(COLUMNS, rows).decode("utf-8")
    return text if bom else text.removeprefix("\ufeff")


def to_xlsx(summary: SuccessSummary) -> bytes:
    rows = ([row[c] for c in COLUMNS] for row in rows_of(summary))
    return xlsx_bytes(f"quality {summary.round_code}", COLUMNS, rows)


def to_json(summary: SuccessSummary) -> str:
    payload = {
        "round": summary.round_code,
        "trained": summary.trained,
        "succeeded": summary.succeeded,
        "succeeded_female": summary.succeeded_female,
        "interviews": summary.interviews,
        "success_threshold": summary.rules.success_threshold,
        "enumerators": rows_of(summary),
    }
    return json.dumps(payload, ensure_ascii=False, allow_nan=False)
