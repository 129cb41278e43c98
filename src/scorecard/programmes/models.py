"""Programmes: what an NGO runs with a donor's money, in a set of communes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from scorecard.accounts.models import Organisation, Role
from scorecard.bilingual import pick
from scorecard.places.models import Commune


class Currency(models.TextChoices):
    USD = "USD", "USD"
    KHR = "KHR", _("riel (KHR)")


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ProgrammeQuerySet:
        from scorecard.accounts.access import profile_of

        if user.is_authenticated and user.is_superuser:
            return self.all()
        profile = profile_of(user)
        if profile is None:
            return self.none()
        if profile.role == Role.COMMUNE_OFFICIAL:
            return self.filter(communes__in=profile.communes.all()).distinct()
        if profile.role == Role.DONOR_VIEWER:
            return self.filter(donor=profile.organisation_id)
        org = profile.organisation_id
        return self.filter(Q(organisation=org) | Q(partners=org)).distinct()


class Programme(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_km = models.CharField(_("title (Khmer)"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("implementing organisation"),
        null=True,
        blank=True,
    )
    donor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="funded_programmes",
        verbose_name=_("donor"),
        null=True,
        blank=True,
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_programmes", verbose_name=_("partners")
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    communes = models.ManyToManyField(Commune, blank=True, verbose_name=_("target communes"))

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "code"]
        verbose_name = _("programme")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programme", args=[self.code])

    @property
    def title(self) -> str:
        return pick(self.title_en, self.title_km)

    def provinces(self) -> list[str]:
        names = {
            c.district.province.name for c in self.communes.select_related("district__province")
        }
        return sorted(names)
