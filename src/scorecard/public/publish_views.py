"""Staff pages for the publish switch of a round or an action plan (stop / from today / all).

Admins and M&E officers of the record's organisation choose a mode and confirm it; the
switch itself is ``scorecard.public.publishing``, one audited write.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scorecard.accounts.access import Perm, requires
from scorecard.plans.views import get_plan
from scorecard.public.publishing import switch_plan, switch_round
from scorecard.scorecards.views import _round


class PublishForm(forms.Form):
    mode = forms.ChoiceField(
        label=gettext_lazy("Who can see it on the public portal"),
        widget=forms.RadioSelect,
        choices=[
            ("stop", gettext_lazy("Nobody: stop publishing")),
            ("today", gettext_lazy("Everyone, from today on")),
            ("all", gettext_lazy("Everyone, with no start date")),
        ],
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm: this changes what citizens see, and is logged."),
    )


def _switch_page(request: HttpRequest, obj: Any, switch: Any, title: str) -> HttpResponse:
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        switch(request.user, obj, form.cleaned_data["mode"])
        messages.success(request, _("The publish switch is set."))
        return redirect(obj)
    context = {"form": form, "object": obj, "title": title, "back": obj.get_absolute_url()}
    return render(request, "public/publish.html", context)


@requires(Perm.EDIT_ROUNDS)
def publish_round(request: HttpRequest, code: str) -> HttpResponse:
    """A round of another organisation answers 404, as on its own page."""
    round_ = _round(request, code)
    return _switch_page(request, round_, switch_round, _("Publish round %s") % round_.code)


@requires(Perm.EDIT_ROUNDS)
def publish_plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan(request, pk)
    return _switch_page(request, plan, switch_plan, _("Publish plan %s") % plan.title)
