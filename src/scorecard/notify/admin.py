from django.contrib import admin

from scorecard.notify.models import Delivery, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["commune", "channel", "address", "language", "active"]
    list_filter = ["channel", "active"]
    search_fields = ["commune__code", "commune__name_en", "address"]
    raw_id_fields = ["commune"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["at", "subscription", "event", "ok"]
    list_filter = ["ok", "event"]
    readonly_fields = ["subscription", "event", "text", "ok", "error", "at"]
