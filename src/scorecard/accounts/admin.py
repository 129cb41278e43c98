from django.contrib import admin

from scorecard.accounts.models import Organisation, Profile
from scorecard.audit.admin import AuditedAdmin


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["code", "acronym", "name_en", "name_km", "kind"]
    list_filter = ["kind"]


@admin.register(Profile)
class ProfileAdmin(AuditedAdmin):
    list_display = ["user", "role", "organisation"]
    list_filter = ["role"]
    filter_horizontal = ["communes"]
