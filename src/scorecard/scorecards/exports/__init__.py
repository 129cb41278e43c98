"""Reading, validating and synthesising Kobo / ODK Central exports of the scorecard form.

Pure Python (no Django): the import command feeds ``validate_rows(spec, open_export(path))``
into the database writer.
"""

from scorecard.scorecards.exports.read import (
    KOBO_CSV,
    KOBO_XLSX,
    ODK_CSV,
    ODK_ZIP,
    Export,
    ExportError,
    canonical_columns,
    kobo_json_row,
    open_export,
)
from scorecard.scorecards.exports.rejects import (
    WithinFile,
    classify_within_file,
    has_formula_prefix,
    safe_cell,
    write_rejects,
)
from scorecard.scorecards.exports.validate import (
    REJECTED_UPSTREAM,
    RowValidator,
    check_form,
    validate_rows,
)

__all__ = [
    "KOBO_CSV",
    "KOBO_XLSX",
    "ODK_CSV",
    "ODK_ZIP",
    "REJECTED_UPSTREAM",
    "Export",
    "ExportError",
    "RowValidator",
    "WithinFile",
    "canonical_columns",
    "check_form",
    "classify_within_file",
    "has_formula_prefix",
    "kobo_json_row",
    "open_export",
    "safe_cell",
    "validate_rows",
    "write_rejects",
]
