from django.contrib import admin

from scorecard.audit.admin import AuditedAdmin
from scorecard.places.models import Commune, Facility, FacilityType, Province


@admin.register(Province)
class ProvinceAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_km"]
    search_fields = ["code", "name_en", "name_km"]


@admin.register(Commune)
class CommuneAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_km", "district"]
    search_fields = ["code", "name_en", "name_km"]
    raw_id_fields = ["district"]


@admin.register(FacilityType)
class FacilityTypeAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_km", "order", "one_per_commune"]


@admin.register(Facility)
class FacilityAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_km", "type", "commune"]
    list_filter = ["type"]
    search_fields = ["code", "name_en", "name_km"]
    raw_id_fields = ["commune", "village"]
