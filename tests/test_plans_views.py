from __future__ import annotations

import datetime as dt
import io
import subprocess
from decimal import Decimal

import pytest
from django.test import Client
from PIL import Image

from scorecard.accounts.models import Role
from scorecard.audit.models import AuditEntry
from scorecard.plans.actions import add_evidence
from scorecard.plans.models import Action, ActionPlan, Contribution, Evidence, StatusChange
from tests.helpers import make_organisation, make_programme, make_user
from tests.test_plans_factories import make_action, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    org = make_organisation(code="ngo")
    programme = make_programme(code="own", organisation=org, communes=["010201", "010203"])
    mine = make_plan(programme=programme, commune="010201", code="mine")
    theirs = make_plan(programme=programme, commune="010203", code="theirs")
    elsewhere = make_plan(commune="060301", code="elsewhere")  # another organisation
    users = {
        "admin": make_user(Role.ADMIN, organisation=org),
        "me_officer": make_user(Role.ME_OFFICER, organisation=org),
        "facilitator": make_user(Role.FACILITATOR, organisation=org),
        "commune_official": make_user(Role.COMMUNE_OFFICIAL, communes=["010201"]),
        "donor_viewer": make_user(Role.DONOR_VIEWER, organisation=make_organisation()),
    }
    return {
        "plans": {"mine": mine, "theirs": theirs, "elsewhere": elsewhere},
        "actions": {k: make_action(plan=p) for k, p in {"mine": mine, "theirs": theirs,
                                                          "elsewhere": elsewhere}.items()},
        "users": users,
    }  # fmt: skip


def client_for(world, role):
    client = Client()
    client.force_login(world["users"][role])
    return client


def jpeg(size=(3000, 2000)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "photo.jpg"
    return buffer


def skeleton(text: str) -> str:
    """The Khmer base letters of a text in order, without subscripts, vowels or spaces."""
    out, after_coeng = [], False
    for ch in text:
        if "\u1780" <= ch <= "\u17b3" and not after_coeng:
            out.append(ch)
        after_coeng = ch == "\u17d2"
    return "".join(out)


PAGES = ["/plans/{plan}/", "/plans/actions/{action}/", "/plans/{plan}/print/",
         "/plans/{plan}/actions.csv"]  # fmt: skip


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("role", "which", "status"),
    [
        ("me_officer", "mine", 200),
        ("me_officer", "theirs", 200),
        ("me_officer", "elsewhere", 404),
        ("commune_official", "mine", 200),
        ("commune_official", "theirs", 404),
        ("facilitator", "mine", 200),
        ("donor_viewer", "mine", 404),
    ],
)
def test_it_shows_a_plan_only_to_those_who_may_see_it(world, page, role, which, status):
    url = page.format(plan=world["plans"][which].pk, action=world["actions"][which].pk)
    assert client_for(world, role).get(url).status_code == status


@pytest.mark.parametrize(
    ("role", "which", "status"),
    [
        ("commune_official", "mine", 302),
        ("commune_official", "theirs", 404),
        ("me_officer", "elsewhere", 404),
        ("facilitator", "mine", 403),
        ("donor_viewer", "mine", 403),
    ],
)
def test_it_lets_officials_record_progress_only_in_their_communes(world, role, which, status):
    action = world["actions"][which]
    response = client_for(world, role).post(
        f"/plans/actions/{action.pk}/progress/",
        {"status": "agreed", "date": "2019-05-01", "percent": "10", "note": "ok"},
    )
    assert response.status_code == status
    action.refresh_from_db()
    assert action.status == ("agreed" if status == 302 else "proposed")


def test_it_records_progress_and_two_contributions_and_shows_totals(world):
    client = client_for(world, "commune_official")
    action = world["actions"]["mine"]
    url = f"/plans/actions/{action.pk}/"
    client.post(url + "progress/", {"status": "in_progress", "date": "2019-07-01",
                                     "percent": "40", "photo": jpeg()})  # fmt: skip
    for amount, currency in [("2000000", "KHR"), ("12.50", "USD")]:
        response = client.post(url + "contributions/", {
            "source_type": "private_sector", "source_name": "Rice mill", "amount": amount,
            "currency": currency, "rate_khr_per_usd": "4100", "date": "2019-08-01",
        })  # fmt: skip
        assert response.status_code == 302
    assert Contribution.objects.filter(action=action).totals().usd == Decimal("500.30")
    assert (
        AuditEntry.objects.filter(
            model="plans.Contribution", actor=world["users"]["commune_official"]
        ).count()
        == 2
    )
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "500.30 USD" in page or "៥០០.៣០ USD" in page
    assert StatusChange.objects.filter(action=action, to_status="in_progress", percent=40).exists()
    evidence = Evidence.objects.get(action=action)
    assert evidence.change is not None and evidence.content_type == "image/jpeg"
    with Image.open(evidence.path) as stored:
        assert max(stored.size) == 1600  # resized
    served = client.get(evidence.get_absolute_url())
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    other = client_for(world, "donor_viewer").get(evidence.get_absolute_url())
    assert other.status_code == 404
    plan_page = client.get(f"/plans/{action.plan.pk}/").content.decode()
    assert "Rice mill" not in plan_page  # totals by source type, not by contributor


def test_it_explains_a_refused_contribution_and_stores_nothing(world):
    client = client_for(world, "me_officer")
    action = world["actions"]["mine"]
    response = client.post(f"/plans/actions/{action.pk}/contributions/", {
        "source_type": "cbo", "amount": "100.5", "currency": "KHR", "rate_khr_per_usd": "4100",
        "date": "2019-08-01",
    })  # fmt: skip
    assert response.status_code == 400
    assert not Contribution.objects.exists()


def test_it_refuses_evidence_that_is_not_a_photo_or_pdf(world):
    from scorecard.plans.actions import PlanError

    fake = io.BytesIO(b"<html><script>alert(1)</script></html>")
    fake.name = "photo.jpg"
    with pytest.raises(PlanError, match="only photos"):
        add_evidence("t", world["actions"]["mine"], fake)
    pdf = io.BytesIO(b"%PDF-1.4 minimal")
    pdf.name = "receipt.pdf"
    assert add_evidence("t", world["actions"]["mine"], pdf).kind == "document"


def test_it_creates_a_plan_and_an_action_through_the_forms(world):
    client = client_for(world, "commune_official")
    programme = world["plans"]["mine"].programme
    refused = client.post("/plans/new/", {"programme": programme.pk, "commune_code": "010203",
                                          "year": "2020"})  # fmt: skip
    assert refused.status_code == 200 and not ActionPlan.objects.filter(year=2020).exists()
    response = client.post("/plans/new/", {"programme": programme.pk, "commune_code": "010201",
                                           "year": "2020", "title_en": "Plan 2020"})  # fmt: skip
    plan = ActionPlan.objects.get(year=2020)
    assert response["Location"] == f"/plans/{plan.pk}/"
    response = client.post(f"/plans/{plan.pk}/actions/new/", {
        "section": "B", "number": "1", "activity_km": "បិទផ្សាយតម្លៃសេវា", "provider": "Health centre",
        "estimated_cost_khr": "0",
    })  # fmt: skip
    assert response.status_code == 302
    assert Action.objects.get(plan=plan).changes.get().to_status == "proposed"


def test_it_uploads_a_progress_file_with_a_dry_run(world, tmp_path):
    client = client_for(world, "me_officer")
    plan = world["plans"]["mine"]
    header = "plan,commune,year,section,number,activity_en,activity_km,proposer,location,quantity,unit,start,end,beneficiaries,beneficiaries_female,estimated_cost_khr,implementer,indicators,status,status_date,progress"
    body = f"{header}\n{plan.code},010201,2019,A,1,,,,,,,,,,,,,,in_progress,2019-07-01,150\n{plan.code},010201,2019,A,1,,,,,,,,,,,,,,in_progress,2019-07-01,30\n"
    upload = io.BytesIO(body.encode())
    upload.name = "progress.csv"
    page = client.post("/plans/import/", {"programme": plan.programme.pk, "kind": "plans",
                                          "file": upload, "dry_run": "on"}).content.decode()  # fmt: skip
    assert "must be from 0 to 100" in page
    assert world["actions"]["mine"].changes.count() == 1
    upload.seek(0)
    client.post("/plans/import/", {"programme": plan.programme.pk, "kind": "plans", "file": upload})
    action = Action.objects.get(pk=world["actions"]["mine"].pk)
    assert (action.status, action.progress) == ("in_progress", 30)


def test_it_prints_the_jaap_as_a_pdf_with_the_national_header(world, tmp_path):
    action = world["actions"]["mine"]
    make_action(plan=action.plan, section="B", provider="Health centre",
                activity_km="បិទផ្សាយតម្លៃសេវានៅមណ្ឌលសុខភាព")  # fmt: skip
    client = client_for(world, "me_officer")
    response = client.get(f"/plans/{action.plan.pk}/jaap.pdf?lang=km")
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "jaap.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    # pdftotext maps shaped Khmer glyphs back to text imperfectly (a subscript ro comes out
    # before its consonant, clusters get spaces): compare the base letters in order.
    assert skeleton("ព្រះរាជាណាចក្រកម្ពុជា") in skeleton(text)
    assert skeleton("ជាតិ សាសនា ព្រះមហាក្សត្រ") in skeleton(text)
    assert skeleton("ជួសជុលផ្លូវទៅមណ្ឌលសុខភាព") in skeleton(text)  # an action
    assert skeleton("បិទផ្សាយតម្លៃសេវានៅមណ្ឌលសុខភាព") in skeleton(text)  # section B
    english = client.get(f"/plans/{action.plan.pk}/jaap.pdf?lang=en").content
    pdf.write_bytes(english)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert "Kingdom of Cambodia" in text and "Repair the road" in text
    assert "Section B" in text


def test_it_flags_overdue_actions_on_the_plan_page(world):
    action = world["actions"]["mine"]
    Action.objects.filter(pk=action.pk).update(end=dt.date(2019, 1, 31), start=dt.date(2019, 1, 1))
    page = client_for(world, "me_officer").get(f"/plans/{action.plan.pk}/").content.decode()
    assert "overdue" in page
