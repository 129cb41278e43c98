"""Needs and claims: citizens' open answers grouped into themes per facility type.

A ``Quote`` is one respondent's open answer about one facility type (from
``Response.needs``). Staff edit the theme list; classification puts each quote in the
theme whose keywords it matches best, unless staff moved it by hand.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scorecard.bilingual import Bilingual
from scorecard.places.models import FacilityType


class ThemeQuerySet(models.QuerySet):
    def for_type(self, facility_type: FacilityType | str) -> ThemeQuerySet:
        if isinstance(facility_type, str):
            return self.filter(facility_type__code=facility_type)
        return self.filter(facility_type=facility_type)


class Theme(Bilingual):
    """A kind of need or claim citizens raise about one facility type."""

    facility_type = models.ForeignKey(
        FacilityType,
        on_delete=models.PROTECT,
        related_name="themes",
        verbose_name=_("facility type"),
    )
    code = models.SlugField(_("code"), max_length=60)
    # Words or short phrases, Khmer or English; a quote containing one belongs here.
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["facility_type", "order", "code"]
        verbose_name = _("theme")
        constraints = [
            models.UniqueConstraint(fields=["facility_type", "code"], name="theme_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.facility_type.code}:{self.code}"


class QuoteQuerySet(models.QuerySet):
    def approved(self) -> QuoteQuerySet:
        return self.filter(approved=True)

    def visible_to(self, user: Any) -> QuoteQuerySet:
        from scorecard.scorecards.models import Round

        return self.filter(response__round__in=Round.objects.visible_to(user))


class Quote(models.Model):
    """One open answer of one respondent about one facility type."""

    response = models.ForeignKey(
        "scorecards.Response", on_delete=models.CASCADE, related_name="quotes"
    )
    facility_type = models.ForeignKey(
        FacilityType, on_delete=models.PROTECT, related_name="+", verbose_name=_("facility type")
    )
    text = models.TextField(_("text"))
    # Normalised segmented words, kept so suggestions need not segment again.
    terms = models.JSONField(default=list)
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name=_("theme"),
    )
    # A staff move wins over automatic classification.
    moved = models.BooleanField(_("moved by staff"), default=False)
    approved = models.BooleanField(_("approved for publication"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("quote")
        constraints = [
            models.UniqueConstraint(fields=["response", "facility_type"], name="quote_one_per_type")
        ]

    def __str__(self) -> str:
        return self.text[:60]
