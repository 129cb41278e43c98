"""Pagination and filters shared by the list endpoints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, JsonResponse

from scorecard.api.auth import ApiError

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
MAX_ID = 2**53  # the largest integer every JSON client reads exactly
MAX_PAGE = 1_000_000  # beyond any real list; keeps offsets inside the database's integers


def positive_int(request: HttpRequest, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.GET.get(name)
    if raw is None:  # present but empty is an error, as the schema says
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"{name}={raw!r} is not a whole number") from None
    if value < 1 or (maximum is not None and value > maximum):
        top = f" and at most {maximum}" if maximum else ""
        raise ApiError(400, f"{name}={raw!r} must be at least 1{top}")
    return value


def int_filter(request: HttpRequest, name: str) -> int | None:
    """An id or year filter: a whole number from 1 to MAX_ID (beyond, databases overflow)."""
    raw = request.GET.get(name)
    if raw is None:  # present but empty is an error, as the schema says
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"{name}={raw!r} is not a whole number") from None
    if not 1 <= value <= MAX_ID:
        raise ApiError(400, f"{name}={raw!r} must be from 1 to {MAX_ID}")
    return value


def choice_filter(request: HttpRequest, name: str, allowed: Sequence[str]) -> str | None:
    raw = request.GET.get(name)
    if raw is None:  # present but empty is an error, as the schema says
        return None
    if raw not in allowed:
        raise ApiError(400, f"{name}={raw!r} is not one of: {', '.join(allowed)}")
    return raw


def page(request: HttpRequest, items: Any, serialise: Any = None) -> JsonResponse:
    """One page of a queryset or list: {count, page, page_size, next, previous, results}."""
    size = positive_int(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    number = positive_int(request, "page", 1, MAX_PAGE)
    count = items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
    start = (number - 1) * size
    chunk = list(items[start : start + size])
    results = [serialise(x) for x in chunk] if serialise else chunk

    def link(n: int) -> str:
        query = request.GET.copy()
        query["page"] = str(n)
        return f"{request.path}?{query.urlencode()}"

    return JsonResponse(
        {
            "count": count,
            "page": number,
            "page_size": size,
            "next": link(number + 1) if start + size < count else None,
            "previous": link(number - 1) if number > 1 else None,
            "results": results,
        },
        json_dumps_params={"ensure_ascii": False, "allow_nan": False},
    )
