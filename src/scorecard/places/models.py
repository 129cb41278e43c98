"""The NCDD gazetteer (province > district > commune/sangkat > village) and facilities."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scorecard.bilingual import Bilingual, normalise


class PlaceQuerySet(models.QuerySet):
    def search(self, query: str) -> PlaceQuerySet:
        """By code prefix (digits, Latin or Khmer) or by a part of either name."""
        query = query.strip()
        digits = query.translate(str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789"))
        if digits.isdigit():
            return self.filter(code__startswith=digits)
        key = normalise(query)
        if not key:
            return self.none()
        return self.filter(Q(search_key__contains=key))


class Place(Bilingual):
    code = models.CharField(_("code"), max_length=8, primary_key=True)
    # Both names normalised, so "banteay neang", "BanteayNeang" and បន្ទាយនាង all match.
    search_key = models.CharField(max_length=420, editable=False, db_index=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = self.make_search_key(self.name_en, self.name_km)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @staticmethod
    def make_search_key(name_en: str, name_km: str) -> str:
        return f"{normalise(name_en)}|{normalise(name_km)}"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Province(Place):
    class Meta(Place.Meta):
        verbose_name = _("province")


class District(Place):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts")

    class Meta(Place.Meta):
        verbose_name = _("district")


class Commune(Place):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="communes")

    class Meta(Place.Meta):
        verbose_name = _("commune/sangkat")
        verbose_name_plural = _("communes/sangkats")

    @property
    def province_code(self) -> str:
        return self.code[:2]


class Village(Place):
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="villages")

    class Meta(Place.Meta):
        verbose_name = _("village")


class FacilityType(Bilingual):
    """Commune/sangkat administration, health centre, primary school, and any added later."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    one_per_commune = models.BooleanField(
        _("one per commune"),
        default=False,
        help_text=_(
            "A commune office exists once in every commune; schools and health centres are registered one by one."
        ),
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("facility type")


class Facility(Bilingual):
    """A given health centre, school or commune office, where citizens get a service."""

    type = models.ForeignKey(FacilityType, on_delete=models.PROTECT, related_name="facilities")
    code = models.CharField(_("code"), max_length=40, unique=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="facilities")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["commune", "type", "code"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
