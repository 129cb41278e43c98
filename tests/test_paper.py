"""Paper questionnaires: the entry form, the import's validation, double entry."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.scorecards.actions import ActionError, register_enumerator
from scorecard.scorecards.exports.synth import synth_rows
from scorecard.scorecards.forms import form_spec
from scorecard.scorecards.models import (
    Import,
    PaperEntry,
    PaperQuestionnaire,
    RatingCount,
    Response,
    Round,
)
from scorecard.scorecards.paper import enter_paper, paper_columns, resolve_paper
from scorecard.scorecards.paper_forms import field_name
from tests.factories_scorecards import make_round
from tests.helpers import make_organisation, make_user

pytestmark = pytest.mark.django_db


def make_answers(round_: Round, seed: int = 1, **overrides: str) -> dict[str, str]:
    """One questionnaire's answers, as a clerk keys them (the form's column names)."""
    spec = form_spec(round_.template_version, round_)
    row = next(synth_rows(spec, rows=1, seed=seed))
    answers = {c: row[c] for c in paper_columns(spec)}
    answers.update(overrides)
    return answers


def post_data(number: str, answers: dict[str, str]) -> dict[str, str]:
    return {"number": number, **{field_name(k): v for k, v in answers.items()}}


@pytest.fixture
def staff() -> dict[str, Any]:
    org = make_organisation(code="api")
    clerks = [make_user(Role.FACILITATOR, organisation=org) for _ in range(3)]
    return {"org": org, "clerks": clerks, "round": make_round(code="PAP", organisation=org)}


def test_it_counts_a_single_entry_through_the_import_path(staff):
    round_ = staff["round"]
    register_enumerator("test", "enum01", organisation=staff["org"])
    answers = make_answers(round_, enumerator="enum01", overall="5")
    q = enter_paper(staff["clerks"][0], round_, "Q-001", answers)
    assert q.status == PaperQuestionnaire.Status.COUNTED
    stored = Response.objects.get(round=round_)
    assert stored.stable_id == "paper-Q-001" and stored.overall == 5
    assert stored.enumerator is not None and stored.enumerator.code == "enum01"
    assert stored.raw_row()["questionnaire"] == "Q-001"
    assert q.result is not None and (q.result.kind, q.result.accepted) == ("paper", 1)
    overall = RatingCount.objects.filter(round=round_, question="overall")
    assert sum(c.n_5 for c in overall) == 1
    with pytest.raises(ActionError, match="already counted"):
        enter_paper(staff["clerks"][1], round_, "Q-001", answers)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("age", "abc", "age is not a whole number"),
        ("age", "250", "age must be 15 to 110"),
        ("health_centre/hc_staff_attitude", "7", "score must be 1-5 or dk"),
        ("commune", "999999", "unknown commune code"),
        ("sex", "", "sex is empty"),
    ],
)
def test_it_validates_like_an_import_and_stores_nothing(staff, column, value, reason):
    round_ = staff["round"]
    answers = make_answers(round_)
    if column not in answers:
        column = next(c for c in answers if c.startswith("health_centre/") and "needs" not in c)
    answers[column] = value
    with pytest.raises(ActionError, match=reason):
        enter_paper(staff["clerks"][0], round_, "Q-002", answers)
    client = Client()
    client.force_login(staff["clerks"][0])
    page = client.post("/rounds/PAP/paper/new/", post_data("Q-002", answers))
    html = page.content.decode()
    assert page.status_code == 200 and f'invalid" id="f-{field_name(column)}"' in html
    if column in ("age", "sex"):  # free text: the import's own reason is shown
        assert reason in html
    assert not Response.objects.exists() and not PaperEntry.objects.exists()


def test_it_counts_a_double_entry_only_when_two_clerks_agree(staff):
    round_ = staff["round"]
    Round.objects.filter(pk=round_.pk).update(double_entry=True)
    round_.refresh_from_db()
    a, b, _ = staff["clerks"]
    answers = make_answers(round_)
    q = enter_paper(a, round_, "Q-010", answers)
    assert q.status == PaperQuestionnaire.Status.WAITING and not Response.objects.exists()
    with pytest.raises(ActionError, match="another clerk"):
        enter_paper(a, round_, "Q-010", answers)
    q = enter_paper(b, round_, "Q-010", answers)
    assert q.status == PaperQuestionnaire.Status.COUNTED
    assert Response.objects.filter(stable_id="paper-Q-010").count() == 1


def test_it_lists_differences_and_counts_once_they_are_resolved(staff):
    round_ = staff["round"]
    Round.objects.filter(pk=round_.pk).update(double_entry=True)
    round_.refresh_from_db()
    a, b, third = staff["clerks"]
    first = make_answers(round_, age="34", overall="2")
    enter_paper(a, round_, "Q-020", first)
    q = enter_paper(b, round_, "Q-020", {**first, "age": "43", "overall": "3"})
    assert q.status == PaperQuestionnaire.Status.DIFFERS and not Response.objects.exists()
    client = Client()
    client.force_login(third)
    page = client.get("/rounds/PAP/paper/Q-020/").content.decode()
    assert 'data-column="age"' in page and 'data-column="overall"' in page
    assert 'data-column="sex"' not in page
    client.post("/rounds/PAP/paper/Q-020/resolve/", {"c:age": "34"})  # overall not chosen
    assert not Response.objects.exists()
    with pytest.raises(ActionError, match="choose one of the two values of age"):
        resolve_paper(third, q, {"age": "99", "overall": "3"})
    response = client.post("/rounds/PAP/paper/Q-020/resolve/", {"c:age": "43", "c:overall": "2"})
    assert response.status_code == 302
    stored = Response.objects.get()
    assert (stored.age, stored.overall) == (43, 2)
    q.refresh_from_db()
    assert q.status == PaperQuestionnaire.Status.COUNTED and q.resolved_by == third


def test_it_keys_a_questionnaire_on_the_web_and_reports_unknown_enumerators(staff):
    round_ = staff["round"]
    client = Client()
    client.force_login(staff["clerks"][0])
    page = client.get("/rounds/PAP/paper/new/").content.decode()
    assert "scorecard/faces/5.svg" in page and 'name="health_centre__' in page
    answers = make_answers(round_, enumerator="NOBODY-1")
    response = client.post("/rounds/PAP/paper/new/", post_data("Q-030", answers))
    assert response["Location"] == "/rounds/PAP/paper/Q-030/"
    record = Import.objects.get()
    assert record.unknown_enumerators == ["NOBODY-1"] and record.kind == "paper"
    detail = client.get(f"/rounds/PAP/imports/{record.pk}/").content.decode()
    assert "NOBODY-1" in detail
    assert not round_.responses.get().enumerator
    listing = client.get("/rounds/PAP/paper/").content.decode()
    assert "Q-030" in listing


def test_it_lets_an_me_officer_switch_double_entry_on(staff):
    officer = make_user(Role.ME_OFFICER, organisation=staff["org"])
    client = Client()
    client.force_login(officer)
    client.post("/rounds/PAP/status/", {"action": "double_entry"})
    assert Round.objects.get(code="PAP").double_entry
    client.force_login(staff["clerks"][0])  # a facilitator may key, not change the round
    assert client.post("/rounds/PAP/status/", {"action": "double_entry"}).status_code == 403
