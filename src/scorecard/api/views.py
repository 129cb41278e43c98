"""The REST API, /api/v1/: plain Django views returning JSON (see docs/api.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from scorecard.accounts.access import Perm
from scorecard.api import serialise
from scorecard.api.auth import ApiError, bearer, endpoint, error, json_body, throttle
from scorecard.api.paging import MAX_ID, choice_filter, int_filter, page
from scorecard.events.models import Attendance, Event
from scorecard.plans.actions import PlanError, add_contribution, record_progress
from scorecard.plans.models import Action, ActionPlan, Contribution, SourceType
from scorecard.plans.rules import Status
from scorecard.public.portal import CACHE_SECONDS, stamp
from scorecard.public.published import public_plans, public_rounds
from scorecard.scorecards.compare import compare_rounds, previous_round
from scorecard.scorecards.importing import ImportRefused
from scorecard.scorecards.models import Round
from scorecard.scorecards.push import receive_kobo_submission, token_matches
from scorecard.scorecards.results import BREAKDOWNS, round_results

JSON = {"ensure_ascii": False, "allow_nan": False}


def anonymous(request: HttpRequest) -> bool:
    return not request.user.is_authenticated


def rounds_for(request: HttpRequest) -> QuerySet[Round]:
    base = public_rounds() if anonymous(request) else Round.objects.visible_to(request.user)
    return base.select_related("template_version__template", "programme").prefetch_related(
        "communes"
    )


def plans_for(request: HttpRequest) -> QuerySet[ActionPlan]:
    base = public_plans() if anonymous(request) else ActionPlan.objects.visible_to(request.user)
    return base.select_related("programme", "commune").prefetch_related("actions")


def actions_for(request: HttpRequest) -> QuerySet[Action]:
    plans = plans_for(request).values("pk")
    return Action.objects.filter(plan__in=plans).select_related("plan")


def get_round(request: HttpRequest, code: str, communes: bool = False) -> Round:
    rounds = rounds_for(request)
    if not communes:  # a national round has 1,661: only the round's own document lists them
        rounds = rounds.prefetch_related(None)
    found = rounds.filter(code=code).first()
    if found is None:
        raise ApiError(404, f"no round {code!r}")
    return found


def get_action(request: HttpRequest, pk: int) -> Action:
    found = actions_for(request).filter(pk=pk).first() if pk <= MAX_ID else None
    if found is None:
        raise ApiError(404, f"no action {pk}")
    return found


def one(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params=JSON)


@endpoint(public=True)
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = rounds_for(request).order_by("-year", "code")
    if programme := request.GET.get("programme"):
        rounds = rounds.filter(programme__code=programme)
    if (year := int_filter(request, "year")) is not None:
        rounds = rounds.filter(year=year)
    if mode := choice_filter(request, "mode", [m.value for m in Round.Mode]):
        rounds = rounds.filter(mode=mode)
    return page(request, rounds, serialise.round_)


@endpoint(public=True)
def round_detail(request: HttpRequest, code: str) -> HttpResponse:
    return one(serialise.round_(get_round(request, code, communes=True)))


RESULT_FILTERS = ("facility", "indicator", "breakdown", "group")


@endpoint(public=True)
def round_results_view(request: HttpRequest, code: str) -> HttpResponse:
    """The CLI's results rows; anonymous callers get small cells suppressed."""

    def build() -> HttpResponse:
        round_ = get_round(request, code)
        choice_filter(request, "breakdown", list(BREAKDOWNS))
        commune = request.GET.get("commune") or None
        rows = round_results(round_, public=anonymous(request), commune=commune)
        for name in RESULT_FILTERS:
            if value := request.GET.get(name):
                rows = [r for r in rows if r[name] == value]
        return page(request, rows)

    return cached_answer(request, build)


def cached_answer(request: HttpRequest, build: Any) -> HttpResponse:
    """The same answer to the same caller's same question until anything is written.

    Every write leaves an audit entry (``portal.stamp``), a change of role or communes
    included, so an answer kept per user (and one for anonymous callers) stays right; the
    token itself is checked on every call, before this.
    """
    who = str(request.user.pk) if request.user.is_authenticated else "anonymous"
    parts = [request.get_full_path(), who, str(stamp())]
    key = "api:answer:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    body = cache.get(key)
    if body is not None:
        return HttpResponse(body, content_type="application/json")
    response = build()
    if response.status_code == 200:
        cache.set(key, response.content, CACHE_SECONDS)
    return response


@endpoint(public=True)
def round_comparison(request: HttpRequest, code: str) -> HttpResponse:
    """Change from a baseline round (``base``, else the previous round of the programme)."""
    round_ = get_round(request, code)
    choice_filter(request, "breakdown", list(BREAKDOWNS))
    base: Round | None
    if base_code := request.GET.get("base"):
        base = get_round(request, base_code)
    else:
        earlier = previous_round(round_)
        base = rounds_for(request).filter(pk=earlier.pk).first() if earlier else None
        if base is None:
            raise ApiError(404, f"round {code!r} has no earlier round to compare with")
    # One commune's cells only when one is asked for; "all" (ALL) is the whole round's
    # rows only, summed over communes in SQL.
    commune = request.GET.get("commune") or None
    rows = compare_rounds(base, round_, public=anonymous(request), commune=commune)
    for name in ("commune", *RESULT_FILTERS):
        if value := request.GET.get(name):
            rows = [r for r in rows if r[name] == value]
    return page(request, rows)


@endpoint(public=True)
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = plans_for(request).order_by("programme__code", "commune_id", "-year", "pk")
    if programme := request.GET.get("programme"):
        plans = plans.filter(programme__code=programme)
    if commune := request.GET.get("commune"):
        plans = plans.filter(commune_id=commune)
    if (year := int_filter(request, "year")) is not None:
        plans = plans.filter(year=year)
    return page(request, plans, serialise.plan)


@endpoint(public=True)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = plans_for(request).filter(pk=pk).first() if pk <= MAX_ID else None
    if found is None:
        raise ApiError(404, f"no plan {pk}")
    return one(serialise.plan(found))


@endpoint(public=True)
def action_list(request: HttpRequest) -> HttpResponse:
    actions = actions_for(request).order_by("plan_id", "section", "number", "pk")
    if (plan := int_filter(request, "plan")) is not None:
        actions = actions.filter(plan_id=plan)
    if commune := request.GET.get("commune"):
        actions = actions.filter(plan__commune_id=commune)
    if status := choice_filter(request, "status", [s.value for s in Status]):
        actions = actions.filter(status=status)
    return page(request, actions, serialise.action)


@endpoint(public=True)
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return one(serialise.action(get_action(request, pk)))


@endpoint(public=True)
def contribution_list(request: HttpRequest) -> HttpResponse:
    rows = Contribution.objects.filter(action__in=actions_for(request).values("pk"))
    rows = rows.order_by("action_id", "date", "pk")
    if (action := int_filter(request, "action")) is not None:
        rows = rows.filter(action_id=action)
    if (plan := int_filter(request, "plan")) is not None:
        rows = rows.filter(action__plan_id=plan)
    if source := choice_filter(request, "source_type", [s.value for s in SourceType]):
        rows = rows.filter(source_type=source)
    return page(request, rows, serialise.contribution)


@endpoint(perm=Perm.VIEW_EVENTS)
def event_list(request: HttpRequest) -> HttpResponse:
    """Events with attendance counts (staff only: the public side shows no events yet)."""
    attendances = Prefetch("attendances", Attendance.objects.select_related("participant"))
    events = Event.objects.visible_to(request.user).select_related("programme")
    events = events.prefetch_related(attendances).order_by("start", "code", "pk")
    if programme := request.GET.get("programme"):
        events = events.filter(programme__code=programme)
    if commune := request.GET.get("commune"):
        events = events.filter(commune_id=commune)
    return page(request, events, serialise.event)


def parse_date(body: dict[str, Any], name: str) -> dt.date:
    raw = body.get(name)
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ApiError(400, f"{name}={raw!r} is not a date (YYYY-MM-DD)") from None


def decimal_field(fields: dict[str, Any], name: str) -> Decimal:
    raw = fields.get(name)
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise ApiError(400, f"{name}={raw!r} is not a number") from None
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise ApiError(400, f"{name}={raw!r} is out of range")
    return value


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.message_dict.items())
    return " ".join(map(str, exc.messages))


@endpoint(methods=("POST",), perm=Perm.EDIT_PLANS, write=True)
def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action(request, pk)
    body = json_body(request)
    status = body.get("status")
    if not isinstance(status, str) or status not in Status.values:
        raise ApiError(400, f"status={status!r} is not one of: {', '.join(Status.values)}")
    percent = body.get("percent")
    if "percent" in body and (type(percent) is not int or not 0 <= percent <= 100):
        raise ApiError(400, f"percent={percent!r} is not a whole number from 0 to 100")
    note = body.get("note", "")
    if not isinstance(note, str):
        raise ApiError(400, "note must be text")
    try:
        change = record_progress(
            request.user, action, status, parse_date(body, "date"), percent=percent, note=note
        )
    except PlanError as exc:
        raise ApiError(400, str(exc)) from None
    except ValidationError as exc:
        raise ApiError(400, validation_message(exc)) from None
    return one(serialise.change(change), status=201)


CONTRIBUTION_FIELDS = {"source_type", "source_name", "amount", "currency", "rate_khr_per_usd"}


@endpoint(methods=("POST",), perm=Perm.EDIT_PLANS, write=True)
def action_contribution(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action(request, pk)
    body = json_body(request)
    unknown = set(body) - CONTRIBUTION_FIELDS - {"date", "in_kind"}
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(sorted(unknown))}")
    fields: dict[str, Any] = {k: body[k] for k in CONTRIBUTION_FIELDS if k in body}
    for name, value in fields.items():
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ApiError(400, f"{name}={value!r} must be text or a number")
        fields[name] = str(value)
    for name in ("amount", "rate_khr_per_usd"):
        fields[name] = decimal_field(fields, name)
    fields["date"] = parse_date(body, "date")
    in_kind = body.get("in_kind", False)
    if not isinstance(in_kind, bool):
        raise ApiError(400, "in_kind must be true or false")
    try:
        made = add_contribution(request.user, action, in_kind=in_kind, **fields)
    except ValidationError as exc:
        raise ApiError(400, validation_message(exc)) from None
    return one(serialise.contribution(made), status=201)


@csrf_exempt
def round_submission(request: HttpRequest, code: str) -> HttpResponse:
    """A Kobo-style submission (one JSON object) into a round; the round's push token is
    the login (``Authorization: Bearer <push token>``), as on the Kobo REST service URL."""
    try:
        if request.method != "POST":
            raise ApiError(405, f"{request.method} is not allowed here", {"Allow": "POST"})
        throttle(request, None)
        key = bearer(request)
        round_ = Round.objects.filter(code=code).first()
        if key is None:
            raise ApiError(401, "this endpoint needs the round's push token as a Bearer token")
        if round_ is None or not token_matches(round_, key):
            raise ApiError(404, f"no round {code!r} with this push token")
        submission = json_body(request)
        try:
            made = receive_kobo_submission(round_, submission)
        except ImportRefused as exc:
            raise ApiError(400, str(exc)) from None
        return one(made.summary(), status=201 if made.accepted else 200)
    except ApiError as exc:
        return error(exc.status, exc.message, exc.headers)


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error(404, f"no API endpoint {request.path}")


@endpoint(perm=Perm.VIEW_LOGFRAME)
def logframe_values(request: HttpRequest, code: str) -> HttpResponse:
    """The results framework's indicator values of a programme (the logframe app's JSON)."""
    from scorecard.logframe.exports import values_json
    from scorecard.programmes.models import Programme

    programme = Programme.objects.visible_to(request.user).filter(code=code).first()
    if programme is None:
        raise ApiError(404, f"no programme {code!r}")
    return one(json.loads(values_json(programme)))
