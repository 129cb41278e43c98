"""Round comparison: the worked check, the vectorised method, matching, and the demo."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from scorecard.scorecards.compare import COMPARE_COLUMNS, compare_rounds, compare_table, newcombe
from scorecard.scorecards.importing import import_export
from scorecard.scorecards.results import round_results, to_csv
from scorecard.stats import compare_proportions
from tests.factories_scorecards import make_export, make_round

HEADER = (
    "base_round,round,commune,facility,indicator,breakdown,group,base_n,"
    "base_satisfied_share,n,satisfied_share,diff,diff_ci_low,diff_ci_high,z,p_value"
)


def test_the_worked_check():
    diff, low, high, z, p = newcombe(*(np.array([v]) for v in (727, 1211, 408, 1019)))
    assert round(float(diff[0]), 4) == 0.1999
    assert round(float(low[0]), 4) == 0.1587 and round(float(high[0]), 4) == 0.2402
    assert round(float(z[0]), 3) == 9.408
    assert float(p[0]) < 1e-4


def test_the_bulk_method_equals_stats_compare_proportions():
    rng = np.random.default_rng(5)
    n1, n2 = rng.integers(1, 400, 500), rng.integers(1, 400, 500)
    s1, s2 = rng.integers(0, n1 + 1), rng.integers(0, n2 + 1)
    s1[:5], s2[:5] = 0, 0  # pooled share 0: no test
    s1[5:10], s2[5:10] = n1[5:10], n2[5:10]  # pooled share 1
    diff, low, high, z, p = newcombe(s1, n1, s2, n2)
    for i in range(len(n1)):
        want = compare_proportions(int(s2[i]), int(n2[i]), int(s1[i]), int(n1[i]))
        assert diff[i] == pytest.approx(want.diff, abs=1e-12)
        assert low[i] == pytest.approx(want.ci_low, abs=1e-12)
        assert high[i] == pytest.approx(want.ci_high, abs=1e-12)
        if want.z is None:
            assert np.isnan(z[i]) and np.isnan(p[i])
        else:
            assert z[i] == pytest.approx(want.z, abs=1e-9)
            assert p[i] == pytest.approx(want.p_value, rel=1e-9, abs=1e-300)


@pytest.fixture
def two_rounds(db, tmp_path):
    base = make_round(year=2018)
    later = make_round(year=2019)
    import_export("test", base, make_export(base, tmp_path / "a.csv", rows=120, seed=1))
    import_export("test", later, make_export(later, tmp_path / "b.csv", rows=150, seed=2))
    return base, later


def test_it_matches_cells_and_computes_each_change(two_rounds):
    base, later = two_rounds
    rows = compare_rounds(base, later)
    before = {
        (r["commune"], r["indicator"], r["breakdown"], r["group"]): r for r in round_results(base)
    }
    after = {
        (r["commune"], r["indicator"], r["breakdown"], r["group"]): r for r in round_results(later)
    }
    assert len(rows) == len(set(before) & set(after))
    for row in rows:
        assert list(row) == COMPARE_COLUMNS
        k = (row["commune"], row["indicator"], row["breakdown"], row["group"])
        b, a = before[k], after[k]
        want = compare_proportions(b["satisfied_n"], b["n"], a["satisfied_n"], a["n"])
        assert row["base_n"] == b["n"] and row["n"] == a["n"]
        assert row["diff"] == pytest.approx(want.diff, abs=1e-9)
        assert row["diff_ci_low"] == pytest.approx(want.ci_low, abs=1e-9)
        assert row["diff_ci_high"] == pytest.approx(want.ci_high, abs=1e-9)
        if want.z is not None:
            assert row["z"] == pytest.approx(want.z, abs=1e-9)
        else:
            assert row["z"] is None and row["p_value"] is None


def test_it_compares_one_commune_alone_as_in_the_whole_round(two_rounds):
    base, later = two_rounds
    whole = compare_rounds(base, later)
    commune = next(r["commune"] for r in whole if r["commune"] != "all")
    alone = compare_rounds(base, later, commune=commune)
    assert alone and {r["commune"] for r in alone} == {commune}
    assert alone == [r for r in whole if r["commune"] == commune]


def test_public_compare_blanks_small_cells(two_rounds):
    base, later = two_rounds
    rows = compare_rounds(base, later, public=True)
    small = [r for r in rows if r["breakdown"] == "sex" and r["group"] == "other"]
    for row in rows:
        if row["diff"] is None:
            assert all(row[c] is None for c in COMPARE_COLUMNS[7:])
    assert all(r["diff"] is None for r in small if r["commune"] != "all")


def test_it_follows_the_predecessor_when_the_template_changed(db, tmp_path):
    from scorecard.scorecards.actions import revise_template
    from scorecard.scorecards.models import Template

    base = make_round(year=2018)
    import_export("test", base, make_export(base, tmp_path / "a.csv", rows=60, seed=3))
    template = Template.objects.get(code="isaf")
    renamed_codes: list[tuple[str, str]] = []

    def reword(version):
        first = version.indicators.order_by("facility_type__order", "order").first()
        assert first is not None and first.predecessor is not None
        renamed_codes.append((first.code, f"{first.code}_v2"))
        first.code = f"{first.code}_v2"
        first.save()

    version = revise_template("test", template, reword)
    old_code = renamed_codes[0][0]
    later = make_round(year=2019)
    assert later.template_version == version
    import_export("test", later, make_export(later, tmp_path / "b.csv", rows=60, seed=4))
    rows = compare_rounds(base, later)
    renamed = [r for r in rows if r["indicator"] == f"{old_code}_v2"]
    assert renamed
    base_all = next(
        r
        for r in round_results(base)
        if r["indicator"] == old_code and r["commune"] == "all" and r["breakdown"] == "all"
    )
    row = next(r for r in renamed if r["commune"] == "all" and r["breakdown"] == "all")
    assert row["base_n"] == base_all["n"]


def test_the_cli_writes_the_contract_header_and_refuses_unknown_rounds(two_rounds, tmp_path):
    base, later = two_rounds
    out = tmp_path / "c.csv"
    call_command("compare", base.code, later.code, "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == HEADER
    assert len(list(csv.DictReader(io.StringIO(text)))) == len(compare_rounds(base, later))
    buffer = io.StringIO()
    call_command("compare", base.code, later.code, "--format", "json", stdout=buffer)
    payload = json.loads(buffer.getvalue())
    assert payload["base_round"] == base.code and payload["round"] == later.code
    assert len(payload["rows"]) == len(compare_rounds(base, later))
    with pytest.raises(CommandError, match="unknown round 'NOPE'"):
        call_command("compare", "NOPE", later.code)


@pytest.mark.django_db
def test_the_demo_rounds_give_the_seed_figures_and_a_report(tmp_path):
    from scorecard.public.demo import load_demo
    from scorecard.scorecards.models import Response, Round

    list(load_demo())
    r2018, r2019 = Round.objects.get(code="R2018"), Round.objects.get(code="R2019")
    overall = {}
    for round_ in (r2018, r2019):
        row = round_results(round_)[0]
        assert (row["commune"], row["indicator"], row["breakdown"]) == ("all", "overall", "all")
        rated = Response.objects.filter(round=round_, overall__isnull=False).count()
        assert row["n"] == rated  # a "dk" is not a rating (contract)
        overall[round_.code] = row
    assert overall["R2018"]["satisfied_n"] == 408
    assert overall["R2019"]["satisfied_n"] == 727
    change = compare_rounds(r2018, r2019)[0]
    assert change["indicator"] == "overall" and change["diff"] > 0 and change["p_value"] < 0.001
    out = tmp_path / "report.html"
    call_command("report", "R2019", "--commune", "010201", "--lang", "en", "--out", str(out))
    assert "R2019" in out.read_text(encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("report", "R2019", "--out", str(tmp_path / "x.txt"))


@pytest.mark.django_db
def test_it_states_the_seed_figures_for_the_demo_rounds():
    from scorecard.public.demo import load_demo
    from scorecard.scorecards.models import Round

    list(load_demo())
    got = [round_results(Round.objects.get(code=c))[0] for c in ("R2018", "R2019")]
    assert [(r["satisfied_n"], r["n"]) for r in got] == [(408, 1019), (727, 1211)]
    base, later = (Round.objects.get(code=c) for c in ("R2018", "R2019"))
    change = compare_rounds(base, later)[0]
    assert (
        round(change["diff"], 4),
        round(change["diff_ci_low"], 4),
        round(change["diff_ci_high"], 4),
    ) == (0.1999, 0.1587, 0.2402)
    assert round(change["z"], 3) == 9.408


@pytest.mark.parametrize("public", [False, True])
def test_the_columnar_csv_is_the_csv_of_the_rows(two_rounds, public):
    base, later = two_rounds
    table = compare_table(base, later, public=public)
    expected = to_csv(compare_rounds(base, later, public=public), COMPARE_COLUMNS)
    assert table.to_csv() == expected
    assert "".join(table.csv_parts(chunk=5)) == expected


def test_rounds_without_intervals_compare_without_them(db, tmp_path):
    base, later = make_round(mode="community", year=2018), make_round(mode="community")
    import_export("test", base, make_export(base, tmp_path / "a.csv", rows=40, seed=1))
    import_export("test", later, make_export(later, tmp_path / "b.csv", rows=40, seed=2))
    rows = compare_rounds(base, later)
    assert rows and all(r["diff"] is not None for r in rows)
    assert all(r[c] is None for r in rows for c in ("diff_ci_low", "diff_ci_high", "z", "p_value"))
    assert compare_table(base, later).to_csv() == to_csv(rows, COMPARE_COLUMNS)


def test_rounds_with_no_cell_in_common_give_no_rows(db, tmp_path):
    base, later = make_round(year=2018), make_round()
    import_export("test", later, make_export(later, tmp_path / "b.csv", rows=20))
    assert compare_rounds(base, later) == []
    assert compare_table(base, later).to_csv() == ",".join(COMPARE_COLUMNS) + "\r\n"
