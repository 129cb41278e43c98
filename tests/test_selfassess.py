"""Provider self-assessment: providers' scores per facility, stored as Responses of the round."""

from __future__ import annotations

import pytest
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.places.models import Facility, FacilityType
from scorecard.scorecards.actions import ActionError
from scorecard.scorecards.models import Response, Round
from scorecard.scorecards.paper import enter_paper
from tests.factories_scorecards import make_round
from tests.helpers import make_organisation, make_user
from tests.test_paper import make_answers, post_data

pytestmark = pytest.mark.django_db


def make_facility(commune: str = "010201", type_code: str = "health_centre") -> Facility:
    return Facility.objects.create(
        type=FacilityType.objects.get(code=type_code),
        code=f"{type_code}-{commune}",
        commune_id=commune,
        name_en="Health centre",
        name_km="មណ្ឌលសុខភាព",
    )


def provider_answers(round_: Round, site: Facility, **overrides: str) -> dict[str, str]:
    """Scores of the facility's own indicators; the other facility types left blank."""
    answers = make_answers(round_, commune=site.commune_id, village="", facility=site.code)
    for column in answers:
        group = column.split("/")[0]
        if "/" in column and group != site.type.code:
            answers[column] = ""
    answers.update(overrides)
    return answers


def test_it_stores_one_response_per_provider_respondent_of_the_round():
    org = make_organisation()
    round_ = make_round(code="SA1", mode="self_assessment", organisation=org)
    facility = make_facility()
    user = make_user(Role.FACILITATOR, organisation=org)
    for k in range(3):
        enter_paper(user, round_, f"P{k}", provider_answers(round_, facility, age=str(30 + k)))
    stored = Response.objects.filter(round=round_).order_by("stable_id")
    assert stored.count() == 3 and {r.commune_id for r in stored} == {"010201"}
    assert {r.raw_row()["facility"] for r in stored} == {facility.code}
    # only the health centre's indicators carry scores
    types = [ind.facility_type.code for ind in round_.template_version.ordered_indicators()]
    positions = range(len(types))
    for r in stored:
        assert any(r.rating_of(i) for i in positions if types[i] == "health_centre")
        assert all(r.ratings[i] == "-" for i in positions if types[i] != "health_centre")


def test_it_refuses_an_unknown_facility_or_another_commune():
    round_ = make_round(code="SA2", mode="self_assessment")
    facility = make_facility()
    with pytest.raises(ActionError, match="unknown facility"):
        enter_paper("test", round_, "P1", provider_answers(round_, facility, facility="nope"))
    with pytest.raises(ActionError, match="not the facility's commune"):
        enter_paper("test", round_, "P1", provider_answers(round_, facility, commune="010203"))
    assert not Response.objects.exists()


def test_it_shows_only_the_chosen_facility_types_indicators_on_the_web():
    org = make_organisation()
    round_ = make_round(code="SA3", mode="self_assessment", organisation=org)
    facility = make_facility()
    client = Client()
    client.force_login(make_user(Role.FACILITATOR, organisation=org))
    page = client.get(f"/rounds/SA3/paper/new/?facility={facility.code}").content.decode()
    assert 'name="facility"' in page and 'name="health_centre__' in page
    assert 'name="primary_school__' not in page
    response = client.post("/rounds/SA3/paper/new/", post_data("P9", provider_answers(round_, facility)))  # fmt: skip
    assert response.status_code == 302
    assert Response.objects.get(round=round_).stable_id == "paper-P9"
