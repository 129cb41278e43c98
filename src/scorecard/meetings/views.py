"""Meeting pages: the list (open a meeting), the offline app, its data and sync API,
the review page and the interface meeting."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from scorecard.accounts.access import Perm, check, requires
from scorecard.meetings import actions
from scorecard.meetings.bundle import bundle_of, bundle_scale
from scorecard.meetings.labels import labels
from scorecard.meetings.models import Meeting
from scorecard.meetings.results import attendance, meeting_results, missing_votes
from scorecard.meetings.sync import SyncRefused, apply_batch, live_participants, server_records
from scorecard.places.models import Facility
from scorecard.scorecards.actions import ActionError
from scorecard.scorecards.models import Round

STATIC = Path(__file__).parent / "static" / "meetings"


def _meeting(request: HttpRequest, uuid: Any) -> Meeting:
    found = Meeting.objects.visible_to(request.user).select_related("round", "facility")
    return get_object_or_404(found, uuid=uuid)


class OpenForm(forms.Form):
    round = forms.ModelChoiceField(
        label=gettext_lazy("Round"), queryset=Round.objects.none(), to_field_name="code"
    )
    facility = forms.ModelChoiceField(
        label=gettext_lazy("Facility"), queryset=Facility.objects.none(), to_field_name="code"
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rounds = Round.objects.visible_to(user).filter(mode__in=actions.MEETING_MODES, locked=False)
        self.fields["round"].queryset = rounds  # type: ignore[attr-defined]
        self.fields["facility"].queryset = Facility.objects.filter(  # type: ignore[attr-defined]
            commune__in=Round.communes.through.objects.filter(round__in=rounds).values("commune")
        ).order_by("code")


@requires(Perm.RUN_MEETINGS)
def meeting_list(request: HttpRequest) -> HttpResponse:
    form = OpenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting, _created = actions.open_meeting(
                request.user, form.cleaned_data["round"], form.cleaned_data["facility"]
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("meeting_run", meeting.uuid)
    meetings = Meeting.objects.visible_to(request.user).select_related("round", "facility")
    return render(request, "meetings/list.html", {"form": form, "meetings": meetings})


@requires(Perm.RUN_MEETINGS)
def meeting_run(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The app shell: the service worker keeps it, so it opens with no network."""
    meeting = _meeting(request, uuid)
    return render(request, "meetings/run.html", {"meeting": meeting, "labels": labels()})


@never_cache
@requires(Perm.RUN_MEETINGS)
def meeting_bundle(request: HttpRequest, uuid: Any) -> JsonResponse:
    """Everything the meeting needs on the device: indicators, pictures, villages, records."""
    meeting = _meeting(request, uuid)
    return JsonResponse(bundle_of(meeting, server_records(meeting)))


@never_cache
@requires(Perm.RUN_MEETINGS)
def meeting_sync(request: HttpRequest, uuid: Any) -> JsonResponse:
    """GET: a fresh CSRF token and the server's records; POST: apply a batch of records."""
    meeting = _meeting(request, uuid)
    if request.method != "POST":
        return JsonResponse({"csrf": get_token(request), "status": meeting.status})
    try:
        payload = json.loads(request.body)
        records = payload["records"]
        if not isinstance(records, list):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": 'expected {"records": [...]}'}, status=400)
    try:
        answer = apply_batch(request.user, meeting, records)
    except SyncRefused as exc:
        return JsonResponse({"error": str(exc), "status": meeting.status}, status=409)
    return JsonResponse({**answer, "status": meeting.status})


@requires(Perm.RUN_MEETINGS)
def meeting_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    meeting = _meeting(request, uuid)
    context = {
        "meeting": meeting,
        "results": meeting_results(meeting),
        "totals": attendance(meeting),
        "missing": missing_votes(meeting),
        "conflicts": meeting.conflicts.all()[:50],
        "can_review": _can_review(request),
    }
    return render(request, "meetings/detail.html", context)


def _can_review(request: HttpRequest) -> bool:
    from scorecard.accounts.access import can

    return can(request.user, Perm.EDIT_ROUNDS)


@require_POST
@requires(Perm.RUN_MEETINGS)
def meeting_review(request: HttpRequest, uuid: Any) -> HttpResponse:
    """submit (facilitator); changes, complete, reopen (M&E officer); carry (to the plan)."""
    meeting = _meeting(request, uuid)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "")
    if action != "submit":
        check(request, Perm.EDIT_ROUNDS, meeting.round)
    try:
        if action == "submit":
            actions.submit_meeting(request.user, meeting)
        elif action == "changes":
            actions.request_changes(request.user, meeting, note)
        elif action == "complete":
            actions.complete_meeting(request.user, meeting)
        elif action == "reopen":
            actions.reopen_meeting(request.user, meeting, note)
        elif action == "carry":
            made = actions.carry_actions(request.user, meeting, request.POST.get("section", "B"))
            messages.success(
                request, _("%(n)d actions added to the action plan.") % {"n": len(made)}
            )
            return redirect(meeting)
        else:
            raise Http404
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Meeting updated."))
    return redirect(meeting)


@requires(Perm.RUN_MEETINGS)
def meeting_interface(request: HttpRequest, uuid: Any) -> HttpResponse:
    """Citizens' and providers' results side by side, attendance by group and role."""
    meeting = _meeting(request, uuid)
    others = (
        Meeting.objects.visible_to(request.user)
        .filter(facility=meeting.facility, round__year=meeting.round.year)
        .select_related("round")
    )
    by_mode = {m.round.mode: m for m in others}
    citizens = by_mode.get(Round.Mode.COMMUNITY)
    providers = by_mode.get(Round.Mode.SELF_ASSESSMENT)
    rows: dict[str, dict[str, Any]] = {}
    for side, found in (("citizens", citizens), ("providers", providers)):
        for res in meeting_results(found) if found else []:
            key = res.proposal.indicator.code if res.proposal.indicator else res.proposal.text
            rows.setdefault(key, {"label": res.proposal.label})[side] = res
    context = {
        "meeting": meeting,
        "citizens": citizens,
        "providers": providers,
        "rows": list(rows.values()),
        "attendance_rows": _attendance_rows(citizens, providers),
    }
    return render(request, "meetings/interface.html", context)


def _attendance_rows(*meetings: Meeting | None) -> list[tuple[Any, ...]]:
    totals = [attendance(m) if m else {} for m in meetings]
    keys = [
        ("all", _("Participants")),
        ("female", _("women")),
        ("youth", _("youth")),
        ("disability", _("with a disability")),
        ("minority", _("ethnic minority")),
        ("idpoor", _("IDPoor")),
        ("role_citizen", _("citizens")),
        ("role_provider", _("service providers")),
        ("role_official", _("commune council")),
    ]
    return [(label, *(t.get(key) for t in totals)) for key, label in keys]


def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from /meetings/ so that its scope covers the meeting pages."""
    response = HttpResponse(
        (STATIC / "sw.js").read_text(), content_type="text/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request: HttpRequest) -> HttpResponse:
    from django.templatetags.static import static

    data = {
        "name": _("Community scorecard meeting"),
        "short_name": _("Scorecard meeting"),
        "start_url": "/meetings/",
        "scope": "/meetings/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f5f8b",
        "lang": "km",
        "icons": [
            {"src": static("scorecard/faces/5.svg"), "sizes": "any", "type": "image/svg+xml"}
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )


@requires(Perm.RUN_MEETINGS)
def meeting_media(request: HttpRequest, uuid: Any, pk: int, what: str) -> HttpResponse:
    """An indicator's picture or audio, for a meeting the user may open."""
    import mimetypes

    meeting = _meeting(request, uuid)
    indicator = get_object_or_404(meeting.round.template_version.indicators, pk=pk)
    if what == "picture":
        file = indicator.picture
    elif what == "audio":
        file = indicator.audio_km or indicator.audio_en
    else:
        raise Http404
    if not file:
        raise Http404
    with file.open("rb") as handle:  # pictures and clips are small: read whole
        data = handle.read()
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return HttpResponse(data, content_type=kind)


@requires(Perm.RUN_MEETINGS)
def meeting_qr(request: HttpRequest, uuid: Any) -> HttpResponse:
    """The facilitator's screen: a QR code per voter, and how far each has voted."""
    from scorecard.meetings import online

    meeting = _meeting(request, uuid)
    selected = meeting_results(meeting)
    voters = []
    for participant in (p for p in live_participants(meeting) if p.may_vote):
        link = request.build_absolute_uri(
            reverse("meeting_vote", args=[online.vote_token(meeting, participant)])
        )
        done = sum(1 for _p, v in online.ballot(meeting, participant) if v is not None)
        voters.append((participant, online.qr_svg(link), link, done))
    context = {"meeting": meeting, "voters": voters, "n_selected": len(selected)}
    return render(request, "meetings/qr.html", context)


def meeting_vote(request: HttpRequest, token: str) -> HttpResponse:
    """A participant's own phone: no login, the signed link says who they are."""
    from scorecard.meetings import online

    found = online.read_token(token)
    if found is None:
        raise Http404
    meeting, participant = found
    if request.method == "POST":
        values = {}
        for key in request.POST:
            value = request.POST.get(key, "")
            if key.startswith("p") and key[1:].isdigit() and value.isdigit():
                values[int(key[1:])] = int(value)
        try:
            stored = online.cast_online(f"phone #{participant.number}", participant, values)
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(n)d votes stored. Thank you.") % {"n": stored})
        return redirect("meeting_vote", token)
    ballot = online.ballot(meeting, participant)
    context = {
        "meeting": meeting,
        "participant": participant,
        "ballot": ballot,
        "pending": any(value is None for _p, value in ballot),
        "scale": bundle_scale(meeting),
        "open": meeting.accepts_sync and participant.may_vote,
    }
    return render(request, "meetings/vote.html", context)
