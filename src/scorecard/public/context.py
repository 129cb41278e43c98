from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from scorecard.accounts.access import Perm, can, role_of
from scorecard.public.display import use_khmer_digits


def site(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "site_name": settings.SCORECARD["SITE_NAME"],
        "user_role": role_of(user),
        "khmer_digits": use_khmer_digits(),
        "nav": {
            "programmes": can(user, Perm.VIEW_PROGRAMMES),
            "places": can(user, Perm.VIEW_PLACES),
            "rounds": can(user, Perm.VIEW_ROUNDS),
            "plans": can(user, Perm.VIEW_PLANS),
            "events": can(user, Perm.VIEW_EVENTS),
            "i4c": can(user, Perm.VIEW_I4C),
            "meetings": can(user, Perm.RUN_MEETINGS),
            "enumerators": can(user, Perm.IMPORT_RESPONSES),
            "logframe": can(user, Perm.VIEW_LOGFRAME),
            "audit": can(user, Perm.VIEW_AUDIT),
        },
    }
