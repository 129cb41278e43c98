"""Web edit and delete of actions, contributions and evidence: reasons, audit, scope."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from scorecard.accounts.models import Role
from scorecard.audit.models import AuditEntry
from scorecard.plans.actions import (
    PlanError,
    add_evidence,
    delete_evidence,
    update_contribution,
    update_evidence,
)
from scorecard.plans.models import Action, Contribution, Evidence
from tests.helpers import make_organisation, make_programme, make_user
from tests.test_plans_factories import make_action, make_contribution, make_plan

pytestmark = pytest.mark.django_db


def jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "board.jpg"
    return buffer


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    org = make_organisation(code="ngo")
    programme = make_programme(code="own", organisation=org, communes=["010201", "010203"])
    mine = make_action(plan=make_plan(programme=programme, commune="010201", code="mine"))
    theirs = make_action(plan=make_plan(programme=programme, commune="010203", code="theirs"))
    return {
        "mine": mine,
        "theirs": theirs,
        "official": make_user(Role.COMMUNE_OFFICIAL, communes=["010201"]),
        "facilitator": make_user(Role.FACILITATOR, organisation=org),
        "contribution": make_contribution(action=mine, amount=Decimal("410000")),
        "their_contribution": make_contribution(action=theirs),
        "evidence": add_evidence("test", mine, jpeg(), caption="Board"),
        "their_evidence": add_evidence("test", theirs, jpeg()),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


CONTRIBUTION = {
    "source_type": "private_sector", "source_name": "Rice mill", "amount": "820000",
    "currency": "KHR", "rate_khr_per_usd": "4100", "rate_date": "", "date": "2019-08-01",
}  # fmt: skip


def test_it_changes_a_contribution_only_with_a_reason_and_audits_before_and_after(world):
    client, c = client_for(world["official"]), world["contribution"]
    url = f"/plans/contributions/{c.pk}/edit/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {**CONTRIBUTION, "reason": ""})
    assert refused.status_code == 200
    c.refresh_from_db()
    assert c.amount == Decimal("410000.00")
    response = client.post(url, {**CONTRIBUTION, "reason": "receipt says 820,000"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.amount, c.usd) == (Decimal("820000.00"), Decimal("200.00"))
    entry = AuditEntry.objects.get(model="plans.Contribution", action="update")
    assert ("amount", "410000.00", "820000.00") in entry.changes()
    assert (entry.actor, entry.reason) == (world["official"], "receipt says 820,000")


def test_it_refuses_a_contribution_change_without_reason_in_the_action_too(world):
    with pytest.raises(PlanError):
        update_contribution("test", world["contribution"], "  ", amount=Decimal("1"))
    assert not AuditEntry.objects.filter(model="plans.Contribution", action="update").exists()


def test_it_deletes_a_contribution_with_a_reason_kept_in_the_audit_log(world):
    client, c = client_for(world["official"]), world["contribution"]
    url = f"/plans/contributions/{c.pk}/delete/"
    assert client.post(url, {"reason": ""}).status_code == 200
    assert Contribution.objects.filter(pk=c.pk).exists()
    assert client.post(url, {"reason": "entered twice"}).status_code == 302
    assert not Contribution.objects.filter(pk=c.pk).exists()
    entry = AuditEntry.objects.get(model="plans.Contribution", action="delete")
    assert entry.before is not None
    assert (entry.before["amount"], entry.reason) == ("410000.00", "entered twice")


def test_it_edits_an_actions_columns_and_asks_why_its_cost_changes(world):
    client, action = client_for(world["official"]), world["mine"]
    url = f"/plans/actions/{action.pk}/edit/"
    page = client.get(url).content.decode()
    assert "Repair the road" in page
    form = {
        "section": "A", "number": action.number, "activity_km": action.activity_km,
        "activity_en": "Repair the road", "estimated_cost_khr": "5000000",
        "start": "2019-06-01", "end": "2019-12-31", "implementer": "Commune council",
    }  # fmt: skip
    assert client.post(url, form).status_code == 200  # the cost changed without a reason
    action.refresh_from_db()
    assert action.estimated_cost_khr == 4_100_000
    assert client.post(url, {**form, "reason": "new quote"}).status_code == 302
    action.refresh_from_db()
    assert (action.activity_en, action.estimated_cost_khr) == ("Repair the road", 5_000_000)
    entry = AuditEntry.objects.get(model="plans.Action", action="update")
    assert ("estimated_cost_khr", 4_100_000, 5_000_000) in entry.changes()
    assert entry.reason == "new quote"
    # Other columns change without a reason; status stays with progress updates.
    moved = {**form, "estimated_cost_khr": "5000000", "location": "Village 3"}
    assert client.post(url, moved).status_code == 302
    assert Action.objects.get(pk=action.pk).status == "proposed"


def test_it_edits_and_removes_evidence_with_a_reason(world):
    client, evidence = client_for(world["official"]), world["evidence"]
    stored = Path(evidence.path)
    assert stored.exists()
    edit = f"/plans/evidence/{evidence.pk}/edit/"
    assert client.post(edit, {"caption": "New board", "reason": ""}).status_code == 200
    assert client.post(edit, {"caption": "New board", "reason": "typo"}).status_code == 302
    evidence.refresh_from_db()
    assert evidence.caption == "New board"
    delete = f"/plans/evidence/{evidence.pk}/delete/"
    with pytest.raises(PlanError):
        delete_evidence("test", evidence, "")
    with pytest.raises(PlanError):
        update_evidence("test", evidence, "", caption="x")
    response = client.post(delete, {"reason": "wrong photo"})
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    entry = AuditEntry.objects.get(model="plans.Evidence", action="delete")
    assert entry.before is not None
    assert (entry.before["original_name"], entry.reason) == ("board.jpg", "wrong photo")


@pytest.mark.django_db(transaction=True)
def test_it_removes_the_file_once_the_deletion_is_committed(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    evidence = add_evidence("test", make_action(), jpeg())
    name = evidence.stored_name
    assert default_storage.exists(name)
    delete_evidence("test", evidence, "wrong photo")
    assert not default_storage.exists(name)


@pytest.mark.parametrize(
    "url",
    [
        "/plans/actions/{theirs}/edit/",
        "/plans/contributions/{their_contribution}/edit/",
        "/plans/contributions/{their_contribution}/delete/",
        "/plans/evidence/{their_evidence}/edit/",
        "/plans/evidence/{their_evidence}/delete/",
        "/plans/contributions/999999/edit/",
        "/plans/evidence/999999/delete/",
    ],
)
def test_it_answers_404_for_another_communes_or_a_guessed_id(world, url):
    ids = {k: world[k].pk for k in ("theirs", "their_contribution", "their_evidence")}
    client = client_for(world["official"])
    target = url.format(**ids)
    assert client.get(target).status_code == 404
    assert client.post(target, {"reason": "x", "caption": "x"}).status_code == 404
    assert Contribution.objects.filter(pk=world["their_contribution"].pk).exists()


def test_it_forbids_read_only_roles_every_edit(world):
    client = client_for(world["facilitator"])
    for url in (
        f"/plans/actions/{world['mine'].pk}/edit/",
        f"/plans/contributions/{world['contribution'].pk}/delete/",
        f"/plans/evidence/{world['evidence'].pk}/delete/",
    ):
        assert client.post(url, {"reason": "x"}).status_code == 403
    assert Evidence.objects.filter(pk=world["evidence"].pk).exists()


def test_it_shows_edit_links_and_the_overdue_flag_on_the_action_page(world):
    action = world["mine"]
    Action.objects.filter(pk=action.pk).update(end=dt.date(2019, 1, 31))
    page = client_for(world["official"]).get(f"/plans/actions/{action.pk}/").content.decode()
    assert f"/plans/actions/{action.pk}/edit/" in page
    assert f"/plans/contributions/{world['contribution'].pk}/delete/" in page
    assert f"/plans/evidence/{world['evidence'].pk}/edit/" in page
    assert 'class="tag overdue"' in page
