"""The round summary (``commune=ALL``): the cube summed over communes in SQL gives the same
``all`` rows as the full computation over every commune's cells."""

from __future__ import annotations

import math

import numpy as np
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from scorecard.accounts.models import Role
from scorecard.scorecards import report_data as report_module
from scorecard.scorecards.compare import compare_rounds, compare_table
from scorecard.scorecards.importing import import_export
from scorecard.scorecards.models import RatingCount
from scorecard.scorecards.report_data import report_data
from scorecard.scorecards.results import (
    ALL,
    COLUMNS,
    _profile_groups,
    results_table,
    round_figures,
    round_results,
)
from scorecard.scorecards.summary import _profile_code
from tests.factories_scorecards import COMMUNES, make_export, make_round
from tests.helpers import make_organisation, make_user

pytestmark = pytest.mark.django_db


def same_rows(fast, full):
    """Same rows in the same order, texts equal and numbers to 1e-9."""
    assert [list(r) for r in fast] == [list(r) for r in full]
    assert len(fast) == len(full)
    for a, b in zip(fast, full, strict=True):
        for name, value in a.items():
            other = b[name]
            if isinstance(value, float) and isinstance(other, float):
                assert math.isclose(value, other, rel_tol=0, abs_tol=1e-9), name
            else:
                assert value == other, name


def summary_of(rows):
    return [r for r in rows if r["commune"] == ALL]


def per_commune_reads(queries) -> int:
    """Queries that read every commune's cells (the full path's per-commune texts)."""
    return sum("group_concat" in q["sql"] or "string_agg" in q["sql"] for q in queries)


@pytest.fixture(params=["survey", "community"])
def two_rounds(request, tmp_path):
    mode = request.param
    base, later = make_round(year=2018, mode=mode), make_round(year=2019, mode=mode)
    import_export("test", base, make_export(base, tmp_path / "a.csv", rows=120, seed=1))
    import_export("test", later, make_export(later, tmp_path / "b.csv", rows=150, seed=2))
    return base, later


@pytest.mark.parametrize("public", [False, True])
def test_the_summary_results_are_the_all_rows_of_the_full_table(two_rounds, settings, public):
    settings.SCORECARD = {**settings.SCORECARD, "MIN_CELL_SIZE": 30}  # some cells suppressed
    _, later = two_rounds
    with CaptureQueriesContext(connection) as queries:
        fast = round_results(later, public=public, commune=ALL)
    assert per_commune_reads(queries.captured_queries) == 0
    full = summary_of(round_results(later, public=public))
    assert fast and {r["commune"] for r in fast} == {ALL}
    assert any(r["suppressed"] for r in fast)
    same_rows(fast, full)
    assert list(results_table(later, public, commune=ALL).columns) == COLUMNS


@pytest.mark.parametrize("public", [False, True])
def test_the_summary_comparison_is_the_all_rows_of_the_full_one(two_rounds, settings, public):
    settings.SCORECARD = {**settings.SCORECARD, "MIN_CELL_SIZE": 30}
    base, later = two_rounds
    with CaptureQueriesContext(connection) as queries:
        fast = compare_rounds(base, later, public=public, commune=ALL)
    assert per_commune_reads(queries.captured_queries) == 0
    full = summary_of(compare_rounds(base, later, public=public))
    assert fast and {r["commune"] for r in fast} == {ALL}
    same_rows(fast, full)
    if public:
        assert any(r["diff"] is None for r in fast)  # blanked small cells


def test_unknown_missing_and_retired_cells_count_as_in_the_full_table(db):
    round_ = make_round()
    for i, commune in enumerate(COMMUNES[:2]):
        cell = {"round": round_, "commune_id": commune, "facility": "all", "youth": "youth"}
        RatingCount.objects.create(**cell, question="overall", sex="", minority="no", n_4=3 + i)
        RatingCount.objects.create(**cell, question="overall", sex="x", idpoor="level2", n_2=2)
        RatingCount.objects.create(**cell, question="retired", sex="male", n_1=2)  # not asked
    fast = round_results(round_, commune=ALL)
    assert {(r["breakdown"], r["group"]): r["n"] for r in fast} == {
        ("all", "all"): 11,
        ("youth", "youth"): 11,
        ("minority", "no"): 7,
        ("idpoor", "level2"): 4,
    }
    same_rows(fast, summary_of(round_results(round_)))


def test_an_empty_round_has_an_empty_summary(db):
    base, round_ = make_round(year=2018), make_round()
    assert round_results(round_, commune=ALL) == []
    assert compare_rounds(base, round_, commune=ALL) == []
    assert compare_table(base, round_, commune=ALL).to_csv() == compare_table(base, round_).to_csv()


def test_the_summary_report_has_the_figures_of_the_full_computation(two_rounds, monkeypatch):
    _, later = two_rounds
    with CaptureQueriesContext(connection) as queries:
        fast = report_data(later, public=True)
    assert per_commune_reads(queries.captured_queries) == 0

    def every_commune(function):  # the computation before the summary path
        return lambda *args, commune=None, later=None, **kwargs: function(*args, **kwargs)

    monkeypatch.setattr(report_module, "round_figures", every_commune(round_figures))
    monkeypatch.setattr(report_module, "round_results", every_commune(round_results))
    monkeypatch.setattr(report_module, "compare_rounds", every_commune(compare_rounds))
    assert fast == report_data(later, public=True)


def test_the_summary_page_reads_the_summed_cube_only(two_rounds):
    base, later = two_rounds
    org = make_organisation()
    for round_ in (base, later):
        round_.organisation = org
        round_.save()
    client = Client()
    client.force_login(make_user(Role.ME_OFFICER, organisation=org))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/rounds/{later.code}/results/?commune=all")
    assert page.status_code == 200
    assert per_commune_reads(queries.captured_queries) == 0
    overall = summary_of(round_results(later))[0]
    assert page.context["items"][0]["cards"][0]["row"] == overall


def test_the_comparison_takes_the_later_figures_already_read(two_rounds):
    base, later = two_rounds
    figures = round_figures(later, ALL)
    given = compare_rounds(base, later, public=True, commune=ALL, later=figures)
    assert given == compare_rounds(base, later, public=True, commune=ALL)


@pytest.mark.parametrize(
    ("values", "groups"),
    [
        (("female", "youth", "yes", "no", "level2"), (0, 0, 0, 1, 1, 0)),
        (("other", "non_youth", "", "yes", "none"), (2, 1, -1, 0, 2, 5)),
        (("x", "youth", "no", "", ""), (-1, 0, 1, -1, -1, -1)),
    ],
)
def test_the_profile_code_of_texts_is_the_sql_one(values, groups):
    # PostgreSQL groups the texts and Python codes them (_profile_code); SQLite codes them
    # in SQL (_profile_sql): both are decoded by _profile_groups.
    decoded = _profile_groups(np.array([_profile_code(values)]))
    names = ("sex", "youth", "disability", "minority", "idpoor", "sex_youth")
    assert tuple(int(decoded[name][0]) for name in names) == groups


def summary_reads(queries) -> int:
    return sum("GROUP BY" in q["sql"] and "SUM(" in q["sql"] for q in queries)


def test_it_keeps_the_summed_cells_until_answers_change(two_rounds, tmp_path):
    _, later = two_rounds
    first = round_results(later, commune=ALL)
    with CaptureQueriesContext(connection) as queries:
        again = round_results(later, commune=ALL)
    assert summary_reads(queries) == 0  # from the shared cache
    same_rows(again, first)
    # new answers (an import record, so a new stamp) are counted at once
    import_export("test", later, make_export(later, tmp_path / "c.csv", rows=40, seed=3))
    with CaptureQueriesContext(connection) as queries:
        after = round_results(later, commune=ALL)
    assert summary_reads(queries) == 1
    overall = [r for r in after if r["indicator"] == "overall" and r["breakdown"] == "all"]
    before = [r for r in first if r["indicator"] == "overall" and r["breakdown"] == "all"]
    assert overall[0]["n"] > before[0]["n"]
    same_rows(after, summary_of(round_results(later)))
