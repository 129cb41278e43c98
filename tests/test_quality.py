"""Enumerator quality checks: each rule, a round's table, the demo's 47/43/29, the CLI."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from scorecard.events.models import Attendance, Event, Participant
from scorecard.places.models import Commune
from scorecard.quality.checks import round_quality, success_summary
from scorecard.quality.exports import to_csv
from scorecard.quality.rules import (
    QualityRules,
    duration_minutes,
    has_concrete_need,
    is_concrete,
    is_straight_lined,
    missing_values,
)
from scorecard.scorecards.models import Enumerator, Response, Round
from tests.factories_scorecards import make_round
from tests.helpers import make_programme

_seq = itertools.count(1)
RULES = QualityRules()
START = dt.datetime(2019, 11, 4, 8, 0, tzinfo=dt.UTC)
RATINGS = "1234512345123451234512"  # 22 indicators, varied


def make_response(round_: Round, **overrides: Any) -> Response:
    n = next(_seq)
    fields: dict[str, Any] = {
        "stable_id": f"s{n}",
        "instance_id": f"uuid:{n}",
        "content_hash": f"{n:032d}",
        "commune": Commune.objects.get(code="010201"),
        "sex": "female",
        "age": 20 + n % 50,
        "youth": True,
        "disability": False,
        "minority": False,
        "enumerator_code": "E1",
        "overall": 4,
        "ratings": RATINGS,
        "needs": {"health_centre": "សូមឱ្យមានថ្នាំគ្រប់គ្រាន់នៅមណ្ឌលសុខភាព"},
        "started": START,
        "ended": START + dt.timedelta(minutes=25),
        "source_file": "test.csv",
        "imported_at": timezone.now(),
    }
    fields.update(overrides)
    return Response.objects.create(round=round_, **fields)


def make_trainee(programme, code: str, sex: str = "female") -> Attendance:
    event, _ = Event.objects.get_or_create(
        programme=programme,
        code="YE-1",
        defaults={
            "type": "training",
            "training_kind": "youth_enumerators",
            "start": dt.date(2019, 10, 1),
        },
    )
    person = Participant.objects.create(
        programme=programme, code=code, sex=sex, role="youth_trainee"
    )
    return Attendance.objects.create(event=event, participant=person, role="youth_trainee", age=22)


# --- each rule, on plain values -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "none",
        "None.",
        " NO ",
        "ok",
        "OK!",
        "មិនមាន",
        "អត់មាន",
        "មិនមាន។",
        "-",
        "គ្មាន",
        "abc",
    ],
)
def test_it_does_not_count_empty_stock_or_short_text_as_a_concrete_need(text):
    assert not is_concrete(text, RULES)


@pytest.mark.parametrize(
    "text", ["Need more medicine", "សូមជួសជុលផ្លូវលំក្នុងភូមិ", "road", "no water at the school"]
)
def test_it_counts_a_real_need_as_concrete(text):
    assert is_concrete(text, RULES)


def test_it_takes_the_stock_phrases_and_length_from_the_settings(settings):
    settings.SCORECARD = {
        **settings.SCORECARD,
        "QUALITY": {"stock_phrases": ["road"], "min_length": 2},
    }
    rules = QualityRules.from_settings()
    assert not is_concrete("Road.", rules)
    assert is_concrete("no", rules)  # no longer a stock phrase, and long enough
    assert rules.success_threshold == 0.8


def test_it_needs_one_concrete_facility_need_in_an_interview():
    assert has_concrete_need({"health_centre": "none", "primary_school": "Fix the roof"}, RULES)
    assert not has_concrete_need({"health_centre": "none", "primary_school": ""}, RULES)
    assert not has_concrete_need({}, RULES)
    assert not has_concrete_need([], RULES)


def test_it_measures_the_duration_and_refuses_a_backwards_one():
    assert duration_minutes(START, START + dt.timedelta(minutes=7, seconds=30)) == 7.5
    assert duration_minutes(START, None) is None
    assert duration_minutes(START, START - dt.timedelta(minutes=1)) is None


def test_it_flags_the_same_score_for_every_rated_indicator():
    assert is_straight_lined("5555555555", RULES)
    assert is_straight_lined("55d55-5555", RULES)  # don't knows and blanks aside
    assert not is_straight_lined("5555555554", RULES)
    assert not is_straight_lined("5555", RULES)  # too few rated to tell
    assert not is_straight_lined("dddddd", RULES)


def test_it_counts_unanswered_questions_but_not_dont_knows():
    assert missing_values("12-4d-", overall=3, overall_dk=False) == 2
    assert missing_values("12345", overall=None, overall_dk=True) == 0
    assert missing_values("12345", overall=None, overall_dk=False) == 1


# --- a round --------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_computes_each_enumerators_checks_from_the_interviews():
    round_ = make_round()
    for _ in range(4):
        make_response(round_, enumerator_code="E1")
    make_response(round_, enumerator_code="E1", needs={"health_centre": "none"})
    make_response(round_, enumerator_code="E2", needs={"health_centre": "មិនមាន"})
    make_response(round_, enumerator_code="E2", ratings="4" * 22)
    make_response(round_, enumerator_code="E2", ended=START + dt.timedelta(minutes=5))
    make_response(round_, enumerator_code="E2", ended=None, ratings="123-" + RATINGS[4:])
    twin = {"age": 33, "village": None}
    make_response(round_, enumerator_code="E2", **twin)
    make_response(round_, enumerator_code="E1", **twin)

    table = {e.code: e for e in round_quality(round_, RULES).enumerators}
    e1, e2 = table["E1"], table["E2"]
    assert (e1.interviews, e1.concrete, e1.succeeded) == (6, 5, True)  # 5/6 = 83% >= 80%
    assert (e2.interviews, e2.concrete, e2.succeeded) == (5, 4, True)  # exactly 80%
    assert e2.straight_lined == 1 and e2.too_short == 1 and e2.no_duration == 1
    assert e2.missing_values == 1 and e2.with_missing == 1
    assert e1.duplicates == 1 and e2.duplicates == 1
    assert e1.median_minutes == 25
    assert "duplicate" in e1.flags and "no_concrete_need" not in e1.flags
    assert set(e2.flags) >= {"too_short", "no_duration", "straight_lined", "missing_values"}


@pytest.mark.django_db
def test_it_fails_an_enumerator_below_the_threshold(settings):
    round_ = make_round()
    for k in range(5):
        needs = {"health_centre": "Need medicine"} if k < 3 else {"health_centre": ""}
        make_response(round_, enumerator_code="E1", needs=needs)
    assert not round_quality(round_, RULES).enumerators[0].succeeded  # 60%
    settings.SCORECARD = {**settings.SCORECARD, "QUALITY": {"success_threshold": 0.6}}
    assert round_quality(round_).enumerators[0].succeeded


@pytest.mark.django_db
def test_it_counts_trained_succeeded_and_women_from_the_training():
    programme = make_programme()
    round_ = make_round(programme=programme.code)
    make_trainee(programme, "E1", sex="female")
    make_trainee(programme, "E2", sex="male")
    make_trainee(programme, "E3", sex="female")  # trained, never interviewed
    for code in ("E1", "E2", "E4"):  # E4 was not trained
        make_response(round_, enumerator_code=code)

    summary = success_summary(round_)
    assert (summary.trained, summary.succeeded, summary.succeeded_female) == (3, 2, 1)
    assert summary.succeeded_female_share == 0.5
    assert summary.ids == ("E1", "E2") and summary.interviews == 2
    table = round_quality(round_)
    assert (table.trained, table.succeeded, table.succeeded_female) == (3, 2, 1)
    rows = {e.code: e for e in table.enumerators}
    assert rows["E3"].interviews == 0 and not rows["E3"].succeeded
    assert not rows["E4"].trained and rows["E4"].succeeded
    assert [e.code for e in table.enumerators][-1] == "E4"  # the untrained come last


@pytest.mark.django_db
@pytest.mark.parametrize("threshold", [0.5, 0.6, 0.8, 1.0])
def test_it_decides_success_the_same_way_in_the_table_and_the_light_count(settings, threshold):
    from scorecard.logframe.catalogue import compute

    settings.SCORECARD = {**settings.SCORECARD, "QUALITY": {"success_threshold": threshold}}
    programme = make_programme()
    round_ = make_round(programme=programme.code)
    for k, sex in enumerate(["female", "male", "female", "male", "female"]):
        make_trainee(programme, f"E{k}", sex=sex)
        for j in range(5):  # E0 has 0 of 5 concrete needs, E1 1 of 5, ... E4 4 of 5
            needs = {"health_centre": "Need medicine" if j < k else "none"}
            make_response(round_, enumerator_code=f"E{k}", needs=needs)
    make_response(round_, enumerator_code="E9")  # not trained: in neither count
    table = round_quality(round_)
    light = success_summary(round_)
    value = compute(
        programme, "enumerator_success_share", {"round": round_.code, "training": "YE-1"}
    )
    ok = tuple(sorted(e.code for e in table.enumerators if e.trained and e.succeeded))
    assert light.ids == ok == value.ids
    assert (table.succeeded, table.succeeded_female) == (light.succeeded, light.succeeded_female)
    assert (value.numerator, value.female) == (light.succeeded, light.succeeded_female)
    assert len(ok) == sum(k >= threshold * 5 for k in range(1, 5))
    assert value.split("interviews") == light.interviews == 25


@pytest.mark.django_db
def test_it_lets_the_indicator_set_its_own_threshold_and_refuses_a_bad_one():
    from scorecard.logframe.catalogue import ParameterError, compute

    programme = make_programme()
    round_ = make_round(programme=programme.code)
    make_trainee(programme, "E1")
    for j in range(5):
        make_response(round_, enumerator_code="E1", needs={"school": "Repair" if j < 3 else ""})
    params = {"round": round_.code, "training": "YE-1"}
    assert compute(programme, "enumerator_success_share", params).numerator == 0  # 60% < 80%
    assert (
        compute(programme, "enumerator_success_share", {**params, "min_share": 0.6}).numerator == 1
    )
    for bad in ("most", 1.5, -0.1):
        with pytest.raises(ParameterError, match="min_share must be a number from 0 to 1"):
            compute(programme, "enumerator_success_share", {**params, "min_share": bad})


@pytest.mark.django_db
def test_it_takes_the_sex_from_the_registry_when_no_training_says():
    programme = make_programme()
    round_ = make_round(programme=programme.code)
    Enumerator.objects.create(code="E9", organisation=programme.organisation, sex="male")
    make_response(round_, enumerator_code="E9")
    assert round_quality(round_).enumerators[0].sex == "male"


@pytest.mark.django_db
def test_it_quotes_a_formula_like_enumerator_id_in_the_csv():
    round_ = make_round()
    make_response(round_, enumerator_code="=HYPERLINK(1)")
    text = to_csv(round_quality(round_))
    assert text.startswith("\ufeffround,enumerator,")
    assert ",'=HYPERLINK(1)," in text


@pytest.mark.django_db
def test_it_writes_the_quality_table_through_the_shared_spreadsheet_rules():
    from openpyxl import load_workbook

    from scorecard.quality.exports import to_xlsx

    round_ = make_round()
    make_response(round_, enumerator_code="@E1", started=None)
    summary = round_quality(round_)
    text = to_csv(summary, bom=False)
    assert not text.startswith("\ufeff") and text.endswith("\r\n")
    row = text.splitlines()[1].split(",")
    assert row[1:5] == ["'@E1", "", "false", "1"] and row[7:9] == ["true", ""]
    assert to_csv(summary) == "\ufeff" + text
    sheet = load_workbook(io.BytesIO(to_xlsx(summary))).worksheets[0]
    assert sheet.title == f"quality {round_.code}"[:31]
    values = [c.value for c in next(sheet.iter_rows(min_row=2))]
    assert values[1] == "'@E1" and values[3] is False and values[7] is True


# --- the demo ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_computes_the_seeds_figures_from_the_demos_raw_interviews():
    from scorecard.public.demo import load_demo

    list(load_demo())
    for code, interviews in (("R2019", 1211), ("R2018", 1019)):
        round_ = Round.objects.get(code=code)
        summary = success_summary(round_)
        assert (summary.trained, summary.succeeded, summary.succeeded_female) == (47, 43, 29)
        assert summary.succeeded_female_share is not None
        assert round(summary.succeeded_female_share * 100, 2) == 67.44
        assert summary.interviews == interviews
        table = round_quality(round_)
        assert (table.trained, table.succeeded, table.succeeded_female) == (47, 43, 29)
        assert table.interviews == interviews
        assert all(e.trained for e in table.enumerators)
        ok = tuple(sorted(e.code for e in table.enumerators if e.succeeded))
        assert summary.ids == ok  # the table and the light count name the same people

    out = io.StringIO()
    call_command("quality", "R2019", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    assert (payload["trained"], payload["succeeded"], payload["succeeded_female"]) == (47, 43, 29)
    assert len(payload["enumerators"]) == 47
    out = io.StringIO()
    call_command("quality", "R2019", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 48 and lines[0].startswith("round,enumerator,sex,trained")
