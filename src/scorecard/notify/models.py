"""Subscriptions: a Telegram chat or an e-mail address that hears about one commune."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from scorecard.places.models import Commune


class Channel(models.TextChoices):
    TELEGRAM = "telegram", _("Telegram")
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


class Subscription(models.Model):
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("commune")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # A Telegram chat id, an e-mail address or a phone number, by channel.
    address = models.CharField(_("address"), max_length=200)
    language = models.CharField(_("language"), max_length=5, default="km")
    active = models.BooleanField(_("active"), default=True)
    # What to hear about: event names (scorecard.notify.messages), separated by commas.
    events = models.CharField(
        _("events"), max_length=100, default="round_published,plan_published,action_implemented"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["commune", "channel", "address"]
        verbose_name = _("subscription")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "channel", "address"], name="subscription_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.channel}"

    def hears(self, event: str) -> bool:
        return event in self.events.split(",")


class Delivery(models.Model):
    """One message sent (or failed) to one subscription; the log the task writes."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    text = models.TextField()
    ok = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.event} to {self.subscription}"
