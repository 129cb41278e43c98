from django.contrib import admin

from scorecard.audit.admin import AuditedAdmin
from scorecard.programmes.models import Programme


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["code", "title_en", "donor", "start", "end", "budget", "currency"]
    filter_horizontal = ["partners", "communes"]
