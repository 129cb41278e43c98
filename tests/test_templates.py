from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command
from pyxform.xls2xform import convert

from scorecard.audit.models import AuditEntry
from scorecard.places.models import FacilityType
from scorecard.public.setup import initialise
from scorecard.scorecards.actions import add_indicator, load_default_template, revise_template
from scorecard.scorecards.forms import form_spec
from scorecard.scorecards.models import Indicator, Template
from tests.factories_scorecards import make_round, make_template

pytestmark = pytest.mark.django_db


def test_it_loads_the_default_template_once():
    first = load_default_template()
    again = load_default_template()
    template = Template.objects.get(code="isaf")
    assert "22 indicators" in first and "(kept)" in again
    assert template.versions.count() == 1
    assert template.threshold == 4
    assert [s["en"] for s in template.scale] == [
        "Very bad",
        "Bad",
        "Acceptable",
        "Good",
        "Very good",
    ]
    codes = set(template.latest().indicators.values_list("facility_type__code", flat=True))
    assert codes == {"commune_office", "health_centre", "primary_school"}


def test_it_loads_the_template_from_init():
    lines = list(initialise())
    assert any(line.startswith("Template isaf") for line in lines)


def test_it_edits_an_unused_version_in_place():
    template = make_template()
    version = template.latest()
    assert version.editable()

    def reword(v):
        v.indicators.filter(code="hc_midwife").update(text_en="A midwife is on duty")

    assert revise_template("test", template, reword) == version
    assert (
        Indicator.objects.get(version=version, code="hc_midwife").text_en == "A midwife is on duty"
    )


def test_it_makes_a_new_version_once_a_round_uses_it():
    template = make_template()
    used = make_round().template_version
    assert not used.editable()
    ind = add_indicator(
        "test",
        template,
        FacilityType.objects.get(code="health_centre"),
        "hc_ambulance",
        text_en="An ambulance can be called",
        text_km="អាចហៅរថយន្តសង្គ្រោះបាន",
    )
    new = ind.version
    assert new.number == used.number + 1
    assert new.indicators.count() == used.indicators.count() + 1
    copied = new.indicators.get(code="hc_midwife")
    assert copied.predecessor == used.indicators.get(code="hc_midwife")
    assert copied.lineage()[-1].version == used
    assert not used.indicators.filter(code="hc_ambulance").exists()
    assert new.form_version != used.form_version
    assert AuditEntry.objects.filter(model="scorecards.TemplateVersion", action="create").exists()


def xlsform_rows(data: bytes, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return list(wb[sheet].iter_rows(values_only=True))


def test_it_writes_an_xlsform_that_pyxform_converts(tmp_path):
    make_template()
    out = tmp_path / "isaf.xlsx"
    call_command("form", "isaf", "--out", str(out))
    data = out.read_bytes()
    warnings: list[str] = []
    result = convert(xlsform=data, warnings=warnings)
    assert "<h:html" in result.xform
    settings = xlsform_rows(data, "settings")
    version = settings[1][settings[0].index("version")]
    assert version.startswith("isaf-v1-")
    communes = [r for r in xlsform_rows(data, "choices") if r[0] == "commune"]
    assert len(communes) > 1600  # all of Cambodia


def test_it_restricts_the_form_to_a_rounds_communes(tmp_path):
    round_ = make_round(communes=["010201", "060301"])
    out = tmp_path / "round.xlsx"
    call_command("form", "isaf", "--out", str(out), "--round", round_.code)
    rows = xlsform_rows(out.read_bytes(), "choices")
    assert sorted(r[1] for r in rows if r[0] == "commune") == ["010201", "060301"]
    villages = [r[1] for r in rows if r[0] == "village"]
    assert villages and all(v[:6] in {"010201", "060301"} for v in villages)


def test_it_builds_the_spec_in_the_templates_order():
    round_ = make_round()
    spec = form_spec(round_.template_version, round_)
    assert [f.code for f in spec.facilities] == [
        "commune_office",
        "health_centre",
        "primary_school",
    ]
    assert spec.version == round_.template_version.form_version


def test_it_refuses_an_unknown_template_for_the_form(tmp_path):
    with pytest.raises(Exception, match="unknown template 'nope'"):
        call_command("form", "nope", "--out", str(tmp_path / "x.xlsx"))
