from __future__ import annotations

from typing import Any

from django import template

from scorecard.accounts.access import Perm, can

register = template.Library()


@register.filter
def may_publish(user: Any) -> bool:
    """Whether the user may use the publish switch (admins and M&E officers)."""
    return can(user, Perm.EDIT_ROUNDS)
