"""Validation of exports against the form: whole-file refusals, per-row errors, review
states, duplicates and conflicts within a file, content hashes and the rejects CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from scorecard.scorecards.exports import (
    REJECTED_UPSTREAM,
    ExportError,
    RowValidator,
    check_form,
    classify_within_file,
    kobo_json_row,
    open_export,
    safe_cell,
    validate_rows,
    write_rejects,
)
from scorecard.scorecards.exports.phrases import NO_NEED
from scorecard.scorecards.exports.synth import (
    EnumeratorPlan,
    generate,
    kobo_json_submissions,
)
from scorecard.scorecards.spec import (
    FacilitySpec,
    FormSpec,
    IndicatorSpec,
    ParsedResponse,
    PlaceSpec,
    RowError,
    Text,
)


def t(s: str) -> Text:
    return Text(s, s)


def make_spec(**overrides: object) -> FormSpec:
    values: dict[str, object] = {
        "template": "isaf",
        "version": "2024.1",
        "title": t("ISAF scorecard"),
        "facilities": (
            FacilitySpec(
                "health_centre",
                t("Health centre"),
                tuple(IndicatorSpec(c, t(c)) for c in ("hc_medicines", "hc_staff_attitude")),
            ),
            FacilitySpec(
                "primary_school",
                t("Primary school"),
                tuple(IndicatorSpec(c, t(c)) for c in ("ps_teacher", "ps_books")),
            ),
        ),
        "scale": tuple(t(str(i)) for i in range(1, 6)),
        "dont_know": t("Don't know"),
        "communes": (PlaceSpec("010201", t("Banteay Neang")), PlaceSpec("010202", t("Bat Trang"))),
        "villages": (
            PlaceSpec("01020101", t("Ou Thum"), "010201"),
            PlaceSpec("01020201", t("Bat Trang"), "010202"),
        ),
    }
    values.update(overrides)
    return FormSpec(**values)  # type: ignore[arg-type]


FORMATS = ["kobo_csv", "kobo_csv_comma", "kobo_xlsx", "odk_csv", "odk_zip"]


def run(spec: FormSpec, path: Path) -> tuple[list[ParsedResponse], list[list[RowError]]]:
    ok: list[ParsedResponse] = []
    bad: list[list[RowError]] = []
    for r in validate_rows(spec, open_export(path)):
        (bad if isinstance(r, list) else ok).append(r)  # type: ignore[arg-type]
    return ok, bad


def one_bad_row(tmp_path: Path, fmt: str = "kobo_csv", **changes: str) -> list[RowError]:
    def tweak(i: int, row: dict[str, str]) -> None:
        if i == 1:
            row.update(changes)

    path = generate(make_spec(), tmp_path / "e", rows=3, fmt=fmt, seed=1, tweak=tweak)  # type: ignore[arg-type]
    ok, bad = run(make_spec(), path)
    assert len(ok) == 2 and len(bad) == 1
    assert all(e.row == 3 for e in bad[0])
    return bad[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_recovers_the_exact_targets_from_every_format(tmp_path: Path, fmt: str) -> None:
    spec = make_spec()
    plan = [EnumeratorPlan("enum01", 70, 50), EnumeratorPlan("enum02", 50, 10)]
    path = generate(
        spec,
        tmp_path / f"e.{fmt}",
        rows=120,
        fmt=fmt,  # type: ignore[arg-type]
        seed=11,
        female=67,
        overall_satisfied=45,
        enumerators=plan,
        communes=["010202"],
    )
    ok, bad = run(spec, path)
    assert bad == [] and len(ok) == 120
    assert sum(r.sex == "female" for r in ok) == 67
    assert sum(r.overall in (4, 5) for r in ok) == 45
    # With an exact satisfied total every respondent rates overall: the share is of respondents.
    assert not any(r.overall_dk for r in ok) and all(r.overall is not None for r in ok)
    assert {r.commune for r in ok} == {"010202"} and {r.village for r in ok} == {"01020201"}
    for e in plan:
        mine = [r for r in ok if r.enumerator == e.id]
        concrete = [r for r in mine if any(v and v not in NO_NEED for v in r.needs.values())]
        assert (len(mine), len(concrete)) == (e.interviews, e.concrete_needs)
    assert {r.form_version for r in ok} == {"2024.1"}
    assert len({r.stable_id for r in ok}) == 120
    assert all(not r.stable_id.startswith("uuid:") for r in ok)
    assert all(r.started and r.ended and r.started <= r.ended for r in ok)
    assert all(r.raw["commune"] == r.commune for r in ok)


def test_it_hashes_the_same_answers_the_same_in_every_format(tmp_path: Path) -> None:
    spec = make_spec()
    hashes = []
    for fmt in FORMATS:
        path = generate(spec, tmp_path / f"e.{fmt}", rows=30, fmt=fmt, seed=5)  # type: ignore[arg-type]
        ok, _ = run(spec, path)
        hashes.append([(r.stable_id, r.content_hash) for r in ok])
    assert all(h == hashes[0] for h in hashes)


def test_it_hashes_answers_only_not_system_columns(tmp_path: Path) -> None:
    def reexport(i: int, row: dict[str, str]) -> None:
        row.update(_id=str(9 + i), _submission_time="2025-01-01T00:00:00")
        row.update(_validation_status="validation_status_approved", __version__="v2")

    spec = make_spec()
    a, _ = run(spec, generate(spec, tmp_path / "a.csv", rows=5, fmt="kobo_csv", seed=2))
    b, _ = run(
        spec, generate(spec, tmp_path / "b.csv", rows=5, fmt="kobo_csv", seed=2, tweak=reexport)
    )
    assert [r.content_hash for r in a] == [r.content_hash for r in b]
    assert b[0].review_state == "approved" and b[0].form_version == "v2"


def test_it_refuses_another_forms_export_naming_the_missing_columns(tmp_path: Path) -> None:
    other = make_spec(
        template="other",
        facilities=(FacilitySpec("health_centre", t("HC"), (IndicatorSpec("hc_x", t("x")),)),),
    )
    path = generate(other, tmp_path / "o.csv", rows=3, fmt="kobo_csv", seed=1)
    with pytest.raises(ExportError) as info:
        list(validate_rows(make_spec(), open_export(path)))
    text = str(info.value)
    assert "health_centre/hc_medicines" in text and "primary_school/ps_books" in text
    assert "health_centre/hc_x" in text  # an indicator this form does not have
    assert all(e.row == 0 for e in info.value.errors)


def test_it_refuses_a_file_missing_required_columns(tmp_path: Path) -> None:
    errors = check_form(make_spec(), ["commune", "age", "note"])
    assert len(errors) == 1
    for col in ("sex", "enumerator", "overall", "health_centre/hc_medicines", "meta/instanceID"):
        assert col in errors[0].reason
    odk = ["SubmissionDate", "commune", "sex", "age", "enumerator", "overall"]
    odk += ["health_centre-hc_medicines", "health_centre-hc_staff_attitude"]
    odk += ["primary_school-ps_teacher", "primary_school-ps_books", "KEY"]
    assert check_form(make_spec(), odk) == []


def test_it_reports_every_problem_of_a_row(tmp_path: Path) -> None:
    errors = one_bad_row(
        tmp_path,
        commune="999999",
        sex="f",
        age="abc",
        **{"health_centre/hc_medicines": "7", "primary_school/ps_books": "4.5"},
        disability="maybe",
        idpoor="level3",
        change="up",
        enumerator=" ",
        start="yesterday",
    )
    found = {(e.column, e.value): e.reason for e in errors}
    assert found[("commune", "999999")] == "unknown commune code"
    assert found[("sex", "f")].startswith("sex must be")
    assert found[("age", "abc")] == "age is not a whole number"
    assert found[("health_centre/hc_medicines", "7")] == "score must be 1-5 or dk"
    assert ("primary_school/ps_books", "4.5") in found
    assert ("disability", "maybe") in found and ("idpoor", "level3") in found
    assert ("change", "up") in found and ("enumerator", "") in found
    assert found[("start", "yesterday")] == "start is not a date and time"
    assert found[("village", errors[1].value)] == "village not in commune 999999"
    assert len(errors) == 11


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("age", "250", "age must be 15 to 110"),
        ("age", "12.5", "age is not a whole number"),
        ("age", "-3", "age must be 15 to 110"),
        ("age", "", "age is empty"),
        ("overall", "7", "score must be 1-5 or dk"),
        ("village", "01020201", "village not in commune 010201"),
        ("village", "01020999", "unknown village code"),
        ("minority", "Y", "minority must be yes or no"),
        ("end", "2020-01-01T00:00:00.000+07:00", "end is before start"),
        ("meta/rootUuid", "", "missing stable id"),
    ],
)
def test_it_rejects_bad_values(tmp_path: Path, column: str, value: str, reason: str) -> None:
    changes = {column: value, "commune": "010201", "village": "01020101"}
    if column == "village":
        changes["village"] = value
    if column == "meta/rootUuid":
        changes.update({"meta/instanceID": "", "_uuid": ""})
    errors = one_bad_row(tmp_path, **changes)
    assert [(e.column, e.value, e.reason) for e in errors] == [(column, value, reason)]


def test_it_accepts_blank_optional_answers_and_dont_know(tmp_path: Path) -> None:
    def tweak(i: int, row: dict[str, str]) -> None:
        row.update(village="", disability="", idpoor="", change="", overall="dk", start="")
        row.update({"health_centre/hc_medicines": "dk", "primary_school/ps_books": ""})

    spec = make_spec()
    ok, bad = run(
        spec, generate(spec, tmp_path / "e.csv", rows=2, fmt="odk_csv", seed=3, tweak=tweak)
    )
    assert bad == []
    r = ok[0]
    assert (r.village, r.disability, r.idpoor, r.change, r.started) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert r.overall is None and r.overall_dk
    assert r.ratings[("health_centre", "hc_medicines")] is None
    assert r.ratings[("primary_school", "ps_books")] is None
    assert r.dont_know == frozenset({("health_centre", "hc_medicines")})


def test_it_accepts_formula_like_text_and_quotes_it_in_rejects(tmp_path: Path) -> None:
    def tweak(i: int, row: dict[str, str]) -> None:
        row["health_centre/needs"] = "=cmd|' /C calc'!A0"
        row["primary_school/needs"] = "-2+3"
        if i == 1:
            row["age"] = "@SUM(1)"

    spec = make_spec()
    ok, bad = run(
        spec, generate(spec, tmp_path / "e.csv", rows=2, fmt="kobo_csv", seed=3, tweak=tweak)
    )
    assert ok[0].needs == {"health_centre": "=cmd|' /C calc'!A0", "primary_school": "-2+3"}
    out = io.StringIO()
    errors = [*bad[0], RowError(4, "primary_school/needs", "+1", "\tbad"), RowError(5, "", "", "")]
    assert write_rejects(errors, out) == 3
    text = out.getvalue()
    assert text.startswith("\ufeffrow,column,value,reason\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1] == ["3", "age", "'@SUM(1)", "age is not a whole number"]
    assert rows[2] == ["4", "primary_school/needs", "'+1", "'\tbad"]
    assert safe_cell("=1") == "'=1" and safe_cell("\r") == "'\r" and safe_cell("ok") == "ok"


@pytest.mark.parametrize(
    ("fmt", "column", "value", "state"),
    [
        ("odk_csv", "ReviewState", "approved", "approved"),
        ("odk_csv", "ReviewState", "hasIssues", "has_issues"),
        ("odk_csv", "ReviewState", "edited", None),
        ("kobo_csv", "_validation_status", "validation_status_approved", "approved"),
        ("kobo_csv", "_validation_status", "validation_status_on_hold", "has_issues"),
        ("kobo_csv", "_validation_status", "On Hold", "has_issues"),
    ],
)
def test_it_keeps_upstream_review_states(
    tmp_path: Path, fmt: str, column: str, value: str, state: str | None
) -> None:
    def tweak(i: int, row: dict[str, str]) -> None:
        row[column] = value

    spec = make_spec()
    ok, bad = run(spec, generate(spec, tmp_path / "e", rows=2, fmt=fmt, seed=1, tweak=tweak))  # type: ignore[arg-type]
    assert bad == [] and [r.review_state for r in ok] == [state, state]


@pytest.mark.parametrize(
    ("fmt", "column", "value"),
    [
        ("odk_zip", "ReviewState", "rejected"),
        ("kobo_xlsx", "_validation_status", "validation_status_not_approved"),
        ("kobo_csv", "_validation_status", "Not Approved"),
    ],
)
def test_it_rejects_rows_rejected_upstream(
    tmp_path: Path, fmt: str, column: str, value: str
) -> None:
    errors = one_bad_row(tmp_path, fmt, **{column: value})
    assert [(e.column, e.value, e.reason) for e in errors] == [(column, value, REJECTED_UPSTREAM)]


def test_it_prefers_root_uuid_then_key_and_strips_uuid_prefixes(tmp_path: Path) -> None:
    spec = make_spec()

    def edited(i: int, row: dict[str, str]) -> None:
        row["meta/instanceID"] = "uuid:new-version"
        row["_uuid"] = "new-version"

    ok, _ = run(
        spec, generate(spec, tmp_path / "k.csv", rows=1, fmt="kobo_csv", seed=1, tweak=edited)
    )
    assert ok[0].stable_id == ok[0].raw["meta/rootUuid"][5:] and ok[0].instance_id == "new-version"
    ok, _ = run(
        spec, generate(spec, tmp_path / "o.csv", rows=1, fmt="odk_csv", seed=1, tweak=edited)
    )
    assert ok[0].stable_id == ok[0].raw["KEY"][5:] and ok[0].instance_id == "new-version"


def test_it_tells_duplicates_from_conflicts_within_one_file(tmp_path: Path) -> None:
    spec = make_spec()
    path = generate(spec, tmp_path / "e.csv", rows=4, fmt="odk_csv", seed=1)
    header, *lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines[0].split(",")
    col = header.split(",").index("overall")
    changed = list(first)
    changed[col] = "1" if first[col] != "1" else "2"
    resubmitted = list(first)
    resubmitted[0] = "2024-12-31T00:00:00.000Z"  # SubmissionDate: not an answer
    lines += [",".join(resubmitted), ",".join(changed)]
    path.write_text(header + "".join(lines), encoding="utf-8")
    statuses = [s for s, _ in classify_within_file(validate_rows(spec, open_export(path)))]
    assert statuses == ["accepted"] * 4 + ["duplicate", "conflict"]


def test_it_validates_kobo_rest_json_submissions() -> None:
    spec = make_spec()
    subs = list(kobo_json_submissions(spec, rows=20, seed=4, female=9))
    assert isinstance(subs[0]["_id"], int) and subs[0]["_validation_status"] == {}
    assert subs[0]["meta/instanceID"] == f"uuid:{subs[0]['_uuid']}"
    rows = [kobo_json_row(s) for s in subs]
    validate = RowValidator(spec, sorted({k for r in rows for k in r}))
    results = [validate(n, r) for n, r in enumerate(rows, start=2)]
    assert all(isinstance(r, ParsedResponse) for r in results)
    assert sum(r.sex == "female" for r in results if isinstance(r, ParsedResponse)) == 9
