"""The device's record formats: read one incoming record (pure checks), or write one out.

Each kind's ``data`` is a flat JSON object; references to other device records are their
UUIDs, to reference data their codes. ``read_<kind>`` returns the model fields, or
raises ``Refused`` with a one-line reason; ``dump`` gives the stored record in the same
format, so "is this a replay?" is a comparison of two dicts.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from typing import Any

from scorecard.meetings.models import Meeting, Note, Participant, Proposal, Vote

KINDS = ("setup", "participant", "proposal", "vote", "note")
IDPOOR = ("level1", "level2", "none", "")


class Refused(ValueError):
    """An incoming record that breaks a rule; the message says which."""


def _flag(data: dict[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise Refused(f"{key}: expected true or false, got {value!r}")
    return value


def _int(data: dict[str, Any], key: str, low: int, high: int) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Refused(f"{key}: expected a whole number {low}-{high}, got {value!r}")
    return value


def _text(data: dict[str, Any], key: str, limit: int) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or len(value) > limit:
        raise Refused(f"{key}: expected text of at most {limit} characters")
    return value.strip()


def _choice(data: dict[str, Any], key: str, choices: tuple[str, ...]) -> str:
    value = data.get(key, "")
    if value not in choices:
        raise Refused(f"{key}: expected one of {', '.join(c or '(blank)' for c in choices)}")
    return str(value)


def parse_uuid(value: Any) -> uuidlib.UUID:
    try:
        return uuidlib.UUID(str(value))
    except ValueError:
        raise Refused(f"not a UUID: {value!r}") from None


class Context:
    """What a batch of records may refer to: the meeting's records by UUID."""

    def __init__(self, meeting: Meeting) -> None:
        self.meeting = meeting
        self.villages = set(
            meeting.facility.commune.villages.values_list("code", flat=True)  # type: ignore[attr-defined]
        )
        self.indicators = {
            i.code: i
            for i in meeting.round.template_version.indicators.filter(
                facility_type=meeting.facility.type_id
            )
        }
        self.participants = {p.uuid: p for p in Participant.objects.filter(meeting=meeting)}
        self.proposals = {p.uuid: p for p in Proposal.objects.filter(meeting=meeting)}

    def participant(self, value: Any) -> Participant:
        found = self.participants.get(parse_uuid(value))
        if found is None:
            raise Refused(f"unknown participant {value}")
        return found

    def proposal(self, value: Any) -> Proposal:
        found = self.proposals.get(parse_uuid(value))
        if found is None:
            raise Refused(f"unknown indicator {value}")
        return found


def read_setup(data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    raw = _text(data, "date", 10)
    try:
        date = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        raise Refused(f"date: expected YYYY-MM-DD, got {raw!r}") from None
    return {
        "date": date,
        "language": _choice(data, "language", ("km", "en")),
        "facilitators": _text(data, "facilitators", 300),
    }


def read_participant(data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    village = _text(data, "village", 8)
    if village and village not in ctx.villages:
        raise Refused(f"village: {village} is not a village of the facility's commune")
    return {
        "number": _int(data, "number", 1, 100000),
        "age": _int(data, "age", 10, 120),
        "sex": _choice(data, "sex", tuple(Participant.Sex.values)),
        "disability": _flag(data, "disability"),
        "minority": _flag(data, "minority"),
        "idpoor": _choice(data, "idpoor", IDPOOR),
        "village_id": village or None,
        "anonymous": _flag(data, "anonymous"),
        "role": _choice(data, "role", tuple(Participant.Role.values)),
        "deleted": _flag(data, "deleted"),
    }


def read_proposal(data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    code = _text(data, "indicator", 60)
    if code and code not in ctx.indicators:
        raise Refused(f"indicator: {code} is not in the template for this facility")
    text = _text(data, "text", 400)
    if not code and not text:
        raise Refused("a custom indicator needs a text")
    proposers = data.get("proposers", [])
    if not isinstance(proposers, list):
        raise Refused("proposers: expected a list")
    return {
        "indicator": ctx.indicators[code] if code else None,
        "text": "" if code else text,
        "proposers": sorted({ctx.participant(p).uuid for p in proposers}, key=str),
        "selected": _flag(data, "selected"),
        "order": _int(data, "order", 0, 999),
        "deleted": _flag(data, "deleted"),
    }


def read_vote(data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    participant = ctx.participant(data.get("participant"))
    proposal = ctx.proposal(data.get("proposal"))
    deleted = _flag(data, "deleted")
    if not deleted:
        if not participant.may_vote:
            raise Refused(f"participant #{participant.number} is anonymous and may not vote")
        if not proposal.selected or proposal.deleted:
            raise Refused("the indicator is not selected for the vote")
    return {
        "participant": participant,
        "proposal": proposal,
        "value": _int(data, "value", 1, 5),
        "deleted": deleted,
    }


def read_note(data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return {
        "proposal": ctx.proposal(data.get("proposal")),
        "kind": _choice(data, "kind", tuple(Note.Kind.values)),
        "text": _text(data, "text", 2000),
        "chosen": _flag(data, "chosen"),
        "deleted": _flag(data, "deleted"),
    }


READERS = {
    "setup": read_setup,
    "participant": read_participant,
    "proposal": read_proposal,
    "vote": read_vote,
    "note": read_note,
}
MODELS: dict[str, type[Any]] = {
    "participant": Participant,
    "proposal": Proposal,
    "vote": Vote,
    "note": Note,
}


def dump(kind: str, obj: Any) -> dict[str, Any]:
    """The stored record in the device's format."""
    if kind == "setup":
        return {
            "date": obj.date.isoformat() if obj.date else "",
            "language": obj.language,
            "facilitators": obj.facilitators,
        }
    if kind == "participant":
        return {
            "number": obj.number,
            "age": obj.age,
            "sex": obj.sex,
            "disability": obj.disability,
            "minority": obj.minority,
            "idpoor": obj.idpoor,
            "village": obj.village_id or "",
            "anonymous": obj.anonymous,
            "role": obj.role,
            "deleted": obj.deleted,
        }
    if kind == "proposal":
        return {
            "indicator": obj.indicator.code if obj.indicator_id else "",
            "text": obj.text,
            "proposers": sorted(str(p.uuid) for p in obj.proposers.all()),
            "selected": obj.selected,
            "order": obj.order,
            "deleted": obj.deleted,
        }
    if kind == "vote":
        return {
            "participant": str(obj.participant.uuid),
            "proposal": str(obj.proposal.uuid),
            "value": obj.value,
            "deleted": obj.deleted,
        }
    return {
        "proposal": str(obj.proposal.uuid),
        "kind": obj.kind,
        "text": obj.text,
        "chosen": obj.chosen,
        "deleted": obj.deleted,
    }


def comparable(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Read fields in the ``dump`` format, to compare an incoming record with a stored one."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "date":
            out[key] = value.isoformat() if value else ""
        elif key == "village_id":
            out["village"] = value or ""
        elif key == "indicator":
            out[key] = value.code if value else ""
        elif key == "proposers":
            out[key] = [str(v) for v in value]
        elif key in ("participant", "proposal"):
            out[key] = str(value.uuid)
        else:
            out[key] = value
    return out
