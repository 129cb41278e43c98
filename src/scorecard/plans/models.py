"""Joint Accountability Action Plans (JAAP): plans, actions, progress, evidence, funding.

One-record rules live on the models (``clean``); many-record questions on the querysets
(totals by source type); writes across models in ``actions.py``. Money rules are in
``money.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scorecard.accounts.models import Role
from scorecard.bilingual import pick
from scorecard.places.models import Commune
from scorecard.plans import money
from scorecard.plans.rules import (  # noqa: F401  (re-exported: callers import from models)
    CLOSED,
    ORDER,
    PROBLEMS,
    Status,
    transition_error,
    transition_problem,
)
from scorecard.programmes.models import Programme


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> PlanQuerySet:
        """Plans of programmes the user may see; for an official, only their communes."""
        from scorecard.accounts.access import profile_of

        if user.is_authenticated and user.is_superuser:
            return self.all()
        profile = profile_of(user)
        if profile is None:
            return self.none()
        plans = self.filter(programme__in=Programme.objects.visible_to(user).values("pk"))
        if profile.role == Role.COMMUNE_OFFICIAL:
            plans = plans.filter(commune__in=profile.communes.all())
        return plans


class ActionPlan(models.Model):
    """One plan per commune per cycle (year) in a programme."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="plans", verbose_name=_("programme")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="plans", verbose_name=_("commune/sangkat")
    )
    code = models.SlugField(_("code"), max_length=60)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_km = models.CharField(_("title (Khmer)"), max_length=300, blank=True)
    rounds = models.ManyToManyField(
        "scorecards.Round", blank=True, related_name="plans", verbose_name=_("from rounds")
    )
    published = models.BooleanField(_("published"), default=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "commune", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="plan_code_unique"),
            models.UniqueConstraint(
                fields=["programme", "commune", "year"], name="plan_commune_year_unique"
            ),
        ]
        verbose_name = _("action plan")

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("plan", args=[self.pk])

    @property
    def title(self) -> str:
        return pick(self.title_en, self.title_km) or f"{self.commune.name} {self.year}"

    def clean(self) -> None:
        if (
            self.programme_id
            and self.commune_id
            and not self.programme.communes.filter(pk=self.commune_id).exists()
        ):
            raise ValidationError(
                {"commune": _("This commune is not one of the programme's target communes.")}
            )


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ActionQuerySet:
        return self.filter(plan__in=ActionPlan.objects.visible_to(user).values("pk"))

    def overdue(self, today: dt.date | None = None) -> ActionQuerySet:
        today = today or timezone.localdate()
        return self.filter(end__lt=today).exclude(status__in=CLOSED)


class Action(models.Model):
    class Section(models.TextChoices):
        A = "A", _("A: needs outside resources (Commune Investment Plan)")
        B = "B", _("B: done by providers and the community")

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan")
    )
    section = models.CharField(_("section"), max_length=1, choices=Section.choices)
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    activity_en = models.TextField(_("agreed priority activity (English)"), blank=True)
    activity_km = models.TextField(_("agreed priority activity (Khmer)"), blank=True)
    proposer = models.CharField(_("proposer"), max_length=200, blank=True)
    target_response = models.TextField(_("target response"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    beneficiaries = models.PositiveIntegerField(_("beneficiaries"), null=True, blank=True)
    beneficiaries_female = models.PositiveIntegerField(
        _("female beneficiaries"), null=True, blank=True
    )
    estimated_cost_khr = models.BigIntegerField(
        _("estimated cost (riel)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    implementer = models.CharField(_("implementer"), max_length=200, blank=True)
    collaborators = models.CharField(_("collaborators"), max_length=300, blank=True)
    provider = models.CharField(
        _("provider"),
        max_length=200,
        blank=True,
        help_text=_("Section B actions are grouped by provider (the implementer if blank)."),
    )
    indicators = models.ManyToManyField(
        "scorecards.Indicator", blank=True, related_name="actions", verbose_name=_("indicators")
    )
    themes = models.ManyToManyField(
        "needs.Theme",
        blank=True,
        related_name="plan_actions",
        verbose_name=_("needs themes"),
        help_text=_("The needs citizens raised that this action answers."),
    )
    responsible = models.CharField(_("responsible person"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    dropped_reason = models.TextField(_("reason for dropping"), blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "section", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="action_number_unique")
        ]
        verbose_name = _("action")

    def __str__(self) -> str:
        return f"{self.plan.code} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("plan_action", args=[self.pk])

    @property
    def activity(self) -> str:
        return pick(self.activity_en, self.activity_km)

    @property
    def quantity_text(self) -> str:
        return "" if self.quantity is None else f"{self.quantity.normalize():f}"

    @property
    def group(self) -> str:
        """The provider a section B action is listed under."""
        return self.provider or self.implementer

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.end and self.end < today and self.status not in CLOSED)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if not (self.activity_en.strip() or self.activity_km.strip()):
            errors["activity_en"] = _("Give the activity in English or Khmer.")
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("An action cannot end before it starts.")
        if (
            self.beneficiaries is not None
            and self.beneficiaries_female is not None
            and self.beneficiaries_female > self.beneficiaries
        ):
            errors["beneficiaries_female"] = _("More female beneficiaries than beneficiaries.")
        if self.status == Status.DROPPED and not self.dropped_reason.strip():
            errors["dropped_reason"] = _("Say why the action was dropped.")
        if self.status == Status.IMPLEMENTED and self.progress != 100:
            errors["progress"] = _("An implemented action is at 100 percent.")
        if errors:
            raise ValidationError(errors)


class StatusChange(models.Model):
    """A dated progress update: the status before and after, a note and a percent."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("by"),
    )
    by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["action", "date", "id"]
        verbose_name = _("progress update")

    def __str__(self) -> str:
        return f"{self.action} {self.from_status or '-'} > {self.to_status} {self.date}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("photo")
        DOCUMENT = "document", _("document")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence")
    change = models.ForeignKey(
        StatusChange, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The name in default_storage (under MEDIA_ROOT); a plain string, so the audit log can
    # record it. Files are reached only through the access-checked evidence view.
    stored_name = models.CharField(max_length=200, editable=False)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    original_name = models.CharField(_("file name"), max_length=200)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action", "uploaded"]
        verbose_name = _("evidence")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("plan_evidence", args=[self.pk])

    @property
    def path(self) -> str:
        from django.core.files.storage import default_storage

        return str(default_storage.path(self.stored_name))


class SourceType(models.TextChoices):
    COMMUNE_FUND = "commune_fund", _("commune fund (CIP)")
    PRIVATE_SECTOR = "private_sector", _("private sector")
    LOCAL_NGO = "local_ngo", _("local NGO")
    CBO = "cbo", _("community-based organisation")
    COMMUNITY = "community", _("community")
    LOCAL_AUTHORITY = "local_authority", _("local authority")
    DONOR = "donor", _("donor")


class ContributionQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ContributionQuerySet:
        return self.filter(action__in=Action.objects.visible_to(user).values("pk"))

    def totals(self) -> money.Totals:
        return money.total(self.values_list("amount", "currency", "rate_khr_per_usd"))

    def totals_by(self, key: str = "source_type") -> dict[str, money.Totals]:
        """Totals in KHR and USD per value of ``key`` (each row at its own rate)."""
        result: dict[str, money.Totals] = {}
        for group, amount, currency, rate in self.values_list(
            key, "amount", "currency", "rate_khr_per_usd"
        ).order_by(key, "pk"):
            result.setdefault(group, money.Totals()).add(amount, currency, rate)
        return result

    def by_source_type(self) -> dict[str, money.Totals]:
        return self.totals_by("source_type")

    def by_commune(self) -> dict[str, money.Totals]:
        return self.totals_by("action__plan__commune")

    def by_plan(self) -> dict[int, money.Totals]:
        return self.totals_by("action__plan")  # type: ignore[return-value]

    def by_programme(self) -> dict[int, money.Totals]:
        return self.totals_by("action__plan__programme")  # type: ignore[return-value]


class Contribution(models.Model):
    class Currency(models.TextChoices):
        KHR = "KHR", _("riel (KHR)")
        USD = "USD", "USD"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="contributions")
    source_type = models.CharField(_("source type"), max_length=20, choices=SourceType.choices)
    source_name = models.CharField(_("source name"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    rate_khr_per_usd = models.DecimalField(_("rate (KHR per USD)"), max_digits=10, decimal_places=4)
    rate_date = models.DateField(_("rate date"))
    in_kind = models.BooleanField(_("in kind"), default=False)
    date = models.DateField(_("date"))

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["action", "date", "id"]
        verbose_name = _("contribution")

    def __str__(self) -> str:
        return f"{self.action} {self.source_type} {self.amount} {self.currency}"

    @property
    def usd(self) -> Decimal:
        return money.in_usd(self.amount, self.currency, self.rate_khr_per_usd)

    @property
    def khr(self) -> Decimal:
        return money.in_khr(self.amount, self.currency, self.rate_khr_per_usd)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.amount is not None:
            try:
                money.parse_amount(str(self.amount), self.currency)
            except ValueError:
                errors["amount"] = _(
                    "Give an amount above zero: whole riel for KHR, at most cents for USD."
                )
        if self.rate_khr_per_usd is not None and self.rate_khr_per_usd <= 0:
            errors["rate_khr_per_usd"] = _("The rate must be more than zero.")
        if errors:
            raise ValidationError(errors)
        # Stored precision, so the audit log shows the same text before and after a save.
        if self.amount is not None:
            self.amount = Decimal(self.amount).quantize(money.CENT)
        if self.rate_khr_per_usd is not None:
            self.rate_khr_per_usd = Decimal(self.rate_khr_per_usd).quantize(Decimal("0.0001"))
