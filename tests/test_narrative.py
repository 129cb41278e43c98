"""Sentence templates: placeholders, number formats, other indicators, languages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from scorecard.logframe.catalogue import Value
from scorecard.logframe.models import Indicator, Level
from scorecard.logframe.narrative import fill, fmt_count, fmt_money, fmt_percent, to_markdown
from tests.helpers import make_programme


def make_indicator(**overrides: Any) -> Indicator:
    programme = overrides.pop("programme", None) or make_programme()
    level = Level.objects.create(programme=programme, kind="outcome", code="1", title_en="One")
    fields: dict[str, Any] = {"code": "1.1", "statement_en": "Share", "unit": "percent",
                              "computation": "manual"}  # fmt: skip
    fields.update(overrides)
    return Indicator.objects.create(programme=programme, level=level, **fields)


def share(numerator: int, denominator: int, female: int, **more: Any) -> Value:
    return Value("test", "percent", numerator / denominator, numerator, denominator, female,
                 **more)  # fmt: skip


def test_it_formats_percentages_counts_and_money():
    assert fmt_percent(43 / 47) == "91.5%"
    assert fmt_percent(29 / 43, 2) == "67.44%"
    assert fmt_percent(0.9509, 0) == "95%"
    assert fmt_percent(0.125, 0) == "13%"  # half up, as readers round
    assert fmt_count(1211) == "1,211" and fmt_count(Decimal("2230")) == "2,230"
    assert fmt_money(Decimal("4257.33"), "USD") == "4,257.33 USD"
    assert fmt_money(Decimal("8000"), "USD") == "8,000.00 USD"


@pytest.mark.django_db
def test_it_fills_the_placeholders_of_a_template():
    indicator = make_indicator(target=Decimal("0.9"), baseline_value=Decimal("0.4"))
    value = share(43, 47, 29, denominator_female=31, splits=(("plans", 4),))
    text = fill(
        "{value} ({numerator} of {denominator}, {female_share:.2} female; {female} women of "
        "{denominator_female}); target {target}, baseline {baseline:.0}, {plans} plans, {unknown}",
        indicator,
        value,
        {},
    )
    assert text == (
        "91.5% (43 of 47, 67.44% female; 29 women of 31); target 90.0%, baseline 40%, "
        "4 plans, {unknown}"
    )


@pytest.mark.django_db
def test_it_quotes_another_indicators_value():
    money = make_indicator(code="1.2", unit="money", currency="USD")
    value = Value("test", "money", Decimal("4257.33"), Decimal("4257.33"), currency="USD")
    text = fill("with {1.2.value} raised", money, None, {"1.2": (money, value)})
    assert text == "with 4,257.33 USD raised"


@pytest.mark.django_db
def test_it_writes_the_section_in_khmer_falling_back_to_english(tmp_path):
    programme = make_programme(start=dt.date(2019, 1, 1))
    level = Level.objects.create(programme=programme, kind="outcome", code="1", title_en="One")
    Indicator.objects.create(
        programme=programme, level=level, code="1.1", statement_en="Spots", unit="number",
        manual_value=Decimal("9"), evidence="Radio log", sentence_en="{value} radio spots aired.",
        sentence_km="ការផ្សាយតាមវិទ្យុ {value} ដង។",
    )  # fmt: skip
    Indicator.objects.create(
        programme=programme, level=level, code="1.2", statement_en="Posters", unit="number",
        manual_value=Decimal("1500"), evidence="Print order", sentence_en="{value} posters.",
        order=2,
    )  # fmt: skip
    km = to_markdown(programme, "km")
    assert "- 1.1 ការផ្សាយតាមវិទ្យុ 9 ដង។" in km
    assert "- 1.2 1,500 posters." in km  # no Khmer sentence yet: the English one
    out = tmp_path / "results.html"
    call_command("narrative", programme.code, "--lang", "en", "--format", "html", "--out", str(out))
    page = out.read_text(encoding="utf-8")
    assert "<li>1.1 9 radio spots aired.</li>" in page and '<html lang="en">' in page
