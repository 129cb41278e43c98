from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.events.booklet import booklet_html, booklet_pdf
from scorecard.events.i4c_models import BudgetLine, ServiceStandard, StandardValue
from scorecard.places.models import Commune, Facility, FacilityType
from scorecard.reports.khmer_text import ZWSP
from tests.helpers import make_user

pytestmark = pytest.mark.django_db
AMOUNTS = {"roads": 182_000_000, "health": 21_800_000, "education": 27_300_000}


def make_budget(code: str = "010201", year: int = 2020, **amounts: int) -> Commune:
    commune = Commune.objects.get(code=code)
    for sector, amount in (amounts or AMOUNTS).items():
        BudgetLine.objects.create(commune=commune, year=year, sector=sector, amount_khr=amount)
    return commune


def make_standard_value(commune: Commune, actual: str = "45") -> StandardValue:
    ftype = FacilityType.objects.get(code="health_centre")
    facility = Facility.objects.create(
        type=ftype,
        code=f"HC-{commune.code}",
        commune=commune,
        name_en="Ou Thum Health Centre",
        name_km="មណ្ឌលសុខភាពអូរធំ",
    )
    standard = ServiceStandard.objects.create(
        facility_type=ftype,
        code="hc_wait",
        text_en="Waiting time before seeing a nurse",
        text_km="រយៈពេលរង់ចាំមុនពេលជួបគិលានុបដ្ឋាក",
        target=Decimal(30),
        unit_en="minutes",
        unit_km="នាទី",
        at_most=True,
    )
    return StandardValue.objects.create(
        standard=standard, facility=facility, year=2020, actual=Decimal(actual)
    )


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "b.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return "".join(text.replace(ZWSP, "").split())  # pdftotext spaces Khmer clusters apart


def test_it_prints_the_sectors_and_amounts_in_english(tmp_path):
    commune = make_budget()
    make_budget(year=2019, roads=200_000_000, health=20_000_000)
    make_standard_value(commune)
    text = pdf_text(booklet_pdf(commune, 2020, "en"), tmp_path)
    for label in ("Roadsandinfrastructure", "Health", "Education"):
        assert label in text
    for amount in ("182,000,000", "21,800,000", "27,300,000", "231,100,000"):
        assert amount in text  # 231,100,000: the total
    assert "-18,000,000" in text.replace("−", "-")  # roads went down since 2019
    assert "+1,800,000" in text
    assert "Waitingtimebeforeseeinganurse" in text and "45minutes" in text
    assert "Howtotakepart" in text and "BanteayNeang" in text


def test_it_prints_the_sectors_and_amounts_in_khmer(tmp_path):
    commune = make_budget()
    data = booklet_pdf(commune, 2020, "km")
    text = pdf_text(data, tmp_path)
    for amount in ("១៨២,០០០,០០០", "២១,៨០០,០០០", "២៧,៣០០,០០០", "២៣១,១០០,០០០"):
        assert amount in text
    # pdftotext cannot map every shaped cluster back to letters; simple ones come through.
    assert "ថវិកាតាមវិស័យ" in text and "អប់រំ" in text
    html = booklet_html(commune, 2020, "km").replace(ZWSP, "")
    for label in ("ផ្លូវ និងហេដ្ឋារចនាសម្ព័ន្ធ", "សុខាភិបាល", "អប់រំ", "ថវិកាសម្រាប់ប្រជាពលរដ្ឋ"):
        assert label in html
    assert ZWSP in booklet_html(commune, 2020, "km")  # word breaks for WeasyPrint
    path = tmp_path / "km.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "Booklet-Khmer" in fonts and " yes " in fonts  # the Khmer font is embedded


def test_it_says_when_there_is_nothing_to_show(tmp_path):
    commune = Commune.objects.get(code="060301")
    text = pdf_text(booklet_pdf(commune, 2020, "en"), tmp_path)
    assert "Nobudgethasbeenrecordedforthisyearyet." in text
    assert "Thereisnobudgetoflastyeartocomparewith." in text


def test_it_writes_the_booklet_from_the_command_line(tmp_path):
    make_budget()
    out = tmp_path / "booklet.pdf"
    call_command("booklet", "10201", "--year", "2020", "--lang", "en", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert "182,000,000" in pdf_text(out.read_bytes(), tmp_path)


def test_it_downloads_the_booklet_from_the_commune_page():
    make_budget()
    client = Client()
    client.force_login(make_user(Role.COMMUNE_OFFICIAL, communes=["010201"]))
    page = client.get("/i4c/010201/2020/").content.decode()
    assert "/i4c/010201/2020/booklet.pdf?lang=km" in page
    response = client.get("/i4c/010201/2020/booklet.pdf?lang=en")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="citizens-budget-010201-2020-en.pdf"' in response["Content-Disposition"]
