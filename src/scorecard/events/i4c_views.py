"""Staff pages for information for citizens: budgets, standards against reality, booklet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from scorecard.accounts.access import Perm, can, requires, role_of
from scorecard.accounts.models import Role
from scorecard.events.actions import create_standard, save_actual, save_budget
from scorecard.events.booklet import booklet_pdf, standard_rows
from scorecard.events.forms import StandardForm, budget_form
from scorecard.events.i4c_models import BudgetLine, ServiceStandard, communes_visible_to
from scorecard.places.models import Commune
from scorecard.programmes.models import Programme


def _commune(request: HttpRequest, code: str, year: int) -> Commune:
    if not 1990 <= year <= 2100:
        raise Http404
    return get_object_or_404(
        communes_visible_to(request.user).select_related("district"), code=code
    )


@requires(Perm.VIEW_I4C)
def i4c_index(request: HttpRequest) -> HttpResponse:
    visible = communes_visible_to(request.user)
    of_programmes = Programme.objects.visible_to(request.user).values("communes")
    with_budget = BudgetLine.objects.values("commune")
    communes = visible.filter(Q(code__in=of_programmes) | Q(code__in=with_budget))
    if role_of(request.user) == Role.COMMUNE_OFFICIAL:
        communes = visible  # an official's own communes, whatever they hold
    communes = communes.distinct().select_related("district")
    years = sorted(set(BudgetLine.objects.values_list("year", flat=True)), reverse=True)
    context = {
        "communes": communes,
        "year": years[0] if years else dt.date.today().year,
        "can_edit": can(request.user, Perm.EDIT_I4C),
    }
    return render(request, "events/i4c_index.html", context)


@requires(Perm.VIEW_I4C)
def i4c_commune(request: HttpRequest, code: str, year: int) -> HttpResponse:
    commune = _commune(request, code, year)
    lines = BudgetLine.objects.filter(commune=commune, year=year)
    context = {
        "commune": commune,
        "year": year,
        "lines": lines,
        "total": sum(line.amount_khr for line in lines),
        "standards": standard_rows(commune, year),
        "can_edit": can(request.user, Perm.EDIT_I4C),
    }
    return render(request, "events/i4c_commune.html", context)


@requires(Perm.EDIT_I4C)
def budget_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    commune = _commune(request, code, year)
    stored = dict(
        BudgetLine.objects.filter(commune=commune, year=year).values_list("sector", "amount_khr")
    )
    form = budget_form(request.POST or None, stored)
    if request.method == "POST" and form.is_valid():
        save_budget(request.user, commune, year, form.cleaned_data)
        messages.success(request, _("Budget saved."))
        return redirect("i4c_commune", commune.code, year)
    return render(
        request, "events/budget_form.html", {"form": form, "commune": commune, "year": year}
    )


@requires(Perm.EDIT_I4C)
def standards_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    commune = _commune(request, code, year)
    rows = standard_rows(commune, year)
    errors = []
    if request.method == "POST":
        for row in rows:
            raw = request.POST.get(row["key"], "").strip()
            try:
                actual = Decimal(raw) if raw else None
            except InvalidOperation:
                errors.append(_("%(value)s is not a number") % {"value": raw})
                continue
            save_actual(request.user, row["standard"], row["facility"], year, actual)
        if not errors:
            messages.success(request, _("Actual values saved."))
            return redirect("i4c_commune", commune.code, year)
    context = {"commune": commune, "year": year, "rows": rows, "errors": errors}
    return render(request, "events/standards_form.html", context)


@requires(Perm.VIEW_I4C)
def standard_list(request: HttpRequest) -> HttpResponse:
    can_edit = can(request.user, Perm.EDIT_I4C)
    form = StandardForm(request.POST or None) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        create_standard(request.user, **form.cleaned_data)
        messages.success(request, _("Standard added."))
        return redirect("i4c_standards")
    standards = ServiceStandard.objects.select_related("facility_type")
    return render(request, "events/standards.html", {"standards": standards, "form": form})


@requires(Perm.VIEW_I4C)
def booklet(request: HttpRequest, code: str, year: int) -> HttpResponse:
    commune = _commune(request, code, year)
    lang = "en" if request.GET.get("lang") == "en" else "km"
    response = HttpResponse(booklet_pdf(commune, year, lang), content_type="application/pdf")
    name = f"citizens-budget-{commune.code}-{year}-{lang}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
