"""The demo logframe restates every figure of the seed report's "Activities and Results"
from raw records (issue 8 item 4), in the JSON values, the narrative, IPTT and IATI."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from scorecard.logframe import exports, narrative
from scorecard.programmes.models import Programme
from scorecard.public.demo import load_demo

SCHEMA = Path(__file__).parent / "iati-schema" / "iati-activities-schema.xsd"


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The whole demo, loaded once for this module (about a minute) and rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        list(load_demo())
        yield Programme.objects.get(code="UDF-KHM-2019")
        transaction.set_rollback(True)


@pytest.fixture
def programme(demo: Programme, db: Any) -> Programme:
    return demo


def _values(programme: Programme) -> dict[str, dict[str, Any]]:
    return {i["code"]: i for i in json.loads(exports.values_json(programme))["indicators"]}


def test_it_computes_the_seed_figures_exactly(programme):
    v = _values(programme)

    def key(code: str) -> tuple:
        i = v[code]
        return (i["numerator"], i["denominator"], i["female"], i["denominator_female"])

    assert key("4.1") == (43, 47, 29, 31)  # 91.5%, 67.44% female
    assert round(v["4.1"]["value"] * 100, 1) == 91.5
    assert round(v["4.1"]["female_share"] * 100, 2) == 67.44
    assert key("4.2") == (179, 210, 147, 168)  # 85%, 82% female
    assert round(v["4.2"]["female_share"] * 100) == 82
    assert key("4.3") == (271, 285, 125, 131)  # about 95%, 46.13% female
    assert round(v["4.3"]["female_share"] * 100, 2) == 46.13
    assert key("4.4") == (35, 45, 8, 15)  # 77.8%, 23% female
    assert round(v["4.4"]["value"] * 100, 1) == 77.8
    assert key("4.5") == (727, 1211, 419, 695)
    splits = v["4.5"]["splits"]
    assert (splits["base_numerator"], splits["base_denominator"]) == (408, 1019)
    assert splits["base_denominator_female"] == 599
    assert round(v["4.5"]["value"], 4) == 0.1999
    assert (round(splits["ci_low"], 4), round(splits["ci_high"], 4)) == (0.1587, 0.2402)
    assert key("4.6")[:2] == (16, 16) and v["4.6"]["splits"]["plans"] == 4
    assert v["4.6b"]["value"] == 4257.33 and v["4.6b"]["unit"] == "money"
    assert v["4.6c"]["value"] == 8000.0
    assert (v["4.7"]["value"], v["4.7"]["female"]) == (64, 20)
    assert v["4.O1.1"]["value"] == 1019 + 1211  # summed over the two rounds


SEED_EN = [
    "91.5% of the youth trainees (43 out of 47 trained, 67.44% female)",
    "rapid survey with 210 respondents",
    "85% (82% are female) of all respondents",
    "Approximately 95% (46.13% females) of the trained local officials",
    "77.8% (23% female) of the trained women councillors and CWC members (35 of 45 participants)",
    "In 2018, only 40% out of 1,019 respondents (599 female)",
    "improved to 60% out of 1,211 respondents (695 female)",
    "16 of the 16 identified priority actions in the 4 commune-level action plans",
    "contributions of 4,257.33 USD from private sector",
    "and of 8,000.00 USD from UNDEF",
    "with a total of 64 participants (20 female)",
]


def test_it_writes_the_seed_paragraphs_in_markdown_and_html(programme):
    text = narrative.to_markdown(programme, "en")
    assert text.startswith("## Activities and Results\n")
    for phrase in SEED_EN:
        assert phrase in text
    page = narrative.to_html(programme, "en")
    assert "43 out of 47 trained, 67.44% female" in page and "<li>4.1 " in page


def test_it_writes_the_khmer_section_with_the_same_figures(programme):
    text = narrative.to_markdown(programme, "km")
    assert text.startswith("## សកម្មភាព និងលទ្ធផល")
    for figure in ["91.5%", "67.44%", "46.13%", "77.8%", "1,019", "599", "1,211", "695",
                   "4,257.33 USD", "8,000.00 USD", "64 នាក់ (ស្ត្រី 20 នាក់)"]:  # fmt: skip
        assert figure in text
    assert "ស្ត្រី" in text


def test_it_writes_a_docx_that_reads_back_as_the_seed_section(programme, tmp_path):
    from docx import Document

    out = tmp_path / "results.docx"
    call_command("narrative", programme.code, "--lang", "en", "--format", "docx", "--out", str(out))
    document = Document(str(out))
    texts = [p.text for p in document.paragraphs]
    assert "Activities and Results" in texts
    body = "\n".join(texts)
    for phrase in SEED_EN:
        assert phrase in body
    khmer = Document(io.BytesIO(narrative.to_docx(programme, "km")))
    assert any("ស្ត្រី 67.44%" in p.text for p in khmer.paragraphs)


def test_it_exports_an_iptt_with_one_row_per_indicator_and_period(programme):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(exports.iptt_xlsx(programme)))
    rows = list(book["IPTT"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header == exports.IPTT_COLUMNS
    table = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    reached = [(r["period"], r["actual"], r["female"], r["male"]) for r in table
               if r["indicator"] == "4.O1.1"]  # fmt: skip
    assert reached == [
        ("2018", 1019, 599, 420),
        ("2019", 1211, 695, 516),
        ("life", 2230, 1294, 936),
    ]
    first = next(r for r in table if r["indicator"] == "4.1")
    assert (first["numerator"], first["denominator"], first["female"], first["youth"]) == (
        43,
        47,
        29,
        43,
    )
    assert first["status"] == "achieved"


def test_it_exports_iati_xml_the_schema_accepts(programme):
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    doc = etree.fromstring(exports.iati_xml(programme))
    assert schema.validate(doc), schema.error_log
    indicators = doc.findall(".//result/indicator")
    assert len(indicators) == 13
    first = indicators[0]
    assert first.find("period/target").get("value") == "90"
    assert first.find("period/actual").get("value") == "91.49"
    female = first.find("period/actual/dimension[@name='sex']/..")
    assert female.get("value") == "93.55"  # 29 of the 31 women trained succeeded
