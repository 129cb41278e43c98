"""From results to plan: pick a round's weakest indicators into the plan as actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecard.accounts.access import Perm, requires
from scorecard.plans.actions import add_priorities
from scorecard.plans.priorities import priority_forms, priority_rows, round_choices
from scorecard.plans.views import get_plan


@requires(Perm.EDIT_PLANS)
def plan_priorities(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan(request, pk)
    rounds = round_choices(plan, request.user)
    wanted = request.GET.get("round")
    round_ = next((r for r in rounds if r.code == wanted), None) if wanted else None
    if wanted and round_ is None:
        raise Http404
    round_ = round_ or (rounds[0] if rounds else None)
    data = request.POST or None
    rows = priority_forms(priority_rows(plan, round_), round_, data) if round_ else []
    if request.method == "POST" and round_ is not None:
        valid = all([form.is_valid() for _row, form in rows])  # every form, for its errors
        picks = [
            (row.indicator, {k: v for k, v in form.cleaned_data.items() if k != "pick"})
            for row, form in rows
            if valid and form.cleaned_data["pick"]
        ]
        if valid and not picks:
            messages.error(request, _("Tick at least one indicator."))
        elif valid:
            try:
                made = add_priorities(request.user, plan, round_, picks, date=timezone.localdate())
            except ValidationError as exc:
                messages.error(request, "; ".join(exc.messages))
            else:
                messages.success(request, _("%(n)s actions added to the plan.") % {"n": len(made)})
                return redirect(plan)
    context = {"plan": plan, "rounds": rounds, "round": round_, "rows": rows}
    return render(request, "plans/priorities.html", context)
