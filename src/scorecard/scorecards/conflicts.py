"""A person keeps one version of a conflicting submission (audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry
from scorecard.scorecards.actions import ActionError
from scorecard.scorecards.cube import add_responses
from scorecard.scorecards.exports import RowValidator
from scorecard.scorecards.forms import form_spec
from scorecard.scorecards.models import Conflict, Enumerator, Response
from scorecard.scorecards.rows import response_fields


@transaction.atomic
def resolve_conflict(actor: Any, conflict: Conflict, keep: str) -> Conflict:
    """``keep`` is ``stored`` or ``incoming``; the incoming version replaces the stored
    response's answers (and its counts in the cube) only when a person says so."""
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.status != Conflict.Status.OPEN:
        raise ActionError("this conflict is already resolved")
    if conflict.round.locked:
        raise ActionError(f"round {conflict.round.code} is locked")
    if keep not in ("stored", "incoming"):
        raise ActionError("keep must be stored or incoming")
    before = snapshot(conflict)
    if keep == "incoming":
        _replace(actor, conflict)
        conflict.status = Conflict.Status.KEPT_INCOMING
    else:
        conflict.status = Conflict.Status.KEPT_STORED
    conflict.resolved_by = actor if getattr(actor, "is_authenticated", False) else None
    conflict.resolved_at = timezone.now()
    conflict.save()
    record(actor, AuditEntry.Action.UPDATE, conflict, before=before)
    return conflict


def _replace(actor: Any, conflict: Conflict) -> None:
    round_ = conflict.round
    stored = Response.objects.get(pk=conflict.stored_id)
    spec = form_spec(round_.template_version, round_)
    row = {k: v for k, v in conflict.incoming.items()}
    parsed = RowValidator(spec, list(row))(conflict.row, row)
    if isinstance(parsed, list):
        raise ActionError("the incoming version is no longer valid: " + str(parsed[0]))
    before = snapshot(stored)
    add_responses(round_, [stored], sign=-1)
    enumerator = Enumerator.objects.filter(code=parsed.enumerator)
    if round_.organisation_id:
        enumerator = enumerator.filter(organisation=round_.organisation_id)
    fields = response_fields(parsed, enumerator.values_list("pk", flat=True).first())
    conflict.replaced_hash = stored.content_hash
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.source = conflict.source
    stored.source_file = conflict.source.file_name
    stored.save()
    add_responses(round_, [stored], sign=1)
    record(actor, AuditEntry.Action.UPDATE, stored, before=before, reason="conflict resolved")
