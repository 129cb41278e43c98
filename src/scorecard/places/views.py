from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from scorecard.accounts.access import Perm, requires
from scorecard.places.models import Commune


@requires(Perm.VIEW_PLACES)
def search(request: HttpRequest) -> HttpResponse:
    """Search the gazetteer by code or by name in either script; htmx swaps the results."""
    query = request.GET.get("q", "").strip()
    communes = (
        Commune.objects.search(query).select_related("district__province")[:50] if query else []
    )
    template = (
        "places/search.html#results" if request.headers.get("HX-Request") else "places/search.html"
    )
    return render(request, template, {"query": query, "communes": communes})


@requires(Perm.VIEW_PLACES)
def commune(request: HttpRequest, code: str) -> HttpResponse:
    obj = get_object_or_404(Commune.objects.select_related("district__province"), code=code)
    villages = obj.villages.all()
    facilities = obj.facilities.select_related("type")
    return render(
        request,
        "places/commune.html",
        {"commune": obj, "villages": villages, "facilities": facilities},
    )
