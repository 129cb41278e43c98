"""Events (trainings, outreach, workshops, meetings), who attended, and their outcomes.

Demographics that change (age, role, organisation, commune, disability) are stored on the
attendance, as they were at that event; a participant keeps only an id, sex and an
optional name, so personal data stays minimal. Information for citizens lives in
``i4c_models`` (imported at the end so Django registers it with this app).
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scorecard.accounts.models import Organisation
from scorecard.bilingual import pick
from scorecard.places.models import Commune
from scorecard.programmes.models import Programme


class EventType(models.TextChoices):
    TRAINING = "training", _("training")
    OUTREACH = "outreach", _("outreach")
    WORKSHOP = "workshop", _("workshop")
    MEETING = "meeting", _("meeting")


class TrainingKind(models.TextChoices):
    YOUTH_ENUMERATORS = "youth_enumerators", _("youth enumerators")
    LOCAL_OFFICIALS = "local_officials", _("local officials")
    WOMEN_COUNCILLORS = "women_councillors", _("women councillors and CWC members")
    FACILITATORS = "facilitators", _("facilitators")


class ParticipantRole(models.TextChoices):
    YOUTH_TRAINEE = "youth_trainee", _("youth trainee")
    LOCAL_OFFICIAL = "local_official", _("local official")
    WOMAN_COUNCILLOR = "woman_councillor", _("woman councillor")
    CWC_MEMBER = "cwc_member", _("CWC member")
    CITIZEN = "citizen", _("citizen")
    CSO = "cso", _("civil society")
    GOVERNMENT = "government", _("government")
    OTHER = "other", _("other")


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    OTHER = "other", _("other")


# Outcome codes: (kind, event types where they may be recorded). More may be added.
NUMBER, YES_NO = "number", "yes_no"
OUTCOMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "pre_test": (NUMBER, ("training", "workshop")),
    "post_test": (NUMBER, ("training", "workshop")),
    "improved_attitude": (YES_NO, ("training",)),
    "active_in_action_plan": (YES_NO, ("training", "meeting")),
    "understanding_increased": (YES_NO, ("outreach", "workshop")),
}
OUTCOME_LABELS = {
    "pre_test": _("pre-test score"),
    "post_test": _("post-test score"),
    "improved_attitude": _("showed an improved attitude"),
    "active_in_action_plan": _("took an active part in action plan implementation"),
    "understanding_increased": _("my understanding increased"),
}


def is_youth(age: int | None) -> bool | None:
    if age is None:
        return None
    low, high = cast(tuple[int, int], settings.SCORECARD["YOUTH_AGES"])
    return bool(low <= age <= high)


class EventQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> EventQuerySet:
        return self.filter(programme__in=Programme.objects.visible_to(user))


class Event(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="events", verbose_name=_("programme")
    )
    code = models.SlugField(_("code"), max_length=60)
    type = models.CharField(_("event type"), max_length=10, choices=EventType.choices)
    training_kind = models.CharField(
        _("kind of training"), max_length=20, choices=TrainingKind.choices, blank=True
    )
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_km = models.CharField(_("title (Khmer)"), max_length=300, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("commune")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
        verbose_name=_("organiser"),
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_events", verbose_name=_("partners")
    )
    topics = models.TextField(_("topics"), blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start", "code"]
        verbose_name = _("event")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="event_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def title(self) -> str:
        return pick(self.title_en, self.title_km)

    @property
    def where(self) -> str:
        return self.commune.name if self.commune else self.place


class ParticipantQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ParticipantQuerySet:
        return self.filter(programme__in=Programme.objects.visible_to(user))


class Participant(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    code = models.CharField(_("participant id"), max_length=60)
    role = models.CharField(_("role"), max_length=20, choices=ParticipantRole.choices)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    name = models.CharField(_("name (optional)"), max_length=200, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("participant")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="participant_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class Attendance(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendances"
    )
    role = models.CharField(_("role"), max_length=20, choices=ParticipantRole.choices)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    youth = models.BooleanField(_("youth"), null=True)
    disability = models.BooleanField(_("disability"), null=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("commune")
    )

    class Meta:
        ordering = ["event", "participant__code"]
        verbose_name = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["event", "participant"], name="attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}@{self.event_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.youth = is_youth(self.age)
        super().save(*args, **kwargs)


class Outcome(models.Model):
    """One assessment of one attendance: a yes/no flag or a test score."""

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="outcomes")
    code = models.CharField(_("outcome"), max_length=40)
    value = models.CharField(_("value"), max_length=20)  # "yes", "no" or a number as text

    class Meta:
        ordering = ["attendance", "code"]
        verbose_name = _("outcome")
        constraints = [
            models.UniqueConstraint(fields=["attendance", "code"], name="outcome_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}={self.value}"


from scorecard.events.i4c_models import BudgetLine, ServiceStandard, StandardValue  # noqa: E402

__all__ = ["BudgetLine", "ServiceStandard", "StandardValue"]
