"""The public portal: no login, published aggregates only, small cached pages."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.utils import translation

from scorecard.events.booklet import booklet_pdf
from scorecard.places.models import Commune
from scorecard.public import portal
from scorecard.public.display import DIGITS_COOKIE

MAX_AGE = 300  # a phone on a slow link re-reads a page from its own cache for five minutes


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ETag (data version, language, digits) and Cache-Control on a public GET page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in {"GET", "HEAD"}:
            return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
        parts = [
            request.get_full_path(),
            translation.get_language() or "",
            request.COOKIES.get(DIGITS_COOKIE, ""),
            str(portal.stamp()),
            str(request.user.is_authenticated),
        ]
        etag = '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:24] + '"'
        if etag in request.headers.get("If-None-Match", ""):
            response: HttpResponse = HttpResponseNotModified()
        else:
            response = view(request, *args, **kwargs)
        response["ETag"] = etag
        response["Cache-Control"] = f"private, max-age={MAX_AGE}"
        return response

    return wrapped


@public_page
def commune(request: HttpRequest, code: str) -> HttpResponse:
    place = get_object_or_404(Commune.objects.select_related("district__province"), code=code)
    data = portal.commune_page(place)
    return render(request, "public/commune.html", {"commune": place, **data})


@public_page
def commune_booklet(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The Citizens' Budget booklet, once the commune has something published."""
    place = get_object_or_404(Commune, code=code)
    if year not in portal.commune_page(place)["booklet_years"]:
        raise Http404("no published booklet")
    lang = "en" if translation.get_language() == "en" else "km"
    key = f"portal:booklet:{code}:{year}:{lang}:{portal.stamp()}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = booklet_pdf(place, year, lang)
        cache.set(key, pdf, portal.CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="citizens-budget-{code}-{year}-{lang}.pdf"'
    return response


@public_page
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "public/overview.html", {"rows": portal.overview()})


@public_page
def programme_list(request: HttpRequest) -> HttpResponse:
    return render(request, "public/programme_list.html", {"programmes": portal.programmes()})


@public_page
def programme(request: HttpRequest, code: str) -> HttpResponse:
    found = next((p for p in portal.programmes() if p.code == code), None)
    if found is None:
        raise Http404("no published programme")
    data = portal.programme_page(found)
    return render(request, "public/programme.html", {"programme": found, **data})
