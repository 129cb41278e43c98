from django.contrib import admin

from scorecard.audit.admin import AuditedAdmin
from scorecard.scorecards.models import Enumerator, Indicator, Round, Template, TemplateVersion


@admin.register(Template)
class TemplateAdmin(AuditedAdmin):
    list_display = ["code", "title_en", "threshold"]


class IndicatorInline(admin.StackedInline):
    model = Indicator
    fk_name = "version"
    extra = 0
    raw_id_fields = ["predecessor"]


@admin.register(TemplateVersion)
class TemplateVersionAdmin(AuditedAdmin):
    list_display = ["template", "number", "created"]
    inlines = [IndicatorInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # a version used by a round is frozen: edits go through revise_template()
        return obj is None or obj.editable()


@admin.register(Round)
class RoundAdmin(AuditedAdmin):
    list_display = ["code", "year", "mode", "template_version", "status", "locked", "published"]
    list_filter = ["mode", "status", "published"]
    filter_horizontal = ["communes"]
    raw_id_fields = ["facilities"]


@admin.register(Enumerator)
class EnumeratorAdmin(AuditedAdmin):
    list_display = ["code", "organisation", "sex", "age"]
    list_filter = ["organisation", "sex"]
    search_fields = ["code"]
