"""Apply a device's batch of records to a meeting: idempotent, with conflicts reported.

For each record (``{"kind", "uuid", "base", "data"}``, ``base`` being the revision the
device last saw from the server, 0 for a record never synced):

* ``created``: a UUID the server has not seen;
* ``unchanged``: the stored record already has this content (a replay changes nothing);
* ``updated``: different content made against the stored revision (``base == rev``);
* ``conflict``: different content made against an older revision, or a rule between
  records broken (a sticker number taken, a second vote of the same participant on the
  same indicator): the stored record stays, the incoming one is kept in ``SyncConflict``
  and the answer carries the server's version so the device can show it;
* ``rejected``: the record itself breaks a rule (e.g. an anonymous participant's vote).

Records are applied in dependency order (setup, participants, proposals, votes, notes),
all in one transaction with the round's results rebuilt at the end.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from scorecard.audit.log import record as audit
from scorecard.audit.log import snapshot
from scorecard.audit.models import AuditEntry
from scorecard.meetings.models import Meeting, Participant, SyncConflict, Vote
from scorecard.meetings.records import (
    KINDS,
    MODELS,
    READERS,
    Context,
    Refused,
    comparable,
    dump,
    parse_uuid,
)
from scorecard.meetings.roundlink import rebuild_round_responses


class SyncRefused(ValueError):
    """The meeting takes no changes (submitted, completed, or its round locked)."""


def _rule_conflict(kind: str, fields: dict[str, Any], obj: Any, ctx: Context) -> str:
    """A rule between records that this record would break; "" when none."""
    if fields.get("deleted"):
        return ""
    if kind == "participant":
        for other in ctx.participants.values():
            if other.uuid != obj.uuid and not other.deleted and other.number == fields["number"]:
                return f"sticker number {fields['number']} is already registered"
    if kind == "vote":
        taken = Vote.objects.filter(
            participant=fields["participant"], proposal=fields["proposal"], deleted=False
        ).exclude(uuid=obj.uuid)
        if taken.exists():
            return f"participant #{fields['participant'].number} already voted on this indicator"
    return ""


def _keep_aside(meeting: Meeting, item: dict[str, Any], reason: str) -> None:
    uid = str(item.get("uuid", ""))
    try:
        parsed = parse_uuid(uid)
    except Refused:
        return
    seen = SyncConflict.objects.filter(meeting=meeting, uuid=parsed, reason=reason)
    if not any(c.incoming == item for c in seen):  # a replayed conflict is kept once
        SyncConflict.objects.create(
            meeting=meeting,
            kind=str(item.get("kind", ""))[:12],
            uuid=parsed,
            reason=reason[:200],
            incoming=item,
        )


def _apply_one(actor: Any, meeting: Meeting, item: dict[str, Any], ctx: Context) -> dict[str, Any]:
    kind = str(item.get("kind"))
    uid = parse_uuid(item.get("uuid"))
    base = item.get("base", 0)
    data = item.get("data")
    if not isinstance(data, dict) or not isinstance(base, int):
        raise Refused("a record needs data (an object) and base (a number)")
    fields = READERS[kind](data, ctx)
    if kind == "setup":
        if uid != meeting.uuid:
            raise Refused("the setup record's uuid must be the meeting's")
        obj: Any = meeting
        stored_rev, created = meeting.setup_rev, False
    else:
        model = MODELS[kind]
        obj = model.objects.filter(uuid=uid).first()
        if obj is not None and obj.meeting_id != meeting.pk:
            raise Refused("this uuid belongs to another meeting")
        created = obj is None
        if created:
            obj = model(uuid=uid, meeting=meeting, rev=0)
        stored_rev = obj.rev
    answer: dict[str, Any] = {"uuid": str(uid), "kind": kind}
    if not created and comparable(kind, fields) == dump(kind, obj):
        return {**answer, "status": "unchanged", "rev": stored_rev}
    reason = ""
    if not created and base != stored_rev:
        reason = f"changed on the server since revision {base} (now {stored_rev})"
    reason = reason or _rule_conflict(kind, fields, obj, ctx)
    if reason:
        _keep_aside(meeting, item, reason)
        server = None if created else dump(kind, obj)
        return {
            **answer,
            "status": "conflict",
            "reason": reason,
            "rev": stored_rev,
            "server": server,
        }
    before = None if created else snapshot(obj)
    proposers = fields.pop("proposers", None)
    for key, value in fields.items():
        setattr(obj, key, value)
    if kind == "setup":
        obj.setup_rev += 1
        obj.save(update_fields=["date", "language", "facilitators", "setup_rev"])
        new_rev = obj.setup_rev
    else:
        obj.rev += 1
        obj.save()
        new_rev = obj.rev
    if proposers is not None:
        obj.proposers.set([ctx.participants[p] for p in proposers])
    if kind == "participant":
        ctx.participants[obj.uuid] = obj
    elif kind == "proposal":
        ctx.proposals[obj.uuid] = obj
    action = AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE
    audit(actor, action, obj, before=before)
    return {**answer, "status": "created" if created else "updated", "rev": new_rev}


def _order(item: Any) -> int:
    kind = item.get("kind") if isinstance(item, dict) else None
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


@transaction.atomic
def apply_batch(actor: Any, meeting: Meeting, records: list[Any]) -> dict[str, Any]:
    """Apply the records; returns ``{"results": [...], "counts": {status: n}}``."""
    meeting = (
        Meeting.objects.select_for_update().select_related("round", "facility").get(pk=meeting.pk)
    )
    if not meeting.accepts_sync:
        raise SyncRefused(f"meeting is {meeting.get_status_display()}; it takes no changes")
    ctx = Context(meeting)
    results = []
    for item in sorted(records, key=_order):
        if not isinstance(item, dict) or item.get("kind") not in KINDS:
            results.append({"uuid": "", "status": "rejected", "reason": "unknown record kind"})
            continue
        try:
            with transaction.atomic():  # a refused record leaves nothing behind
                results.append(_apply_one(actor, meeting, item, ctx))
        except Refused as exc:
            _keep_aside(meeting, item, str(exc))
            results.append(
                {
                    "uuid": str(item.get("uuid", "")),
                    "kind": str(item.get("kind")),
                    "status": "rejected",
                    "reason": str(exc),
                }
            )
    counts: dict[str, int] = {}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    if counts.get("created") or counts.get("updated"):
        rebuild_round_responses(meeting)
    return {"results": results, "counts": counts}


def server_records(meeting: Meeting) -> list[dict[str, Any]]:
    """Every record of the meeting in the device's format (a device's first load)."""
    out = [
        {
            "kind": "setup",
            "uuid": str(meeting.uuid),
            "rev": meeting.setup_rev,
            "data": dump("setup", meeting),
        }
    ]
    for kind, model in MODELS.items():
        rows = model.objects.filter(meeting=meeting)
        if kind == "proposal":
            rows = rows.select_related("indicator").prefetch_related("proposers")
        elif kind in ("vote", "note"):
            rows = rows.select_related("proposal", *(["participant"] if kind == "vote" else []))
        out += [
            {"kind": kind, "uuid": str(o.uuid), "rev": o.rev, "data": dump(kind, o)} for o in rows
        ]
    return out


def live_participants(meeting: Meeting) -> list[Participant]:
    return list(Participant.objects.filter(meeting=meeting, deleted=False))
