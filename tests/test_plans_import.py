from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from scorecard.audit.models import AuditEntry
from scorecard.plans.exports import to_csv, to_xlsx
from scorecard.plans.models import Action, ActionPlan, StatusChange
from scorecard.plans.validate import PLAN_COLUMNS
from tests.helpers import make_programme

pytestmark = pytest.mark.django_db

GOOD = {
    "plan": "bn-2019",
    "commune": "010201",
    "year": "2019",
    "section": "A",
    "number": "1",
    "activity_en": "Build a water filter at the school",
    "activity_km": "សាងសង់តម្រងទឹកនៅសាលារៀន",
    "proposer": "Citizens",
    "location": "Ou Thum",
    "quantity": "1",
    "unit": "filter",
    "start": "2019-06-01",
    "end": "2019-09-30",
    "beneficiaries": "320",
    "beneficiaries_female": "170",
    "estimated_cost_khr": "2,050,000",
    "implementer": "Commune council",
    "indicators": "",
    "status": "agreed",
    "status_date": "2019-05-20",
    "progress": "0",
}


def make_rows(*changes: dict[str, str]) -> list[dict[str, str]]:
    return [{**GOOD, "number": str(k + 1), **c} for k, c in enumerate(changes)]


def make_csv(tmp_path, rows, name="plans.csv", bom=True, columns=PLAN_COLUMNS):
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(f'"{row.get(c, "")}"' for c in columns))
    path = tmp_path / name
    path.write_text(("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def run(path, programme, *extra):
    out = io.StringIO()
    call_command("plans", "import", str(path), "--programme", programme.code, "--json", *extra,
                 stdout=out)  # fmt: skip
    return json.loads(out.getvalue())


@pytest.fixture
def programme():
    return make_programme(code="p", communes=["010201", "010203"])


def test_it_creates_plans_and_actions_from_a_csv_with_or_without_bom(tmp_path, programme):
    path = make_csv(tmp_path, make_rows({}, {"section": "B", "status": ""}), bom=False)
    result = run(path, programme)
    assert (result["rows"], result["accepted"], result["rejected"]) == (2, 2, 0)
    plan = ActionPlan.objects.get(programme=programme, code="bn-2019")
    assert (plan.commune_id, plan.year) == ("010201", 2019)
    first = Action.objects.get(plan=plan, number=1)
    assert first.estimated_cost_khr == 2_050_000 and first.status == "agreed"
    assert first.changes.get().date == dt.date(2019, 5, 20)
    assert Action.objects.get(plan=plan, number=2).status == "proposed"
    again = run(make_csv(tmp_path, make_rows({}, {"section": "B", "status": ""})), programme)
    assert (again["accepted"], again["unchanged"], Action.objects.count()) == (2, 2, 2)


def test_it_updates_an_existing_action_and_records_the_status_change(tmp_path, programme):
    run(make_csv(tmp_path, make_rows({})), programme)
    update = {**GOOD, "activity_en": "", "status": "in_progress", "status_date": "2019-07-01",
              "progress": "60", "estimated_cost_khr": "2,100,000"}  # fmt: skip
    result = run(make_csv(tmp_path, [update], name="progress.csv"), programme)
    assert (result["accepted"], result["updated"]) == (1, 1)
    action = Action.objects.get()
    assert (action.status, action.progress, action.estimated_cost_khr) == (
        "in_progress",
        60,
        2_100_000,
    )
    assert action.activity_en == GOOD["activity_en"]  # a blank cell keeps the stored text
    change = StatusChange.objects.last()
    assert change is not None
    assert (change.from_status, change.to_status, change.percent) == ("agreed", "in_progress", 60)
    updates = AuditEntry.objects.filter(model="plans.Action", action="update")
    changed = [(f, a, b) for e in updates for f, a, b in e.changes()]
    assert ("estimated_cost_khr", 2_050_000, 2_100_000) in changed


def test_it_reads_xlsx_and_refuses_formula_cells(tmp_path, programme):
    book = Workbook()
    sheet = book.active
    sheet.append(PLAN_COLUMNS)
    sheet.append([GOOD[c] for c in PLAN_COLUMNS])
    bad: list[object] = [GOOD[c] for c in PLAN_COLUMNS]
    bad[PLAN_COLUMNS.index("number")] = 2
    bad[PLAN_COLUMNS.index("estimated_cost_khr")] = "=1000*4100"
    sheet.append(bad)
    path = tmp_path / "plans.xlsx"
    book.save(path)
    result = run(path, programme)
    assert (result["rows"], result["accepted"], result["rejected"]) == (2, 1, 1)
    assert result["errors"] == [
        {"row": 3, "column": "estimated_cost_khr", "value": "=1000*4100",
         "reason": "a formula; save the sheet's values only"}
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({"commune": "999999", "plan": "x"}, "commune", "unknown commune code"),
        ({"commune": "060301", "plan": "x"}, "commune", "not a commune of programme p"),
        ({"section": "C"}, "section", "must be one of A, B"),
        ({"status": "finished"}, "status", "must be one of"),
        ({"progress": "150"}, "progress", "must be from 0 to 100"),
        ({"status": "implemented", "progress": "80"}, "progress", "at 100 percent"),
        ({"status": "dropped"}, "status", "needs a reason"),
        ({"estimated_cost_khr": "abc"}, "estimated_cost_khr", "not a whole number"),
        ({"estimated_cost_khr": "-5"}, "estimated_cost_khr", "0 or more"),
        ({"beneficiaries_female": "400"}, "beneficiaries_female", "more than"),
        ({"end": "2019-01-01"}, "end", "before the start"),
        ({"start": "31/02/2019"}, "start", "not a date"),
        ({"year": ""}, "year", "required"),
        ({"plan": "bad code!"}, "plan", "letters, digits"),
        ({"indicators": "nope"}, "indicators", "unknown indicator codes: nope"),
        ({"status_date": ""}, "status_date", "required"),
    ],
)
def test_it_rejects_each_bad_row_and_keeps_the_others(tmp_path, programme, change, column, reason):
    result = run(make_csv(tmp_path, make_rows({}, change, {})), programme)
    assert (result["rows"], result["accepted"], result["rejected"]) == (3, 2, 1)
    [error] = result["errors"]
    assert (error["row"], error["column"]) == (3, column)
    assert reason in error["reason"]


def test_it_refuses_a_status_going_back(tmp_path, programme):
    run(make_csv(tmp_path, make_rows({"status": "implemented", "progress": "100"})), programme)
    result = run(make_csv(tmp_path, make_rows({"status": "agreed"}), name="b.csv"), programme)
    assert result["errors"][0]["column"] == "status"
    assert result["errors"][0]["reason"] == "an action that is implemented cannot change status"


def test_it_stores_nothing_on_a_dry_run(tmp_path, programme):
    result = run(make_csv(tmp_path, make_rows({}, {"section": "Z"})), programme, "--dry-run")
    assert (result["accepted"], result["rejected"], result["dry_run"]) == (1, 1, True)
    assert not ActionPlan.objects.exists() and not Action.objects.exists()
    assert not AuditEntry.objects.filter(model__startswith="plans.").exists()


def test_it_refuses_an_unreadable_file_with_one_line(tmp_path, programme):
    path = make_csv(tmp_path, make_rows({}), columns=PLAN_COLUMNS[:-1])
    with pytest.raises(CommandError, match="missing columns: progress; nothing was imported"):
        run(path, programme)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(CommandError, match="not a readable XLSX"):
        run(broken, programme)
    with pytest.raises(CommandError, match="unknown programme"):
        call_command("plans", "import", str(path), "--programme", "nope")


def test_it_exports_what_it_imports(tmp_path, programme):
    run(make_csv(tmp_path, make_rows({}, {"section": "B", "activity_km": "ស្ត្រី"})), programme)
    plan = ActionPlan.objects.get()
    data = to_csv(plan)
    assert data.startswith("\ufeff".encode())
    assert "ស្ត្រី".encode() in data
    again = tmp_path / "again.csv"
    again.write_bytes(data)
    assert run(again, programme)["unchanged"] == 2
    xlsx = tmp_path / "again.xlsx"
    xlsx.write_bytes(to_xlsx(plan))
    assert run(xlsx, programme)["unchanged"] == 2
