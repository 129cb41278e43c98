"""The Kobo XLSX reader (openpyxl read-only, streaming rows of the submissions sheet)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

from scorecard.scorecards.exports.read import (
    KOBO_XLSX,
    REPEAT_MARKERS,
    Export,
    canonical_columns,
    file_error,
    make_plan,
    xlsx_cell,
)


def _is_form_sheet(header: Iterable[str]) -> bool:
    h = set(header)
    if h & REPEAT_MARKERS:
        return False
    return bool(h & {"commune", "_uuid", "meta/instanceID", "KEY", "meta/rootUuid"})


def open_xlsx(path: Path, multi: Collection[str]) -> Export:
    import openpyxl  # local: only the XLSX path needs it

    fh = path.open("rb")  # a file object: openpyxl would insist on an .xlsx file name
    try:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        fh.close()
        raise file_error(f"a damaged XLSX workbook: {exc}") from exc
    try:
        chosen: tuple[str, list[str]] | None = None
        first: tuple[str, list[str]] | None = None
        for ws in wb.worksheets:
            header_row = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
            header = [xlsx_cell(v) for v in header_row]
            if first is None:
                first = (ws.title, header)
            if _is_form_sheet(canonical_columns(header)):
                chosen = (ws.title, header)
                break
        chosen = chosen or first
    finally:
        wb.close()
        fh.close()
    if chosen is None or not any(h.strip() for h in chosen[1]):
        raise file_error("the workbook is empty")
    sheet, header = chosen
    plan = make_plan(header, multi)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        convert = plan.make()
        fh = path.open("rb")
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        try:
            number = 1
            for values in wb[sheet].iter_rows(min_row=2, values_only=True):
                number += 1
                cells = [v if type(v) is str else xlsx_cell(v) for v in values]
                if not any(c.strip() for c in cells):
                    continue
                yield number, convert(cells)
        finally:
            wb.close()
            fh.close()

    return Export(path, KOBO_XLSX, header, list(plan.names), rows, sheet)
