"""A programme's logframe: levels as a tree, indicators with targets per period.

An indicator's value is never typed in unless it says so: it names a computation of the
catalogue (``catalogue.py``) and its parameters, or ``manual`` with a value and the
evidence behind it. Shares are stored in 0..1, money in the indicator's currency.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from scorecard.bilingual import pick
from scorecard.programmes.models import Programme


class LevelKind(models.TextChoices):
    GOAL = "goal", _("goal")
    OUTCOME = "outcome", _("outcome")
    OUTPUT = "output", _("output")
    ACTIVITY = "activity", _("activity")


class Unit(models.TextChoices):
    PERCENT = "percent", _("percent")
    NUMBER = "number", _("number")
    MONEY = "money", _("money")


class Direction(models.TextChoices):
    INCREASE = "increase", _("higher is better")
    DECREASE = "decrease", _("lower is better")


class Rule(models.TextChoices):
    LATEST = "latest", _("latest period")
    SUM = "sum", _("sum of periods")


MANUAL = "manual"


class LevelQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> LevelQuerySet:
        return self.filter(programme__in=Programme.objects.visible_to(user))


class Level(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="levels", verbose_name=_("programme")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent level"),
    )
    kind = models.CharField(_("level"), max_length=10, choices=LevelKind.choices)
    code = models.CharField(_("code"), max_length=20)
    title_en = models.CharField(_("title (English)"), max_length=500)
    title_km = models.CharField(_("title (Khmer)"), max_length=500, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = LevelQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "order", "code"]
        verbose_name = _("logframe level")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="level_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return pick(self.title_en, self.title_km)


class IndicatorQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> IndicatorQuerySet:
        return self.filter(programme__in=Programme.objects.visible_to(user))


class Indicator(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("programme")
    )
    level = models.ForeignKey(
        Level, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("level")
    )
    code = models.CharField(_("code"), max_length=20)
    statement_en = models.TextField(_("statement (English)"))
    statement_km = models.TextField(_("statement (Khmer)"), blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target = models.DecimalField(
        _("target (life of programme)"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    rule = models.CharField(
        _("life-of-programme rule"), max_length=6, choices=Rule.choices, default=Rule.LATEST
    )
    on_track_at = models.DecimalField(
        _("on track from (share of target)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.90"),
    )
    computation = models.CharField(_("computation"), max_length=40, default=MANUAL)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    disaggregations = models.JSONField(_("disaggregations"), default=list, blank=True)
    means_of_verification = models.TextField(_("means of verification"), blank=True)
    sentence_en = models.TextField(_("sentence (English)"), blank=True)
    sentence_km = models.TextField(_("sentence (Khmer)"), blank=True)
    # Entered by hand (computation "manual"): the figure and the evidence behind it.
    manual_value = models.DecimalField(
        _("value entered by hand"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    manual_numerator = models.PositiveIntegerField(_("numerator"), null=True, blank=True)
    manual_denominator = models.PositiveIntegerField(_("denominator"), null=True, blank=True)
    manual_female = models.PositiveIntegerField(_("female"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "order", "code"]
        verbose_name = _("indicator")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="logframe_indicator_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.statement}"

    def get_absolute_url(self) -> str:
        return reverse("logframe_indicator", args=[self.programme.code, self.code])

    @property
    def statement(self) -> str:
        return pick(self.statement_en, self.statement_km)

    @property
    def is_manual(self) -> bool:
        return self.computation == MANUAL


class Period(models.Model):
    """A reporting period: its target, and parameters that differ from the indicator's
    (e.g. the round of that year); a manual indicator keeps its figure here too."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="periods")
    label = models.CharField(_("period"), max_length=40)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    target = models.DecimalField(
        _("target"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    params = models.JSONField(_("parameters for this period"), default=dict, blank=True)
    manual_value = models.DecimalField(
        _("value entered by hand"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["indicator", "start"]
        verbose_name = _("period")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "label"], name="period_label_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.label}"
