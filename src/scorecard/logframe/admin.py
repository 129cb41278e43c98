from django.contrib import admin

from scorecard.logframe.models import Indicator, Level, Period


class PeriodInline(admin.TabularInline):
    model = Period
    extra = 0


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "title_en", "programme", "parent"]
    list_filter = ["programme", "kind"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "statement_en", "unit", "computation", "target", "programme"]
    list_filter = ["programme", "unit", "computation"]
    search_fields = ["code", "statement_en", "statement_km"]
    inlines = [PeriodInline]
