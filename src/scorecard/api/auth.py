"""Who an API request acts as, how often it may call, and errors as JSON.

A request carries ``Authorization: Bearer <key>`` of an ``ApiToken`` and then acts as the
token's user, so the user's role and organisation scope every answer (through the same
``visible_to`` querysets as the pages). Without a header it is anonymous and sees what
the public portal shows: published rounds and plans, aggregates only. Sessions are never
used, so the views need no CSRF token: a browser's cookies give no access here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from scorecard.accounts.access import Perm, can
from scorecard.api.models import ApiToken, CallCount, digest
from scorecard.config import env_int

View = Callable[..., HttpResponse]


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse({"error": message, "status": status}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def rate_limits() -> tuple[int, int]:
    """Calls per minute: (anonymous per address, per token); settings, else environment."""
    anonymous = getattr(settings, "SCORECARD_API_ANON_PER_MINUTE", None)
    per_token = getattr(settings, "SCORECARD_API_TOKEN_PER_MINUTE", None)
    return (
        int(anonymous or env_int("SCORECARD_API_ANON_PER_MINUTE", 120, minimum=1)),
        int(per_token or env_int("SCORECARD_API_TOKEN_PER_MINUTE", 600, minimum=1)),
    )


def bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "").strip()
    if not header:
        return None
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiError(401, "use the header Authorization: Bearer <token>")
    return key.strip()


def authenticate(request: HttpRequest) -> tuple[Any, ApiToken | None]:
    key = bearer(request)
    if key is None:
        return AnonymousUser(), None
    token = (
        ApiToken.objects.select_related("user__profile")
        .filter(key_hash=digest(key), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        raise ApiError(401, "the token is not valid or has been revoked")
    # Written at most once a minute: a busy client does not turn every read into a write.
    now = timezone.now()
    if token.last_used is None or (now - token.last_used).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user, token


def throttle(request: HttpRequest, token: ApiToken | None) -> None:
    anonymous, per_token = rate_limits()
    limit = per_token if token else anonymous
    who = f"t{token.pk}" if token else f"a{request.META.get('REMOTE_ADDR', '')}"
    window = int(time.time() // 60)
    key = f"api-rate:{who}:{window}"
    calls = count_call(key)
    if calls > limit:
        retry = str(60 - int(time.time()) % 60)
        raise ApiError(
            429, f"more than {limit} calls a minute; try again later", {"Retry-After": retry}
        )


def count_call(key: str, timeout: int = 120) -> int:
    """This call's number in its window (``timeout`` seconds from the window's first call).

    One ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` on ``CallCount``: the database
    counts, atomically, so every gunicorn worker and every app server adds to one count and
    no two calls at the same instant count once (SQLite 3.35+ and PostgreSQL). A window's
    first call also clears the windows that have ended.
    """
    now = int(time.time())
    quote = connection.ops.quote_name
    table = quote(CallCount._meta.db_table)
    k, calls, expires = (quote(f) for f in ("key", "calls", "expires"))
    ended = f"{table}.{expires} <= %s"
    sql = (
        f"INSERT INTO {table} ({k}, {calls}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608 - names from the model
        f"ON CONFLICT ({k}) DO UPDATE SET "
        f"{calls} = CASE WHEN {ended} THEN 1 ELSE {table}.{calls} + 1 END, "
        f"{expires} = CASE WHEN {ended} THEN excluded.{expires} ELSE {table}.{expires} END "
        f"RETURNING {calls}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, now + timeout, now, now])
        number = int(cursor.fetchone()[0])
        if number == 1:
            cursor.execute(f"DELETE FROM {table} WHERE {expires} <= %s", [now])  # noqa: S608
    return number


def endpoint(
    methods: tuple[str, ...] = ("GET",),
    perm: Perm | None = None,
    public: bool = False,
    write: bool = False,
) -> Callable[[View], View]:
    """An API view: JSON errors, token or anonymous, rate limit, permission.

    ``public`` lets anonymous callers in (the view then shows published aggregates only);
    otherwise a token whose user holds ``perm`` is needed, and ``write`` needs a token made
    with writing allowed.
    """

    def decorator(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise ApiError(
                        405, f"{request.method} is not allowed here", {"Allow": ", ".join(methods)}
                    )
                user, token = authenticate(request)
                throttle(request, token)
                if token is None and not public:
                    raise ApiError(
                        401, "this endpoint needs a token (Authorization: Bearer <token>)"
                    )
                if token is not None and perm is not None and not can(user, perm):
                    raise ApiError(403, "the token's role may not do this")
                if write and (token is None or not token.can_write):
                    raise ApiError(403, "the token may only read")
                request.user = user
                request.api_token = token  # type: ignore[attr-defined]
                return view(request, *args, **kwargs)
            except ApiError as exc:
                return error(exc.status, exc.message, exc.headers)

        return wrapped

    return decorator


def json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object")
    return body
