"""Figures behind the results framework: numerators, denominators, female counts, ids."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from scorecard.events.figures import (
    participant_outcome_share,
    participants_count,
    rapid_survey_share,
)
from scorecard.events.models import Attendance, Event, Outcome, Participant
from tests.helpers import make_programme

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)


def make_event(**overrides: Any) -> Event:
    n = next(_seq)
    fields: dict[str, Any] = {"code": f"E-{n}", "type": "training", "start": dt.date(2019, 5, 1)}
    fields.update(overrides)
    if "programme" not in fields:
        fields["programme"] = make_programme()
    return Event.objects.create(**fields)


def make_attendance(event: Event, code: str, sex: str = "female", **overrides: Any) -> Attendance:
    person, _ = Participant.objects.get_or_create(
        programme=event.programme,
        code=code,
        defaults={"sex": sex, "role": overrides.get("role", "local_official")},
    )
    fields: dict[str, Any] = {"role": "local_official", "age": 40}
    fields.update(overrides)
    return Attendance.objects.create(event=event, participant=person, **fields)


def make_outcome(
    attendance: Attendance, code: str = "improved_attitude", value: str = "yes"
) -> Outcome:
    return Outcome.objects.create(attendance=attendance, code=code, value=value)


def test_it_counts_distinct_participants_of_an_event_type():
    programme = make_programme()
    first = make_event(programme=programme, type="workshop")
    second = make_event(programme=programme, type="workshop")
    make_attendance(first, "A", "female")
    make_attendance(first, "B", "male")
    make_attendance(second, "A", "female")  # the same person at a second workshop
    make_attendance(make_event(programme=programme, type="training"), "C")
    make_attendance(make_event(type="workshop"), "D")  # another programme
    figure = participants_count(programme, "workshop")
    assert (figure.numerator, figure.denominator, figure.female, figure.ids) == (
        2,
        None,
        1,
        ("A", "B"),
    )
    assert figure.value == 2


def test_it_computes_the_share_of_participants_with_an_outcome():
    programme = make_programme()
    event = make_event(programme=programme)
    make_outcome(make_attendance(event, "F1", "female"))
    make_outcome(make_attendance(event, "M1", "male"))
    make_outcome(make_attendance(event, "M2", "male"), value="no")
    make_attendance(event, "F2", "female")  # no assessment: in the denominator only
    make_outcome(make_attendance(event, "Y1", "female", role="youth_trainee"))  # other role
    figure = participant_outcome_share(
        programme, "training", ["local_official"], "improved_attitude"
    )
    assert (figure.numerator, figure.denominator) == (2, 4)
    assert (figure.female, figure.denominator_female) == (1, 2)
    assert figure.ids == ("F1", "M1")
    assert figure.denominator_ids == ("F1", "F2", "M1", "M2")
    assert (figure.value, figure.female_share) == (0.5, 0.5)
    every_role = participant_outcome_share(programme, "training", [], "improved_attitude")
    assert (every_role.numerator, every_role.denominator) == (3, 5)


def test_it_counts_a_participant_once_across_events():
    programme = make_programme()
    for value in ("no", "yes"):
        make_outcome(make_attendance(make_event(programme=programme), "A"), value=value)
    figure = participant_outcome_share(
        programme, "training", ["local_official"], "improved_attitude"
    )
    assert (figure.numerator, figure.denominator) == (1, 1)


def test_it_computes_the_rapid_survey_share_among_respondents():
    programme = make_programme()
    outreach = make_event(programme=programme, type="outreach")
    for code, sex, value in [
        ("R1", "female", "yes"),
        ("R2", "female", "no"),
        ("R3", "male", "yes"),
    ]:
        make_outcome(
            make_attendance(outreach, code, sex, role="citizen"), "understanding_increased", value
        )
    make_attendance(outreach, "R4", role="citizen")  # attended, did not answer
    figure = rapid_survey_share(programme)
    assert (figure.numerator, figure.denominator, figure.female, figure.denominator_female) == (
        2,
        3,
        1,
        2,
    )
    assert figure.ids == ("R1", "R3")


def test_it_answers_zero_for_nothing():
    figure = rapid_survey_share(make_programme())
    assert (figure.numerator, figure.denominator, figure.value, figure.female_share) == (
        0,
        0,
        0.0,
        0.0,
    )


def test_it_derives_youth_from_the_settings(settings):
    event = make_event()
    assert make_attendance(event, "Y", age=30).youth is True
    assert make_attendance(event, "O", age=31).youth is False
    assert make_attendance(event, "U", age=None).youth is None
    settings.SCORECARD = {**settings.SCORECARD, "YOUTH_AGES": (15, 24)}
    assert make_attendance(event, "Z", age=25).youth is False
