"""A participant's personal data on request: everything held, as JSON; or erased.

Erasing keeps the counts that reports are made of (sex, role, youth, disability, outcomes)
and removes what points at the person: the name, the id from the sign-in sheet (replaced
by a random pseudonym), the exact age and the organisation. It is logged with its reason.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry
from scorecard.events.models import Participant


def export_participant(participant: Participant) -> dict[str, Any]:
    return {
        "programme": participant.programme.code,
        "code": participant.code,
        "name": participant.name,
        "sex": participant.sex,
        "role": participant.role,
        "attendances": [
            {
                "event": a.event.code,
                "event_title": a.event.title,
                "start": a.event.start.isoformat(),
                "role": a.role,
                "age": a.age,
                "youth": a.youth,
                "disability": a.disability,
                "organisation": a.organisation,
                "commune": a.commune_id,
                "outcomes": {o.code: o.value for o in a.outcomes.all()},
            }
            for a in participant.attendances.select_related("event").prefetch_related("outcomes")
        ],
    }


@transaction.atomic
def erase_participant(actor: Any, participant: Participant, reason: str) -> Participant:
    if not reason.strip():
        raise ValueError("say why the participant's data is erased (the request)")
    before = snapshot(participant)
    participant.name = ""
    participant.code = f"erased-{secrets.token_hex(6)}"
    participant.save(update_fields=["name", "code"])
    # update(), not save(): Attendance.save would recompute youth from the erased age.
    participant.attendances.update(age=None, organisation="")
    record(actor, AuditEntry.Action.UPDATE, participant, before=before, reason=f"erased: {reason}")
    return participant
