"""The one access helper every view uses.

A user's role gives a set of permissions; some permissions are also scoped to objects
(a commune official sees only their communes, a donor only the programmes it funds).
The matrix is documented in docs/access.md and tested in tests/test_access.py.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from scorecard.accounts.models import Profile, Role


class Perm(StrEnum):
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_PROGRAMMES = "view_programmes"
    EDIT_PROGRAMMES = "edit_programmes"
    VIEW_PLACES = "view_places"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    VIEW_ROUNDS = "view_rounds"
    IMPORT_RESPONSES = "import_responses"
    REVIEW_CONFLICTS = "review_conflicts"
    EDIT_ROUNDS = "edit_rounds"
    VIEW_PLANS = "view_plans"
    EDIT_PLANS = "edit_plans"  # officials: only their communes' plans (PlanQuerySet.visible_to)
    IMPORT_PLANS = "import_plans"
    VIEW_EVENTS = "view_events"
    VIEW_PARTICIPANTS = "view_participants"  # participant-level rows (ids, ages)
    EDIT_EVENTS = "edit_events"
    VIEW_I4C = "view_i4c"  # officials: only their communes (i4c_models.communes_visible_to)
    EDIT_I4C = "edit_i4c"
    VIEW_LOGFRAME = "view_logframe"  # results framework, donor dashboard and reports
    EDIT_LOGFRAME = "edit_logframe"
    RUN_MEETINGS = "run_meetings"  # open, run and sync community scorecard meetings
    VIEW_QUALITY = "view_quality"  # enumerator quality checks of a round
    VIEW_QUOTES = "view_quotes"  # citizens' open answers before approval


ALL = set(Perm)
# Trainings, outreach and workshops: record attendance and outcomes; read budgets.
EVENT_PERMS = {Perm.VIEW_EVENTS, Perm.VIEW_PARTICIPANTS, Perm.EDIT_EVENTS, Perm.VIEW_I4C}
ROLE_PERMS: dict[str, set[Perm]] = {
    Role.ADMIN: ALL,
    Role.ME_OFFICER: {
        Perm.VIEW_DASHBOARD,
        Perm.VIEW_PROGRAMMES,
        Perm.EDIT_PROGRAMMES,
        Perm.VIEW_PLACES,
        Perm.VIEW_ROUNDS,
        Perm.IMPORT_RESPONSES,
        Perm.REVIEW_CONFLICTS,
        Perm.EDIT_ROUNDS,
        Perm.VIEW_PLANS,
        Perm.EDIT_PLANS,
        Perm.IMPORT_PLANS,
        *EVENT_PERMS,
        Perm.EDIT_I4C,
        Perm.VIEW_QUALITY,
        Perm.VIEW_QUOTES,
        Perm.RUN_MEETINGS,
        Perm.VIEW_LOGFRAME,
        Perm.EDIT_LOGFRAME,
    },
    Role.FACILITATOR: {
        Perm.VIEW_DASHBOARD,
        Perm.VIEW_PROGRAMMES,
        Perm.VIEW_PLACES,
        Perm.VIEW_ROUNDS,
        Perm.IMPORT_RESPONSES,
        Perm.VIEW_PLANS,
        *EVENT_PERMS,
        Perm.VIEW_QUALITY,
        Perm.VIEW_QUOTES,
        Perm.RUN_MEETINGS,
        Perm.VIEW_LOGFRAME,
    },
    Role.COMMUNE_OFFICIAL: {
        Perm.VIEW_DASHBOARD,
        Perm.VIEW_PROGRAMMES,
        Perm.VIEW_PLACES,
        Perm.VIEW_ROUNDS,
        Perm.VIEW_PLANS,
        Perm.EDIT_PLANS,
        Perm.VIEW_EVENTS,
        Perm.VIEW_I4C,
        Perm.VIEW_LOGFRAME,
    },
    Role.DONOR_VIEWER: {
        Perm.VIEW_DASHBOARD,
        Perm.VIEW_PROGRAMMES,
        Perm.VIEW_ROUNDS,
        Perm.VIEW_PLANS,
        Perm.VIEW_EVENTS,
        Perm.VIEW_I4C,
        Perm.VIEW_LOGFRAME,
    },
}


def profile_of(user: Any) -> Profile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.profile  # type: ignore[no-any-return]
    except Profile.DoesNotExist:
        return None


def role_of(user: Any) -> str | None:
    if user.is_authenticated and user.is_superuser:
        return Role.ADMIN
    profile = profile_of(user)
    return profile.role if profile else None


def can(user: Any, perm: Perm, obj: Any = None) -> bool:
    """Whether the user holds the permission, and may reach this object when one is given."""
    role = role_of(user)
    if role is None or perm not in ROLE_PERMS.get(role, set()):
        return False
    if obj is None or (user.is_superuser):
        return True
    # Every scoped model answers the object question itself.
    visible = getattr(type(obj).objects, "visible_to", None)
    if visible is None:
        return True
    return bool(visible(user).filter(pk=obj.pk).exists())


def check(request: HttpRequest, perm: Perm, obj: Any = None) -> None:
    """Raise PermissionDenied unless the request's user may do this (on this object)."""
    if not can(request.user, perm, obj):
        raise PermissionDenied


def requires(perm: Perm) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: anonymous users go to the login page; others need the permission."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if isinstance(request.user, AnonymousUser) or not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check(request, perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
