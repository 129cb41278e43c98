"""Pulls from ODK Central with pyodk, against a local stand-in that speaks Central's API."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from scorecard.scorecards.central import central_source, pull_central
from scorecard.scorecards.exports.synth import question_columns, synth_rows
from scorecard.scorecards.forms import form_spec
from scorecard.scorecards.importing import ImportRefused, import_export
from scorecard.scorecards.models import CentralSource, Import, Response, Round
from tests.central_standin import Central, StandIn, central_submission
from tests.factories_scorecards import make_export, make_round

pytestmark = pytest.mark.django_db
FORM = "scorecard_isaf"


def make_submissions(round_: Round, rows: int, seed: int = 3, **kw: Any) -> list[dict[str, Any]]:
    spec = form_spec(round_.template_version, round_)
    columns = [*question_columns(spec), "meta/instanceID"]
    return [central_submission(r, columns) for r in synth_rows(spec, rows=rows, seed=seed, **kw)]


@pytest.fixture
def central(monkeypatch: pytest.MonkeyPatch) -> Central:
    c = Central()
    monkeypatch.setenv("SCORECARD_CENTRAL_USERNAME", c.email)
    monkeypatch.setenv("SCORECARD_CENTRAL_PASSWORD", c.password)
    return c


def test_it_pulls_every_page_then_only_what_is_new(central):
    round_ = make_round()
    central.add(3, FORM, make_submissions(round_, 1100))
    with StandIn(central) as url:
        source = central_source(round_, url, 3, FORM)
        first = pull_central("test", source)
        assert (first.rows, first.accepted, first.rejected) == (1100, 1100, 0)
        assert first.kind == "odk_central"
        assert sum("%24skip=1000" in r for r in central.requests) == 1  # three pages of 500
        source.refresh_from_db()
        newest = max(s["__system"]["submissionDate"] for s in central.forms[(3, FORM)])
        assert source.cursor == newest
        assert pull_central("test", source).rows == 0
        assert "submissionDate+gt+" + newest.replace(":", "%3A") in central.requests[-1]
        later = make_submissions(round_, 3, seed=99, start=dt.date(2030, 1, 1))
        central.add(3, FORM, later)
        third = pull_central("test", CentralSource.objects.get())
    assert (third.rows, third.accepted, third.duplicates) == (3, 3, 0)
    assert Response.objects.filter(round=round_).count() == 1103
    stored = Response.objects.get(stable_id=later[0]["__id"].removeprefix("uuid:"))
    assert stored.age == later[0]["age"]
    assert stored.raw_row()["SubmissionDate"] == later[0]["__system"]["submissionDate"]


def test_it_counts_a_pull_like_the_same_submissions_exported_as_a_file(central, tmp_path):
    round_ = make_round()
    export = make_export(round_, tmp_path / "odk.csv", rows=40, fmt="odk_csv", seed=5)
    spec = form_spec(round_.template_version, round_)
    columns = [*question_columns(spec), "meta/instanceID"]
    central.add(
        1, FORM, [central_submission(r, columns) for r in synth_rows(spec, rows=40, seed=5)]
    )
    with StandIn(central) as url:
        pulled = pull_central("test", central_source(round_, url, 1, FORM))
    assert pulled.accepted == 40
    again = import_export("test", round_, export)  # the CSV export of the same submissions
    assert (again.rows, again.accepted, again.duplicates, again.conflicts) == (40, 0, 40, 0)


def test_it_respects_review_states_and_rejects_bad_rows(central):
    round_ = make_round()

    def tweak(i: int, row: dict[str, str]) -> None:
        if i == 0:
            row["ReviewState"] = "rejected"
        if i == 1:
            row["age"] = "250"

    central.add(1, FORM, make_submissions(round_, 10, tweak=tweak))
    with StandIn(central) as url:
        record = pull_central("test", central_source(round_, url, 1, FORM))
    assert (record.rows, record.accepted, record.rejected) == (10, 8, 2)
    assert "rejected in review upstream" in record.rejects
    assert "age must be 15 to 110" in record.rejects


def test_it_refuses_wrong_credentials_and_names_no_password(central, monkeypatch):
    round_ = make_round()
    central.add(1, FORM, make_submissions(round_, 5))
    monkeypatch.setenv("SCORECARD_CENTRAL_PASSWORD", "wrong-secret-9")
    with StandIn(central) as url:
        source = central_source(round_, url, 1, FORM)
        with pytest.raises(ImportRefused, match="refused") as err:
            pull_central("test", source)
    assert "wrong-secret-9" not in str(err.value)
    assert not Import.objects.exists() and not Response.objects.exists()
    source.refresh_from_db()
    assert source.cursor == ""


def test_it_refuses_a_pull_without_credentials(central, monkeypatch):
    monkeypatch.delenv("SCORECARD_CENTRAL_PASSWORD")
    round_ = make_round()
    with pytest.raises(ImportRefused, match="SCORECARD_CENTRAL_PASSWORD"):
        pull_central("test", central_source(round_, "http://127.0.0.1:9", 1, FORM))


def test_it_refuses_another_form_and_keeps_the_cursor(central):
    round_ = make_round()
    central.add(1, "household", [{"__id": "uuid:1", "__system": {"submissionDate": "2024-01-01T00:00:00.000Z"}, "name": "x"}])  # fmt: skip
    with StandIn(central) as url:
        source = central_source(round_, url, 1, "household")
        with pytest.raises(ImportRefused, match="not an export of the form scorecard_isaf"):
            pull_central("test", source)
        with pytest.raises(ImportRefused, match="404"):
            pull_central("test", central_source(round_, url, 1, "no_such_form"))
    source.refresh_from_db()
    assert source.cursor == "" and not Import.objects.exists()


def test_it_pulls_from_the_command_line(central):
    round_ = make_round(code="RC1")
    central.add(2, FORM, make_submissions(round_, 12))
    with StandIn(central) as url:
        out = io.StringIO()
        call_command("pull", "RC1", "--server", url, "--project", "2", "--form", FORM, "--json", stdout=out)  # fmt: skip
        assert json.loads(out.getvalue())["accepted"] == 12
        out = io.StringIO()
        call_command("pull", "RC1", "--server", url, "--project", "2", "--form", FORM, stdout=out)
        assert "0 new rows" in out.getvalue()
        with pytest.raises(CommandError, match="unknown round"):
            call_command("pull", "nope", "--server", url, "--project", "2", "--form", FORM)
    assert CentralSource.objects.count() == 1


def test_it_pulls_an_edit_made_on_central_as_a_conflict_to_resolve(central):
    round_ = make_round()
    submissions = make_submissions(round_, 20)
    central.add(3, FORM, submissions)
    with StandIn(central) as url:
        source = central_source(round_, url, 3, FORM)
        assert pull_central("test", source).accepted == 20
        target = submissions[4]
        overall = "1" if target["overall"] != "1" else "5"
        central.edit(3, FORM, target["__id"], "2031-05-01T10:00:00.000Z", overall=overall)
        edited = pull_central("test", CentralSource.objects.get())
        assert (edited.rows, edited.accepted, edited.duplicates, edited.conflicts) == (1, 0, 0, 1)
        assert "updatedAt+gt+" in central.requests[-1]
        source = CentralSource.objects.get()
        assert source.cursor == "2031-05-01T10:00:00.000Z"
        assert pull_central("test", source).rows == 0  # the edit is not pulled twice
    conflict = round_.conflicts.get()
    assert conflict.stable_id == target["__id"].removeprefix("uuid:")
    assert conflict.incoming["overall"] == overall
