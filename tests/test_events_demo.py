"""The demo's events give the seed report's figures, computed from the raw records."""

from __future__ import annotations

import pytest

from scorecard.events.demo import load_demo_events, youth_is_female
from scorecard.events.figures import (
    participant_outcome_share,
    participants_count,
    rapid_survey_share,
)
from scorecard.events.i4c_models import BudgetLine, StandardValue
from scorecard.events.models import Attendance, Participant
from scorecard.programmes.models import Programme
from scorecard.public.demo import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme() -> Programme:
    list(load_demo())
    list(load_demo_events())
    return Programme.objects.get(code="UDF-KHM-2019")


def test_it_trains_47_youth_of_whom_the_first_43_include_29_women(programme):
    figure = participants_count(programme, "training", event="T-YOUTH-2019")
    assert figure.numerator == 47
    assert figure.ids == tuple(f"ENUM-{n:02}" for n in range(1, 48))
    first = Participant.objects.filter(code__in=[f"ENUM-{n:02}" for n in range(1, 44)])
    assert first.filter(sex="female").count() == 29
    assert round(29 / 43 * 100, 2) == 67.44
    assert {p.code for p in first.filter(sex="female")} == {
        f"ENUM-{n:02}" for n in range(1, 44) if youth_is_female(n)
    }
    assert Attendance.objects.filter(event__code="T-YOUTH-2019", youth=True).count() == 47


def test_it_gives_the_officials_attitude_figure(programme):
    figure = participant_outcome_share(
        programme, "training", ["local_official"], "improved_attitude"
    )
    assert (figure.numerator, figure.denominator, figure.female) == (271, 285, 125)
    assert round(figure.value * 100) == 95
    assert round(figure.female_share * 100, 2) == 46.13
    assert figure.denominator_female == 131


def test_it_gives_the_women_councillors_figure(programme):
    roles = ["woman_councillor", "cwc_member"]
    figure = participant_outcome_share(programme, "training", roles, "active_in_action_plan")
    assert (figure.numerator, figure.denominator, figure.female) == (35, 45, 8)
    assert round(figure.value * 100) == 78  # the seed rounds 35/45 down to "77%"
    assert round(figure.female_share * 100) == 23
    assert figure.denominator_female == 15


def test_it_gives_the_rapid_survey_figure(programme):
    figure = rapid_survey_share(programme)
    assert (figure.numerator, figure.denominator, figure.female) == (179, 210, 147)
    assert round(figure.value * 100) == 85 and round(figure.female_share * 100) == 82
    assert participants_count(programme, "outreach").numerator == 230


def test_it_gives_the_workshop_figure(programme):
    figure = participants_count(programme, "workshop")
    assert (figure.numerator, figure.female) == (64, 20)


def test_it_loads_budgets_and_standards_and_changes_nothing_the_second_time(programme):
    assert (
        BudgetLine.objects.filter(year=2019).count()
        == BudgetLine.objects.filter(year=2020).count()
        == 24
    )
    assert set(BudgetLine.objects.values_list("commune", flat=True)) == {
        "010201",
        "010203",
        "060301",
        "060303",
    }
    assert StandardValue.objects.count() == 36
    before = (Attendance.objects.count(), BudgetLine.objects.count())
    [line] = list(load_demo_events())
    assert "(0 new)" in line and "0 actual values set" in line
    assert (Attendance.objects.count(), BudgetLine.objects.count()) == before
