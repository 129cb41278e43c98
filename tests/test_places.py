from __future__ import annotations

import pytest

from scorecard.places.gazetteer import LoadReport, load_gazetteer, pad, sound_rows
from scorecard.places.models import Commune, District, Province, Village

pytestmark = pytest.mark.django_db


def test_it_loads_the_whole_gazetteer():
    assert Province.objects.count() == 25
    assert District.objects.count() == 210
    assert Commune.objects.count() == 1661
    assert 14_400 < Village.objects.count() <= 14_576
    ou_thum = Village.objects.select_related("commune__district__province").get(code="01020101")
    assert ou_thum.name_en == "Ou Thum"
    assert ou_thum.commune.name_km == "បន្ទាយនាង"
    assert ou_thum.commune.district.province.name_en == "Banteay Meanchey"


def test_it_reports_defective_village_rows_and_loads_the_rest():
    report = load_gazetteer()  # idempotent: a second load changes nothing
    assert report.counts["commune"] == 1661
    assert Village.objects.count() == report.counts["village"]
    assert any(
        line.startswith("village 02140401")
        and "does not start with its parent's code 021405" in line
        for line in report.skipped
    )
    # The code is real, in commune 021404; only the copy filed under 021405 is defective.
    assert Village.objects.get(code="02140401").commune_id == "021404"
    assert all(v.code.startswith(v.commune_id) for v in Village.objects.all())


def test_it_skips_bad_codes_with_a_reason():
    report = LoadReport()
    rows = [
        ("01020101", "010201", "Ou Thum", "អូរធំ"),
        ("01020101", "010201", "Again", "ម្ដងទៀត"),
        ("0102010", "010201", "Short", ""),
        ("09990101", "099901", "Orphan", ""),
    ]
    good = sound_rows("village", rows, {"010201"}, report)
    assert [r[0] for r in good] == ["01020101"]
    assert [s.split(": ", 1)[1] for s in report.skipped] == [
        "code appears more than once",
        "code is not 8 digits",
        "parent 099901 is unknown",
    ]


def test_it_pads_codes_that_lost_their_leading_zero():
    assert pad("1", "province") == "01"
    assert pad("10201", "commune") == "010201"
    assert pad("010201", "commune") == "010201"


@pytest.mark.parametrize(
    "query",
    [
        "010201",
        "០១០២០១",
        "Banteay Neang",
        "banteay neang",
        "BanteayNeang",
        "បន្ទាយនាង",
        "បន្ទាយ\u200bនាង",
    ],
)
def test_it_finds_a_commune_by_code_or_name_in_either_script(query):
    assert "010201" in set(Commune.objects.search(query).values_list("code", flat=True))


def test_it_finds_all_communes_of_a_district_by_code_prefix():
    assert Commune.objects.search("0102").count() == Commune.objects.filter(district="0102").count()


def test_it_finds_nothing_for_blank_queries():
    assert not Commune.objects.search("  ").exists()
