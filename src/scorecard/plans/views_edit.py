"""Change or remove what was recorded: an action's columns, contributions, evidence.

Every change goes through ``actions.py``, which writes the audit log with the values
before and after; changing money or evidence needs a reason. Records are looked up
through ``visible_to``, so a guessed id answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from scorecard.accounts.access import Perm, requires
from scorecard.plans.actions import (
    PlanError,
    delete_contribution,
    delete_evidence,
    update_action,
    update_contribution,
    update_evidence,
)
from scorecard.plans.forms import (
    ActionEditForm,
    ContributionEditForm,
    EvidenceEditForm,
    ReasonForm,
)
from scorecard.plans.models import Action, Contribution, Evidence
from scorecard.plans.views import get_action
from scorecard.public.templatetags.khmer import longdate, money


def _contribution(request: HttpRequest, pk: int) -> Contribution:
    visible = Contribution.objects.visible_to(request.user).select_related("action__plan")
    return get_object_or_404(visible, pk=pk)


def _evidence(request: HttpRequest, pk: int) -> Evidence:
    actions = Action.objects.visible_to(request.user).values("pk")
    visible = Evidence.objects.filter(action__in=actions).select_related("action__plan")
    return get_object_or_404(visible, pk=pk)


def _save(request: HttpRequest, form: object, write: object, done: str) -> bool:
    """Run ``write`` for a valid form; refusals become form errors."""
    if request.method != "POST" or not form.is_valid():  # type: ignore[attr-defined]
        return False
    try:
        write()  # type: ignore[operator]
    except PlanError as exc:
        form.add_error(None, exc.translated())  # type: ignore[attr-defined]
        return False
    except ValidationError as exc:
        form.add_error(None, exc)  # type: ignore[attr-defined]
        return False
    messages.success(request, done)
    return True


@requires(Perm.EDIT_PLANS)
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action(request, pk)
    form = ActionEditForm(request.POST or None, instance=Action.objects.get(pk=action.pk))
    fields = ActionEditForm.Meta.fields

    def write() -> None:
        changes = {f: form.cleaned_data[f] for f in fields}
        update_action(request.user, action, reason=form.cleaned_data["reason"], **changes)

    if _save(request, form, write, _("Action saved.")):
        return redirect(action)
    title = _("Edit action %(number)s") % {"number": action.number}
    return render(request, "plans/form.html", {"form": form, "title": title, "plan": action.plan})


@requires(Perm.EDIT_PLANS)
def contribution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = _contribution(request, pk)
    stored = Contribution.objects.get(pk=contribution.pk)
    form = ContributionEditForm(request.POST or None, instance=stored)
    fields = ContributionEditForm.Meta.fields

    def write() -> None:
        changes = {f: form.cleaned_data[f] for f in fields}
        update_contribution(request.user, contribution, form.cleaned_data["reason"], **changes)

    if _save(request, form, write, _("Contribution saved.")):
        return redirect(contribution.action)
    context = {"form": form, "title": _("Edit a contribution"), "plan": contribution.action.plan}
    return render(request, "plans/form.html", context)


@requires(Perm.EDIT_PLANS)
def contribution_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = _contribution(request, pk)
    form = ReasonForm(request.POST or None)

    def write() -> None:
        delete_contribution(request.user, contribution, form.cleaned_data["reason"])

    if _save(request, form, write, _("Contribution deleted.")):
        return redirect(contribution.action)
    what = " · ".join(
        part
        for part in (
            money(contribution.amount, contribution.currency),
            contribution.get_source_type_display(),
            contribution.source_name,
            longdate(contribution.date),
        )
        if part
    )
    context = {"form": form, "what": what, "action": contribution.action}
    return render(request, "plans/delete.html", context)


@requires(Perm.EDIT_PLANS)
def evidence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _evidence(request, pk)
    form = EvidenceEditForm(request.POST or None, initial={"caption": evidence.caption})

    def write() -> None:
        data = form.cleaned_data
        update_evidence(request.user, evidence, data["reason"], caption=data["caption"])

    if _save(request, form, write, _("Evidence saved.")):
        return redirect(evidence.action)
    context = {"form": form, "title": evidence.original_name, "plan": evidence.action.plan}
    return render(request, "plans/form.html", context)


@requires(Perm.EDIT_PLANS)
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _evidence(request, pk)
    form = ReasonForm(request.POST or None)

    def write() -> None:
        delete_evidence(request.user, evidence, form.cleaned_data["reason"])

    if _save(request, form, write, _("Evidence removed.")):
        return redirect(evidence.action)
    context = {"form": form, "what": evidence.original_name, "action": evidence.action}
    return render(request, "plans/delete.html", context)
