"""Plan pages that answer with files: evidence, exports, the printable JAAP, bulk uploads."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scorecard.accounts.access import Perm, requires
from scorecard.plans.actions import PlanError, add_evidence
from scorecard.plans.exports import effects_csv, effects_xlsx, to_csv, to_xlsx
from scorecard.plans.forms import ImportForm
from scorecard.plans.imports import FileRefused, import_contributions, import_plans
from scorecard.plans.jaap import render_html, render_pdf
from scorecard.plans.models import Evidence
from scorecard.plans.views import get_action, get_plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 20 * 1024 * 1024


def _language(request: HttpRequest) -> str:
    return "en" if request.GET.get("lang") == "en" else "km"


@requires(Perm.VIEW_PLANS)
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Evidence.objects.filter(action__in=get_action_ids(request))
    evidence = get_object_or_404(visible, pk=pk)
    response = FileResponse(
        default_storage.open(evidence.stored_name, "rb"),
        content_type=evidence.content_type,
        as_attachment=evidence.kind == Evidence.Kind.DOCUMENT,
        filename=evidence.original_name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response  # type: ignore[return-value]  # streamed, which `requires` also passes


def get_action_ids(request: HttpRequest) -> object:
    from scorecard.plans.models import Action

    return Action.objects.visible_to(request.user).values("pk")


@require_POST
@requires(Perm.EDIT_PLANS)
def action_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
    else:
        try:
            add_evidence(request.user, action, upload, caption=request.POST.get("caption", ""))
        except PlanError as exc:
            messages.error(request, _("Not added: %(reason)s") % {"reason": exc.translated()})
        else:
            messages.success(request, _("Evidence added."))
    return redirect(action)


@requires(Perm.VIEW_PLANS)
def plan_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    plan = get_plan(request, pk)
    data, content_type = (
        (to_xlsx(plan), XLSX) if fmt == "xlsx" else (to_csv(plan), "text/csv; charset=utf-8")
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{plan.code}.{fmt}"'
    return response


@requires(Perm.VIEW_PLANS)
def plan_effects_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Did it work? for every implemented action of the plan, as CSV or XLSX."""
    plan = get_plan(request, pk)
    data, content_type = (
        (effects_xlsx(plan), XLSX)
        if fmt == "xlsx"
        else (effects_csv(plan), "text/csv; charset=utf-8")
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{plan.code}-effects.{fmt}"'
    return response


@requires(Perm.VIEW_PLANS)
def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan(request, pk)
    return HttpResponse(render_html(plan, _language(request)))


@requires(Perm.VIEW_PLANS)
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan(request, pk)
    language = _language(request)
    response = HttpResponse(render_pdf(plan, language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="jaap-{plan.code}-{language}.pdf"'
    return response


@requires(Perm.IMPORT_PLANS)
def plan_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    result = refused = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = import_plans if form.cleaned_data["kind"] == "plans" else import_contributions
        try:
            if upload.size > MAX_UPLOAD:
                raise FileRefused("larger than 20 MB; split the file")
            source = (upload.read(), upload.name)
            result = run(request.user, form.cleaned_data["programme"], source,
                         dry_run=form.cleaned_data["dry_run"])  # fmt: skip
        except FileRefused as exc:
            refused = str(exc)
    return render(
        request, "plans/import.html", {"form": form, "result": result, "refused": refused}
    )
