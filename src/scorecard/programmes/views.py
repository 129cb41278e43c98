from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from scorecard.accounts.access import Perm, can, requires
from scorecard.programmes.actions import create_programme, update_programme
from scorecard.programmes.forms import ProgrammeForm
from scorecard.programmes.models import Programme


@requires(Perm.VIEW_PROGRAMMES)
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.visible_to(request.user).select_related("donor", "organisation")
    context = {"programmes": programmes, "perms_edit": can(request.user, Perm.EDIT_PROGRAMMES)}
    return render(request, "programmes/list.html", context)


@requires(Perm.VIEW_PROGRAMMES)
def programme_detail(request: HttpRequest, code: str) -> HttpResponse:
    # Looking up through visible_to means a guessed code of another organisation's
    # programme answers 404, not 403: it does not even confirm that it exists.
    visible = Programme.objects.visible_to(request.user).select_related("donor", "organisation")
    programme = get_object_or_404(visible, code=code)
    communes = programme.communes.select_related("district__province")
    return render(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "communes": communes,
            "partners": programme.partners.all(),
            "can_edit": can(request.user, Perm.EDIT_PROGRAMMES),
        },
    )


@requires(Perm.EDIT_PROGRAMMES)
def programme_new(request: HttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        programme = create_programme(request.user, data.pop("code"), data.pop("title_en"), **data)
        messages.success(request, _("Programme created."))
        return redirect(programme)
    return render(request, "programmes/form.html", {"form": form})


@requires(Perm.EDIT_PROGRAMMES)
def programme_edit(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.visible_to(request.user), code=code)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        programme = update_programme(
            request.user, Programme.objects.get(pk=programme.pk), **form.changes()
        )
        messages.success(request, _("Programme saved."))
        return redirect(programme)
    return render(request, "programmes/form.html", {"form": form, "programme": programme})
