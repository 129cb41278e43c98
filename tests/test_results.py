"""Results rows against an independent recomputation from the responses' rating strings."""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from collections import defaultdict

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from scorecard.scorecards.importing import import_export
from scorecard.scorecards.models import RatingCount, Response, Round
from scorecard.scorecards.results import (
    COLUMNS,
    NUMERIC,
    Table,
    Text,
    _medians,
    results_table,
    round_results,
    to_csv,
)
from scorecard.stats import median_from_counts
from tests.factories_scorecards import COMMUNES, make_export, make_round

pytestmark = pytest.mark.django_db
Z = 1.959963984540054  # 97.5% point of the normal distribution
HEADER = (
    "round,commune,facility,indicator,breakdown,group,n,n_1,n_2,n_3,n_4,n_5,mean,median,"
    "satisfied_n,satisfied_share,ci_low,ci_high,suppressed"
)


def flag(value):
    return {True: "yes", False: "no", None: None}[value]


def groups_of(r: Response) -> list[tuple[str, str]]:
    youth = "youth" if r.youth else "non_youth"
    out = [("all", "all"), ("sex", r.sex), ("youth", youth)]
    if flag(r.disability):
        out.append(("disability", flag(r.disability)))
    if flag(r.minority):
        out.append(("minority", flag(r.minority)))
    if r.idpoor:
        out.append(("idpoor", r.idpoor))
    out.append(("sex_youth", f"{r.sex}+{youth}"))
    return out


def recompute(round_: Round) -> dict[tuple[str, ...], dict[str, float]]:
    """Straight from Response rows: lists of ratings per cell, textbook formulas."""
    indicators = round_.template_version.ordered_indicators()
    questions = [("all", "overall")] + [(i.facility_type.code, i.code) for i in indicators]
    ratings: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for r in Response.objects.filter(round=round_):
        answers = [r.overall] + [int(c) if c in "12345" else None for c in r.ratings]
        for (facility, question), value in zip(questions, answers, strict=True):
            if value is None:
                continue
            for breakdown, group in groups_of(r):
                for commune in ("all", r.commune_id):
                    ratings[(commune, facility, question, breakdown, group)].append(value)
    expected = {}
    for key, values in ratings.items():
        n = len(values)
        s = sum(v >= 4 for v in values)
        p = s / n
        centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
        half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
        expected[key] = {
            "n": n,
            **{f"n_{k}": values.count(k) for k in range(1, 6)},
            "mean": sum(values) / n,
            "median": statistics.median(values),
            "satisfied_n": s,
            "satisfied_share": p,
            "ci_low": max(0.0, centre - half),
            "ci_high": min(1.0, centre + half),
        }
    return expected


@pytest.fixture
def survey(tmp_path):
    round_ = make_round()
    import_export("test", round_, make_export(round_, tmp_path / "k.csv", rows=400, seed=11))
    return round_


def key(row):
    return (row["commune"], row["facility"], row["indicator"], row["breakdown"], row["group"])


def test_it_equals_an_independent_computation(survey):
    rows = round_results(survey)
    expected = recompute(survey)
    assert {key(r) for r in rows} == set(expected)
    assert all(list(r) == COLUMNS for r in rows)
    for row in rows:
        want = expected[key(row)]
        for name, value in want.items():
            assert row[name] == pytest.approx(value, abs=1e-9), (key(row), name)
        assert row["suppressed"] is (row["n"] < 5)
    breakdowns = {r["breakdown"] for r in rows}
    assert breakdowns == {"all", "sex", "youth", "disability", "minority", "idpoor", "sex_youth"}
    assert {r["group"] for r in rows if r["breakdown"] == "sex_youth"} >= {
        "female+youth",
        "male+non_youth",
    }


def test_it_orders_rows_by_commune_then_the_template(survey):
    rows = round_results(survey)
    assert rows[0]["commune"] == "all" and rows[0]["indicator"] == "overall"
    assert rows[0]["breakdown"] == "all"
    order = ["overall"] + [i.code for i in survey.template_version.ordered_indicators()]
    seen = list(dict.fromkeys(r["indicator"] for r in rows if r["commune"] == "all"))
    assert seen == [c for c in order if c in seen]
    communes = list(dict.fromkeys(r["commune"] for r in rows))
    assert communes == ["all", *sorted(communes[1:])]


def test_it_gives_a_tie_median_as_x_point_5(survey):
    rows = round_results(survey)
    for r in rows:
        counts = [r[f"n_{k}"] for k in range(1, 6)]
        assert r["median"] == median_from_counts(counts, tie="mean")
    assert any(r["median"] % 1 == 0.5 for r in rows if r["n"] % 2 == 0)


def test_the_bulk_median_equals_stats_median_from_counts():
    rng = np.random.default_rng(3)
    counts = rng.integers(0, 4, size=(3000, 5))
    counts = counts[counts.sum(axis=1) > 0]
    assert _medians(counts).tolist() == [median_from_counts(c.tolist()) for c in counts]


def test_community_rounds_have_no_interval(tmp_path):
    round_ = make_round(mode="community")
    import_export("test", round_, make_export(round_, tmp_path / "k.csv", rows=40))
    rows = round_results(round_)
    assert rows and all(r["ci_low"] is None and r["ci_high"] is None for r in rows)
    assert all(r["median"] is not None for r in rows)


def test_it_suppresses_small_cells_and_blanks_them_in_public(survey, settings):
    settings.SCORECARD = {**settings.SCORECARD, "MIN_CELL_SIZE": 30}
    rows = round_results(survey)
    public = round_results(survey, public=True)
    assert [key(r) for r in rows] == [key(r) for r in public]
    small = [i for i, r in enumerate(rows) if r["n"] < 30]
    assert small and all(rows[i]["suppressed"] for i in small)
    for i, row in enumerate(public):
        if i in small:
            assert row["suppressed"] is True
            assert all(row[c] is None for c in NUMERIC)
        else:
            assert row == rows[i]


def test_the_cli_writes_the_contract_csv_and_json(survey, tmp_path):
    out = tmp_path / "r.csv"
    call_command("results", survey.code, "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == HEADER
    parsed = list(csv.DictReader(io.StringIO(text)))
    rows = round_results(survey)
    assert len(parsed) == len(rows)
    assert float(parsed[0]["satisfied_share"]) == rows[0]["satisfied_share"]  # not rounded
    assert parsed[0]["suppressed"] in {"true", "false"}
    buffer = io.StringIO()
    call_command("results", survey.code, "--format", "json", "--public", stdout=buffer)
    payload = json.loads(buffer.getvalue())
    assert payload["round"] == survey.code
    assert payload["rows"] == round_results(survey, public=True)


def test_the_cli_refuses_an_unknown_round():
    with pytest.raises(CommandError, match="unknown round 'NOPE'"):
        call_command("results", "NOPE")


@pytest.mark.parametrize("public", [False, True])
def test_the_columnar_csv_is_the_csv_of_the_rows(survey, settings, public):
    settings.SCORECARD = {**settings.SCORECARD, "MIN_CELL_SIZE": 30}
    table = results_table(survey, public=public)
    expected = to_csv(round_results(survey, public=public), COLUMNS)
    assert table.to_csv() == expected
    assert "".join(table.csv_parts(chunk=7)) == expected  # chunks join up seamlessly
    assert table.to_csv(bom=True) == "\ufeff" + expected


def test_the_columnar_csv_of_a_round_without_intervals(tmp_path):
    round_ = make_round(mode="community")
    import_export("test", round_, make_export(round_, tmp_path / "k.csv", rows=40))
    table = results_table(round_)
    assert table.to_csv() == to_csv(round_results(round_), COLUMNS)
    assert ",,false\r\n" in table.to_csv() or ",,true\r\n" in table.to_csv()


def test_a_table_quotes_text_as_the_csv_module_does():
    codes = np.array([0, 1, 2])
    table = Table(
        ["label", "x"],
        {"label": Text(["a,b", 'say "hi"', "plain"], codes), "x": np.array([1.5, np.nan, 2.0])},
    )
    rows = [
        {"label": "a,b", "x": 1.5},
        {"label": 'say "hi"', "x": None},
        {"label": "plain", "x": 2.0},
    ]
    assert table.rows() == rows
    assert table.to_csv() == to_csv(rows, ["label", "x"])


def test_a_table_refuses_columns_of_different_lengths():
    with pytest.raises(ValueError, match="different lengths"):
        Table(["a", "b"], {"a": np.array([1, 2]), "b": np.array([1])})


def test_a_missing_group_leaves_the_cell_out_of_that_breakdown_only(db):
    round_ = make_round()
    commune = COMMUNES[0]
    cell = {"round": round_, "commune_id": commune, "facility": "all", "youth": "youth"}
    RatingCount.objects.create(**cell, question="overall", sex="", minority="no", n_4=3)
    RatingCount.objects.create(**cell, question="retired", sex="male", n_1=2)  # not asked now
    rows = round_results(round_)
    assert {(r["commune"], r["breakdown"], r["group"]): r["n"] for r in rows} == {
        (place, breakdown, group): 3
        for place in ("all", commune)
        for breakdown, group in (("all", "all"), ("youth", "youth"), ("minority", "no"))
    }
    assert {r["indicator"] for r in rows} == {"overall"}


def test_the_cli_writes_the_same_csv_to_standard_output(survey, tmp_path):
    out = tmp_path / "r.csv"
    call_command("results", survey.code, "--public", "--out", str(out))
    buffer = io.StringIO()
    call_command("results", survey.code, "--public", stdout=buffer)
    assert buffer.getvalue() == out.read_bytes().decode("utf-8")
    assert buffer.getvalue() == to_csv(round_results(survey, public=True), COLUMNS)
