from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry


class AuditedAdmin(admin.ModelAdmin):
    """Reference-data edits made in Django's admin are audited like any other change."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            record(
                request.user,
                AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
                obj,
                before,
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            before = snapshot(obj)
            record(request.user, AuditEntry.Action.DELETE, obj, before)
            super().delete_model(request, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "model", "object_repr"]
    list_filter = ["action", "model"]
    search_fields = ["object_repr", "actor_name", "object_pk"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
