from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from scorecard.public.display import DIGITS_COOKIE, khmer_digits_choice


class PublicLanguageMiddleware:
    """Khmer first: the browser's Accept-Language is ignored, so a visitor sees Khmer
    until they pick English with the switcher (remembered in the language cookie).
    Also reads the Khmer-digits display choice."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        raw = request.COOKIES.get(DIGITS_COOKIE)
        token = khmer_digits_choice.set({"khmer": True, "latin": False}.get(raw or ""))
        try:
            return self.get_response(request)
        finally:
            khmer_digits_choice.reset(token)
