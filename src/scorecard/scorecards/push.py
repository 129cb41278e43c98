"""Kobo REST services push one JSON submission at a time to a round's secret URL.

The same validation, counting and write path as a file import: each push is an Import
of one row (kind ``kobo_rest``), so it lands whole or not at all and shows in the round's
import list with its counts.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry
from scorecard.scorecards.exports import ExportError, RowValidator, check_form, kobo_json_row
from scorecard.scorecards.exports.synth import question_columns
from scorecard.scorecards.forms import form_spec
from scorecard.scorecards.importing import Importer, ImportRefused, refusal
from scorecard.scorecards.models import Import, Round

KOBO_REST = "kobo_rest"


@transaction.atomic
def issue_push_token(actor: Any, round_: Round) -> str:
    """A new secret for the round's push URL (the old one stops working)."""
    before = snapshot(round_)
    round_.push_token = secrets.token_urlsafe(32)
    round_.save(update_fields=["push_token"])
    record(actor, AuditEntry.Action.UPDATE, round_, before=before, reason="new push token")
    return round_.push_token


def token_matches(round_: Round, token: str) -> bool:
    return bool(round_.push_token) and secrets.compare_digest(round_.push_token, token)


def receive_kobo_submission(round_: Round, submission: dict[str, Any]) -> Import:
    """Validate and store one pushed submission; raises ImportRefused for another form's."""
    if round_.locked:
        raise ImportRefused(f"round {round_.code} is completed and locked")
    spec = form_spec(round_.template_version, round_)
    xform = submission.get("_xform_id_string")
    if xform and xform != spec.form_id:
        raise ImportRefused(f"not a submission of the form {spec.form_id} (it is {xform})")
    row = kobo_json_row(submission)
    for name in question_columns(spec):
        row.setdefault(name, "")  # Kobo leaves blank answers out of the JSON
    errors = check_form(spec, list(row))
    if errors:
        raise ImportRefused(refusal(ExportError(errors)))
    result = RowValidator(spec, list(row))(1, row)
    with transaction.atomic():
        rec = Import.objects.create(round=round_, file_name=KOBO_REST, kind=KOBO_REST)
        Importer(round_, rec, spec).run(iter([result]), None)
    return rec
