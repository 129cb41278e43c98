"""A meeting's votes as the round's ``Response`` rows, so results and reports see them.

A community round is stored like a survey: one ``Response`` per participant who voted,
its ``ratings`` string holding the participant's vote on each indicator of the round's
template version (``-`` where the indicator was not voted on), and the same votes added
to the ``RatingCount`` cube. Custom indicators are not in the template version, so they
appear in the meeting's own results only. Rebuilding takes the meeting's earlier rows
out of the cube (``sign=-1``) and writes them again: a few dozen rows a meeting.
"""

from __future__ import annotations

import hashlib

from django.utils import timezone

from scorecard.meetings.models import Meeting, Participant, Vote
from scorecard.scorecards.cube import add_responses, is_youth
from scorecard.scorecards.models import NO_ANSWER, Response


def stable_prefix(meeting: Meeting) -> str:
    return f"m:{meeting.uuid}:"


def rebuild_round_responses(meeting: Meeting) -> int:
    """Replace the meeting's responses in its round; returns how many there are now."""
    round_ = meeting.round
    old = list(Response.objects.filter(round=round_, stable_id__startswith=stable_prefix(meeting)))
    if old:
        add_responses(round_, old, sign=-1)
        Response.objects.filter(pk__in=[r.pk for r in old]).delete()
    positions = {ind.pk: k for k, ind in enumerate(round_.template_version.ordered_indicators())}
    width = len(positions)
    votes: dict[int, list[str]] = {}
    for participant_id, indicator_id, value in Vote.objects.filter(
        meeting=meeting,
        deleted=False,
        proposal__deleted=False,
        proposal__selected=True,
        proposal__indicator__isnull=False,
        participant__deleted=False,
        participant__anonymous=False,
    ).values_list("participant_id", "proposal__indicator_id", "value"):
        chars = votes.setdefault(participant_id, [NO_ANSWER] * width)
        if indicator_id in positions:
            chars[positions[indicator_id]] = str(value)
    now = timezone.now()
    made = []
    for p in Participant.objects.filter(pk__in=votes):
        ratings = "".join(votes[p.pk])
        made.append(
            Response(
                round=round_,
                stable_id=f"{stable_prefix(meeting)}{p.uuid}"[:80],
                instance_id=str(p.uuid),
                content_hash=hashlib.md5(ratings.encode(), usedforsecurity=False).hexdigest(),
                commune_id=meeting.facility.commune_id,
                village_id=p.village_id,
                sex=p.sex,
                age=p.age,
                youth=is_youth(p.age),
                disability=p.disability,
                minority=p.minority,
                idpoor=p.idpoor,
                enumerator_code=meeting.facilitators[:60],
                ratings=ratings,
                source_file=f"meeting {meeting.facility.code}",
                raw={"meeting": str(meeting.uuid), "participant": str(p.uuid), "number": p.number},
                imported_at=now,
            )
        )
    Response.objects.bulk_create(made)
    if made:
        add_responses(round_, made)
    return len(made)
