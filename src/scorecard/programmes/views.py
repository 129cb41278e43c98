from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from scorecard.accounts.access import Perm, requires
from scorecard.programmes.models import Programme


@requires(Perm.VIEW_PROGRAMMES)
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.visible_to(request.user).select_related("donor", "organisation")
    return render(request, "programmes/list.html", {"programmes": programmes})


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
        {"programme": programme, "communes": communes, "partners": programme.partners.all()},
    )
