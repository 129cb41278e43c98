from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.audit.models import AuditEntry
from scorecard.places.models import Commune
from scorecard.programmes.actions import create_programme, update_programme
from tests.helpers import make_organisation, make_user

pytestmark = pytest.mark.django_db


def test_it_records_who_created_a_programme_and_what():
    user = make_user(Role.ME_OFFICER)
    programme = create_programme(
        user,
        "p1",
        "Programme one",
        budget=Decimal("165000.00"),
        communes=Commune.objects.filter(code__in=["010201", "060301"]),
    )
    entry = AuditEntry.objects.get(model="programmes.Programme", object_pk=str(programme.pk))
    assert (entry.actor, entry.action) == (user, "create")
    assert entry.before is None
    assert entry.after["budget"] == "165000.00"  # money is logged exactly, as text
    assert entry.after["communes"] == ["010201", "060301"]


def test_it_records_before_and_after_of_an_update():
    user = make_user(Role.ME_OFFICER)
    programme = create_programme(user, "p2", "Old title", budget=Decimal("10.00"))
    update_programme(user, programme, title_en="New title", budget=Decimal("12.50"))
    entry = AuditEntry.objects.filter(action="update").get()
    changes = {field: (before, after) for field, before, after in entry.changes()}
    assert changes == {"title_en": ("Old title", "New title"), "budget": ("10.00", "12.50")}


def test_it_writes_nothing_when_the_change_is_invalid():
    user = make_user(Role.ME_OFFICER)
    programme = create_programme(user, "p3", "Title")
    with pytest.raises(Exception, match="budget"):
        update_programme(user, programme, budget=Decimal("-1"))
    assert not AuditEntry.objects.filter(action="update").exists()


def test_it_audits_edits_made_in_the_admin():
    admin = make_user(Role.ADMIN, is_staff=True, is_superuser=True)
    org = make_organisation(code="undp", name_en="UNDP")
    client = Client()
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/organisation/{org.pk}/change/",
        {
            "code": "undp",
            "name_en": "United Nations Development Programme",
            "name_km": "",
            "kind": "donor",
            "acronym": "UNDP",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(model="accounts.Organisation", action="update")
    assert ("name_en", "UNDP", "United Nations Development Programme") in entry.changes()


def test_it_shows_the_log_to_admins():
    admin = make_user(Role.ADMIN)
    create_programme(admin, "p4", "Visible in the log")
    client = Client()
    client.force_login(admin)
    page = client.get("/audit/").content.decode()
    assert "Visible in the log" in page
    assert "programmes.Programme" in page
