"""Scorecard templates: a template, its versions and their indicators (see ``models``)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from scorecard.bilingual import pick
from scorecard.places.models import FacilityType


class Template(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_km = models.CharField(_("title (Khmer)"), max_length=300, blank=True)
    threshold = models.PositiveSmallIntegerField(
        _("satisfied from"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("A rating at or above this level counts as satisfied."),
    )
    # The face scale: [{"en": "Very bad", "km": "..."}, ...] for 1..5, and don't know.
    scale = models.JSONField(_("scale labels"), default=list)
    dont_know_en = models.CharField(max_length=100, default="Don't know")
    dont_know_km = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("scorecard template")

    def __str__(self) -> str:
        return self.code

    @property
    def title(self) -> str:
        return pick(self.title_en, self.title_km)

    def latest(self) -> TemplateVersion:
        return self.versions.order_by("-number").first()  # type: ignore[return-value]


class TemplateVersion(models.Model):
    """An edit to a version that a round uses makes a new version (``revise_template``)."""

    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    created = models.DateField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_version_unique")
        ]
        verbose_name = _("template version")

    def __str__(self) -> str:
        return f"{self.template.code} v{self.number}"

    def editable(self) -> bool:
        """False once any round uses this version: its indicators are then frozen."""
        return not self.rounds.exists()

    @property
    def form_version(self) -> str:
        """The XLSForm ``version``; changes whenever the template version changes."""
        return f"{self.template.code}-v{self.number}-{self.created:%Y%m%d}"

    def ordered_indicators(self) -> list[Indicator]:
        return list(
            self.indicators.select_related("facility_type").order_by(
                "facility_type__order", "facility_type__code", "order", "code"
            )
        )


class Indicator(models.Model):
    version = models.ForeignKey(
        TemplateVersion, on_delete=models.CASCADE, related_name="indicators"
    )
    facility_type = models.ForeignKey(
        FacilityType, on_delete=models.PROTECT, verbose_name=_("facility type")
    )
    code = models.SlugField(_("code"), max_length=60)
    text_en = models.CharField(_("text (English)"), max_length=400)
    text_km = models.CharField(_("text (Khmer)"), max_length=400, blank=True)
    standard_en = models.CharField(_("service standard (English)"), max_length=400, blank=True)
    standard_km = models.CharField(_("service standard (Khmer)"), max_length=400, blank=True)
    picture = models.FileField(_("picture"), upload_to="indicators/", blank=True)
    audio_en = models.FileField(_("audio (English)"), upload_to="indicators/", blank=True)
    audio_km = models.FileField(_("audio (Khmer)"), upload_to="indicators/", blank=True)
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("predecessor"),
        help_text=_("The indicator this one rewords, so results compare across rounds."),
    )
    custom = models.BooleanField(_("custom"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "facility_type__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="indicator_code_unique")
        ]
        verbose_name = _("indicator")

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"

    @property
    def text(self) -> str:
        return pick(self.text_en, self.text_km)

    def lineage(self) -> list[Indicator]:
        """This indicator and its predecessors, newest first."""
        chain: list[Indicator] = []
        seen: set[int] = set()
        ind: Indicator | None = self
        while ind is not None and ind.pk not in seen:
            chain.append(ind)
            seen.add(ind.pk)
            ind = ind.predecessor
        return chain
