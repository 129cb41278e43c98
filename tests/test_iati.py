"""IATI activity XML 2.03: results, indicators, baselines, periods, targets, actuals and
sex/age dimensions, checked against the vendored IATI schema."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from scorecard.logframe.exports import iati_identifier, iati_xml
from scorecard.logframe.models import Indicator, Level, Period
from tests.factories_scorecards import make_round
from tests.helpers import make_organisation, make_programme

SCHEMA = Path(__file__).parent / "iati-schema" / "iati-activities-schema.xsd"
pytestmark = pytest.mark.django_db


def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def make_logframe() -> Indicator:
    org = make_organisation(code="ngo1", name_en="An NGO")
    donor = make_organisation(code="fund1", kind="donor", name_en="A Fund")
    programme = make_programme(organisation=org, donor=donor, start=dt.date(2019, 1, 1),
                               end=dt.date(2020, 12, 31))  # fmt: skip
    goal = Level.objects.create(programme=programme, kind="goal", code="G", title_en="Goal")
    outcome = Level.objects.create(
        programme=programme, parent=goal, kind="outcome", code="1", title_en="Better services",
        title_km="សេវាប្រសើរ", order=1,
    )  # fmt: skip
    indicator = Indicator.objects.create(
        programme=programme, level=outcome, code="1.1", statement_en="Satisfied citizens",
        statement_km="ពលរដ្ឋពេញចិត្ត", unit="percent", baseline_value=Decimal("0.4"),
        baseline_date=dt.date(2018, 12, 31), target=Decimal("0.6"), manual_value=Decimal("0.55"),
        evidence="Survey report",
    )  # fmt: skip
    Period.objects.create(indicator=indicator, label="2019", start=dt.date(2019, 1, 1),
                          end=dt.date(2019, 12, 31), target=Decimal("0.5"),
                          manual_value=Decimal("0.5"), evidence="Survey 2019")  # fmt: skip
    return indicator


def test_it_writes_an_activity_the_schema_accepts():
    indicator = make_logframe()
    doc = etree.fromstring(iati_xml(indicator.programme, dt.datetime(2021, 1, 5, tzinfo=dt.UTC)))
    checker = schema()
    assert checker.validate(doc), checker.error_log
    assert doc.get("version") == "2.03"
    activity = doc.find("iati-activity")
    assert activity.findtext("iati-identifier") == iati_identifier(indicator.programme)
    assert activity.find("activity-status").get("code") == "3"  # ended before 2021
    result = activity.find("result")
    assert result.get("type") == "2"
    assert (
        result.find("title/narrative[@{http://www.w3.org/XML/1998/namespace}lang='km']").text
        == "សេវាប្រសើរ"
    )
    ind = result.find("indicator")
    assert ind.get("measure") == "2"
    assert ind.find("baseline").attrib == {"year": "2018", "iso-date": "2018-12-31", "value": "40"}
    period = ind.find("period")
    assert period.find("period-start").get("iso-date") == "2019-01-01"
    assert (period.find("target").get("value"), period.find("actual").get("value")) == ("50", "50")


def test_it_adds_sex_and_age_dimensions_to_counts():
    indicator = make_logframe()
    programme = indicator.programme
    count = Indicator.objects.create(
        programme=programme, level=indicator.level, code="1.2", statement_en="Respondents",
        unit="number", target=Decimal("100"), computation="respondents_count",
        params={"round": "R-X"},
    )  # fmt: skip
    make_round(code="R-X", programme=programme.code)  # no responses yet: zero reached
    assert count.computation == "respondents_count"
    doc = etree.fromstring(iati_xml(programme))
    assert schema().validate(doc)
    second = doc.findall(".//indicator")[1]
    actuals = second.findall("period/actual")
    assert actuals[0].get("value") == "0"
    dims = {(d.get("name"), d.get("value")) for d in second.iter("dimension")}
    assert dims == {("sex", "female"), ("age", "15-30")}


def test_it_rejects_what_the_schema_would_not_take():
    """The check can fail: an activity without its identifier is refused."""
    indicator = make_logframe()
    doc = etree.fromstring(iati_xml(indicator.programme))
    activity = doc.find("iati-activity")
    activity.remove(activity.find("iati-identifier"))
    assert not schema().validate(doc)
