"""Staff pages for events: list, detail, typed-in entry and the sign-in sheet upload."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from scorecard.accounts.access import Perm, can, requires
from scorecard.events import tables as t
from scorecard.events.actions import attend, create_event
from scorecard.events.forms import AttendanceForm, EventForm, UploadForm
from scorecard.events.imports import import_sign_in
from scorecard.events.models import (
    NUMBER,
    OUTCOME_LABELS,
    OUTCOMES,
    Attendance,
    Event,
    Outcome,
)
from scorecard.events.outcome_imports import import_outcomes
from scorecard.programmes.models import Programme


def _programme(request: HttpRequest, code: str) -> Programme:
    return get_object_or_404(Programme.objects.visible_to(request.user), code=code)


@requires(Perm.VIEW_EVENTS)
def event_list(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme(request, code)
    events = programme.events.annotate(  # type: ignore[attr-defined]
        n=Count("attendances"),
        female=Count("attendances", filter=Q(attendances__participant__sex="female")),
    ).select_related("commune")
    context = {
        "programme": programme,
        "events": events,
        "can_edit": can(request.user, Perm.EDIT_EVENTS),
    }
    return render(request, "events/list.html", context)


def _outcome_row(event: Event, row: dict[str, Any]) -> dict[str, Any]:
    """An outcome's counts; for a test score, its mean instead of a yes count."""
    label = OUTCOME_LABELS.get(row["code"], row["code"])
    if OUTCOMES.get(row["code"], ("",))[0] != NUMBER:
        return {**row, "label": label, "mean": None}
    values = Outcome.objects.filter(attendance__event=event, code=row["code"])
    scores = [Decimal(v) for v in values.values_list("value", flat=True) if _is_number(v)]
    mean = sum(scores) / len(scores) if scores else None
    return {**row, "label": label, "mean": mean}


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


@requires(Perm.VIEW_EVENTS)
def event_detail(request: HttpRequest, code: str, event: str) -> HttpResponse:
    programme = _programme(request, code)
    item = get_object_or_404(programme.events.select_related("commune", "organiser"), code=event)  # type: ignore[attr-defined]
    attendances = Attendance.objects.filter(event=item).select_related("participant", "commune")
    outcomes = (
        Outcome.objects.filter(attendance__event=item)
        .values("code")
        .annotate(
            n=Count("id"),
            yes=Count("id", filter=Q(value="yes")),
            female_yes=Count("id", filter=Q(value="yes", attendance__participant__sex="female")),
        )
    )
    context = {
        "programme": programme,
        "event": item,
        "n": attendances.count(),
        "female": attendances.filter(participant__sex="female").count(),
        "youth": attendances.filter(youth=True).count(),
        "outcomes": [_outcome_row(item, o) for o in outcomes],
        "attendances": attendances if can(request.user, Perm.VIEW_PARTICIPANTS) else None,
        "form": AttendanceForm() if can(request.user, Perm.EDIT_EVENTS) else None,
    }
    return render(request, "events/detail.html", context)


@requires(Perm.EDIT_EVENTS)
def event_new(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme(request, code)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in EventForm.Meta.fields}
        event = create_event(
            request.user, programme, commune=form.cleaned_data["commune_code"], **data
        )
        messages.success(request, _("Event created."))
        return redirect("event", programme.code, event.code)
    return render(request, "events/form.html", {"form": form, "programme": programme})


@requires(Perm.EDIT_EVENTS)
def event_attend(request: HttpRequest, code: str, event: str) -> HttpResponse:
    programme = _programme(request, code)
    item = get_object_or_404(Event.objects.filter(programme=programme), code=event)
    form = AttendanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        summary = attend(request.user, item, form.cleaned_data)
        if not summary.rejected:
            messages.success(request, _("Attendance recorded."))
            return redirect("event", programme.code, item.code)
        for error in summary.errors:
            form.add_error(None, error.reason)
    return render(
        request, "events/attend.html", {"form": form, "programme": programme, "event": item}
    )


@requires(Perm.EDIT_EVENTS)
def event_import(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme(request, code)
    form = UploadForm(request.POST or None, request.FILES or None)
    summary, problem = None, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        importer = import_sign_in if form.cleaned_data["kind"] == "sign_in" else import_outcomes
        try:
            table = t.read_table(upload, upload.name)
            summary = importer(request.user, programme, table, form.cleaned_data["dry_run"])
        except t.TableError as exc:
            problem = str(exc)
    context = {"form": form, "programme": programme, "summary": summary, "problem": problem}
    return render(request, "events/import.html", context)
