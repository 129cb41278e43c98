from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from scorecard.scorecards import importing
from scorecard.scorecards.cube import Cube
from scorecard.scorecards.exports import REJECTED_UPSTREAM
from scorecard.scorecards.exports.synth import FORMATS
from scorecard.scorecards.importing import ImportRefused, import_export
from scorecard.scorecards.models import Conflict, Import, RatingCount, Response, Round
from tests.factories_scorecards import make_export, make_round

pytestmark = pytest.mark.django_db


def counts(record: Import) -> tuple[int, int, int, int, int]:
    s = record.summary()
    assert s["accepted"] + s["duplicates"] + s["conflicts"] + s["rejected"] == s["rows"]
    return s["rows"], s["accepted"], s["duplicates"], s["conflicts"], s["rejected"]


def run(round_, path, **kw) -> Import:
    return import_export("test", round_, path, **kw)


def edit(i_edit: int, column: str, value: str):
    def tweak(i, row):
        if i == i_edit:
            row[column] = value

    return tweak


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_accepts_every_export_format(tmp_path, fmt):
    round_ = make_round()
    suffix = {"kobo_xlsx": ".xlsx", "odk_zip": ".csv.zip"}.get(fmt, ".csv")
    path = make_export(round_, tmp_path / f"export{suffix}", fmt=fmt, rows=12)
    assert counts(run(round_, path)) == (12, 12, 0, 0, 0)
    assert Response.objects.filter(round=round_).count() == 12


def test_it_keeps_each_respondent_as_they_were(tmp_path):
    round_ = make_round()
    path = make_export(round_, tmp_path / "k.csv", rows=5)
    record = run(round_, path)
    r = Response.objects.filter(round=round_).order_by("id").first()
    assert r is not None
    raw = r.raw_row()
    assert raw["meta/instanceID"] == f"uuid:{r.stable_id}"
    assert r.age == int(raw["age"]) and r.sex == raw["sex"] and r.commune_id == raw["commune"]
    assert r.youth == (15 <= r.age <= 30)
    assert r.village_id == raw["village"]
    assert r.enumerator_code == raw["enumerator"] and r.enumerator is None
    assert len(r.ratings) == round_.template_version.indicators.count()
    assert r.ratings[0] == {"dk": "d"}.get(
        raw["commune_office/co_staff_attitude"], raw["commune_office/co_staff_attitude"]
    )
    assert r.started is not None and r.ended is not None and r.started < r.ended
    assert r.source == record and r.source_file == "k.csv"
    assert r.form_version == round_.template_version.form_version
    assert set(r.needs) == {"commune_office", "health_centre", "primary_school"}


def test_it_counts_the_ratings_into_the_cube(tmp_path):
    round_ = make_round()
    run(round_, make_export(round_, tmp_path / "k.csv", rows=40))
    overall = RatingCount.objects.filter(round=round_, question="overall")
    totals = overall.aggregate(*(Sum(f"n_{k}") for k in ("1", "2", "3", "4", "5", "dk")))
    responses = Response.objects.filter(round=round_)
    for level in range(1, 6):
        assert totals[f"n_{level}__sum"] == responses.filter(overall=level).count()
    assert totals["n_dk__sum"] == responses.filter(overall_dk=True).count()
    female = overall.filter(sex="female").aggregate(n=Sum("n_4") + Sum("n_5"))["n"] or 0
    assert female == responses.filter(sex="female", overall__gte=4).count()
    position = 3
    code = round_.template_version.ordered_indicators()[position].code
    n5 = RatingCount.objects.filter(round=round_, question=code).aggregate(n=Sum("n_5"))["n"]
    assert n5 == sum(1 for r in responses if r.ratings[position] == "5")


def test_it_treats_a_reimport_as_all_duplicates(tmp_path):
    round_ = make_round()
    path = make_export(round_, tmp_path / "k.csv", rows=20)
    run(round_, path)
    before = list(RatingCount.objects.filter(round=round_).values_list("n_1", "n_4", "n_dk"))
    assert counts(run(round_, path)) == (20, 0, 20, 0, 0)
    assert Response.objects.filter(round=round_).count() == 20
    assert (
        list(RatingCount.objects.filter(round=round_).values_list("n_1", "n_4", "n_dk")) == before
    )


def test_it_treats_an_odk_export_of_the_same_submissions_as_duplicates(tmp_path):
    round_ = make_round()
    run(round_, make_export(round_, tmp_path / "k.csv", rows=10))
    odk = make_export(round_, tmp_path / "o.csv", rows=10, fmt="odk_csv")
    assert counts(run(round_, odk)) == (10, 0, 10, 0, 0)


def test_it_keeps_an_edited_submission_aside_as_a_conflict(tmp_path):
    round_ = make_round()
    run(round_, make_export(round_, tmp_path / "k.csv", rows=20))
    edited = make_export(round_, tmp_path / "e.csv", rows=20, tweak=edit(3, "age", "77"))
    assert counts(run(round_, edited)) == (20, 0, 19, 1, 0)
    conflict = Conflict.objects.get()
    assert conflict.status == "open" and conflict.row == 5
    assert conflict.incoming["age"] == "77"
    assert conflict.stored.age != 77  # never silently overwritten
    assert conflict.stored.stable_id == conflict.stable_id
    assert counts(run(round_, edited)) == (20, 0, 20, 0, 0)  # the same edit again: a duplicate


def with_extra_lines(path, *indices):
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[i] for i in indices]), encoding="utf-8-sig")
    return path


def test_it_counts_duplicates_and_conflicts_within_one_file(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 4)  # across batch boundaries too
    round_ = make_round()
    path = with_extra_lines(make_export(round_, tmp_path / "k.csv", rows=10), 1, 2)
    other = make_export(round_, tmp_path / "e.csv", rows=10, tweak=edit(4, "sex", "other"))
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    lines.append(other.read_text(encoding="utf-8-sig").splitlines(keepends=True)[5])
    path.write_text("".join(lines), encoding="utf-8-sig")
    assert counts(run(round_, path)) == (13, 10, 2, 1, 0)
    assert Conflict.objects.get().row == 14


def test_it_rejects_invalid_rows_with_their_reasons(tmp_path):
    round_ = make_round()

    def tweak(i, row):
        if i == 1:
            row["age"] = "abc"
        if i == 2:
            row["age"] = "250"
        if i == 3:
            row["overall"] = "7"
        if i == 4:
            row["commune"] = "999999"
        if i == 5:
            row["sex"] = "=HYPERLINK(1)"

    path = make_export(round_, tmp_path / "k.csv", rows=10, tweak=tweak)
    record = run(round_, path)
    assert counts(record) == (10, 5, 0, 0, 5)
    rejects = list(csv.DictReader(io.StringIO(record.rejects.lstrip("\ufeff"))))
    by_row = {(r["row"], r["column"]) for r in rejects}
    assert {("3", "age"), ("4", "age"), ("5", "overall"), ("6", "commune"), ("7", "sex")} <= by_row
    assert any(r["value"].startswith("'=") for r in rejects)  # safe to open in Excel
    assert Response.objects.filter(round=round_).count() == 5
    assert not Response.objects.filter(age=250).exists()


def test_it_rejects_rows_rejected_upstream(tmp_path):
    round_ = make_round()
    kobo = make_export(
        round_, tmp_path / "k.csv", rows=6,
        tweak=edit(0, "_validation_status", "validation_status_not_approved"),
    )  # fmt: skip
    record = run(round_, kobo)
    assert counts(record) == (6, 5, 0, 0, 1)
    assert REJECTED_UPSTREAM in record.rejects
    odk_round = make_round()
    odk = make_export(
        odk_round, tmp_path / "o.csv", rows=6, fmt="odk_csv", seed=9,
        tweak=edit(2, "ReviewState", "rejected"),
    )  # fmt: skip
    assert counts(run(odk_round, odk)) == (6, 5, 0, 0, 1)


def test_it_stores_nothing_when_the_write_fails_midway(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 3)
    round_ = make_round()
    path = make_export(round_, tmp_path / "k.csv", rows=10)

    def explode(self, round_):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Cube, "save", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        run(round_, path)
    assert not Response.objects.exists()
    assert not Import.objects.exists()
    assert not RatingCount.objects.exists()


def test_it_refuses_another_forms_export(tmp_path):
    round_ = make_round()
    path = tmp_path / "other.csv"
    path.write_text("start;end;name;favourite_colour\n2024-01-01;2024-01-01;Sok;blue\n")
    with pytest.raises(ImportRefused, match="not an export of the form scorecard_isaf"):
        run(round_, path)
    assert not Import.objects.exists() and not Response.objects.exists()


def test_it_refuses_an_export_with_indicators_the_form_does_not_have(tmp_path):
    round_ = make_round()
    path = make_export(round_, tmp_path / "k.csv", rows=3)
    text = path.read_text(encoding="utf-8-sig")
    header, rest = text.split("\n", 1)
    path.write_text(header + ';"health_centre/hc_helipad"\n' + rest.replace("\n", ';"3"\n'))
    with pytest.raises(ImportRefused, match="hc_helipad"):
        run(round_, path)
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "the file is empty"), (b"%PDF-1.4 ...", "PDF"), (b"\xff\xfe\x00a\x00b", "UTF-16")],
)
def test_it_refuses_unreadable_files(tmp_path, content, reason):
    round_ = make_round()
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportRefused, match=reason):
        run(round_, path)


def test_it_refuses_a_locked_round(tmp_path):
    round_ = make_round()
    round_.locked = True
    round_.save()
    with pytest.raises(ImportRefused, match="locked"):
        run(round_, make_export(round_, tmp_path / "k.csv", rows=2))


def test_it_prints_the_contract_json_and_writes_the_rejects(tmp_path):
    round_ = make_round(code="R2019")
    path = make_export(round_, tmp_path / "k.csv", rows=8, tweak=edit(2, "age", "abc"))
    out = io.StringIO()
    rejects = tmp_path / "rejects.csv"
    call_command(
        "import", str(path), "--round", "R2019", "--json", "--rejects", str(rejects), stdout=out
    )
    summary = json.loads(out.getvalue())
    assert {k: summary[k] for k in ("rows", "accepted", "duplicates", "conflicts", "rejected")} == {
        "rows": 8, "accepted": 7, "duplicates": 0, "conflicts": 0, "rejected": 1,
    }  # fmt: skip
    assert summary["unknown_enumerators"]
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "\ufeffrow,column,value,reason"
    assert lines[1].startswith("4,age,abc,")


def test_it_refuses_from_the_command_line_in_one_line(tmp_path):
    make_round(code="R1")
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError) as info:
        call_command("import", str(path), "--round", "R1")
    assert "\n" not in str(info.value) and "nothing was imported" in str(info.value)
    with pytest.raises(CommandError, match="unknown round"):
        call_command("import", str(path), "--round", "nope")


# --------------------------------------------------------------------------- web


@pytest.fixture
def client(client):
    client.cookies["scorecard_language"] = "en"  # staff pages in English, Latin digits
    return client


def web_setup(role="me_officer"):
    from tests.helpers import make_organisation, make_user

    org = make_organisation(code="ngo")
    round_ = make_round(code="OWN", organisation=org)
    return round_, make_user(role, organisation=org)


def upload(client, path):
    with path.open("rb") as fh:
        return client.post("/rounds/OWN/import/", {"file": fh})


def test_it_imports_an_uploaded_export_and_shows_the_summary(client, tmp_path):
    round_, user = web_setup("facilitator")
    client.force_login(user)
    assert client.get("/rounds/OWN/import/").status_code == 200
    path = make_export(round_, tmp_path / "kobo.csv", rows=8, tweak=edit(1, "age", "abc"))
    response = upload(client, path)
    record = Import.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/rounds/OWN/imports/{record.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'data-count="accepted">7<' in page and 'data-count="rejected">1<' in page
    assert "enum0" in page  # unknown enumerators listed
    assert record.file_name == "kobo.csv" and record.by == user
    rejects = client.get(f"/rounds/OWN/imports/{record.pk}/rejects.csv")
    assert rejects.status_code == 200 and b"3,age,abc" in rejects.content


def test_it_shows_why_an_upload_was_refused(client, tmp_path):
    _, user = web_setup()
    client.force_login(user)
    path = tmp_path / "notes.csv"
    path.write_text("a;b\n1;2\n")
    page = upload(client, path).content.decode()
    assert "Nothing was imported" in page and "not an export of the form" in page
    assert not Import.objects.exists()


def test_it_does_not_let_a_donor_upload(client, tmp_path):
    round_, _ = web_setup()
    from tests.helpers import make_user

    client.force_login(make_user("donor_viewer"))
    assert client.get("/rounds/OWN/import/").status_code == 403
    assert client.get("/rounds/OWN/conflicts/").status_code == 403


def conflict_setup(tmp_path):
    round_, user = web_setup()
    import_export(user, round_, make_export(round_, tmp_path / "k.csv", rows=6))
    edited = make_export(round_, tmp_path / "e.csv", rows=6, tweak=edit(2, "sex", "other"))
    import_export(user, round_, edited)
    return round_, user, edited


def test_it_lists_conflicts_with_their_differences(client, tmp_path):
    _, user, _ = conflict_setup(tmp_path)
    client.force_login(user)
    page = client.get("/rounds/OWN/conflicts/").content.decode()
    conflict = Conflict.objects.get()
    assert conflict.stable_id in page
    assert "<td>sex</td>" in page and "<td>other</td>" in page


def test_it_keeps_the_incoming_version_when_a_person_chooses_it(client, tmp_path):
    from scorecard.audit.models import AuditEntry

    round_, user, edited = conflict_setup(tmp_path)
    client.force_login(user)
    conflict = Conflict.objects.get()
    before = RatingCount.objects.filter(round=round_, question="overall", sex="other")
    n_before = sum(c.n_1 + c.n_2 + c.n_3 + c.n_4 + c.n_5 + c.n_dk for c in before)
    response = client.post(f"/rounds/OWN/conflicts/{conflict.pk}/", {"keep": "incoming"})
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert conflict.status == "kept_incoming" and conflict.resolved_by == user
    assert Response.objects.get(pk=conflict.stored_id).sex == "other"
    after = RatingCount.objects.filter(round=round_, question="overall", sex="other")
    assert sum(c.n_1 + c.n_2 + c.n_3 + c.n_4 + c.n_5 + c.n_dk for c in after) == n_before + 1
    entries = AuditEntry.objects.filter(model="scorecards.Conflict", action="update")
    assert entries.get().actor == user
    assert AuditEntry.objects.filter(
        model="scorecards.Response", reason="conflict resolved"
    ).exists()
    # both versions are now known: importing either again changes nothing
    assert counts(import_export(user, round_, edited)) == (6, 0, 6, 0, 0)
    assert counts(import_export(user, round_, tmp_path / "k.csv")) == (6, 0, 6, 0, 0)


def test_it_keeps_the_stored_version_when_a_person_chooses_it(client, tmp_path):
    _, user, _ = conflict_setup(tmp_path)
    client.force_login(user)
    conflict = Conflict.objects.get()
    sex = conflict.stored.sex
    client.post(f"/rounds/OWN/conflicts/{conflict.pk}/", {"keep": "stored"})
    conflict.refresh_from_db()
    assert conflict.status == "kept_stored"
    assert Response.objects.get(pk=conflict.stored_id).sex == sex
    second = client.post(f"/rounds/OWN/conflicts/{conflict.pk}/", {"keep": "incoming"}, follow=True)
    assert "already resolved" in second.content.decode()


def test_it_generates_exports_of_any_size_for_benchmarks(tmp_path):
    make_round(code="R1")
    out = tmp_path / "big.csv"
    call_command(
        "synthexport", "--round", "R1", "--rows", "50", "--out", str(out), stdout=io.StringIO()
    )
    assert counts(run(Round.objects.get(code="R1"), out)) == (50, 50, 0, 0, 0)


def test_it_accepts_a_fixed_reject_on_the_next_import_without_duplicating(tmp_path):
    round_ = make_round()
    broken = make_export(round_, tmp_path / "k.csv", rows=10, tweak=edit(6, "age", "abc"))
    assert counts(run(round_, broken)) == (10, 9, 0, 0, 1)
    fixed = make_export(round_, tmp_path / "k2.csv", rows=10)
    assert counts(run(round_, fixed)) == (10, 1, 9, 0, 0)
    assert Response.objects.filter(round=round_).count() == 10


# --------------------------------------------------------------------------- Kobo REST push


def push_setup(client):
    from scorecard.scorecards.exports.synth import kobo_json_submissions
    from scorecard.scorecards.forms import form_spec
    from scorecard.scorecards.push import issue_push_token

    round_, user = web_setup()
    token = issue_push_token(user, round_)
    spec = form_spec(round_.template_version, round_)
    return round_, f"/api/kobo/OWN/{token}/", kobo_json_submissions(spec, rows=3, seed=5)


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_it_accepts_kobo_rest_pushes_with_the_same_counting(client):
    round_, url, submissions = push_setup(client)
    first, *rest = list(submissions)
    response = post_json(client, url, first)
    assert response.status_code == 201 and response.json()["accepted"] == 1
    assert post_json(client, url, first).json()["duplicates"] == 1  # Kobo retries
    edited = {**first, "age": "66"}
    assert post_json(client, url, edited).json()["conflicts"] == 1
    for sub in rest:
        post_json(client, url, sub)
    assert Response.objects.filter(round=round_).count() == 3
    assert Import.objects.filter(round=round_, kind="kobo_rest").count() == 5


def test_it_refuses_pushes_without_the_token_or_of_another_form(client):
    round_, url, submissions = push_setup(client)
    sub = next(iter(submissions))
    assert post_json(client, "/api/kobo/OWN/guessed/", sub).status_code == 404
    assert post_json(client, "/api/kobo/NOPE/guessed/", sub).status_code == 404
    other = {**sub, "_xform_id_string": "household_census"}
    response = post_json(client, url, other)
    assert (
        response.status_code == 400 and "not a submission of the form" in response.json()["error"]
    )
    bad = post_json(client, url, {**sub, "age": "abc"})
    assert bad.json()["rejected"] == 1
    assert client.post(url, "not json", content_type="application/json").status_code == 400
    assert client.get(url).status_code == 405
    assert not Response.objects.filter(round=round_).exists()


def test_it_protects_what_responses_refer_to_without_database_constraints(tmp_path):
    """Response's references are not database constraints (for the import's speed), so
    Django's on_delete must keep them whole."""
    from django.db.models import ProtectedError

    from scorecard.places.models import Commune
    from scorecard.scorecards.models import Enumerator

    round_ = make_round()
    Enumerator.objects.create(code="enum01", sex="female", age=22)
    record = run(round_, make_export(round_, tmp_path / "k.csv", rows=30))
    response = Response.objects.filter(round=round_, enumerator__isnull=False).first()
    assert response is not None
    with pytest.raises(ProtectedError):
        Commune.objects.get(code=response.commune_id).delete()
    with pytest.raises(ProtectedError):
        record.delete()
    response.enumerator.delete()
    response.refresh_from_db()
    assert response.enumerator_id is None and response.enumerator_code == "enum01"
    with pytest.raises(ProtectedError):  # its imports keep the round
        round_.delete()
    assert Response.objects.filter(round=round_).count() == 30
