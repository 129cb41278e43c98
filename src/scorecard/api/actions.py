"""Writes of the API app: tokens are made and revoked here, with an audit entry each."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from scorecard.api.models import ApiToken
from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry


@transaction.atomic
def issue_token(actor: Any, user: Any, name: str, can_write: bool = False) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it and its key (shown once, never stored)."""
    token, key = ApiToken.issue(user, name, can_write=can_write)
    record(actor, AuditEntry.Action.CREATE, token, reason="API token issued")
    return token, key


@transaction.atomic
def revoke_token(actor: Any, token: ApiToken) -> ApiToken:
    before = snapshot(token)
    token.revoked = True
    token.save(update_fields=["revoked"])
    record(actor, AuditEntry.Action.UPDATE, token, before=before, reason="API token revoked")
    return token
