"""Web uploads go through the task worker: queued, running, done, and the same summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.scorecards.importing import ImportRefused
from scorecard.scorecards.models import Import, ImportJob, Response, Round
from scorecard.scorecards.tasks import queue_upload, run_job
from tests.factories_scorecards import make_export, make_round
from tests.helpers import make_organisation, make_user

pytestmark = pytest.mark.django_db
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def make_staff(role: str = Role.FACILITATOR) -> tuple[Round, User]:
    org = make_organisation()
    return make_round(code="UP1", organisation=org), make_user(role, organisation=org)


def upload(client: Client, path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as fh:
        return client.post("/rounds/UP1/import/", {"file": fh})


def test_it_queues_the_upload_and_shows_each_state_then_the_summary(settings, tmp_path):
    settings.TASKS = DUMMY  # a worker that has not picked the job up yet
    round_, user = make_staff()
    client = Client()
    client.force_login(user)
    path = make_export(round_, tmp_path / "kobo.csv", rows=12)
    response = upload(client, path)
    job = ImportJob.objects.get()
    assert response["Location"] == f"/rounds/UP1/jobs/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="queued"' in page and 'http-equiv="refresh"' in page
    assert not Response.objects.exists() and Path(job.file.path).exists()
    stored = Path(job.file.path)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    assert 'data-status="running"' in client.get(response["Location"]).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    assert run_job(job.pk) == "done"
    assert run_job(job.pk) == "done"  # a second delivery of the task imports nothing again
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page and 'http-equiv="refresh"' not in page
    assert 'data-count="accepted">12<' in page.replace("១២", "12")
    assert Import.objects.get().by == user and Response.objects.count() == 12
    assert not stored.exists()  # responses keep their raw rows; the upload is not kept


def test_it_shows_the_summary_at_once_when_the_worker_runs_immediately(tmp_path):
    round_, user = make_staff()
    client = Client()
    client.force_login(user)
    response = upload(client, make_export(round_, tmp_path / "odk.csv", rows=5, fmt="odk_csv"))
    record = Import.objects.get()
    assert response["Location"] == f"/rounds/UP1/imports/{record.pk}/"
    assert ImportJob.objects.get().result == record


def test_it_reports_a_refused_file_on_the_job_page(settings, tmp_path):
    settings.TASKS = DUMMY
    round_, user = make_staff()
    client = Client()
    client.force_login(user)
    bad = tmp_path / "notes.csv"
    bad.write_text("name,phone\nSok,012\n")
    job = ImportJob.objects.get(pk=upload(client, bad)["Location"].split("/")[-2])
    assert run_job(job.pk) == "failed"
    page = client.get(f"/rounds/UP1/jobs/{job.pk}/").content.decode()
    assert 'data-status="failed"' in page and "not an export of the form" in page
    assert not Import.objects.exists()


def test_it_refuses_an_upload_into_a_locked_round():
    round_, user = make_staff()
    Round.objects.filter(pk=round_.pk).update(locked=True)
    round_.refresh_from_db()
    with pytest.raises(ImportRefused, match="locked"):
        queue_upload(user, round_, SimpleUploadedFile("x.csv", b"a,b\n"))
    assert not ImportJob.objects.exists()


def test_it_hides_another_organisations_job(tmp_path):
    round_, user = make_staff()
    job = queue_upload(user, round_, SimpleUploadedFile("k.csv", make_export(round_, tmp_path / "k.csv", rows=2).read_bytes()))  # fmt: skip
    other = Client()
    other.force_login(make_user(Role.ME_OFFICER, organisation=make_organisation()))
    assert other.get(f"/rounds/UP1/jobs/{job.pk}/").status_code == 404
