"""The results pages: access, figures, the htmx partial and the downloads."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from scorecard.accounts.models import Role
from scorecard.scorecards.importing import import_export
from scorecard.scorecards.results import COLUMNS, round_results, to_csv
from scorecard.scorecards.results_views import communes_with_results
from tests.factories_scorecards import make_export, make_round
from tests.helpers import make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tmp_path):
    org = make_organisation()
    base = make_round(year=2018, organisation=org)
    later = make_round(year=2019, organisation=org)
    import_export("test", base, make_export(base, tmp_path / "a.csv", rows=80, seed=1))
    import_export("test", later, make_export(later, tmp_path / "b.csv", rows=90, seed=2))
    return {"org": org, "round": later, "me": make_user(Role.ME_OFFICER, organisation=org)}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_see_the_scorecard_with_its_figures(world):
    round_ = world["round"]
    page = client_for(world["me"]).get(f"/rounds/{round_.code}/results/?lang=en")
    assert page.status_code == 200
    html = page.content.decode()
    overall = round_results(round_)[0]
    assert "scorecard/faces/" in html and "<rect" in html and "<line" in html
    assert f"{overall['n']}" in html
    assert "style=" not in html.split("<main", 1)[-1]  # the CSP forbids inline styles


def test_the_breakdown_switcher_returns_the_partial(world):
    round_ = world["round"]
    client = client_for(world["me"])
    url = f"/rounds/{round_.code}/results/?commune=010201&breakdown=sex"
    page = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert page.lstrip().startswith('<div id="scorecard"')
    assert "<html" not in page


def test_anonymous_users_log_in_and_other_organisations_get_404(world):
    code = world["round"].code
    assert Client().get(f"/rounds/{code}/results/").status_code == 302
    stranger = make_user(Role.ME_OFFICER, organisation=make_organisation())
    assert client_for(stranger).get(f"/rounds/{code}/results/").status_code == 404
    assert client_for(stranger).get(f"/rounds/{code}/results.csv").status_code == 404


def test_downloads_are_a_bom_csv_and_an_xlsx(world):
    round_ = world["round"]
    client = client_for(world["me"])
    body = client.get(f"/rounds/{round_.code}/results.csv").content
    assert body.startswith(b"\xef\xbb\xbf" + ",".join(COLUMNS).encode())
    book = load_workbook(io.BytesIO(client.get(f"/rounds/{round_.code}/results.xlsx").content))
    sheet = book.active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == COLUMNS
    assert sheet.max_row == len(round_results(round_)) + 1
    assert client.get(f"/rounds/{round_.code}/results.txt").status_code == 404


def test_the_commune_list_holds_the_communes_with_results(world):
    round_ = world["round"]
    with_results = sorted({r["commune"] for r in round_results(round_)} - {"all"})
    assert communes_with_results(round_) == with_results
    assert communes_with_results(make_round(year=2020, organisation=world["org"])) == []


def test_the_csv_download_is_the_csv_of_the_rows(world):
    round_ = world["round"]
    body = client_for(world["me"]).get(f"/rounds/{round_.code}/results.csv").content
    assert body.decode("utf-8") == to_csv(round_results(round_), COLUMNS, bom=True)
