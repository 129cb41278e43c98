"""The logframe: loading a file, the catalogue's computations, progress, pages and CLI."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.audit.models import AuditEntry
from scorecard.events.models import Attendance, Event, Outcome, Participant
from scorecard.logframe.actions import load_logframe
from scorecard.logframe.catalogue import ParameterError, Value, compute
from scorecard.logframe.loading import LogframeError
from scorecard.logframe.models import Indicator, Level, Period
from scorecard.logframe.progress import indicator_rows, life_value
from scorecard.programmes.models import Programme
from tests.helpers import make_organisation, make_programme, make_user
from tests.test_plans_factories import make_action, make_contribution, make_plan

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)

LOGFRAME = """
programme: {code}
levels:
  - code: "1"
    kind: outcome
    title: {{en: "Officials respond better", km: "មន្ត្រីឆ្លើយតបប្រសើរ"}}
    indicators:
      - code: "1.1"
        statement: {{en: "Officials with an improved attitude", km: "មន្ត្រីមានឥរិយាបថប្រសើរ"}}
        unit: percent
        baseline: {{value: 0.5, date: 2018-12-31}}
        target: 0.8
        computation: {{name: participant_outcome_share, event_type: training, roles: [local_official], outcome: improved_attitude}}
        sentence:
          en: "{{value}} of officials ({{numerator}} of {{denominator}}, {{female_share}} female) improved."
    children:
      - code: "1.O"
        kind: output
        title: {{en: "Workshops held"}}
        indicators:
          - code: "1.O.1"
            statement: {{en: "Workshop participants"}}
            unit: number
            target: 10
            rule: sum
            computation: {{name: participants_count, event_type: workshop}}
            periods:
              - {{label: "2019", start: 2019-01-01, end: 2019-12-31, target: 5, params: {{event: W-2019}}}}
              - {{label: "2020", start: 2020-01-01, end: 2020-12-31, target: 5, params: {{event: W-2020}}}}
          - code: "1.O.2"
            statement: {{en: "Radio spots aired"}}
            unit: number
            target: 12
            value: {{value: 9, evidence: "Broadcast log of the provincial radio"}}
"""


def make_event(programme: Programme, **overrides: Any) -> Event:
    fields: dict[str, Any] = {"code": f"E-{next(_seq)}", "type": "training",
                              "start": dt.date(2019, 5, 1)}  # fmt: skip
    fields.update(overrides)
    return Event.objects.create(programme=programme, **fields)


def make_attendance(event: Event, code: str, sex: str = "female", **overrides: Any) -> Attendance:
    role = overrides.pop("role", "local_official")
    person, _ = Participant.objects.get_or_create(
        programme=event.programme, code=code, defaults={"sex": sex, "role": role}
    )
    return Attendance.objects.create(event=event, participant=person, role=role, age=40)


def make_world(**overrides: Any) -> Programme:
    """A programme with 4 trained officials (3 improved, 2 of them women) and two
    workshops (3 then 2 participants)."""
    programme = make_programme(**overrides)
    training = make_event(programme, code="T-1")
    for code, sex, value in [("O1", "female", "yes"), ("O2", "female", "yes"),
                             ("O3", "male", "yes"), ("O4", "female", "no")]:  # fmt: skip
        Outcome.objects.create(
            attendance=make_attendance(training, code, sex), code="improved_attitude", value=value
        )
    for event, people in [("W-2019", ["A", "B", "C"]), ("W-2020", ["D", "E"])]:
        workshop = make_event(programme, code=event, type="workshop")
        for i, code in enumerate(people):
            make_attendance(workshop, code, "female" if i == 0 else "male", role="cso")
    return programme


def value_of(programme: Programme, code: str) -> Value:
    value = life_value(Indicator.objects.get(programme=programme, code=code)).value
    assert value is not None
    return value


def make_logframe(programme: Programme) -> int:
    return load_logframe("test", programme, LOGFRAME.format(code=programme.code))


def test_it_loads_a_logframe_as_a_tree_and_logs_it():
    programme = make_world()
    assert make_logframe(programme) == 3
    child = Level.objects.get(programme=programme, code="1.O")
    assert child.parent is not None and child.parent.code == "1" and child.kind == "output"
    indicator = Indicator.objects.get(programme=programme, code="1.1")
    assert indicator.statement_km == "មន្ត្រីមានឥរិយាបថប្រសើរ"
    assert indicator.baseline_value == Decimal("0.5")
    assert indicator.baseline_date == dt.date(2018, 12, 31)
    assert indicator.params["roles"] == ["local_official"]
    assert Period.objects.filter(indicator__programme=programme).count() == 2
    assert AuditEntry.objects.filter(model="logframe.Indicator").count() == 3


def test_it_loads_the_same_file_twice_without_duplicates():
    programme = make_world()
    make_logframe(programme)
    make_logframe(programme)
    assert Indicator.objects.filter(programme=programme).count() == 3
    assert Level.objects.filter(programme=programme).count() == 2


def test_it_refuses_a_file_with_errors_and_stores_nothing():
    programme = make_world()
    text = LOGFRAME.format(code=programme.code).replace("unit: percent", "unit: percentage")
    text = text.replace("participants_count", "people_count")
    with pytest.raises(LogframeError) as caught:
        load_logframe("test", programme, text)
    assert any(
        "levels[0].indicators[0].unit" in e and "'percentage'" in e for e in caught.value.errors
    )
    assert any("people_count" in e and "catalogue" in e for e in caught.value.errors)
    assert not Indicator.objects.filter(programme=programme).exists()


def test_it_refuses_a_value_by_hand_without_evidence():
    programme = make_world()
    text = LOGFRAME.format(code=programme.code).replace(
        ', evidence: "Broadcast log of the provincial radio"', ""
    )
    with pytest.raises(LogframeError, match="evidence"):
        load_logframe("test", programme, text)


def test_it_refuses_a_file_for_another_programme():
    programme = make_world()
    with pytest.raises(LogframeError, match="is for programme"):
        load_logframe("test", programme, LOGFRAME.format(code="elsewhere"))


def test_it_computes_a_participant_outcome_share_with_its_splits_and_links():
    programme = make_world()
    make_logframe(programme)
    value = value_of(programme, "1.1")
    assert (value.numerator, value.denominator, value.female, value.denominator_female) == (
        3,
        4,
        2,
        3,
    )
    assert value.value == 0.75
    assert value.female_share == pytest.approx(2 / 3)
    assert value.ids == ("O1", "O2", "O3")
    assert [link.url for link in value.links] == [f"/programmes/{programme.code}/events/T-1/"]


def test_it_sums_periods_for_a_sum_rule_and_bands_progress():
    programme = make_world()
    make_logframe(programme)
    rows = indicator_rows(Indicator.objects.get(programme=programme, code="1.O.1"))
    assert [(r.label, r.value.value if r.value else None) for r in rows] == [
        ("2019", 3), ("2020", 2), ("life", Decimal("5"))
    ]  # fmt: skip
    assert rows[0].band == "off_track"  # 3 of 5
    assert rows[2].progress == 0.5 and rows[2].band == "off_track"
    officials = life_value(Indicator.objects.get(programme=programme, code="1.1"))
    # from a baseline of 50% to a target of 80%: 75% is 5/6 of the way
    assert officials.progress == pytest.approx(25 / 30)
    assert officials.band == "off_track"
    Indicator.objects.filter(programme=programme, code="1.1").update(on_track_at=Decimal("0.8"))
    assert life_value(Indicator.objects.get(programme=programme, code="1.1")).band == "on_track"


def test_it_reports_a_value_entered_by_hand_with_its_evidence():
    programme = make_world()
    make_logframe(programme)
    row = life_value(Indicator.objects.get(programme=programme, code="1.O.2"))
    value = value_of(programme, "1.O.2")
    assert value.value == Decimal("9") and value.computation == "manual"
    assert value.note == "Broadcast log of the provincial radio"
    assert row.band == "off_track"


def test_it_counts_actions_implemented_and_contributions_in_decimal():
    programme = make_programme()
    plan = make_plan(programme=programme, code="p1")
    done = make_action(plan=plan)
    done.status = "implemented"
    done.save()
    make_action(plan=plan)
    dropped = make_action(plan=plan)
    dropped.status = "dropped"
    dropped.save()
    make_contribution(action=done, amount=Decimal("410000"), currency="KHR")
    make_contribution(action=done, source_type="cbo", amount=Decimal("12.34"), currency="USD")
    share = compute(programme, "actions_implemented_share", {})
    assert (share.numerator, share.denominator, share.value) == (1, 2, 0.5)
    assert share.split("plans") == 1
    money = compute(programme, "contributions_total", {"source_types": ["private_sector", "cbo"]})
    assert money.value == Decimal("112.34") and isinstance(money.value, Decimal)
    assert money.currency == "USD"
    riel = compute(programme, "contributions_total", {"source_types": ["cbo"], "currency": "KHR"})
    assert riel.value == Decimal("50594")  # 12.34 USD at 4,100 riel
    assert compute(programme, "plans_count", {}).value == 1
    assert compute(programme, "actions_count", {"status": "implemented"}).value == 1


def test_it_names_what_is_wrong_with_parameters():
    programme = make_world()
    with pytest.raises(ParameterError, match="no round 'R-NONE'"):
        compute(programme, "respondents_count", {"round": "R-NONE"})
    with pytest.raises(ParameterError, match="unknown parameter"):
        compute(programme, "participants_count", {"event_type": "workshop", "colour": "red"})
    with pytest.raises(ParameterError, match="missing"):
        compute(programme, "participants_count", {})


def test_it_prints_the_values_as_json_from_the_cli(tmp_path):
    programme = make_world()
    path = tmp_path / "logframe.yaml"
    path.write_text(LOGFRAME.format(code=programme.code), encoding="utf-8")
    out = io.StringIO()
    call_command("logframe", "load", str(path), "--programme", programme.code, stdout=out)
    assert "3 indicators" in out.getvalue()
    target = tmp_path / "values.json"
    call_command("logframe", "values", programme.code, "--format", "json", "--out", str(target))
    data = json.loads(target.read_text())
    assert data["programme"] == programme.code
    first = data["indicators"][0]
    assert {k: first[k] for k in ("code", "value", "numerator", "denominator", "female",
                                  "denominator_female", "unit")} == {
        "code": "1.1", "value": 0.75, "numerator": 3, "denominator": 4, "female": 2,
        "denominator_female": 3, "unit": "percent",
    }  # fmt: skip
    assert first["female_share"] == pytest.approx(2 / 3)
    assert data["indicators"][1]["value"] == 5 and data["indicators"][1]["denominator"] is None


def _client(role: str, programme: Programme) -> Client:
    org = programme.donor if role == Role.DONOR_VIEWER else programme.organisation
    client = Client()
    client.force_login(make_user(role, organisation=org))
    return client


def test_it_shows_a_donor_the_indicator_cards_and_the_evidence():
    donor = make_organisation(kind="donor")
    programme = make_world(donor=donor)
    make_logframe(programme)
    client = _client(Role.DONOR_VIEWER, programme)
    page = client.get(f"/programmes/{programme.code}/logframe/").content.decode()
    assert "មន្ត្រីមានឥរិយាបថប្រសើរ" in page  # Khmer first
    assert f"/programmes/{programme.code}/logframe/1.1/" in page
    detail = client.get(f"/programmes/{programme.code}/logframe/1.1/").content.decode()
    assert f"/programmes/{programme.code}/events/T-1/" in detail
    assert "O1 O2 O3" not in detail  # participant ids are not for donors
    assert client.get(f"/programmes/{programme.code}/logframe/1.1/edit/").status_code == 403
    other = make_world()
    make_logframe(other)
    assert client.get(f"/programmes/{other.code}/logframe/1.1/").status_code == 404


def test_it_lets_an_me_officer_edit_an_indicator_and_logs_it():
    programme = make_world()
    make_logframe(programme)
    client = _client(Role.ME_OFFICER, programme)
    url = f"/programmes/{programme.code}/logframe/1.1/edit/"
    form = client.get(url)
    assert form.status_code == 200
    indicator = Indicator.objects.get(programme=programme, code="1.1")
    data = {
        "level": indicator.level_id, "code": "1.1", "statement_en": "Officials improving",
        "statement_km": "មន្ត្រី", "unit": "percent", "direction": "increase", "target": "0.7",
        "rule": "latest", "on_track_at": "0.9", "computation": "participant_outcome_share",
        "params": '{"event_type": "training", "roles": ["local_official"], "outcome": "improved_attitude"}',
        "order": "1",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    indicator.refresh_from_db()
    assert indicator.target == Decimal("0.7") and indicator.statement_en == "Officials improving"
    assert life_value(indicator).band == "achieved"
    assert AuditEntry.objects.filter(model="logframe.Indicator", action="update").exists()
    bad = client.post(url, {**data, "params": '{"colour": "red"}'})
    assert bad.status_code == 200
    assert "participant_outcome_share" in bad.content.decode()
    assert "event_type, roles, outcome, event" in bad.content.decode()  # what it takes


def test_it_builds_a_logframe_in_the_ui():
    programme = make_world()
    client = _client(Role.ME_OFFICER, programme)
    base = f"/programmes/{programme.code}/logframe/"
    response = client.post(f"{base}levels/new/", {"kind": "outcome", "code": "9",
                                                   "title_en": "Outcome nine", "order": "1"})  # fmt: skip
    assert response.status_code == 302
    level = Level.objects.get(programme=programme, code="9")
    response = client.post(
        f"{base}indicators/new/",
        {"level": level.pk, "code": "9.1", "statement_en": "Workshop participants",
         "unit": "number", "direction": "increase", "target": "4", "rule": "latest",
         "on_track_at": "0.9", "computation": "participants_count",
         "params": '{"event_type": "workshop"}', "order": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    assert value_of(programme, "9.1").value == 5
    upload = client.post(
        f"{base}load/",
        {"file": io.BytesIO(b"levels: [{code: x}]")},
    )
    assert upload.status_code == 200 and "title" in upload.content.decode()
