"""The synthetic export generator: layouts, determinism, exact targets, realism."""

from __future__ import annotations

import csv
import itertools
import zipfile
from pathlib import Path

import pytest

from scorecard.scorecards.exports.phrases import NO_NEED
from scorecard.scorecards.exports.read import ODK_TRAILER
from scorecard.scorecards.exports.synth import (
    KOBO_SYSTEM,
    EnumeratorPlan,
    generate,
    kobo_json_submissions,
    synth_rows,
)
from scorecard.scorecards.spec import FacilitySpec, FormSpec, IndicatorSpec, PlaceSpec, Text


def t(s: str) -> Text:
    return Text(s, s)


def make_spec(**overrides: object) -> FormSpec:
    values: dict[str, object] = {
        "template": "isaf",
        "version": "2024.1",
        "title": t("ISAF scorecard"),
        "facilities": (
            FacilitySpec(
                "commune_office", t("Commune office"), (IndicatorSpec("co_fees", t("fees")),)
            ),
            FacilitySpec(
                "health_centre",
                t("Health centre"),
                tuple(IndicatorSpec(c, t(c)) for c in ("hc_medicines", "hc_staff_attitude")),
            ),
        ),
        "scale": tuple(t(str(i)) for i in range(1, 6)),
        "dont_know": t("Don't know"),
        "communes": (PlaceSpec("010201", t("Banteay Neang")), PlaceSpec("010202", t("Bat Trang"))),
    }
    values.update(overrides)
    return FormSpec(**values)  # type: ignore[arg-type]


def test_it_writes_kobo_csv_with_system_columns_and_semicolons(tmp_path: Path) -> None:
    path = generate(make_spec(), tmp_path / "k.csv", rows=3, fmt="kobo_csv", seed=1)
    raw = path.read_bytes()
    assert raw.startswith(b'\xef\xbb\xbf"start";"end";"commune"')
    header = next(csv.reader([raw.decode("utf-8-sig").splitlines()[0]], delimiter=";"))
    assert header[-len(KOBO_SYSTEM) :] == list(KOBO_SYSTEM)
    assert "health_centre/hc_medicines" in header and "commune_office/needs" in header


def test_it_writes_odk_csv_with_submission_date_first_and_dashes(tmp_path: Path) -> None:
    path = generate(make_spec(), tmp_path / "o.csv", rows=3, fmt="odk_csv", seed=1)
    raw = path.read_bytes()
    assert raw.startswith(b"SubmissionDate,start,end,")
    rows = list(csv.reader(raw.decode().splitlines()))
    header = rows[0]
    assert header[-len(ODK_TRAILER) :] == list(ODK_TRAILER)
    assert "health_centre-hc_medicines" in header and "meta-instanceID" in header
    first = dict(zip(header, rows[1], strict=True))
    assert first["KEY"] == first["meta-instanceID"] and first["KEY"].startswith("uuid:")
    assert first["SubmissionDate"].endswith("Z") and first["FormVersion"] == "2024.1"


def test_it_bundles_odk_zip_and_kobo_xlsx(tmp_path: Path) -> None:
    path = generate(make_spec(), tmp_path / "o.csv.zip", rows=3, fmt="odk_zip", seed=1)
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == ["scorecard_isaf.csv"]
    path = generate(make_spec(), tmp_path / "k.xlsx", rows=3, fmt="kobo_xlsx", seed=1)
    with zipfile.ZipFile(path) as zf:
        assert "xl/workbook.xml" in zf.namelist()


def test_it_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    a = generate(make_spec(), tmp_path / "a.csv", rows=50, fmt="odk_csv", seed=7)
    b = generate(make_spec(), tmp_path / "b.csv", rows=50, fmt="odk_csv", seed=7)
    c = generate(make_spec(), tmp_path / "c.csv", rows=50, fmt="odk_csv", seed=8)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()


def test_it_meets_exact_targets_and_looks_realistic() -> None:
    spec = make_spec()
    plan = [EnumeratorPlan(f"e{k}", 1000, 400 + 100 * k) for k in range(4)]
    rows = list(
        synth_rows(spec, rows=4000, seed=3, female=2222, overall_satisfied=1500, enumerators=plan)
    )
    assert sum(r["sex"] == "female" for r in rows) == 2222
    assert sum(r["overall"] in ("4", "5") for r in rows) == 1500
    assert sum(r["overall"] == "dk" for r in rows) == 0  # exact targets: everyone rates overall
    for k in range(4):
        mine = [r for r in rows if r["enumerator"] == f"e{k}"]
        needs = [
            r
            for r in mine
            if any(r[f"{f.code}/needs"] not in ("", *NO_NEED) for f in spec.facilities)
        ]
        assert (len(mine), len(needs)) == (1000, 400 + 100 * k)
    ages = [int(r["age"]) for r in rows]
    share = lambda pred: sum(map(pred, rows)) / len(rows)  # noqa: E731
    assert min(ages) >= 15 and max(ages) <= 80
    assert 0.36 < sum(15 <= a <= 30 for a in ages) / len(ages) < 0.44
    assert 0.06 < share(lambda r: r["disability"] == "yes") < 0.10
    assert 0.03 < share(lambda r: r["minority"] == "yes") < 0.07
    assert 0.08 < share(lambda r: r["idpoor"] == "level1") < 0.12
    assert 0.12 < share(lambda r: r["idpoor"] == "level2") < 0.18
    khmer = [
        r["health_centre/needs"]
        for r in rows
        if "\u1780" <= r["health_centre/needs"][:1] <= "\u17ff"
    ]
    assert "សូមឱ្យមានថ្នាំគ្រប់គ្រាន់នៅមណ្ឌលសុខភាព" in khmer
    assert {r["commune"] for r in rows} == {"010201", "010202"}
    assert all(r["village"][:6] == r["commune"] for r in rows)
    assert all(r["start"] < r["end"] for r in rows)


def test_it_streams_rows_without_building_them_all() -> None:
    stream = synth_rows(make_spec(), rows=1_000_000, seed=1)
    first = list(itertools.islice(stream, 3))
    assert [r["_index"] for r in first] == ["1", "2", "3"]


def test_it_refuses_impossible_plans() -> None:
    with pytest.raises(ValueError, match="add up"):
        list(synth_rows(make_spec(), rows=10, seed=1, enumerators=[EnumeratorPlan("a", 5, 1)]))
    with pytest.raises(ValueError, match="cannot have"):
        list(synth_rows(make_spec(), rows=10, seed=1, female=11))
    with pytest.raises(ValueError, match="cannot have"):
        list(synth_rows(make_spec(), rows=3, seed=1, enumerators=[EnumeratorPlan("a", 3, 4)]))
    with pytest.raises(ValueError, match="unknown format"):
        generate(make_spec(), Path("x"), rows=1, fmt="sav", seed=1)  # type: ignore[arg-type]


def test_it_yields_kobo_rest_json_submissions() -> None:
    subs = list(kobo_json_submissions(make_spec(), rows=5, seed=2, overall_satisfied=5))
    s = subs[0]
    assert {"_id", "_uuid", "meta/instanceID", "meta/rootUuid", "__version__"} <= s.keys()
    assert {"_submission_time", "_validation_status", "_notes", "_tags"} <= s.keys()
    assert s["__version__"] == "2024.1" and "health_centre/hc_medicines" in s
    assert all(x["overall"] in ("4", "5") for x in subs)
    assert [x["_uuid"] for x in subs] == [
        x["_uuid"] for x in kobo_json_submissions(make_spec(), rows=5, seed=2, overall_satisfied=5)
    ]
