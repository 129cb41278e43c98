"""Staff pages of rounds: list, detail, XLSForm download, upload, conflict review."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from scorecard.accounts.access import Perm, can, requires
from scorecard.scorecards.actions import ActionError
from scorecard.scorecards.conflicts import resolve_conflict
from scorecard.scorecards.exports.read import ODK_SYSTEM
from scorecard.scorecards.forms import round_xlsform
from scorecard.scorecards.importing import ImportRefused
from scorecard.scorecards.models import Conflict, Import, ImportJob, PaperQuestionnaire, Round
from scorecard.scorecards.push import receive_kobo_submission, token_matches
from scorecard.scorecards.tasks import queue_upload


def collection_context(round_: Round) -> dict[str, object]:
    """Paper questionnaires waiting, import jobs not finished, the last ODK Central source."""
    from scorecard.scorecards.collect_views import CentralForm

    central = round_.central_sources.order_by("-last_pull", "-id").first()
    initial = None
    if central is not None:
        initial = {"server": central.server, "project": central.project, "form_id": central.form_id}
    return {
        "n_paper_open": round_.paper.exclude(status=PaperQuestionnaire.Status.COUNTED).count(),
        "jobs": round_.jobs.filter(status__in=["queued", "running"])[:10],
        "central": central,
        "central_form": CentralForm(initial=initial),
    }


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Export file"),
        help_text=gettext_lazy(
            "A KoboToolbox export (CSV or XLSX, XML values and headers) or an ODK Central export (CSV or .csv.zip) of this round's form."
        ),
    )


def _round(request: HttpRequest, code: str) -> Round:
    """A round the user may see; a guessed code of another organisation's round is a 404."""
    visible = Round.objects.visible_to(request.user).select_related(
        "template_version__template", "programme", "organisation"
    )
    return get_object_or_404(visible, code=code)


def differences(stored: dict[str, str], incoming: dict[str, str]) -> list[tuple[str, str, str]]:
    """(question, stored answer, incoming answer) where they differ; system columns aside."""
    names = [k for k in incoming if k not in ODK_SYSTEM and not k.startswith(("_", "meta/"))]
    return [(k, stored.get(k, ""), incoming[k]) for k in names if stored.get(k, "") != incoming[k]]


@csrf_exempt
@require_POST
def kobo_push(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """A Kobo REST service posts one submission (JSON); the token in the URL is the login."""
    round_ = Round.objects.filter(code=code).first()
    if round_ is None or not token_matches(round_, token):
        return JsonResponse({"error": "not found"}, status=404)
    try:
        submission = json.loads(request.body)
        if not isinstance(submission, dict):
            raise ValueError("not an object")
    except ValueError:
        return JsonResponse({"error": "the body is not a JSON object"}, status=400)
    try:
        record = receive_kobo_submission(round_, submission)
    except ImportRefused as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(record.summary(), status=201 if record.accepted else 200)


@requires(Perm.VIEW_ROUNDS)
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = (
        Round.objects.visible_to(request.user)
        .select_related("template_version__template", "programme")
        .annotate(n_responses=Count("responses", distinct=True))
    )
    can_edit = can(request.user, Perm.EDIT_ROUNDS)
    return render(request, "scorecards/round_list.html", {"rounds": rounds, "can_edit": can_edit})


@requires(Perm.VIEW_ROUNDS)
def round_detail(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code)
    context = {
        "round": round_,
        "communes": round_.communes.select_related("district__province"),
        "imports": round_.imports.all()[:20],
        "n_responses": round_.responses.count(),
        "n_open": round_.conflicts.filter(status=Conflict.Status.OPEN).count(),
        "can_import": can(request.user, Perm.IMPORT_RESPONSES) and not round_.locked,
        "can_review": can(request.user, Perm.REVIEW_CONFLICTS),
        "can_edit": can(request.user, Perm.EDIT_ROUNDS),
    }
    context.update(collection_context(round_))
    return render(request, "scorecards/round_detail.html", context)


@requires(Perm.VIEW_ROUNDS)
def round_form(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code)
    response = HttpResponse(round_xlsform(round_), content_type=XLSX)
    name = f"{round_.code}-{round_.template_version.form_version}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(Perm.IMPORT_RESPONSES)
def round_import(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:  # the task worker runs the import; the job page follows it
            job = queue_upload(request.user, round_, form.cleaned_data["file"])
        except ImportRefused as exc:
            form.add_error("file", _("Nothing was imported: %(reason)s") % {"reason": exc})
        else:
            job.refresh_from_db()  # a worker that runs at once (or a quick one) is done already
            if job.status == ImportJob.Status.DONE and job.result_id:
                return redirect("round_import_detail", code=round_.code, pk=job.result_id)
            if job.status != ImportJob.Status.FAILED:
                return redirect("round_job", code=round_.code, pk=job.pk)
            form.add_error("file", _("Nothing was imported: %(reason)s") % {"reason": job.error})
    return render(request, "scorecards/import.html", {"round": round_, "form": form})


@requires(Perm.VIEW_ROUNDS)
def import_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    round_ = _round(request, code)
    record = get_object_or_404(Import, round=round_, pk=pk)
    return render(request, "scorecards/import_detail.html", {"round": round_, "record": record})


@requires(Perm.IMPORT_RESPONSES)
def import_rejects(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    round_ = _round(request, code)
    record = get_object_or_404(Import, round=round_, pk=pk)
    response = HttpResponse(record.rejects, content_type="text/csv; charset=utf-8")
    name = f"{round_.code}-import-{record.pk}-rejects.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(Perm.REVIEW_CONFLICTS)
def conflict_list(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code)
    conflicts = round_.conflicts.filter(status=Conflict.Status.OPEN).select_related("stored")
    rows = [(c, differences(c.stored.raw_row(), c.incoming)) for c in conflicts[:100]]
    done = round_.conflicts.filter(~Q(status=Conflict.Status.OPEN)).count()
    return render(
        request, "scorecards/conflicts.html", {"round": round_, "rows": rows, "done": done}
    )


@require_POST
@requires(Perm.REVIEW_CONFLICTS)
def conflict_resolve(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    round_ = _round(request, code)
    conflict = get_object_or_404(Conflict, round=round_, pk=pk)
    try:
        resolve_conflict(request.user, conflict, request.POST.get("keep", ""))
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Conflict resolved: one version kept."))
    return redirect("round_conflicts", code=round_.code)
