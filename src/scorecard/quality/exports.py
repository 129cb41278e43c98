"""The per-enumerator table as rows for CSV (UTF-8 BOM), XLSX and JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from scorecard.quality.checks import EnumeratorQuality, SuccessSummary
from scorecard.scorecards.exports.rejects import safe_cell

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


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_cell(value)  # an id like "=1+1" stays text in a spreadsheet


def to_csv(summary: SuccessSummary, bom: bool = True) -> str:
    buffer = io.StringIO()
    if bom:  # so that Excel reads Khmer right
        buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows_of(summary):
        writer.writerow([_text(row[c]) for c in COLUMNS])
    return buffer.getvalue()


def to_xlsx(summary: SuccessSummary) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"quality {summary.round_code}"[:31])
    sheet.append(list(COLUMNS))
    for row in rows_of(summary):
        sheet.append([safe_cell(v) if isinstance(v, str) else v for v in (row[c] for c in COLUMNS)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


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
