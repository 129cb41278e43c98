"""Scorecard rounds, enumerators and the responses imported into a round (templates are
in ``template_models``, imported here so every model is found in one place).

Storage of ratings (decided for 1,000,000 responses x ~22 indicators)
--------------------------------------------------------------------
A row per answer would be 22 million rows per million respondents: slow to write (the
import target is 50,000 respondents a second) and slow to aggregate. Instead:

* each ``Response`` keeps its ratings as one short string, ``ratings``: one character
  per indicator of the round's template version, in the version's order
  (``"1"``..``"5"``, ``"d"`` for don't know, ``"-"`` for no answer). 22 bytes a
  respondent, written in the same INSERT as the respondent, and decoded in Python (or
  with ``substr`` in SQL) when a respondent-level view is needed;
* ``RatingCount`` is a cube of counts per (round, commune, question, sex, youth,
  disability, minority, IDPoor), with one column per level (``n_1``..``n_5``,
  ``n_dk``), kept up to date by the import, in its transaction. Every breakdown of the
  results contract (all, sex, youth, ..., crossed sex x youth) is a ``SUM ... GROUP BY``
  of that cube, whose size depends on communes x demographic profiles (a few thousand
  rows a commune), not on the number of respondents; counts per level are enough for
  n, the mean, the exact median and the share satisfied.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from scorecard.accounts.models import Organisation, Role
from scorecard.places.models import Commune, Facility, Village
from scorecard.programmes.models import Programme
from scorecard.scorecards.fields import JSONText
from scorecard.scorecards.template_models import Indicator, Template, TemplateVersion

RATING_CHARS = "12345"
DONT_KNOW = "d"
NO_ANSWER = "-"


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> RoundQuerySet:
        from scorecard.accounts.access import profile_of

        if user.is_authenticated and user.is_superuser:
            return self.all()
        profile = profile_of(user)
        if profile is None:
            return self.none()
        programmes = Programme.objects.visible_to(user).values("pk")
        if profile.role == Role.COMMUNE_OFFICIAL:
            return self.filter(communes__in=profile.communes.all()).distinct()
        if profile.role == Role.DONOR_VIEWER:
            return self.filter(programme__in=programmes)
        return self.filter(
            Q(organisation=profile.organisation_id) | Q(programme__in=programmes)
        ).distinct()


class Round(models.Model):
    class Mode(models.TextChoices):
        SURVEY = "survey", _("citizen survey")
        COMMUNITY = "community", _("community scorecard meeting")
        SELF_ASSESSMENT = "self_assessment", _("provider self-assessment")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        COLLECTING = "collecting", _("collecting")
        IN_REVIEW = "in_review", _("in review")
        COMPLETED = "completed", _("completed")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    template_version = models.ForeignKey(
        TemplateVersion,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("template version"),
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
        verbose_name=_("programme"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
        verbose_name=_("organisation"),
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    communes = models.ManyToManyField(Commune, blank=True, verbose_name=_("communes"))
    facilities = models.ManyToManyField(Facility, blank=True, verbose_name=_("facilities"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    locked = models.BooleanField(_("locked"), default=False)
    published = models.BooleanField(_("published"), default=False)
    published_from = models.DateField(_("published from"), null=True, blank=True)
    # Kobo REST services post each submission to /api/kobo/<code>/<push_token>/
    push_token = models.CharField(max_length=64, blank=True, editable=False)
    # Paper questionnaires keyed twice by two clerks count only once both agree.
    double_entry = models.BooleanField(_("double entry of paper questionnaires"), default=False)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("round")

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("round", args=[self.code])

    @property
    def template(self) -> Template:
        return self.template_version.template


class Enumerator(models.Model):
    """The registry of enumerators and facilitators; imports never create one."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        OTHER = "other", _("other")

    code = models.CharField(_("enumerator id"), max_length=60)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enumerators",
        verbose_name=_("organisation"),
    )
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)

    class Meta:
        ordering = ["organisation", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="enumerator_code_unique")
        ]
        verbose_name = _("enumerator")

    def __str__(self) -> str:
        return self.code


class Import(models.Model):
    """One file imported into a round, with the contract's counts."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(_("file"), max_length=255)
    kind = models.CharField(_("format"), max_length=20)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    conflicts = models.PositiveIntegerField(_("conflicts"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    unknown_enumerators = models.JSONField(_("unknown enumerators"), default=list)
    rejects = models.TextField(_("rejects (CSV)"), blank=True)
    columns = models.JSONField(default=list)  # the canonical header: keys of Response.raw
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    by_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("import")

    def __str__(self) -> str:
        return f"{self.round.code}: {self.file_name}"

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "conflicts": self.conflicts,
            "rejected": self.rejected,
            "unknown_enumerators": list(self.unknown_enumerators),
        }


class Response(models.Model):
    """One respondent's answers, with their demographics as they were at the time."""

    # Only (round, stable_id) is indexed: each further index costs the import ~10%. The
    # references are not database constraints either (db_constraint=False): responses are
    # written only by the import, which checks every commune, village, enumerator against
    # the gazetteer and registry before writing, and PostgreSQL's per-row foreign key
    # triggers cost more than the rest of the import (docs/performance.md). on_delete is
    # Django's (PROTECT, CASCADE, SET_NULL), tested in tests/test_import.py.
    round = models.ForeignKey(
        Round,
        on_delete=models.CASCADE,
        related_name="responses",
        db_index=False,
        db_constraint=False,
    )
    source = models.ForeignKey(
        Import,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        db_index=False,
        db_constraint=False,
    )
    stable_id = models.CharField(max_length=80)
    instance_id = models.CharField(max_length=80)
    content_hash = models.CharField(max_length=32)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    sex = models.CharField(max_length=6)
    age = models.PositiveSmallIntegerField()
    youth = models.BooleanField()
    disability = models.BooleanField(null=True)
    minority = models.BooleanField(null=True)
    idpoor = models.CharField(max_length=6, blank=True)
    enumerator_code = models.CharField(max_length=60)
    enumerator = models.ForeignKey(
        Enumerator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        db_index=False,
        db_constraint=False,
    )
    overall = models.PositiveSmallIntegerField(null=True)
    overall_dk = models.BooleanField(default=False)
    change = models.CharField(max_length=6, blank=True)
    ratings = models.CharField(max_length=200)  # see the module docstring
    needs = JSONText(default=dict)  # facility type code -> free text
    started = models.DateTimeField(null=True)
    ended = models.DateTimeField(null=True)
    source_file = models.CharField(max_length=255)
    form_version = models.CharField(max_length=80, blank=True)
    review_state = models.CharField(max_length=12, blank=True)
    raw = JSONText(default=dict)  # values in the order of source.columns (or a dict)
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "stable_id"], name="response_stable_id")
        ]
        verbose_name = _("response")

    def __str__(self) -> str:
        return f"{self.round_id}:{self.stable_id}"

    def raw_row(self) -> dict[str, str]:
        """The row as it was read from the file."""
        if isinstance(self.raw, dict):
            return self.raw
        columns = self.source.columns if self.source else []
        return dict(zip(columns, self.raw, strict=False))

    def rating_of(self, position: int) -> int | None:
        ch = self.ratings[position : position + 1]
        return int(ch) if ch and ch in RATING_CHARS else None


class RatingCount(models.Model):
    """Counts per level, per round x commune x question x demographic profile."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="rating_counts")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    facility = models.CharField(max_length=40)  # facility type code; "all" for overall
    question = models.CharField(max_length=60)  # indicator code, or "overall"
    sex = models.CharField(max_length=6, blank=True)
    youth = models.CharField(max_length=9, blank=True)  # youth / non_youth
    disability = models.CharField(max_length=3, blank=True)  # yes / no / ""
    minority = models.CharField(max_length=3, blank=True)
    idpoor = models.CharField(max_length=6, blank=True)
    n_1 = models.PositiveIntegerField(default=0)
    n_2 = models.PositiveIntegerField(default=0)
    n_3 = models.PositiveIntegerField(default=0)
    n_4 = models.PositiveIntegerField(default=0)
    n_5 = models.PositiveIntegerField(default=0)
    n_dk = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "round",
                    "commune",
                    "question",
                    "sex",
                    "youth",
                    "disability",
                    "minority",
                    "idpoor",
                ],
                name="rating_count_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.commune_id}:{self.question}"


class Conflict(models.Model):
    """Same stable id, different content: kept aside until a person keeps one version."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        KEPT_STORED = "kept_stored", _("kept the stored version")
        KEPT_INCOMING = "kept_incoming", _("kept the incoming version")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="conflicts")
    source = models.ForeignKey(Import, on_delete=models.PROTECT, related_name="conflict_rows")
    row = models.PositiveIntegerField(_("row"))
    stable_id = models.CharField(max_length=80)
    stored = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="conflicts")
    incoming = models.JSONField()
    incoming_hash = models.CharField(max_length=32)
    # the stored version's hash when the incoming one was kept: a re-import of the
    # replaced version is then a duplicate, not a new conflict
    replaced_hash = models.CharField(max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "stable_id", "id"]
        verbose_name = _("conflict")

    def __str__(self) -> str:
        return f"{self.round_id}:{self.stable_id}"


# Collection records (import jobs, ODK Central sources, paper questionnaires) live in
# their own module to keep this one short; importing them here registers them.
from scorecard.scorecards.collect_models import (  # noqa: E402
    CentralSource,
    ImportJob,
    PaperEntry,
    PaperQuestionnaire,
)

__all__ = [
    "DONT_KNOW",
    "NO_ANSWER",
    "RATING_CHARS",
    "CentralSource",
    "Conflict",
    "Enumerator",
    "Import",
    "ImportJob",
    "Indicator",
    "PaperEntry",
    "PaperQuestionnaire",
    "RatingCount",
    "Response",
    "Round",
    "Template",
    "TemplateVersion",
]
