"""Smoke test of the results benchmark's references: small, never timed.

The benchmark (benchmarks/run.py results) trusts that the pandas and DuckDB scripts
compute the contract's tables; this checks them against the product on a small round,
with the same comparison the benchmark prints ("same tables (to 1e-9)").
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from scorecard.scorecards.compare import COMPARE_COLUMNS, compare_rounds
from scorecard.scorecards.cube import youth_band
from scorecard.scorecards.importing import import_export
from scorecard.scorecards.results import COLUMNS, min_cell, round_results, to_csv
from tests.factories_scorecards import make_export, make_round

pytestmark = pytest.mark.django_db
BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_it_computes_the_same_tables_as_the_benchmark_references(tmp_path, engine):
    reference, run = load("results_reference"), load("run")
    base, later = make_round(code="NATBASE", year=2018), make_round(code="NAT", year=2019)
    base_csv = make_export(base, tmp_path / "base.csv", rows=300, seed=3)
    later_csv = make_export(later, tmp_path / "later.csv", rows=400, seed=4)
    import_export("test", base, base_csv)
    import_export("test", later, later_csv)
    (tmp_path / "ours_results.csv").write_text(to_csv(round_results(later), COLUMNS))
    changes = compare_rounds(base, later)
    (tmp_path / "ours_compare.csv").write_text(to_csv(changes, COMPARE_COLUMNS))

    counts = reference.pandas_counts if engine == "pandas" else reference.duckdb_counts
    threshold = int(later.template.threshold)
    theirs = reference.finish(counts(str(later_csv), youth_band()), "NAT", threshold, min_cell())
    theirs.to_csv(tmp_path / "ref_results.csv", index=False)
    old = reference.finish(counts(str(base_csv), youth_band()), "NATBASE", threshold, min_cell())
    reference.compare(old, theirs, "NATBASE").to_csv(tmp_path / "ref_compare.csv", index=False)

    assert len(theirs) > 100
    assert (
        run.same_table(tmp_path / "ours_results.csv", tmp_path / "ref_results.csv", run.RESULT_KEYS)
        == ""
    )
    assert (
        run.same_table(
            tmp_path / "ours_compare.csv", tmp_path / "ref_compare.csv", run.COMPARE_KEYS
        )
        == ""
    )


def test_it_notices_a_table_that_differs(tmp_path):
    run = load("run")
    header = "round,commune,facility,indicator,breakdown,group,n\n"
    (tmp_path / "a.csv").write_text(header + "R,010201,all,overall,all,all,10\n")
    (tmp_path / "b.csv").write_text(header + "R,010201,all,overall,all,all,11\n")
    assert "n differs" in run.same_table(tmp_path / "a.csv", tmp_path / "b.csv", run.RESULT_KEYS)
