"""Staff pages that change a round: create it, move its status, publish it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from scorecard.accounts.access import Perm, profile_of, requires
from scorecard.programmes.models import Programme
from scorecard.scorecards.actions import (
    ActionError,
    advance_round,
    create_round,
    publish_round,
    unlock_round,
)
from scorecard.scorecards.models import Round, Template
from scorecard.scorecards.paper import set_double_entry
from scorecard.scorecards.push import issue_push_token
from scorecard.scorecards.views import _round


class RoundForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=40)
    template = forms.ModelChoiceField(
        label=gettext_lazy("Template"), queryset=Template.objects.all(), to_field_name="code"
    )
    mode = forms.ChoiceField(label=gettext_lazy("Mode"), choices=Round.Mode.choices)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300, required=False)
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"),
        queryset=Programme.objects.none(),
        to_field_name="code",
        required=False,
    )
    communes = forms.CharField(
        label=gettext_lazy("Communes"),
        required=False,
        help_text=gettext_lazy("6-digit commune codes, separated by commas or spaces."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Programme.objects.visible_to(user)


@requires(Perm.EDIT_ROUNDS)
def round_create(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile = profile_of(request.user)
        try:
            created = create_round(
                request.user,
                data["code"],
                template=data["template"].code,
                mode=data["mode"],
                year=data["year"],
                title=data["title"],
                programme=data["programme"].code if data["programme"] else "",
                communes=data["communes"].replace(",", " ").split(),
                organisation=profile.organisation if profile else None,
            )
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Round created."))
            return redirect(created)
    return render(request, "scorecards/round_new.html", {"form": form})


@require_POST
@requires(Perm.EDIT_ROUNDS)
def round_status(request: HttpRequest, code: str) -> HttpResponse:
    """advance (planned > collecting > in review > completed), unlock (with a reason), publish."""
    round_ = _round(request, code)
    action = request.POST.get("action", "")
    try:
        if action == "advance":
            advance_round(request.user, round_)
        elif action == "unlock":
            unlock_round(request.user, round_, request.POST.get("reason", ""))
        elif action == "publish":
            publish_round(request.user, round_)
        elif action == "double_entry":
            set_double_entry(request.user, round_, not round_.double_entry)
        elif action == "push_token":
            issue_push_token(request.user, round_)
        else:
            raise ActionError(_("Unknown action."))
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Round updated."))
    return redirect(round_)
