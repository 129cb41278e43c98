"""Staff pages of paper questionnaires (and provider self-assessments): key, compare, resolve."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scorecard.accounts.access import Perm, can, requires
from scorecard.scorecards.actions import ActionError
from scorecard.scorecards.forms import form_spec
from scorecard.scorecards.models import PaperQuestionnaire, Round
from scorecard.scorecards.paper import differences, enter_paper, resolve_paper
from scorecard.scorecards.paper_forms import PaperForm, field_name
from scorecard.scorecards.views import _round


@requires(Perm.IMPORT_RESPONSES)
def paper_list(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code)
    questionnaires = round_.paper.annotate(n_entries=Count("entries")).order_by("status", "number")
    context = {"round": round_, "questionnaires": questionnaires[:500]}
    return render(request, "scorecards/paper_list.html", context)


@requires(Perm.IMPORT_RESPONSES)
def paper_new(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code)
    spec = form_spec(round_.template_version, round_)
    initial = {k: request.GET[k] for k in ("number", "facility") if k in request.GET}
    form = PaperForm(request.POST or None, round_=round_, spec=spec, initial=initial)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"]
        try:
            questionnaire = enter_paper(request.user, round_, number, form.row())
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _status_message(questionnaire))
            return redirect("paper_detail", code=round_.code, number=questionnaire.number)
    context = {"round": round_, "form": form, "locked": round_.locked}
    return render(request, "scorecards/paper_form.html", context)


def _status_message(q: PaperQuestionnaire) -> str:
    if q.status == PaperQuestionnaire.Status.COUNTED:
        return _("Questionnaire %(n)s is counted.") % {"n": q.number}
    if q.status == PaperQuestionnaire.Status.DIFFERS:
        return _("Questionnaire %(n)s: the two entries differ; resolve them.") % {"n": q.number}
    return _("Questionnaire %(n)s is saved; another clerk keys it again.") % {"n": q.number}


@requires(Perm.IMPORT_RESPONSES)
def paper_detail(request: HttpRequest, code: str, number: str) -> HttpResponse:
    round_ = _round(request, code)
    questionnaire = get_object_or_404(PaperQuestionnaire, round=round_, number=number)
    entries = list(questionnaire.entries.all())
    diffs = differences(entries[0].values, entries[1].values) if len(entries) == 2 else []
    fields = PaperForm(round_=round_, spec=form_spec(round_.template_version, round_)).fields
    labels = {c: fields[field_name(c)].label if field_name(c) in fields else c for c, _, _ in diffs}
    rows = [(c, labels[c], a, b) for c, a, b in diffs]
    context = {
        "round": round_,
        "q": questionnaire,
        "entries": entries,
        "diffs": rows if questionnaire.status == PaperQuestionnaire.Status.DIFFERS else [],
        "mode_self": round_.mode == Round.Mode.SELF_ASSESSMENT,
        "can_resolve": can(request.user, Perm.IMPORT_RESPONSES) and not round_.locked,
    }
    return render(request, "scorecards/paper_detail.html", context)


@require_POST
@requires(Perm.IMPORT_RESPONSES)
def paper_resolve(request: HttpRequest, code: str, number: str) -> HttpResponse:
    round_ = _round(request, code)
    questionnaire = get_object_or_404(PaperQuestionnaire, round=round_, number=number)
    chosen = {k[2:]: request.POST.get(k, "") for k in request.POST if k.startswith("c:")}
    try:
        resolve_paper(request.user, questionnaire, chosen)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Questionnaire %(n)s is counted.") % {"n": number})
    return redirect("paper_detail", code=round_.code, number=number)
