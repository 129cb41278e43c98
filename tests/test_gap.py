"""Citizens beside providers: the gap function, the self-assessment finder, CLI and pages."""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from scorecard.accounts.models import Role
from scorecard.scorecards.gap import GAP_COLUMNS, gaps, provider_round
from scorecard.scorecards.importing import import_export
from scorecard.scorecards.models import Response, Round
from scorecard.scorecards.report_data import report_data
from scorecard.scorecards.results import round_results
from tests.factories_scorecards import make_export, make_round
from tests.helpers import make_organisation, make_user


def row(commune="all", facility="health_centre", indicator="hc_staff", **values):
    base = {
        "round": "R",
        "commune": commune,
        "facility": facility,
        "indicator": indicator,
        "breakdown": "all",
        "group": "all",
        "n": 10,
        "mean": 3.0,
        "median": 3.0,
        "satisfied_share": 0.4,
        "suppressed": False,
    }
    return {**base, **values}


def test_the_gap_is_citizens_minus_providers():
    citizens = [row(mean=3.25, median=3.5, satisfied_share=0.45), row(indicator="only_citizens")]
    providers = [row(round="SA", mean=4.5, median=5.0, satisfied_share=0.9, n=6)]
    [g] = gaps(citizens, providers)
    assert g["provider_round"] == "SA" and g["indicator"] == "hc_staff"
    assert g["gap_mean"] == pytest.approx(-1.25, abs=1e-12)
    assert g["gap_median"] == pytest.approx(-1.5, abs=1e-12)
    assert g["gap_share"] == pytest.approx(-0.45, abs=1e-12)
    assert g["citizens_n"] == 10 and g["providers_n"] == 6
    assert list(g) == GAP_COLUMNS


def test_it_ignores_breakdown_rows_and_keeps_one_commune():
    citizens = [row(), row(commune="010201"), row(breakdown="sex", group="female")]
    providers = [row(), row(commune="010201", mean=4.0)]
    assert [g["commune"] for g in gaps(citizens, providers)] == ["all", "010201"]
    [g] = gaps(citizens, providers, commune="010201")
    assert g["gap_mean"] == pytest.approx(-1.0)


def test_public_gaps_blank_a_suppressed_side():
    citizens = [row()]
    providers = [row(n=3, suppressed=True, mean=None, median=None, satisfied_share=None)]
    [g] = gaps(citizens, providers, public=True)
    assert g["suppressed"] and g["gap_mean"] is None and g["citizens_mean"] is None
    [staff] = gaps(citizens, [row(n=3, suppressed=True, mean=4.0)])
    assert staff["suppressed"] and staff["gap_mean"] == pytest.approx(-1.0)


def test_a_missing_value_gives_no_gap():
    [g] = gaps([row(median=None)], [row(median=4.0)])
    assert g["gap_median"] is None and g["gap_mean"] == 0.0


# --- with the database --------------------------------------------------------------------


@pytest.fixture
def world(db, tmp_path):
    org = make_organisation()
    survey = make_round(year=2019, organisation=org)
    providers = make_round(year=2019, mode="self_assessment", organisation=org)
    import_export("test", survey, make_export(survey, tmp_path / "c.csv", rows=150, seed=4))
    import_export("test", providers, make_export(providers, tmp_path / "p.csv", rows=40, seed=5))
    me = make_user(Role.ME_OFFICER, organisation=org)
    return {"survey": survey, "providers": providers, "me": me, "tmp": tmp_path}


def test_it_finds_the_nearest_self_assessment_of_the_same_template(world):
    survey, providers = world["survey"], world["providers"]
    assert provider_round(survey) == providers
    make_round(year=2015, mode="self_assessment")  # further away in time
    assert provider_round(survey) == providers
    assert provider_round(providers) is None
    far = make_round(year=2019, communes=["060301"])  # no commune in common
    assert provider_round(far) is None


def means(round_: Round) -> dict[tuple[str, str], float]:
    """Independently: the mean rating per indicator over the whole round, from responses."""
    indicators = round_.template_version.ordered_indicators()
    questions = [("all", "overall")] + [(i.facility_type.code, i.code) for i in indicators]
    values: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in Response.objects.filter(round=round_):
        answers = [r.overall] + [int(c) if c in "12345" else None for c in r.ratings]
        for q, v in zip(questions, answers, strict=True):
            if v is not None:
                values[q].append(v)
    return {q: statistics.fmean(v) for q, v in values.items()}


def test_it_equals_an_independent_computation(world):
    survey, providers = world["survey"], world["providers"]
    citizens, theirs = means(survey), means(providers)
    rows = gaps(round_results(survey), round_results(providers), commune="all")
    assert len(rows) == len(set(citizens) & set(theirs)) > 10
    for g in rows:
        q = (g["facility"], g["indicator"])
        assert g["gap_mean"] == pytest.approx(citizens[q] - theirs[q], abs=1e-9)


def test_the_gap_command_writes_csv_and_explains_a_missing_self_assessment(world, tmp_path):
    out = tmp_path / "gap.csv"
    call_command("gap", world["survey"].code, "--commune", "all", "--out", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows and list(rows[0]) == GAP_COLUMNS
    assert {r["provider_round"] for r in rows} == {world["providers"].code}
    lonely = make_round(year=2019, communes=["060303"])
    with pytest.raises(CommandError, match="no self-assessment"):
        call_command("gap", lonely.code)
    with pytest.raises(CommandError, match="not a self-assessment"):
        call_command("gap", world["survey"].code, "--provider", lonely.code)


def test_the_results_page_and_the_report_show_the_gap(world):
    client = Client()
    client.force_login(world["me"])
    page = client.get(f"/rounds/{world['survey'].code}/results/?facility=health_centre")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="gap"' in html and world["providers"].code in html
    data = report_data(world["survey"])
    assert data.provider_round == world["providers"].code
    assert {g.facility for g in data.gaps} >= {"health_centre", "primary_school"}
