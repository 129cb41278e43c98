"""Staff pages of collection: import jobs, ODK Central pulls and the enumerator registry."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from scorecard.accounts.access import Perm, profile_of, requires
from scorecard.scorecards.central import central_source
from scorecard.scorecards.importing import ImportRefused
from scorecard.scorecards.models import Enumerator, ImportJob
from scorecard.scorecards.tasks import queue_pull
from scorecard.scorecards.views import _round


class CentralForm(forms.Form):
    server = forms.URLField(
        label=gettext_lazy("ODK Central server"), max_length=300, assume_scheme="https"
    )
    project = forms.IntegerField(label=gettext_lazy("Project id"), min_value=1)
    form_id = forms.CharField(label=gettext_lazy("Form id"), max_length=200)


@requires(Perm.VIEW_ROUNDS)
def job_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Queued, running, done (with the import's summary) or failed (with the reason)."""
    round_ = _round(request, code)
    job = get_object_or_404(ImportJob.objects.select_related("result"), round=round_, pk=pk)
    context = {"round": round_, "job": job, "record": job.result}
    return render(request, "scorecards/job.html", context)


@require_POST
@requires(Perm.IMPORT_RESPONSES)
def central_pull(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code)
    form = CentralForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the server address, the project id and the form id."))
        return redirect(round_)
    data = form.cleaned_data
    source = central_source(round_, data["server"], data["project"], data["form_id"])
    try:
        job = queue_pull(request.user, source)
    except ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect(round_)
    return redirect("round_job", code=round_.code, pk=job.pk)


@requires(Perm.IMPORT_RESPONSES)
def enumerator_list(request: HttpRequest) -> HttpResponse:
    """The registry of the user's organisation, with trainings attended and responses."""
    from scorecard.events.models import Attendance, Event, EventType

    profile = profile_of(request.user)
    registry = Enumerator.objects.select_related("organisation")
    if not request.user.is_superuser:
        registry = registry.filter(organisation=profile.organisation_id if profile else None)
    registry = registry.annotate(n_responses=Count("responses"))[:500]
    codes = [e.code for e in registry]
    # trainings are matched by id, as the events demo shares ENUM-01.. with the registry
    trainings: dict[str, list[str]] = {}
    attended = Attendance.objects.filter(
        participant__code__in=codes,
        event__type=EventType.TRAINING,
        event__in=Event.objects.visible_to(request.user),
    ).select_related("participant", "event")
    for a in attended.order_by("event__start"):
        trainings.setdefault(a.participant.code, []).append(a.event.title or a.event.code)
    rows = [(e, trainings.get(e.code, [])) for e in registry]
    return render(request, "scorecards/enumerators.html", {"rows": rows})
