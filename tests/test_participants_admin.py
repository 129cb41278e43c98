"""Participants' personal data exported and erased from Django's admin, audited."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client

from scorecard.audit.models import AuditEntry
from scorecard.events.models import Attendance, Participant
from tests.test_outcomes import make_attendance, make_event

pytestmark = pytest.mark.django_db
URL = "/admin/events/participant/"


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x-long-pass-1"))
    return client


@pytest.fixture
def person() -> Participant:
    attendance = make_attendance(make_event(), "P-0042", organisation="CWC")
    person = attendance.participant
    person.name = "Sok Chanthy"
    person.save()
    return person


def test_it_exports_selected_participants_as_json(admin_client, person):
    response = admin_client.post(URL, {"action": "export_data", "_selected_action": [person.pk]})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = json.loads(response.content)
    assert rows[0]["name"] == "Sok Chanthy" and rows[0]["attendances"][0]["age"] == 40
    assert AuditEntry.objects.filter(reason__startswith="personal data exported").count() == 1


def test_it_erases_only_with_a_reason(admin_client, person):
    ask = admin_client.post(URL, {"action": "erase_data", "_selected_action": [person.pk]})
    assert ask.status_code == 200 and "P-0042" in ask.content.decode()
    data = {"action": "erase_data", "_selected_action": [person.pk], "confirm": "yes"}
    assert admin_client.post(URL, {**data, "reason": " "}).status_code == 200
    person.refresh_from_db()
    assert person.name == "Sok Chanthy"
    done = admin_client.post(URL, {**data, "reason": "asked by phone"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.name == "" and person.code.startswith("erased-")
    assert Attendance.objects.get(participant=person).age is None
    assert AuditEntry.objects.filter(reason="erased: asked by phone").count() == 1
