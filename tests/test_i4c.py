"""Information for citizens: budget import, budget and standards pages."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.audit.models import AuditEntry
from scorecard.events.i4c_models import BudgetLine, ServiceStandard, StandardValue
from scorecard.places.models import Commune, Facility, FacilityType
from tests.helpers import make_user

pytestmark = pytest.mark.django_db


def make_budget_file(tmp_path: Path, *rows: str, name: str = "budget.csv") -> Path:
    path = tmp_path / name
    path.write_text("\ufeff" + "\n".join(["commune,year,sector,amount_khr", *rows]) + "\n")
    return path


def make_facility(commune: str = "010201", type_code: str = "primary_school") -> Facility:
    return Facility.objects.create(
        type=FacilityType.objects.get(code=type_code),
        code=f"{type_code}-{commune}",
        commune_id=commune,
        name_en="Ou Thum Primary School",
        name_km="សាលាបឋមសិក្សាអូរធំ",
    )


def make_service_standard(**overrides) -> ServiceStandard:
    fields = {
        "facility_type": FacilityType.objects.get(code="primary_school"),
        "code": "ps_latrines",
        "text_en": "Working latrines",
        "text_km": "បង្គន់ដែលប្រើប្រាស់បាន",
        "target": 4,
        "unit_en": "latrines",
        "unit_km": "កន្លែង",
    }
    fields.update(overrides)
    return ServiceStandard.objects.create(**fields)


def run(path: Path, *args: str) -> dict:
    out = io.StringIO()
    call_command("budget", "import", str(path), "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_it_imports_budget_lines_once(tmp_path):
    path = make_budget_file(
        tmp_path, "010201,2020,roads,182000000", '10203,2020,health,"21,800,000"'
    )
    assert run(path, "--dry-run")["accepted"] == 2
    assert not BudgetLine.objects.exists()
    summary = run(path)
    assert (summary["rows"], summary["accepted"], summary["created"]) == (2, 2, 2)
    assert BudgetLine.objects.get(commune="010203").amount_khr == 21_800_000
    assert run(path)["unchanged"] == 2
    changed = make_budget_file(tmp_path, "010201,2020,roads,190000000", name="b.csv")
    assert run(changed)["updated"] == 1
    assert BudgetLine.objects.get(commune="010201").amount_khr == 190_000_000
    assert AuditEntry.objects.filter(model="events.BudgetLine", action="update").count() == 1


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("999999,2020,roads,1000", "commune", "not a commune in the gazetteer"),
        ("0102,2020,roads,1000", "commune", "6-digit commune code"),
        ("010201,20,roads,1000", "year", "whole number from 1,990 to 2,100"),
        ("010201,2020,space,1000", "sector", "must be one of administration"),
        ("010201,2020,roads,12.50", "amount_khr", "whole number"),
        ("010201,2020,roads,-5", "amount_khr", "whole number"),
        ("010201,2020,roads,=1+1", "amount_khr", "whole number"),
        ("010201,2020,health,2000", "amount_khr", "row 2 gives another amount"),
    ],
)
def test_it_rejects_bad_budget_rows(tmp_path, row, column, reason):
    summary = run(make_budget_file(tmp_path, "010201,2020,health,1000", row))
    assert (summary["accepted"], summary["rejected"]) == (1, 1)
    [error] = summary["errors"]
    assert (error["row"], error["column"]) == (3, column) and reason in error["reason"]
    assert BudgetLine.objects.count() == 1


def test_it_refuses_a_budget_file_without_its_columns(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("commune,amount\n010201,5\n")
    with pytest.raises(CommandError, match="missing columns: year, sector, amount_khr"):
        run(path)


def test_it_edits_a_commune_budget_through_the_form():
    commune = Commune.objects.get(code="010201")
    BudgetLine.objects.create(commune=commune, year=2020, sector="health", amount_khr=5)
    client = Client()
    client.force_login(make_user(Role.ME_OFFICER))
    response = client.post("/i4c/010201/2020/budget/", {"roads": "1000000", "health": ""})
    assert response.status_code == 302
    assert dict(BudgetLine.objects.values_list("sector", "amount_khr")) == {"roads": 1_000_000}
    assert AuditEntry.objects.filter(model="events.BudgetLine", action="delete").exists()
    bad = client.post("/i4c/010201/2020/budget/", {"roads": "1.5"})
    assert bad.status_code == 200 and BudgetLine.objects.get().amount_khr == 1_000_000


def test_it_records_actual_values_against_the_standards():
    facility = make_facility()
    standard = make_service_standard()
    client = Client()
    client.force_login(make_user(Role.ME_OFFICER))
    key = f"v-{standard.pk}-{facility.pk}"
    assert key in client.get("/i4c/010201/2020/standards/").content.decode()
    assert client.post("/i4c/010201/2020/standards/", {key: "2"}).status_code == 302
    value = StandardValue.objects.get()
    assert (value.actual, value.met) == (2, False)
    page = client.get("/i4c/010201/2020/").content.decode()
    assert "Ou Thum Primary School" in page or "សាលាបឋមសិក្សាអូរធំ" in page
    assert client.post("/i4c/010201/2020/standards/", {key: "lots"}).status_code == 200
    assert StandardValue.objects.get().actual == 2


def test_it_judges_a_standard_in_its_direction():
    at_least = make_service_standard()
    at_most = make_service_standard(code="wait", target=30, at_most=True)
    assert at_least.met_by(Decimal(4)) and not at_least.met_by(Decimal(3))
    assert at_most.met_by(Decimal(30)) and not at_most.met_by(Decimal(31))


def test_it_adds_a_standard_in_both_languages():
    client = Client()
    client.force_login(make_user(Role.ADMIN))
    response = client.post(
        "/i4c/standards/",
        {
            "facility_type": FacilityType.objects.get(code="health_centre").pk,
            "code": "hc_open",
            "text_en": "Open hours a day",
            "text_km": "ម៉ោងបើកក្នុងមួយថ្ងៃ",
            "target": "8",
            "unit_en": "hours",
            "unit_km": "ម៉ោង",
            "order": "1",
        },
    )
    assert response.status_code == 302
    assert ServiceStandard.objects.get().text_km == "ម៉ោងបើកក្នុងមួយថ្ងៃ"
    assert "ម៉ោងបើកក្នុងមួយថ្ងៃ" in client.get("/i4c/standards/").content.decode()


def test_it_shows_an_official_only_their_communes():
    client = Client()
    client.force_login(make_user(Role.COMMUNE_OFFICIAL, communes=["010201"]))
    page = client.get("/i4c/").content.decode()
    assert "/i4c/010201/" in page and "/i4c/060301/" not in page
    assert client.get("/i4c/060301/2020/booklet.pdf").status_code == 404
    assert client.get("/i4c/010201/1700/").status_code == 404


# --- the upload page ---------------------------------------------------------------


def upload_budget(client: Client, *rows: str, name: str = "budget.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = "\n".join(["commune,year,sector,amount_khr", *rows]) + "\n"
    data = {"file": SimpleUploadedFile(name, text.encode("utf-8-sig"))}
    return client.post("/i4c/budget/import/", data)


def client_as(role: str) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


def test_it_checks_an_uploaded_budget_then_stores_it_on_confirmation():
    client = client_as(Role.ME_OFFICER)
    checked = upload_budget(client, "010201,2020,roads,182000000", "10203,2020,health,21800000")
    summary = checked.context["summary"]
    assert (summary.dry_run, summary.accepted, summary.rejected) == (True, 2, 0)
    assert not BudgetLine.objects.exists()
    token = checked.context["token"]
    assert token and f'value="{token}"' in checked.content.decode()

    stored = client.post("/i4c/budget/import/", {"confirm": token})
    assert stored.context["summary"].created == 2
    assert BudgetLine.objects.get(commune_id="010203", sector="health").amount_khr == 21800000
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).count() >= 2
    again = client.post("/i4c/budget/import/", {"confirm": token})  # a token works once
    assert again.context["summary"] is None and again.context["problem"]
    assert BudgetLine.objects.count() == 2


def test_it_shows_the_clis_errors_and_refuses_to_store_a_file_with_rejects(tmp_path):
    rows = ("010201,2020,roads,182000000", "999999,2020,roads,5", "010201,2020,rockets,5")
    page = upload_budget(client_as(Role.ME_OFFICER), *rows)
    web = [(e.row, e.column, e.value, e.reason) for e in page.context["summary"].errors]
    cli = run(make_budget_file(tmp_path, *rows), "--dry-run")["errors"]
    assert web == [(e["row"], e["column"], e["value"], e["reason"]) for e in cli]
    assert [row for row, *_ in web] == [3, 4]
    assert "is not a commune in the gazetteer" in page.content.decode()
    assert page.context["token"] == ""
    assert not BudgetLine.objects.exists()


def test_it_explains_an_unreadable_budget_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as(Role.ME_OFFICER)
    latin1 = SimpleUploadedFile(
        "budget.csv", "commune,year,sector,amount_khr\n0102é".encode("latin-1")
    )
    page = client.post("/i4c/budget/import/", {"file": latin1})
    assert page.context["summary"] is None
    assert "not UTF-8" in page.context["problem"]
    page = client.post(
        "/i4c/budget/import/", {"file": SimpleUploadedFile("b.csv", b"commune,year\n010201,2020\n")}
    )
    assert page.context["summary"] is None and "amount_khr" in page.context["problem"]
    page = client.post("/i4c/budget/import/", {"file": ""})
    assert page.status_code == 200 and page.context["form"].errors


def test_it_lets_only_budget_editors_upload():
    assert client_as(Role.FACILITATOR).get("/i4c/budget/import/").status_code == 403
    assert client_as(Role.DONOR_VIEWER).get("/i4c/budget/import/").status_code == 403
    index = client_as(Role.ME_OFFICER).get("/i4c/").content.decode()
    assert "/i4c/budget/import/" in index
    assert "/i4c/budget/import/" not in client_as(Role.FACILITATOR).get("/i4c/").content.decode()
