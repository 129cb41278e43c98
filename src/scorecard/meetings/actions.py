"""Writes across meetings, rounds and action plans: in a transaction, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry
from scorecard.meetings.models import Meeting, Note
from scorecard.meetings.results import missing_votes
from scorecard.places.models import Facility
from scorecard.scorecards.actions import ActionError, advance_round, unlock_round
from scorecard.scorecards.models import Round

MEETING_MODES = (Round.Mode.COMMUNITY, Round.Mode.SELF_ASSESSMENT)


@transaction.atomic
def open_meeting(actor: Any, round_: Round, facility: Facility) -> tuple[Meeting, bool]:
    """The meeting of a community or self-assessment round for one facility (idempotent);
    a planned round starts collecting."""
    if round_.mode not in MEETING_MODES:
        raise ActionError("only community and self-assessment rounds hold meetings")
    if round_.locked:
        raise ActionError(f"round {round_.code} is locked")
    if round_.communes.exists() and not round_.communes.filter(pk=facility.commune_id).exists():
        raise ActionError(f"{facility.code} is not in a commune of round {round_.code}")
    found = Meeting.objects.filter(round=round_, facility=facility).first()
    if found is not None:
        return found, False
    user = actor if getattr(actor, "is_authenticated", False) else None
    meeting = Meeting.objects.create(
        round=round_,
        facility=facility,
        opened_by=user,
        language="km",
        facilitators=user.get_username() if user else "",
    )
    if not round_.facilities.filter(pk=facility.pk).exists():
        round_.facilities.add(facility)
    if round_.status == Round.Status.PLANNED:
        advance_round(actor, round_)
    record(actor, AuditEntry.Action.CREATE, meeting)
    return meeting, True


def _set_status(actor: Any, meeting: Meeting, status: str, note: str = "") -> Meeting:
    before = snapshot(meeting)
    meeting.status = status
    meeting.review_note = note
    meeting.save(update_fields=["status", "review_note"])
    record(actor, AuditEntry.Action.UPDATE, meeting, before=before, reason=note)
    return meeting


@transaction.atomic
def submit_meeting(actor: Any, meeting: Meeting) -> Meeting:
    """The facilitator hands the synced meeting to review; every vote must be in."""
    if meeting.status != Meeting.Status.OPEN:
        raise ActionError("only a running meeting can be submitted")
    owed = missing_votes(meeting)
    if owed:
        raise ActionError(f"{owed} votes are still missing")
    _set_status(actor, meeting, Meeting.Status.SUBMITTED)
    if meeting.round.status == Round.Status.COLLECTING:
        advance_round(actor, meeting.round)
    return meeting


@transaction.atomic
def request_changes(actor: Any, meeting: Meeting, note: str) -> Meeting:
    """The M&E officer sends the meeting back to the facilitator, saying what to change."""
    if not note.strip():
        raise ActionError("say what needs to change")
    if meeting.status != Meeting.Status.SUBMITTED:
        raise ActionError("only a submitted meeting can be sent back")
    return _set_status(actor, meeting, Meeting.Status.OPEN, note.strip())


@transaction.atomic
def complete_meeting(actor: Any, meeting: Meeting) -> Meeting:
    """Accept the meeting; when every meeting of the round is done, the round is completed
    (and so locked)."""
    if meeting.status != Meeting.Status.SUBMITTED:
        raise ActionError("only a submitted meeting can be completed")
    _set_status(actor, meeting, Meeting.Status.COMPLETED)
    round_ = meeting.round
    pending = round_.meetings.exclude(status=Meeting.Status.COMPLETED).exists()
    while not pending and round_.status != Round.Status.COMPLETED:
        advance_round(actor, round_)
    return meeting


@transaction.atomic
def reopen_meeting(actor: Any, meeting: Meeting, reason: str) -> Meeting:
    """Unlock a completed meeting's round (the reason is audited) and reopen it for review."""
    if meeting.status != Meeting.Status.COMPLETED:
        raise ActionError("only a completed meeting can be reopened")
    if meeting.round.locked:
        unlock_round(actor, meeting.round, reason)
    elif not reason.strip():
        raise ActionError("reopening needs a reason")
    return _set_status(actor, meeting, Meeting.Status.SUBMITTED, reason.strip())


@transaction.atomic
def carry_actions(actor: Any, meeting: Meeting, section: str = "B") -> list[Any]:
    """The chosen suggested actions become actions of the commune's action plan (found, or
    created for the round's programme and year); an action carried once is not again."""
    from scorecard.plans.actions import create_action, create_plan
    from scorecard.plans.models import Action, ActionPlan

    round_ = meeting.round
    if round_.programme is None:
        raise ActionError(f"round {round_.code} has no programme, so no action plan")
    commune = meeting.facility.commune
    plan = ActionPlan.objects.filter(
        programme=round_.programme, commune=commune, year=round_.year
    ).first()
    if plan is None:
        plan = create_plan(actor, round_.programme, commune, round_.year, rounds=[round_])
    notes = Note.objects.filter(
        meeting=meeting,
        kind=Note.Kind.ACTION,
        chosen=True,
        deleted=False,
        plan_action__isnull=True,
    ).select_related("proposal__indicator")
    made = []
    numbers = Action.objects.filter(plan=plan).values_list("number", flat=True)
    number = max(numbers, default=0)
    for note in notes:
        number += 1
        indicator = note.proposal.indicator
        action = create_action(
            actor,
            plan,
            indicators=[indicator] if indicator else [],
            section=section,
            number=number,
            activity_km=note.text,
            activity_en="",
            proposer=str(meeting.facility),
        )
        note.plan_action = action
        note.save(update_fields=["plan_action"])
        made.append(action)
    return made
