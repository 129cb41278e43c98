"""A community scorecard meeting (or a provider self-assessment) run offline on a device.

Every record a device makes carries a UUID made on that device and a revision number
(``rev``) the server raises on each accepted change: a device sends the revision it last
saw, so a replay changes nothing and an edit made against an older revision is a
conflict, kept aside and reported, never applied over the newer one.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from scorecard.places.models import Facility, Village
from scorecard.scorecards.models import Indicator, Round


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> MeetingQuerySet:
        return self.filter(round__in=Round.objects.visible_to(user).values("pk"))


class Meeting(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("running")
        SUBMITTED = "submitted", _("submitted for review")
        COMPLETED = "completed", _("completed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="meetings")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="meetings")
    # setup (edited on the device, synced as the "setup" record)
    date = models.DateField(_("date"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, default="km")
    facilitators = models.CharField(_("facilitators"), max_length=300, blank=True)
    setup_rev = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    review_note = models.TextField(_("review note"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    opened_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "facility"], name="meeting_round_facility")
        ]
        verbose_name = _("scorecard meeting")

    def __str__(self) -> str:
        return f"{self.round.code}/{self.facility.code}"

    def get_absolute_url(self) -> str:
        return reverse("meeting", args=[self.uuid])

    @property
    def accepts_sync(self) -> bool:
        return self.status == self.Status.OPEN and not self.round.locked


class Synced(models.Model):
    """The columns every record made on a device has."""

    uuid = models.UUIDField(unique=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    rev = models.PositiveIntegerField(default=1)
    deleted = models.BooleanField(default=False)

    class Meta:
        abstract = True


class Participant(Synced):
    class Sex(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        OTHER = "other", _("other")

    class Role(models.TextChoices):
        CITIZEN = "citizen", _("citizen")
        PROVIDER = "provider", _("service provider")
        OFFICIAL = "official", _("commune council")

    number = models.PositiveIntegerField(_("sticker number"))
    age = models.PositiveSmallIntegerField(
        _("age"), validators=[MinValueValidator(10), MaxValueValidator(120)]
    )
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    disability = models.BooleanField(_("disability"), default=False)
    minority = models.BooleanField(_("ethnic minority"), default=False)
    idpoor = models.CharField(_("IDPoor"), max_length=6, blank=True)  # level1 / level2 / none
    village = models.ForeignKey(Village, on_delete=models.PROTECT, null=True, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.CITIZEN)

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("participant")

    def __str__(self) -> str:
        return f"#{self.number}"

    @property
    def may_vote(self) -> bool:
        return not self.anonymous and not self.deleted


class Proposal(Synced):
    """An indicator proposed in the meeting: from the template library, or custom."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, null=True, blank=True)
    text = models.CharField(_("custom indicator"), max_length=400, blank=True)
    proposers = models.ManyToManyField(Participant, blank=True, related_name="proposals")
    selected = models.BooleanField(_("selected for the vote"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "-selected", "order", "id"]
        verbose_name = _("proposed indicator")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.indicator.text if self.indicator else self.text


class Vote(Synced):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    value = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "proposal"], name="one_vote_each")
        ]
        verbose_name = _("vote")

    def __str__(self) -> str:
        return f"{self.participant}: {self.value}"


class Note(Synced):
    """A strength, a weakness or a suggested action about one indicator."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", _("strength")
        WEAKNESS = "weakness", _("weakness")
        ACTION = "action", _("suggested action")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    text = models.TextField()
    chosen = models.BooleanField(_("for the action plan"), default=False)
    plan_action = models.ForeignKey(
        "plans.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["proposal", "kind", "id"]
        verbose_name = _("note")

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:40]}"


class SyncConflict(models.Model):
    """An incoming change refused because the server holds a newer version, or a rule."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="conflicts")
    kind = models.CharField(max_length=12)
    uuid = models.UUIDField()
    reason = models.CharField(max_length=200)
    incoming = models.JSONField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.uuid}: {self.reason}"
