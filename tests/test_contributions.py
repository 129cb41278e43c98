from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from scorecard.audit.models import AuditEntry
from scorecard.plans.models import Contribution
from scorecard.plans.validate import CONTRIBUTION_COLUMNS
from tests.test_plans_factories import make_action, make_plan

pytestmark = pytest.mark.django_db

GOOD = {
    "plan": "",
    "number": "1",
    "source_type": "private_sector",
    "source_name": "Rice mill",
    "amount": "2,000,000",
    "currency": "KHR",
    "rate_khr_per_usd": "4100",
    "in_kind": "no",
    "date": "2019-08-01",
}


@pytest.fixture
def action():
    plan = make_plan(code="bn-2019")
    return make_action(plan=plan)


def make_file(tmp_path, rows, name="contributions.csv"):
    lines = [",".join(CONTRIBUTION_COLUMNS)]
    lines += [",".join(f'"{row.get(c, "")}"' for c in CONTRIBUTION_COLUMNS) for row in rows]
    path = tmp_path / name
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(path, action, *extra):
    out = io.StringIO()
    call_command("contributions", "import", str(path), "--programme",
                 action.plan.programme.code, "--json", *extra, stdout=out)  # fmt: skip
    return json.loads(out.getvalue())


def rows(*changes):
    return [{**GOOD, "plan": "bn-2019", **c} for c in changes]


def test_it_imports_riel_and_dollar_contributions_and_totals_them(tmp_path, action):
    result = run(
        make_file(tmp_path, rows({}, {"amount": "257.33", "currency": "USD", "in_kind": "yes"})),
        action,
    )
    assert (result["rows"], result["accepted"], result["rejected"]) == (2, 2, 0)
    riel, dollars = Contribution.objects.order_by("currency")
    assert (riel.amount, riel.usd, riel.khr) == (Decimal("2000000.00"), Decimal("487.80"), 2000000)
    assert (dollars.usd, dollars.khr, dollars.in_kind) == (Decimal("257.33"), 1055053, True)
    totals = Contribution.objects.filter(action__plan=action.plan).totals()
    assert (totals.usd, totals.khr) == (Decimal("745.13"), Decimal("3055053"))
    assert AuditEntry.objects.filter(model="plans.Contribution", action="create").count() == 2
    again = run(make_file(tmp_path, rows({})), action)
    assert (again["accepted"], again["unchanged"], Contribution.objects.count()) == (1, 1, 2)


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({"plan": "nope"}, "plan", "unknown plan"),
        ({"number": "9"}, "number", "has no action 9"),
        ({"source_type": "bank"}, "source_type", "must be one of"),
        ({"amount": "abc"}, "amount", "not a number"),
        ({"amount": "-5"}, "amount", "more than zero"),
        ({"amount": "100.5"}, "amount", "whole numbers"),
        ({"amount": "1.005", "currency": "USD"}, "amount", "two decimals"),
        ({"currency": "EUR"}, "currency", "must be one of KHR, USD"),
        ({"rate_khr_per_usd": ""}, "rate_khr_per_usd", "a riel amount needs the rate"),
        ({"rate_khr_per_usd": "0"}, "rate_khr_per_usd", "above zero"),
        ({"in_kind": "maybe"}, "in_kind", "yes, no"),
        ({"date": ""}, "date", "required"),
        ({"source_type": "donor", "source_name": ""}, "source_name", "name the donor"),
        ({"amount": "=A1*2"}, "amount", "a formula"),
    ],
)
def test_it_rejects_each_bad_row_and_keeps_the_others(tmp_path, action, change, column, reason):
    result = run(make_file(tmp_path, rows({}, change, {"amount": "10", "currency": "USD"})), action)
    assert (result["rows"], result["accepted"], result["rejected"]) == (3, 2, 1)
    assert result["errors"][0]["row"] == 3
    assert result["errors"][0]["column"] == column
    assert reason in result["errors"][0]["reason"]


def test_it_stores_nothing_on_a_dry_run(tmp_path, action):
    before = AuditEntry.objects.count()
    result = run(make_file(tmp_path, rows({}, {"amount": "x"})), action, "--dry-run")
    assert (result["accepted"], result["rejected"]) == (1, 1)
    assert not Contribution.objects.exists()
    assert AuditEntry.objects.count() == before
