from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from scorecard.accounts.access import Perm, requires
from scorecard.places.models import Commune
from scorecard.programmes.models import Programme
from scorecard.public.display import DIGITS_COOKIE


def home(request: HttpRequest) -> HttpResponse:
    """The public side: find your commune. No login."""
    query = request.GET.get("q", "").strip()
    communes = (
        Commune.objects.search(query).select_related("district__province")[:20] if query else []
    )
    return render(request, "public/home.html", {"query": query, "communes": communes})


@requires(Perm.VIEW_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.visible_to(request.user).select_related("donor")
    return render(request, "public/dashboard.html", {"programmes": programmes})


@require_POST
def set_digits(request: HttpRequest) -> HttpResponse:
    """Choose Khmer or Latin digits (a display option, remembered in a cookie)."""
    choice = request.POST.get("digits", "")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = redirect(target)
    if choice in {"khmer", "latin"}:
        response.set_cookie(DIGITS_COOKIE, choice, max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(DIGITS_COOKIE)
    return response
