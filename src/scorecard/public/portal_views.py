"""The public portal: no login, published aggregates only, small cached pages."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
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
            kept = from_page_cache(request, etag)
            if kept is None:
                response = view(request, *args, **kwargs)
                to_page_cache(request, etag, response)
            else:
                response = kept
        response["ETag"] = etag
        response["Cache-Control"] = f"private, max-age={MAX_AGE}"
        return response

    return wrapped


# The whole page is kept, so a busy commune page costs a cache read, not a render. Only
# for a visitor with nothing of their own on it: no session (staff, pending messages) and
# no messages cookie. The CSRF token of the language forms is the one thing that differs
# per visitor: it is stored as a marker and each visitor gets their own in its place.
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
MARKER = "\x00csrf\x00"


def shareable(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
    )


def from_page_cache(request: HttpRequest, etag: str) -> HttpResponse | None:
    if not shareable(request):
        return None
    kept = cache.get(f"portal:page:{etag}")
    if kept is None:
        return None
    content_type, body = kept
    return HttpResponse(body.replace(MARKER, get_token(request)), content_type=content_type)


def to_page_cache(request: HttpRequest, etag: str, response: HttpResponse) -> None:
    if not shareable(request):
        return
    if response.status_code != 200 or response.cookies or response.streaming:
        return
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    text = response.content.decode()
    tokens = set(TOKEN.findall(text))
    if len(tokens) > 1:
        return  # not one render's token: keep nothing rather than guess
    for token in tokens:
        text = text.replace(token, MARKER)
    cache.set(f"portal:page:{etag}", (response["Content-Type"], text), portal.CACHE_SECONDS)


@public_page
def commune(request: HttpRequest, code: str) -> HttpResponse:
    place = get_object_or_404(Commune.objects.select_related("district__province"), code=code)
    data = portal.commune_page(place)
    context = {"commune": place, "stamp": portal.stamp(), **data}
    return render(request, "public/commune.html", context)


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
