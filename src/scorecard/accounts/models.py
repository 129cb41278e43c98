"""Organisations (NGOs, partners, donors) and the role each user plays in one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scorecard.bilingual import Bilingual
from scorecard.places.models import Commune


class Organisation(Bilingual):
    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        PARTNER = "partner", _("Partner")
        DONOR = "donor", _("Donor")
        GOVERNMENT = "government", _("Government")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NGO)
    acronym = models.CharField(_("acronym"), max_length=20, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.acronym or self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Organisation admin")
    ME_OFFICER = "me_officer", _("M&E officer")
    FACILITATOR = "facilitator", _("Facilitator / enumerator")
    COMMUNE_OFFICIAL = "commune_official", _("Commune official")
    DONOR_VIEWER = "donor_viewer", _("Donor viewer")


class Profile(models.Model):
    """What a user may do: one role in one organisation, and for officials their communes."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    communes = models.ManyToManyField(Commune, blank=True, verbose_name=_("communes"))

    class Meta:
        verbose_name = _("profile")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
