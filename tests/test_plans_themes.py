"""Needs themes on actions: form, page, export and import (a `themes` column)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.audit.models import AuditEntry
from scorecard.needs.actions import seed_default_themes
from scorecard.needs.models import Theme
from scorecard.plans.exports import to_csv
from scorecard.plans.imports import import_plans
from scorecard.plans.models import Action
from scorecard.plans.validate import PLAN_COLUMNS
from tests.helpers import make_organisation, make_programme, make_user
from tests.test_plans_factories import make_action, make_plan
from tests.test_plans_import import GOOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes():
    seed_default_themes("test")
    return {str(t): t for t in Theme.objects.select_related("facility_type")}


def upload(programme, rows: list[dict[str, str]]):
    columns = [*PLAN_COLUMNS, "themes"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return import_plans("test", programme, (out.getvalue().encode(), "plans.csv"))


def test_it_imports_and_exports_themes_by_code(themes):
    programme = make_programme(communes=["010201"])
    result = upload(programme, [{**GOOD, "themes": "health_centre:fees primary_school:textbooks"}])
    assert result.rejected == 0, result.errors
    action = Action.objects.get(plan__code="bn-2019")
    assert set(action.themes.all()) == {
        themes["health_centre:fees"],
        themes["primary_school:textbooks"],
    }
    created = AuditEntry.objects.get(model="plans.Action", action="create").after
    assert created is not None and created["themes"]
    rows = list(csv.DictReader(io.StringIO(to_csv(action.plan).decode("utf-8-sig"))))
    assert rows[0]["themes"].split() == ["health_centre:fees", "primary_school:textbooks"]
    # A code that only one facility type has may be written alone.
    result = upload(programme, [{**GOOD, "status": "", "themes": "medicines"}])
    assert result.rejected == 0, result.errors
    assert list(action.themes.all()) == [themes["health_centre:medicines"]]


def test_it_refuses_unknown_or_ambiguous_theme_codes_and_stores_nothing(themes):
    programme = make_programme(communes=["010201"])
    result = upload(programme, [{**GOOD, "themes": "water_toilets nope"}])
    assert result.rejected == 1 and not Action.objects.exists()
    (error,) = result.errors
    assert error.column == "themes"
    assert "water_toilets (write it as facility_type:code)" in error.reason
    assert "nope (unknown)" in error.reason


def test_it_sets_themes_in_the_action_form_and_shows_them(themes):
    org = make_organisation()
    plan = make_plan(programme=make_programme(organisation=org, communes=["010201"]))
    action = make_action(plan=plan)
    client = Client()
    client.force_login(make_user(Role.COMMUNE_OFFICIAL, communes=["010201"]))
    fees = themes["health_centre:fees"]
    form = {
        "section": "A", "number": action.number, "activity_en": action.activity_en,
        "estimated_cost_khr": action.estimated_cost_khr, "start": "2019-06-01",
        "end": "2019-12-31", "themes": [fees.pk],
    }  # fmt: skip
    assert client.post(f"/plans/actions/{action.pk}/edit/", form).status_code == 302
    assert list(action.themes.all()) == [fees]
    entry = AuditEntry.objects.get(model="plans.Action", action="update")
    assert ("themes", [], [fees.pk]) in entry.changes()
    page = client.get(f"/plans/actions/{action.pk}/").content.decode()
    assert fees.name_km in page
