"""Information for citizens: service standards against reality, and commune budgets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from scorecard.bilingual import pick
from scorecard.places.models import Commune, Facility, FacilityType


class Sector(models.TextChoices):
    ADMINISTRATION = "administration", _("administration")
    ROADS = "roads", _("roads and infrastructure")
    WATER = "water_sanitation", _("water and sanitation")
    HEALTH = "health", _("health")
    EDUCATION = "education", _("education")
    AGRICULTURE = "agriculture", _("agriculture")
    SOCIAL = "social_services", _("social services")
    ENVIRONMENT = "environment", _("environment")
    SECURITY = "security", _("public order and security")
    OTHER = "other", _("other")


def communes_visible_to(user: Any) -> models.QuerySet[Commune]:
    from scorecard.accounts.access import profile_of
    from scorecard.accounts.models import Role

    if user.is_authenticated and user.is_superuser:
        return Commune.objects.all()
    profile = profile_of(user)
    if profile is None:
        return Commune.objects.none()
    if profile.role == Role.COMMUNE_OFFICIAL:
        return profile.communes.all()
    return Commune.objects.all()  # budgets and standards are public information


class ServiceStandard(models.Model):
    facility_type = models.ForeignKey(
        FacilityType,
        on_delete=models.PROTECT,
        related_name="standards",
        verbose_name=_("facility type"),
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    text_en = models.CharField(_("standard (English)"), max_length=300)
    text_km = models.CharField(_("standard (Khmer)"), max_length=300, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    unit_en = models.CharField(_("unit (English)"), max_length=60, blank=True)
    unit_km = models.CharField(_("unit (Khmer)"), max_length=60, blank=True)
    at_most = models.BooleanField(
        _("lower is better"),
        default=False,
        help_text=_("Tick when the actual value should not exceed the target (e.g. waiting time)."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["facility_type", "order", "code"]
        verbose_name = _("service standard")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return pick(self.text_en, self.text_km)

    @property
    def unit(self) -> str:
        return pick(self.unit_en, self.unit_km)

    def met_by(self, actual: Decimal) -> bool:
        return actual <= self.target if self.at_most else actual >= self.target


class StandardValue(models.Model):
    """The actual value of a standard at one facility in one year."""

    standard = models.ForeignKey(ServiceStandard, on_delete=models.CASCADE, related_name="values")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="standard_values")
    year = models.PositiveSmallIntegerField(_("year"))
    actual = models.DecimalField(_("actual"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["facility", "standard"]
        verbose_name = _("actual value")
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "facility", "year"], name="standard_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.standard.code} {self.facility.code} {self.year}: {self.actual}"

    @property
    def met(self) -> bool:
        return self.standard.met_by(self.actual)


class BudgetLine(models.Model):
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("commune")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    amount_khr = models.BigIntegerField(_("amount (riel)"), validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["commune", "year", "sector"]
        verbose_name = _("budget line")
        constraints = [
            models.UniqueConstraint(fields=["commune", "year", "sector"], name="budget_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.year} {self.sector}: {self.amount_khr}"
