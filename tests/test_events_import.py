from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from scorecard.audit.models import AuditEntry
from scorecard.events import tables
from scorecard.events.imports import SIGN_IN_COLUMNS, Known, check_sign_in
from scorecard.events.models import Attendance, Event, Outcome, Participant
from tests.helpers import make_programme

pytestmark = pytest.mark.django_db

HEADER = ",".join(SIGN_IN_COLUMNS)


def make_sheet(tmp_path: Path, *rows: str, name: str = "sheet.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_text(("\ufeff" if bom else "") + "\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def make_row(**overrides: str) -> str:
    fields = {
        "event": "T-1",
        "event_type": "training",
        "title": "Youth enumerator training",
        "date": "2019-03-04",
        "commune": "010201",
        "participant": "ENUM-01",
        "role": "youth_trainee",
        "sex": "female",
        "age": "21",
        "disability": "no",
        "organisation": "API",
    }
    fields.update(overrides)
    return ",".join(fields[c] for c in SIGN_IN_COLUMNS)


def run(verb: str, path: Path, *args: str, programme: str = "p") -> dict:
    out = io.StringIO()
    call_command(verb, "import", str(path), "--programme", programme, "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_it_imports_a_sign_in_sheet_with_a_bom(tmp_path):
    make_programme(code="p")
    path = make_sheet(
        tmp_path,
        make_row(),
        make_row(participant="ENUM-02", sex="male", age="31", commune="", disability=""),
        bom=True,
    )
    summary = run("events", path)
    assert (summary["rows"], summary["accepted"], summary["rejected"]) == (2, 2, 0)
    event = Event.objects.get(code="T-1")
    assert (event.type, str(event.start), event.title_en) == (
        "training",
        "2019-03-04",
        "Youth enumerator training",
    )
    assert event.commune is None  # the rows name different communes (one blank)
    first, second = Attendance.objects.order_by("participant__code")
    assert (first.youth, first.disability, first.commune_id) == (True, False, "010201")
    assert (second.youth, second.disability, second.commune_id) == (False, None, None)
    assert Participant.objects.get(code="ENUM-02").sex == "male"
    assert AuditEntry.objects.filter(model="events.Attendance", action="create").count() == 2


def test_it_stores_nothing_on_a_dry_run(tmp_path):
    make_programme(code="p")
    summary = run("events", make_sheet(tmp_path, make_row()), "--dry-run")
    assert (summary["accepted"], summary["dry_run"]) == (1, True)
    assert not Event.objects.exists() and not Participant.objects.exists()


def test_it_changes_nothing_when_the_same_file_comes_again(tmp_path):
    make_programme(code="p")
    path = make_sheet(tmp_path, make_row(), make_row(participant="ENUM-02"))
    run("events", path)
    again = run("events", path)
    assert (again["accepted"], again["created"], again["unchanged"]) == (2, 0, 2)
    assert Attendance.objects.count() == 2
    corrected = make_sheet(tmp_path, make_row(age="22"), name="b.csv")
    assert run("events", corrected)["updated"] == 1
    assert Attendance.objects.get(participant__code="ENUM-01").age == 22


BAD_ROWS = [
    (make_row(event=""), "event", "is empty"),
    (make_row(event="=1+1"), "event", "letters, digits"),
    (make_row(participant="ENUM 01"), "participant", "letters, digits"),
    (make_row(role="trainer"), "role", "must be one of"),
    (make_row(sex="woman"), "sex", "must be one of female, male, other"),
    (make_row(age="abc"), "age", "whole number from 10 to 110"),
    (make_row(age="7"), "age", "whole number from 10 to 110"),
    (make_row(disability="maybe"), "disability", "yes or no"),
    (make_row(organisation="=HYPERLINK(1)"), "organisation", "spreadsheet formula"),
    (make_row(title="@SUM(A1)"), "title", "spreadsheet formula"),
    (make_row(commune="999999"), "commune", "not a commune in the gazetteer"),
    (make_row(commune="12"), "commune", "6-digit commune code"),
    (make_row(event_type="party"), "event_type", "must be one of"),
    (make_row(date="March 2019"), "date", "YYYY-MM-DD"),
    (make_row(event="T-2", event_type=""), "event_type", "needed for a new event"),
    (make_row(event="T-2", date=""), "date", "needed for a new event"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS)
def test_it_rejects_a_bad_row_and_keeps_the_others(tmp_path, row, column, reason):
    make_programme(code="p")
    path = make_sheet(tmp_path, make_row(participant="ENUM-09"), row)
    summary = run("events", path)
    assert (summary["rows"], summary["accepted"], summary["rejected"]) == (2, 1, 1)
    [error] = summary["errors"]
    assert (error["row"], error["column"]) == (3, column)
    assert reason in error["reason"]
    assert Attendance.objects.get().participant.code == "ENUM-09"


def test_it_rejects_rows_that_contradict_earlier_ones(tmp_path):
    make_programme(code="p")
    path = make_sheet(
        tmp_path,
        make_row(),
        make_row(participant="ENUM-02", event_type="workshop"),
        make_row(participant="ENUM-03", date="2019-03-05"),
        make_row(age="40"),  # ENUM-01 again at T-1 with another age
        make_row(event="T-3", date="2019-04-01", sex="male"),  # ENUM-01 is female
        make_row(),  # an identical repeat is harmless
    )
    summary = run("events", path)
    reasons = {(e["row"], e["column"]): e["reason"] for e in summary["errors"]}
    assert (summary["rows"], summary["accepted"], summary["rejected"]) == (6, 2, 4)
    assert "is a training (row 2)" in reasons[(3, "event_type")]
    assert "is on 2019-03-04" in reasons[(4, "date")]
    assert "already listed at row 2" in reasons[(5, "participant")]
    assert "recorded as female" in reasons[(6, "sex")]
    assert Attendance.objects.count() == 1


def test_it_checks_against_what_is_stored(tmp_path):
    make_programme(code="p")
    run("events", make_sheet(tmp_path, make_row()))
    later = make_sheet(
        tmp_path, make_row(event_type="", title="", date="", participant="ENUM-05"), name="b.csv"
    )
    assert run("events", later)["accepted"] == 1  # blanks inherit the stored event
    wrong = make_sheet(tmp_path, make_row(event_type="outreach", participant="X"), name="c.csv")
    assert "the stored event" in run("events", wrong)["errors"][0]["reason"]


def test_it_refuses_an_unreadable_file_and_stores_nothing(tmp_path):
    make_programme(code="p")
    cases = {
        "missing.csv": None,
        "latin1.csv": (HEADER + "\n" + make_row(title="caf\xe9")).encode("latin-1"),
        "empty.csv": b"",
        "columns.csv": b"event,participant\nT-1,ENUM-01\n",
        "broken.xlsx": b"PK\x03\x04 not really a workbook",
    }
    for name, data in cases.items():
        if data is not None:
            (tmp_path / name).write_bytes(data)
        with pytest.raises(CommandError):
            run("events", tmp_path / name)
    with pytest.raises(CommandError, match="no programme"):
        run("events", make_sheet(tmp_path, make_row()), programme="nope")
    assert not Event.objects.exists()


def test_it_reads_an_xlsx_sheet_with_semicolons_nowhere_and_formulas_as_text(tmp_path):
    make_programme(code="p")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(SIGN_IN_COLUMNS))
    sheet.append(
        [
            "T-1",
            "training",
            "វគ្គបណ្តុះបណ្តាល",
            None,
            10201,
            "ENUM-01",
            "youth_trainee",
            "ស្រី",
            21,
            "no",
            "API",
        ]
    )
    sheet.append(
        ["T-1", "training", "", None, None, "ENUM-02", "youth_trainee", "male", 22, None, "=A1&B1"]
    )
    import datetime as dt

    sheet["D2"] = dt.datetime(2019, 3, 4)
    book.save(tmp_path / "s.xlsx")
    summary = run("events", tmp_path / "s.xlsx")
    assert (summary["accepted"], summary["rejected"]) == (1, 1)
    assert summary["errors"][0]["column"] == "organisation"
    event = Event.objects.get()
    assert (event.title_km, str(event.start), event.commune_id) == (
        "វគ្គបណ្តុះបណ្តាល",
        "2019-03-04",
        "010201",
    )
    assert Participant.objects.get().sex == "female"


def test_it_reads_semicolon_csv():
    table = tables.read_table(
        io.BytesIO((HEADER.replace(",", ";") + "\n" + make_row().replace(",", ";")).encode())
    )
    rows, events, summary = check_sign_in(table, Known(communes=frozenset({"010201"})))
    assert summary.accepted == 1 and rows[0].participant == "ENUM-01" and "T-1" in events


# Outcomes ---------------------------------------------------------------------------------


def make_outcomes(tmp_path: Path, *rows: str, name: str = "outcomes.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(["event,participant,outcome,value", *rows]) + "\n")
    return path


def test_it_imports_outcomes_of_participants(tmp_path):
    make_programme(code="p")
    run("events", make_sheet(tmp_path, make_row(), make_row(participant="ENUM-02")))
    path = make_outcomes(
        tmp_path,
        "T-1,ENUM-01,pre_test,40",
        "T-1,ENUM-01,post_test,85.5",
        "T-1,ENUM-01,improved_attitude,Yes",
        "T-1,ENUM-02,improved_attitude,no",
    )
    summary = run("outcomes", path)
    assert (summary["rows"], summary["accepted"], summary["rejected"]) == (4, 4, 0)
    values = dict(
        Outcome.objects.values_list("code", "value").filter(attendance__participant__code="ENUM-01")
    )
    assert values == {"pre_test": "40", "post_test": "85.5", "improved_attitude": "yes"}
    assert run("outcomes", path)["unchanged"] == 4
    assert (
        run("outcomes", make_outcomes(tmp_path, "T-1,ENUM-02,improved_attitude,yes", name="b.csv"))[
            "updated"
        ]
        == 1
    )


def test_it_rejects_bad_outcome_rows(tmp_path):
    make_programme(code="p")
    run("events", make_sheet(tmp_path, make_row()))
    path = make_outcomes(
        tmp_path,
        "T-9,ENUM-01,pre_test,40",
        "T-1,ENUM-99,pre_test,40",
        "T-1,ENUM-01,happiness,yes",
        "T-1,ENUM-01,understanding_increased,yes",
        "T-1,ENUM-01,improved_attitude,perhaps",
        "T-1,ENUM-01,pre_test,=1+2",
        "T-1,ENUM-01,pre_test,-3",
        "T-1,ENUM-01,post_test,90",
        "T-1,ENUM-01,post_test,91",
    )
    summary = run("outcomes", path, "--dry-run")
    assert (summary["rows"], summary["accepted"], summary["rejected"]) == (9, 1, 8)
    reasons = [(e["row"], e["column"], e["reason"]) for e in summary["errors"]]
    assert reasons[0] == (2, "event", "no such event in this programme")
    assert reasons[1][:2] == (3, "participant") and "not on the sign-in sheet" in reasons[1][2]
    assert reasons[2][:2] == (4, "outcome")
    assert "outreach or workshop events, not a training" in reasons[3][2]
    assert reasons[4][1:] == ("value", "value of improved_attitude must be yes or no")
    assert [r[1] for r in reasons[5:]] == ["value", "value", "value"]
    assert "row 9 gives post_test = 90" in reasons[7][2]
    assert not Outcome.objects.exists()
