"""Collection records: import jobs of the task worker, ODK Central sources, paper entry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scorecard.scorecards.models import Import, Round


class ImportJob(models.Model):
    """An uploaded file (or an ODK Central pull) waiting for, or run by, the task worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="jobs")
    file = models.FileField(upload_to="imports/", blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    central = models.ForeignKey(
        "CentralSource", on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    result = models.ForeignKey(
        Import, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("import job")

    def __str__(self) -> str:
        return f"{self.round_id}: {self.file_name} ({self.status})"

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class CentralSource(models.Model):
    """An ODK Central form a round pulls from, with the cursor of the last pull.

    The credentials are never stored here: they come from the environment at pull time.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="central_sources")
    server = models.URLField(_("ODK Central server"), max_length=300)
    project = models.PositiveIntegerField(_("project id"))
    form_id = models.CharField(_("form id"), max_length=200)
    # the latest __system/submissionDate pulled (ISO text, as Central sends it)
    cursor = models.CharField(max_length=40, blank=True)
    last_pull = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "server", "project", "form_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "server", "project", "form_id"], name="central_source_unique"
            )
        ]
        verbose_name = _("ODK Central source")

    def __str__(self) -> str:
        return f"{self.server} project {self.project} form {self.form_id}"


class PaperQuestionnaire(models.Model):
    """A paper questionnaire keyed by clerks; it counts (has a Response) once agreed."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting for the second entry")
        DIFFERS = "differs", _("entries differ")
        COUNTED = "counted", _("counted")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="paper")
    number = models.CharField(_("questionnaire number"), max_length=40)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.WAITING
    )
    # the agreed answers (canonical column names), set when the questionnaire counts
    agreed = models.JSONField(default=dict)
    result = models.ForeignKey(
        Import, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="paper_number_unique")
        ]
        verbose_name = _("paper questionnaire")

    def __str__(self) -> str:
        return f"{self.round_id}:{self.number}"

    @property
    def stable_id(self) -> str:
        return f"paper-{self.round_id}-{self.number}"


class PaperEntry(models.Model):
    """One clerk's keying of a paper questionnaire (canonical column names -> text)."""

    questionnaire = models.ForeignKey(
        PaperQuestionnaire, on_delete=models.CASCADE, related_name="entries"
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    clerk_name = models.CharField(max_length=150)
    values = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["questionnaire", "at", "id"]
        verbose_name = _("paper entry")

    def __str__(self) -> str:
        return f"{self.questionnaire}: {self.clerk_name}"
