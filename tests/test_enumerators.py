from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from scorecard.audit.models import AuditEntry
from scorecard.scorecards.actions import register_enumerator
from scorecard.scorecards.importing import import_export
from scorecard.scorecards.models import Enumerator, Response
from tests.factories_scorecards import make_export, make_round
from tests.helpers import make_organisation

pytestmark = pytest.mark.django_db


def test_it_registers_enumerators_from_a_csv_file(tmp_path):
    make_organisation(code="api")
    path = tmp_path / "enumerators.csv"
    path.write_text(
        "\ufeffid,sex,age,organisation\nYT01,female,22,api\nYT02,male,,api\n,female,20,api\n"
        "YT03,woman,20,api\nYT04,female,20,nowhere\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("enumerators", "import", str(path), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["rows"], summary["accepted"], summary["rejected"]) == (5, 2, 3)
    assert [e.code for e in Enumerator.objects.all()] == ["YT01", "YT02"]
    assert Enumerator.objects.get(code="YT01").age == 22
    assert AuditEntry.objects.filter(model="scorecards.Enumerator", action="create").count() == 2


def test_it_updates_an_enumerator_on_a_second_import(tmp_path):
    org = make_organisation(code="api")
    register_enumerator("test", "YT01", organisation=org, sex="female", age=21)
    path = tmp_path / "e.csv"
    path.write_text("id,sex,age,organisation\nYT01,female,22,api\n")
    call_command("enumerators", "import", str(path), stdout=io.StringIO())
    assert Enumerator.objects.get().age == 22


def test_it_refuses_a_file_without_the_columns(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("name,phone\nSok,012\n")
    with pytest.raises(CommandError, match="missing columns id, sex, age, organisation"):
        call_command("enumerators", "import", str(path))


def test_it_links_known_enumerators_and_lists_unknown_ones(tmp_path):
    org = make_organisation(code="api")
    round_ = make_round(organisation=org)
    known, _ = register_enumerator("test", "enum01", organisation=org, sex="female", age=20)
    register_enumerator("test", "enum02", organisation=make_organisation())  # another NGO's
    record = import_export("test", round_, make_export(round_, tmp_path / "k.csv", rows=90))
    assert "enum01" not in record.unknown_enumerators
    assert "enum02" in record.unknown_enumerators
    assert record.unknown_enumerators == sorted(record.unknown_enumerators)
    linked = Response.objects.filter(enumerator_code="enum01")
    assert linked.exists() and all(r.enumerator == known for r in linked)
    unknown = Response.objects.filter(enumerator_code="enum02")
    assert unknown.exists() and all(r.enumerator is None for r in unknown)
    assert Enumerator.objects.count() == 2  # never created by an import


def test_it_shows_the_registry_with_trainings_attended_and_responses(tmp_path):
    import datetime as dt

    from django.test import Client

    from scorecard.accounts.models import Role
    from scorecard.events.models import Attendance, Event, Participant
    from tests.helpers import make_programme, make_user

    org = make_organisation(code="api")
    programme = make_programme(organisation=org)
    register_enumerator("test", "enum01", organisation=org, sex="female", age=20)
    register_enumerator("test", "enum09", organisation=org, sex="male", age=24)
    register_enumerator("test", "hidden", organisation=make_organisation())
    training = Event.objects.create(
        programme=programme, code="T-1", type="training", start=dt.date(2019, 5, 1),
        title_en="Training of youth enumerators", title_km="វគ្គបណ្តុះបណ្តាលយុវជនអ្នកស្ទង់មតិ",
    )  # fmt: skip
    meeting = Event.objects.create(
        programme=programme, code="M-1", type="meeting", start=dt.date(2019, 6, 1), title_en="Meeting"
    )  # fmt: skip
    person = Participant.objects.create(programme=programme, code="enum01", role="youth_trainee", sex="female")  # fmt: skip
    Attendance.objects.create(event=training, participant=person, role="youth_trainee", age=20)
    Attendance.objects.create(event=meeting, participant=person, role="youth_trainee", age=20)
    round_ = make_round(organisation=org)
    import_export("test", round_, make_export(round_, tmp_path / "k.csv", rows=30))
    client = Client()
    client.force_login(make_user(Role.FACILITATOR, organisation=org))
    page = client.get("/enumerators/").content.decode()
    assert 'data-code="enum01"' in page and 'data-code="enum09"' in page
    assert 'data-code="hidden"' not in page
    row = page.split('data-code="enum01"')[1].split("</tr>")[0]
    assert "វគ្គបណ្តុះបណ្តាលយុវជនអ្នកស្ទង់មតិ" in row and "Meeting" not in row
    n = Response.objects.filter(enumerator__code="enum01").count()
    assert n > 0
    assert "Training" not in page.split('data-code="enum09"')[1].split("</tr>")[0]
