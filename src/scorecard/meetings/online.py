"""Online voting: a participant scans a QR code and votes on their own phone.

The link carries a signed token naming the meeting and the participant, so it needs no
account and cannot be guessed or changed to another participant. One vote per
participant per indicator: a vote already stored (from the phone or the facilitator's
device) is kept, and a second one is refused.
"""

from __future__ import annotations

import uuid
from typing import Any

import qrcode
import qrcode.image.svg
from django.core import signing
from django.db import transaction

from scorecard.audit.log import record
from scorecard.audit.models import AuditEntry
from scorecard.meetings.models import Meeting, Participant, Proposal, Vote
from scorecard.meetings.roundlink import rebuild_round_responses
from scorecard.scorecards.actions import ActionError

SALT = "scorecard.meetings.vote"


def vote_token(meeting: Meeting, participant: Participant) -> str:
    return signing.dumps({"m": str(meeting.uuid), "p": str(participant.uuid)}, salt=SALT)


def read_token(token: str) -> tuple[Meeting, Participant] | None:
    """The meeting and participant a token names; None when it is not one of ours."""
    try:
        data = signing.loads(token, salt=SALT)
        participant = Participant.objects.select_related("meeting__round").get(
            uuid=data["p"], meeting__uuid=data["m"], deleted=False
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, Participant.DoesNotExist):
        return None
    return participant.meeting, participant


def qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    text: str = image.to_string(encoding="unicode")
    return text


def ballot(meeting: Meeting, participant: Participant) -> list[tuple[Proposal, int | None]]:
    """The selected indicators in order, with this participant's stored vote (or None)."""
    proposals = Proposal.objects.filter(meeting=meeting, selected=True, deleted=False)
    votes = dict(
        Vote.objects.filter(participant=participant, deleted=False).values_list(
            "proposal_id", "value"
        )
    )
    ordered = proposals.select_related("indicator").order_by("order", "pk")
    return [(p, votes.get(p.pk)) for p in ordered]


@transaction.atomic
def cast_online(actor: Any, participant: Participant, values: dict[int, int]) -> int:
    """Store the participant's votes (proposal id -> 1..5) not stored yet; returns how many."""
    meeting = Meeting.objects.select_for_update().get(pk=participant.meeting_id)
    if not meeting.accepts_sync:
        raise ActionError("voting is closed")
    if not participant.may_vote:
        raise ActionError("anonymous participants do not vote")
    stored = 0
    for proposal, current in ballot(meeting, participant):
        value = values.get(proposal.pk)
        if current is not None or value not in (1, 2, 3, 4, 5):
            continue
        vote = Vote.objects.create(
            uuid=uuid.uuid4(),
            meeting=meeting,
            participant=participant,
            proposal=proposal,
            value=value,
        )
        record(actor, AuditEntry.Action.CREATE, vote)
        stored += 1
    if stored:
        rebuild_round_responses(meeting)
    return stored
