"""Imports run by the task worker: uploaded files and ODK Central pulls.

The web page stores the file and queues a job; the worker runs the same
``import_export`` as the command line, so counts, rejects and conflicts are the same.
The job row tells the page whether it is queued, running, done or failed.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from scorecard.scorecards.importing import ImportRefused, import_export
from scorecard.scorecards.models import CentralSource, ImportJob, Round

log = logging.getLogger(__name__)


def queue_upload(actor: Any, round_: Round, upload: UploadedFile) -> ImportJob:
    """Store the uploaded file and queue its import."""
    if round_.locked:
        raise ImportRefused(f"round {round_.code} is completed and locked; unlock it first")
    user = actor if getattr(actor, "is_authenticated", False) else None
    name = (upload.name or "upload")[:255]
    job = ImportJob(round=round_, file_name=name, by=user)
    job.file.save(f"{round_.code}-{timezone.now():%Y%m%d%H%M%S}", upload, save=False)
    job.save()
    run_import_job.enqueue(job.pk)
    return job


def queue_pull(actor: Any, source: CentralSource) -> ImportJob:
    """Queue a pull of the new submissions of an ODK Central form."""
    if source.round.locked:
        raise ImportRefused(f"round {source.round.code} is completed and locked; unlock it first")
    user = actor if getattr(actor, "is_authenticated", False) else None
    job = ImportJob.objects.create(
        round=source.round, central=source, file_name=str(source)[:255], by=user
    )
    run_import_job.enqueue(job.pk)
    return job


@task()
def run_import_job(job_id: int) -> str:
    return run_job(job_id)


def run_job(job_id: int) -> str:
    """Run one queued job; a job already claimed by another worker is left alone."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING
    )
    job = ImportJob.objects.select_related("round", "central", "by").get(pk=job_id)
    if not claimed:
        return job.status
    actor: Any = job.by or "worker"
    try:
        if job.central is not None:
            from scorecard.scorecards.central import pull_central

            job.result = pull_central(actor, job.central)
        else:
            job.result = import_export(actor, job.round, job.file.path, file_name=job.file_name)
        job.status = ImportJob.Status.DONE
    except ImportRefused as exc:
        job.status, job.error = ImportJob.Status.FAILED, str(exc)
    except Exception:  # the page must say it failed rather than spin forever
        log.exception("import job %s failed", job_id)
        job.status, job.error = ImportJob.Status.FAILED, "unexpected error; see the server log"
    job.finished = timezone.now()
    with transaction.atomic():
        if job.file:
            # every stored response keeps its raw row; the file itself is not needed again
            job.file.delete(save=False)
        job.save()
    return job.status
