"""Participants in Django's admin: their personal data exported or erased on request, audited."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scorecard.audit.admin import AuditedAdmin
from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry
from scorecard.events.models import Participant
from scorecard.ops.participants import erase_participant, export_participant


@admin.register(Participant)
class ParticipantAdmin(AuditedAdmin):
    list_display = ["code", "programme", "role", "sex"]
    list_filter = ["programme", "role", "sex"]
    search_fields = ["code", "name"]
    actions = ["export_data", "erase_data"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # participants come from sign-in sheets

    @admin.action(description=gettext_lazy("Export their personal data (JSON)"))
    def export_data(self, request: HttpRequest, queryset: QuerySet[Participant]) -> HttpResponse:
        rows = []
        for person in queryset.select_related("programme"):
            rows.append(export_participant(person))
            record(
                request.user,
                AuditEntry.Action.UPDATE,
                person,
                before=snapshot(person),
                reason="personal data exported on request (admin)",
            )
        body = json.dumps(rows, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="participants.json"'
        return response

    @admin.action(description=gettext_lazy("Erase their personal data"))
    def erase_data(
        self, request: HttpRequest, queryset: QuerySet[Participant]
    ) -> HttpResponse | None:
        """First a page asking for the reason (the request); then erase, each one audited."""
        reason = request.POST.get("reason", "").strip()
        if request.POST.get("confirm") and reason:
            for person in queryset:
                erase_participant(request.user, person, reason)
            messages.success(request, _("Personal data erased: %(n)d.") % {"n": len(queryset)})
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Erase personal data"),
            "participants": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "missing_reason": bool(request.POST.get("confirm")),
        }
        return TemplateResponse(request, "admin/events/participant_erase.html", context)
