"""Staff pages of action plans: list, plan, action, and the forms that change them.

Plans and actions are always looked up through ``visible_to``: a guessed id of a plan in
another organisation's programme, or (for a commune official) in another commune,
answers 404.
"""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scorecard.accounts.access import Perm, can, requires
from scorecard.plans.actions import (
    PlanError,
    add_contribution,
    add_evidence,
    create_action,
    create_plan,
    record_progress,
)
from scorecard.plans.effect import action_effect, plan_effects, tally
from scorecard.plans.forms import ActionForm, ContributionForm, PlanForm, ProgressForm
from scorecard.plans.models import Action, ActionPlan, Contribution, SourceType
from scorecard.programmes.models import Programme


def get_plan(request: HttpRequest, pk: int) -> ActionPlan:
    visible = ActionPlan.objects.visible_to(request.user).select_related(
        "programme", "commune__district__province"
    )
    return get_object_or_404(visible, pk=pk)


def get_action(request: HttpRequest, pk: int) -> Action:
    visible = Action.objects.visible_to(request.user).select_related(
        "plan__programme", "plan__commune__district__province"
    )
    return get_object_or_404(visible, pk=pk)


def sections(plan: ActionPlan) -> dict[str, object]:
    """Section A in number order; section B grouped by provider."""
    actions = list(plan.actions.order_by("section", "number"))
    b = sorted((a for a in actions if a.section == "B"), key=lambda a: (a.group, a.number))
    return {
        "a": [a for a in actions if a.section == "A"],
        "b_groups": [(g, list(items)) for g, items in groupby(b, key=lambda a: a.group)],
        "count": len(actions),
    }


def funding(rows: object) -> list[tuple[object, object]]:
    by_type = rows.by_source_type()  # type: ignore[attr-defined]
    labels = dict(SourceType.choices)
    return [(labels[code], by_type[code]) for code in SourceType.values if code in by_type]


@requires(Perm.VIEW_PLANS)
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = ActionPlan.objects.visible_to(request.user).select_related("programme", "commune")
    programme = None
    if request.GET.get("programme"):
        visible = Programme.objects.visible_to(request.user)
        programme = get_object_or_404(visible, code=request.GET["programme"])
        plans = plans.filter(programme=programme)
    if request.GET.get("commune"):
        plans = plans.filter(commune=request.GET["commune"])
    today = timezone.localdate()
    plans = plans.annotate(
        n_actions=Count("actions", distinct=True),
        n_done=Count("actions", filter=Q(actions__status="implemented"), distinct=True),
        n_overdue=Count(
            "actions",
            filter=Q(actions__end__lt=today) & ~Q(actions__status__in=["implemented", "dropped"]),
            distinct=True,
        ),
    )
    totals = Contribution.objects.filter(action__plan__in=plans).by_plan()
    context = {
        "rows": [(p, totals.get(p.pk)) for p in plans],
        "programme": programme,
        "can_create": can(request.user, Perm.EDIT_PLANS),
        "can_import": can(request.user, Perm.IMPORT_PLANS),
    }
    return render(request, "plans/list.html", context)


@requires(Perm.EDIT_PLANS)
def plan_new(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = create_plan(
                request.user, data["programme"], data["commune"], data["year"],
                title_en=data["title_en"], title_km=data["title_km"],
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Action plan created."))
            return redirect(plan)
    return render(request, "plans/form.html", {"form": form, "title": _("New action plan")})


@requires(Perm.VIEW_PLANS)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan(request, pk)
    rows = Contribution.objects.filter(action__plan=plan)
    effects = plan_effects(plan)
    context = {
        "plan": plan,
        **sections(plan),
        "funding": funding(rows),
        "total": rows.totals(),
        "effects": effects,
        "tally": tally(effects),
        "can_edit": can(request.user, Perm.EDIT_PLANS),
        "today": timezone.localdate(),
    }
    return render(request, "plans/plan.html", context)


@requires(Perm.EDIT_PLANS)
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan(request, pk)
    initial = {
        "number": (plan.actions.order_by("-number").values_list("number", flat=True).first() or 0)
        + 1
    }
    form = ActionForm(request.POST or None, initial=initial, instance=Action(plan=plan))
    if request.method == "POST" and form.is_valid():
        fields = {f: form.cleaned_data[f] for f in ActionForm.Meta.fields}
        try:
            action = create_action(request.user, plan, date=timezone.localdate(), **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Action added."))
            return redirect(action)
    title = _("New action in %(plan)s") % {"plan": plan.title}
    return render(request, "plans/form.html", {"form": form, "title": title, "plan": plan})


@requires(Perm.VIEW_PLANS)
def action_detail(
    request: HttpRequest, pk: int, forms: dict[str, object] | None = None
) -> HttpResponse:
    action = get_action(request, pk)
    rows = action.contributions.all()
    context = {
        "action": action,
        "plan": action.plan,
        "changes": action.changes.prefetch_related("evidence"),
        "evidence": action.evidence.all(),
        "contributions": rows,
        "total": rows.totals(),
        "overdue": action.is_overdue(),
        "effect": action_effect(action),
        "can_edit": can(request.user, Perm.EDIT_PLANS),
        "progress_form": ProgressForm(
            initial={
                "status": action.status,
                "date": timezone.localdate(),
                "percent": action.progress,
            }
        ),
        "contribution_form": ContributionForm(initial={"date": timezone.localdate()}),
        **(forms or {}),
    }
    return render(request, "plans/action.html", context, status=400 if forms else 200)


@require_POST
@requires(Perm.EDIT_PLANS)
def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action(request, pk)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            change = record_progress(
                request.user, action, data["status"], data["date"],
                percent=data["percent"], note=data["note"],
            )  # fmt: skip
            if data["photo"]:
                add_evidence(request.user, change.action, data["photo"], change=change)
        except PlanError as exc:
            form.add_error(None, _("Not recorded: %(reason)s") % {"reason": exc.translated()})
        else:
            messages.success(request, _("Progress recorded."))
            return redirect(action)
    return action_detail(request, pk, forms={"progress_form": form})


@require_POST
@requires(Perm.EDIT_PLANS)
def action_contribution(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action(request, pk)
    form = ContributionForm(request.POST)
    if form.is_valid():
        fields = {f: form.cleaned_data[f] for f in ContributionForm.Meta.fields}
        try:
            add_contribution(request.user, action, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Contribution recorded."))
            return redirect(action)
    return action_detail(request, pk, forms={"contribution_form": form})
