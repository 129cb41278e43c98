from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from scorecard.programmes.models import Programme
from scorecard.public.demo import DEMO_PASSWORD, PROGRAMME_CODE, USERS, load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return list(load_demo())


def test_it_creates_the_seed_programme(demo):
    programme = Programme.objects.get(code=PROGRAMME_CODE)
    assert programme.title_en == "Enhancing Local Democratic Governance in Cambodia, 2019-2020"
    assert programme.budget == Decimal("165000.00")
    assert programme.currency == "USD"
    assert programme.donor is not None and programme.donor.acronym == "UNDEF"
    assert sorted(o.acronym for o in programme.partners.all()) == ["COWS", "CPDD", "VSG"]
    provinces = sorted(c.district.province.name_en for c in programme.communes.all())
    assert provinces == ["Banteay Meanchey", "Banteay Meanchey", "Kampong Thom", "Kampong Thom"]


def test_it_prints_a_login_for_each_role(demo):
    text = "\n".join(demo)
    for username, _role, _org in USERS:
        assert username in text
    assert DEMO_PASSWORD in text


@pytest.mark.parametrize("username", [u for u, _, _ in USERS])
def test_it_lets_every_demo_role_log_in_and_open_the_programme(demo, username):
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": username, "password": DEMO_PASSWORD},
        REMOTE_ADDR="10.9.9.9",
    )
    assert response.status_code == 302
    page = client.get(f"/programmes/{PROGRAMME_CODE}/")
    assert page.status_code == 200
    assert "165,000" in page.content.decode() or "១៦៥,០០០" in page.content.decode()


def test_it_can_be_loaded_twice(demo):
    list(load_demo())
    assert Programme.objects.filter(code=PROGRAMME_CODE).count() == 1


def test_it_has_one_self_assessment_the_meetings_demos_beside_the_2019_survey(demo):
    from scorecard.meetings.models import Meeting
    from scorecard.scorecards.gap import provider_round
    from scorecard.scorecards.models import Round

    [providers] = Round.objects.filter(mode=Round.Mode.SELF_ASSESSMENT)
    assert providers.code == "SA2019" and providers.programme_id is not None
    assert Meeting.objects.get(round=providers).status == "completed"  # the meetings demo's
    assert provider_round(Round.objects.get(code="R2019")) == providers
    assert providers.responses.count() == 6
