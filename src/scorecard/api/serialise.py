"""Records as JSON objects. Nothing here names a person: no respondent, participant,
proposer or responsible person leaves through the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scorecard.events.models import Event
from scorecard.plans.models import Action, ActionPlan, Contribution, StatusChange
from scorecard.scorecards.models import Round

CENT = Decimal("0.01")


def money(value: Decimal | None) -> str | None:
    """Decimal text with two places, so clients see one format for every amount."""
    return None if value is None else f"{Decimal(value).quantize(CENT):f}"


def day(value: Any) -> str | None:
    return value.isoformat() if value else None


def round_(r: Round) -> dict[str, Any]:
    return {
        "code": r.code,
        "title": r.title,
        "year": r.year,
        "mode": r.mode,
        "status": r.status,
        "programme": r.programme.code if r.programme else None,
        "template": r.template_version.template.code,
        "communes": sorted(c.code for c in r.communes.all()),
        "published": r.published,
        "published_from": day(r.published_from),
    }


def plan(p: ActionPlan) -> dict[str, Any]:
    actions = list(p.actions.all())
    return {
        "id": p.pk,
        "code": p.code,
        "programme": p.programme.code,
        "commune": p.commune_id,
        "commune_name_en": p.commune.name_en,
        "commune_name_km": p.commune.name_km,
        "year": p.year,
        "title_en": p.title_en,
        "title_km": p.title_km,
        "published": p.published,
        "actions": len(actions),
        "implemented": sum(1 for a in actions if a.status == "implemented"),
    }


def action(a: Action) -> dict[str, Any]:
    return {
        "id": a.pk,
        "plan": a.plan_id,
        "commune": a.plan.commune_id,
        "section": a.section,
        "number": a.number,
        "activity_en": a.activity_en,
        "activity_km": a.activity_km,
        "status": a.status,
        "progress": a.progress,
        "start": day(a.start),
        "end": day(a.end),
        "estimated_cost_khr": a.estimated_cost_khr,
        "implementer": a.implementer,
        "beneficiaries": a.beneficiaries,
        "beneficiaries_female": a.beneficiaries_female,
    }


def change(c: StatusChange) -> dict[str, Any]:
    return {
        "id": c.pk,
        "action": c.action_id,
        "from_status": c.from_status,
        "to_status": c.to_status,
        "date": day(c.date),
        "percent": c.percent,
        "note": c.note,
    }


def contribution(c: Contribution) -> dict[str, Any]:
    return {
        "id": c.pk,
        "action": c.action_id,
        "source_type": c.source_type,
        "source_name": c.source_name,
        "amount": money(c.amount),
        "currency": c.currency,
        "rate_khr_per_usd": f"{c.rate_khr_per_usd:f}",
        "in_kind": c.in_kind,
        "date": day(c.date),
        "usd": money(c.usd),
        "khr": money(c.khr),
    }


def event(e: Event) -> dict[str, Any]:
    attendances = list(e.attendances.all())
    return {
        "id": e.pk,
        "programme": e.programme.code,
        "code": e.code,
        "type": e.type,
        "training_kind": e.training_kind,
        "title_en": e.title_en,
        "title_km": e.title_km,
        "start": day(e.start),
        "end": day(e.end),
        "commune": e.commune_id,
        "place": e.place,
        "attendance": len(attendances),
        "attendance_female": sum(1 for a in attendances if a.participant.sex == "female"),
    }
