"""Staff pages of needs and claims: a round's themes with their quotes, and the theme list.

Viewing needs ``VIEW_ROUNDS`` on a visible round; quotes not yet approved are shown only
with ``VIEW_QUOTES`` (the organisation's staff, not commune officials or donors); every change (classify, move, approve, create/rename/merge themes) needs ``EDIT_ROUNDS``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scorecard.accounts.access import Perm, can, requires
from scorecard.needs import actions
from scorecard.needs.forms import MergeForm, QuoteForm, ThemeForm
from scorecard.needs.models import Quote, Theme
from scorecard.needs.suggest import round_suggestions
from scorecard.needs.summary import SEXES, YOUTH, theme_counts
from scorecard.places.models import FacilityType
from scorecard.scorecards.views import _round


def _facility(request: HttpRequest, codes: list[str]) -> str:
    wanted = request.GET.get("facility", "")
    return wanted if wanted in codes else (codes[0] if codes else "")


@requires(Perm.VIEW_ROUNDS)
def round_needs(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code)
    types = list(
        {
            i.facility_type.code: i.facility_type
            for i in round_.template_version.ordered_indicators()
        }.values()
    )
    facility = _facility(request, [t.code for t in types])
    communes = sorted(round_.communes.values_list("code", flat=True))
    commune = request.GET.get("commune", "all")
    commune = commune if commune in communes else "all"
    limit = 10_000 if request.GET.get("all") else 10  # quotes listed per theme
    all_quotes = can(request.user, Perm.VIEW_QUOTES)  # officials and donors: approved only
    total, rows = theme_counts(
        round_, facility, commune, approved_only=not all_quotes, quotes_per_theme=limit
    )
    themes = list(Theme.objects.for_type(facility))
    context = {
        "round": round_,
        "types": types,
        "facility": facility,
        "communes": communes,
        "commune": commune,
        "total": total,
        "rows": rows,
        "groups": SEXES + YOUTH,
        "themes": themes,
        "suggestions": round_suggestions(round_, facility, commune),
        "can_edit": can(request.user, Perm.EDIT_ROUNDS),
    }
    return render(request, "needs/round_needs.html", context)


@require_POST
@requires(Perm.EDIT_ROUNDS)
def classify(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code)
    done = actions.classify_round(request.user, round_)
    messages.success(
        request,
        _("%(quotes)s answers: %(assigned)s in a theme.")
        % {"quotes": done.quotes, "assigned": done.assigned},
    )
    return redirect("round_needs", code=round_.code)


@require_POST
@requires(Perm.EDIT_ROUNDS)
def quote_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    round_ = _round(request, code)
    quote = get_object_or_404(Quote.objects.filter(response__round=round_), pk=pk)
    form = QuoteForm(request.POST, facility_type_id=quote.facility_type_id)
    if form.is_valid():
        theme = form.cleaned_data["theme"]
        if theme != quote.theme:
            actions.move_quote(request.user, quote, theme)
        if form.cleaned_data["approved"] != quote.approved:
            actions.set_approval(request.user, quote, form.cleaned_data["approved"])
    back = request.POST.get("next", "")
    return redirect(
        back
        if back.startswith("/") and not back.startswith("//")
        else reverse("round_needs", args=[round_.code])
    )


@requires(Perm.EDIT_ROUNDS)
def theme_list(request: HttpRequest) -> HttpResponse:
    types = list(FacilityType.objects.all())
    facility = _facility(request, [t.code for t in types])
    facility_type = next((t for t in types if t.code == facility), None)
    form = ThemeForm(request.POST or None, initial={"keywords": request.GET.get("keyword", "")})
    if request.method == "POST" and facility_type and form.is_valid():
        actions.create_theme(
            request.user,
            facility_type,
            form.cleaned_data["name_en"],
            form.cleaned_data["name_km"],
            form.cleaned_keywords(),
        )
        return redirect(f"{reverse('needs_themes')}?facility={facility}")
    themes = [
        (
            t,
            ThemeForm(
                initial={
                    "name_en": t.name_en,
                    "name_km": t.name_km,
                    "keywords": ", ".join(t.keywords),
                },
                prefix=f"t{t.pk}",
            ),
            MergeForm(theme=t, prefix=f"m{t.pk}"),
        )
        for t in Theme.objects.for_type(facility)
    ]
    context = {"types": types, "facility": facility, "form": form, "themes": themes}
    return render(request, "needs/themes.html", context)


@require_POST
@requires(Perm.EDIT_ROUNDS)
def theme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(Theme.objects.select_related("facility_type"), pk=pk)
    back = f"{reverse('needs_themes')}?facility={theme.facility_type.code}"
    if "merge" in request.POST:
        merge = MergeForm(request.POST, theme=theme, prefix=f"m{theme.pk}")
        if merge.is_valid():
            actions.merge_themes(request.user, theme, merge.cleaned_data["into"])
        return redirect(back)
    form = ThemeForm(request.POST, prefix=f"t{theme.pk}")
    if form.is_valid():
        actions.update_theme(
            request.user,
            theme,
            name_en=form.cleaned_data["name_en"],
            name_km=form.cleaned_data["name_km"],
            keywords=form.cleaned_keywords(),
        )
    else:
        messages.error(request, _("The theme was not changed: its English name is required."))
    return redirect(back)
