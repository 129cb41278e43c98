"""A realistic report on plain data: contract rows computed with scorecard.stats.

Used by tests/test_report_render.py and by hand to render the screenshots.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from scorecard.reports.data import Label, Need, Place, ReportData, from_rows
from scorecard.stats import compare_proportions, summarize_counts

FACILITIES = {
    "commune_office": Label("Commune office", "សាលាឃុំ"),
    "health_centre": Label("Health centre", "មណ្ឌលសុខភាព"),
    "primary_school": Label("Primary school", "សាលាបឋមសិក្សា"),
}
INDICATORS = {
    "commune_office": [
        ("co_staff_attitude", "Staff are polite and helpful", "មន្ត្រីឃុំមានឥរិយាបថគួរសម និងជួយដោះស្រាយបញ្ហា"),
        ("co_fees_posted", "Service fees are posted publicly", "តម្លៃសេវាត្រូវបានបិទផ្សាយជាសាធារណៈ"),
        ("co_birth_cert", "Birth certificates are issued on time", "សំបុត្រកំណើតត្រូវបានចេញទាន់ពេលវេលា"),
        ("co_budget_info", "Citizens are told the commune budget", "ប្រជាពលរដ្ឋទទួលបានព័ត៌មានអំពីថវិកាឃុំ"),
        ("co_roads", "Village roads are repaired", "ផ្លូវភូមិត្រូវបានជួសជុល"),
        (
            "co_meetings",
            "Women are invited to council meetings",
            "ស្ត្រីត្រូវបានអញ្ជើញចូលរួមកិច្ចប្រជុំក្រុមប្រឹក្សាឃុំ",
        ),
    ],
    "health_centre": [
        (
            "hc_open_hours",
            "The health centre is open at the posted hours",
            "មណ្ឌលសុខភាពបើកតាមម៉ោងដែលបានបិទផ្សាយ",
        ),
        ("hc_waiting", "Waiting time is reasonable", "រយៈពេលរង់ចាំមិនយូរពេក"),
        ("hc_medicine", "Essential medicines are available", "មានថ្នាំពេទ្យចាំបាច់គ្រប់គ្រាន់"),
        ("hc_midwife", "A midwife is available day and night", "មានឆ្មបប្រចាំការទាំងយប់ទាំងថ្ងៃ"),
        (
            "hc_clean",
            "The health centre is clean and has clean water",
            "មណ្ឌលសុខភាពស្អាត និងមានទឹកស្អាតប្រើប្រាស់",
        ),
        (
            "hc_idpoor",
            "IDPoor patients are treated free of charge",
            "អ្នកកាន់ប័ណ្ណក្រីក្រទទួលបានការព្យាបាលដោយឥតគិតថ្លៃ",
        ),
        ("hc_respect", "Staff treat patients with respect", "បុគ្គលិកពេទ្យគោរព និងយកចិត្តទុកដាក់អ្នកជំងឺ"),
    ],
    "primary_school": [
        ("ps_teachers", "Teachers come to class every day", "គ្រូបង្រៀនមកបង្រៀនជារៀងរាល់ថ្ងៃ"),
        ("ps_toilets", "The school has clean toilets for girls", "សាលារៀនមានបង្គន់អនាម័យសម្រាប់សិស្សស្រី"),
        ("ps_water", "Children have drinking water at school", "សិស្សមានទឹកស្អាតសម្រាប់ផឹកនៅសាលា"),
        ("ps_fees", "No informal fees are asked", "មិនមានការទារប្រាក់ក្រៅផ្លូវការ"),
        ("ps_books", "Every pupil has textbooks", "សិស្សគ្រប់រូបមានសៀវភៅសិក្សា"),
        (
            "ps_ramp",
            "Children with disabilities can enter the classrooms",
            "កុមារពិការអាចចូលថ្នាក់រៀនបានដោយងាយស្រួល",
        ),
        (
            "ps_parents",
            "Parents are consulted on the school plan",
            "មាតាបិតាសិស្សត្រូវបានពិគ្រោះយោបល់លើផែនការសាលា",
        ),
        ("ps_safety", "The way to school is safe", "ផ្លូវទៅសាលារៀនមានសុវត្ថិភាព"),
    ],
}
GROUPS = {
    "sex": [("female", 0.55), ("male", 0.443), ("other", 0.007)],
    "youth": [("youth", 0.35), ("non_youth", 0.65)],
    "disability": [("yes", 0.06), ("no", 0.94)],
    "minority": [("yes", 0.004), ("no", 0.996)],
    "idpoor": [("level1", 0.12), ("level2", 0.18), ("none", 0.70)],
    "sex_youth": [
        ("female+youth", 0.2),
        ("female+non_youth", 0.35),
        ("male+youth", 0.15),
        ("male+non_youth", 0.293),
        ("other+youth", 0.003),
        ("other+non_youth", 0.004),
    ],
}
COMMUNE = Place("010201", "Banteay Neang", "បន្ទាយនាង")
ROUND, BASE_ROUND = "bmc-2019", "bmc-2018"


def _counts(n: int, share: float, rng: random.Random) -> list[int]:
    satisfied = round(n * share)
    low = n - satisfied
    c1 = round(low * rng.uniform(0.15, 0.3))
    c2 = round(low * rng.uniform(0.3, 0.45))
    c3 = low - c1 - c2
    c5 = round(satisfied * rng.uniform(0.3, 0.5))
    return [c1, c2, c3, satisfied - c5, c5]


def _row(
    facility: str,
    indicator: str,
    breakdown: str,
    group: str,
    counts: list[int],
    *,
    min_cell: int,
    survey: bool,
) -> dict[str, Any]:
    s = summarize_counts(counts, interval=survey)
    return {
        "round": ROUND,
        "commune": COMMUNE.code,
        "facility": facility,
        "indicator": indicator,
        "breakdown": breakdown,
        "group": group,
        "n": s.n,
        **{f"n_{k + 1}": c for k, c in enumerate(counts)},
        "mean": s.mean,
        "median": s.median,
        "satisfied_n": s.satisfied_n,
        "satisfied_share": s.satisfied_share,
        "ci_low": s.ci_low if survey else "",
        "ci_high": s.ci_high if survey else "",
        "suppressed": "true" if s.n < min_cell else "false",
    }


def _rows_for(
    facility: str, indicator: str, counts: list[int], rng: random.Random, **kw: Any
) -> list[dict[str, Any]]:
    n = sum(counts)
    share = (counts[3] + counts[4]) / n
    rows = [_row(facility, indicator, "all", "all", counts, **kw)]
    for breakdown, groups in GROUPS.items():
        for group, weight in groups:
            m = max(round(n * weight), 1)
            tilt = rng.uniform(-0.08, 0.08)
            rows.append(
                _row(
                    facility,
                    indicator,
                    breakdown,
                    group,
                    _counts(m, min(max(share + tilt, 0), 1), rng),
                    **kw,
                )
            )
    return rows


def sample_rows(
    mode: str = "survey", min_cell: int = 5
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(results rows, compare rows) for one commune: overall 727/1211 vs 408/1019."""
    rng = random.Random(4)
    survey = mode == "survey"
    kw: dict[str, Any] = {"min_cell": min_cell, "survey": survey, "rng": rng}
    overall = [60, 140, 284, 420, 307]  # 727 of 1,211 satisfied
    results = _rows_for("all", "overall", overall, **kw)
    compare = [_compare("all", "overall", 408, 1019, 727, 1211)]
    for facility, items in INDICATORS.items():
        for i, (code, _en, _km) in enumerate(items):
            n = 1211 - 37 * i
            share = 0.32 + 0.07 * ((i * 5) % 8)
            results += _rows_for(facility, code, _counts(n, share, rng), **kw)
            if i < 2:
                base_n = 1019 - 20 * i
                base_share = share - (0.2 if i == 0 else 0.02)
                compare.append(
                    _compare(
                        facility, code, round(base_n * base_share), base_n, round(n * share), n
                    )
                )
    return results, compare


def _compare(facility: str, indicator: str, b: int, bn: int, s: int, n: int) -> dict[str, Any]:
    d = compare_proportions(b, bn, s, n)
    return {
        "base_round": BASE_ROUND,
        "round": ROUND,
        "commune": COMMUNE.code,
        "facility": facility,
        "indicator": indicator,
        "breakdown": "all",
        "group": "all",
        "base_n": bn,
        "base_satisfied_share": d.base_share,
        "n": n,
        "satisfied_share": d.share,
        "diff": d.diff,
        "diff_ci_low": d.ci_low,
        "diff_ci_high": d.ci_high,
        "z": d.z,
        "p_value": d.p_value,
    }


NEEDS = (
    Need(
        Label("Clean water at the school", "ទឹកស្អាតនៅសាលារៀន"),
        214,
        214 / 1211,
        (
            "កូនខ្ញុំត្រូវយកទឹកពីផ្ទះទៅសាលារៀនរាល់ថ្ងៃ ព្រោះអណ្ដូងនៅសាលារៀនខូចតាំងពីឆ្នាំមុនមកម្ល៉េះ",
            "សូមឱ្យមានធុងទឹកស្អាតសម្រាប់សិស្សផឹកនៅពេលចេញលេង",
        ),
    ),
    Need(
        Label("A midwife at night", "ឆ្មបប្រចាំការពេលយប់"),
        167,
        167 / 1211,
        ("ពេលយប់គ្មានឆ្មបនៅមណ្ឌលសុខភាពទេ ស្ត្រីមានផ្ទៃពោះត្រូវធ្វើដំណើរទៅមន្ទីរពេទ្យខេត្ត",),
    ),
    Need(
        Label("Repair the village road", "ជួសជុលផ្លូវភូមិ"),
        122,
        122 / 1211,
        ("រដូវវស្សាផ្លូវភក់ខ្លាំង កុមារមិនអាចទៅសាលារៀនបាន",),
    ),
)

INDICATOR_TEXTS = {
    (facility, code): Label(en, km)
    for facility, items in INDICATORS.items()
    for code, en, km in items
} | {
    ("all", "overall"): Label(
        "Overall, how satisfied are you with public services in your commune?",
        "ជារួម តើអ្នកពេញចិត្តនឹងសេវាសាធារណៈក្នុងឃុំរបស់អ្នកកម្រិតណា?",
    )
}


def make_report_data(**overrides: Any) -> ReportData:
    mode = overrides.pop("mode", "survey")
    min_cell = overrides.pop("min_cell", 5)
    results, compare = overrides.pop("rows", None) or sample_rows(mode, min_cell)
    fields: dict[str, Any] = {
        "title": Label("Citizen scorecard report 2019", "របាយការណ៍ប័ណ្ណដាក់ពិន្ទុប្រជាពលរដ្ឋ ឆ្នាំ២០១៩"),
        "round_code": ROUND,
        "round_year": 2019,
        "mode": mode,
        "commune": COMMUNE,
        "facility_names": FACILITIES,
        "indicator_texts": INDICATOR_TEXTS,
        "needs": NEEDS,
        "programme": Label(
            "Social accountability in Banteay Meanchey", "គណនេយ្យភាពសង្គមនៅខេត្តបន្ទាយមានជ័យ"
        ),
        "organisation": Label("Youth for Accountability", "យុវជនដើម្បីគណនេយ្យភាព"),
        "place_path": (
            Place("01", "Banteay Meanchey", "បន្ទាយមានជ័យ"),
            Place("0102", "Mongkol Borei", "មង្គលបូរី"),
        ),
        "min_cell": min_cell,
        "generated": dt.date(2019, 12, 16),
    }
    fields.update(overrides)
    return from_rows(results, compare, **fields)


# --- Tests ------------------------------------------------------------------------------

import shutil  # noqa: E402
import subprocess  # noqa: E402
from functools import cache  # noqa: E402

import pytest  # noqa: E402
from django.utils import translation  # noqa: E402

from scorecard.reports import wording  # noqa: E402
from scorecard.reports.data import Change  # noqa: E402
from scorecard.reports.khmer_text import ZWSP, break_words  # noqa: E402
from scorecard.reports.render import render_html, render_pdf  # noqa: E402

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler missing")


@cache
def _pdf(lang: str) -> bytes:
    return render_pdf(make_report_data(), lang)


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode().replace(ZWSP, "")


def _change(base: float, share: float, p: float | None) -> Change:
    return Change(
        "all",
        "overall",
        Label("x"),
        "b",
        "r",
        1019,
        base,
        1211,
        share,
        share - base,
        None,
        None,
        None,
        p,
    )


def test_it_renders_an_a4_pdf_of_a_few_pages():
    pdf = _pdf("en")
    assert pdf.startswith(b"%PDF")
    pages = pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page")
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    count = int(
        next(line for line in info.decode().splitlines() if line.startswith("Pages:")).split()[1]
    )
    assert 5 <= count <= 14, (count, pages)
    assert "595.276 x 841.89" in info.decode()  # A4 in points


@needs_poppler
def test_it_states_the_worked_example_in_english():
    text = _text(_pdf("en"))
    assert "40.0%" in text and "60.0%" in text
    assert "1,019" in text and "1,211" in text
    assert "up 20.0 points, from 40.0% to 60.0%" in " ".join(text.split())
    assert "Wilson" in text and "Newcombe" in text
    assert "fewer than 5 respondents" in " ".join(text.split())


@needs_poppler
def test_it_uses_khmer_digits_in_khmer():
    text = " ".join(_text(_pdf("km")).split())
    assert "៤០.០%" in text and "៦០.០%" in text
    assert "១,០១៩" in text and "១,២១១" in text
    # pdftotext scrambles the order of shaped Khmer glyphs, so only the digits are read.
    assert "២០.០" in text
    assert "1,211" not in text


@needs_poppler
def test_it_embeds_the_khmer_font():
    out = subprocess.run(["pdffonts", "-"], input=_pdf("km"), capture_output=True, check=True)
    assert "NotoSansKhmer" in out.stdout.decode()


def test_it_does_not_print_suppressed_cells():
    data = make_report_data()
    assert data.overall is not None
    hidden = next(g for g in data.overall.groups("sex_youth") if g.suppressed)
    html = render_html(data, "en")
    assert hidden.n is not None and hidden.n < 5
    row = html.split("Other sex, youth")[1].split("</tr>")[0]
    assert "—" in row and wording.pct(hidden.satisfied_share) not in row
    assert "fewer than 5 respondents: not shown" in html


def test_it_writes_khmer_html_with_break_opportunities():
    html = render_html(make_report_data(), "km")
    assert '<html lang="km">' in html
    assert ZWSP in html
    assert "data:font/ttf;base64," in html  # standalone: the font travels with the file
    assert "ស្ត្រី" in html.replace(ZWSP, "")


def test_it_breaks_between_khmer_words_only():
    text = break_words("ស្ត្រីនិងយុវជនចង់បានសាលារៀន ១,២១១ 40.0%")
    assert text.split(" ")[0].split(ZWSP)[:2] == ["ស្ត្រី", "និង"]
    assert text.endswith(" ១,២១១ 40.0%")


def test_it_states_significant_and_non_significant_changes():
    with translation.override("en"):
        yes = wording.change_statement(_change(0.4004, 0.6003, 1e-20))
        no = wording.change_statement(_change(0.40, 0.43, 0.21))
        down = wording.change_statement(_change(0.40, 0.37, 0.03))
    assert yes == (
        "up 20.0 points, from 40.0% to 60.0%; a change this large is very unlikely to be "
        "chance (p\u00a0<\u00a00.001)"
    )
    assert no.startswith(
        "up 3.0 points, from 40.0% to 43.0%; a change this small could well be chance"
    )
    assert "(p\u00a0=\u00a00.21)" in no and "do not show a real change" in no
    assert (
        down.startswith("down 3.0 points") and "unlikely to be chance (p\u00a0=\u00a00.03)" in down
    )


def test_it_rounds_percentages_half_up():
    with translation.override("en"):
        assert wording.pct(0.37065) == "37.1%"
        assert wording.pct(0.3704) == "37.0%"
        assert wording.points(0.1999) == "+20.0"
    with translation.override("km"):
        assert wording.pct(0.37065) == "៣៧.១%"


def test_it_builds_from_csv_strings():
    results, compare = sample_rows()
    as_csv = [{k: "" if v is None else str(v) for k, v in r.items()} for r in results]
    data = make_report_data(rows=(as_csv, compare))
    assert data.overall is not None and data.overall.n == 1211
    assert [s.code for s in data.facilities] == list(FACILITIES)
    assert data.overall_change is not None and data.overall_change.base_n == 1019


def test_it_renders_a_community_meeting_without_intervals():
    html = render_html(make_report_data(mode="community"), "en")
    assert "Wilson" not in html and "not a random sample" in html


# --- Citizens beside providers, and needs per facility (the needs helper) ----------------


def _gap_row(indicator: str, citizens: float, providers: float, **extra: Any) -> dict[str, Any]:
    row = {
        "round": ROUND,
        "provider_round": "sa-2019",
        "commune": COMMUNE.code,
        "facility": "health_centre",
        "indicator": indicator,
        "citizens_n": 300,
        "citizens_share": citizens,
        "citizens_median": 3.0,
        "providers_n": 8,
        "providers_share": providers,
        "providers_median": 4.0,
        "gap_share": citizens - providers,
        "gap_median": -1.0,
        "suppressed": False,
    }
    return {**row, **extra}


def test_it_sets_citizens_beside_providers_with_the_gap():
    code = INDICATORS["health_centre"][0][0]
    hidden = INDICATORS["health_centre"][1][0]
    rows = [
        _gap_row(code, 0.4, 0.875),
        _gap_row(hidden, 0.5, 0.5, suppressed=True, providers_share=None, gap_share=None),
        {**_gap_row(code, 0.1, 0.2), "commune": "010203"},  # another commune: left out
    ]
    data = make_report_data(gap_rows=rows)
    assert data.provider_round == "sa-2019" and len(data.gaps) == 2
    with translation.override("en"):
        html = render_html(data, "en")
    section = html.split('<section class="gap">', 1)[1].split("</section>", 1)[0]
    assert "40.0%" in section and "87.5%" in section and "−47.5" in section
    assert section.count("—<sup>*</sup>") == 1


def test_it_lists_top_needs_under_their_facility():
    needs = (
        Need(Label("Medicines", "ថ្នាំ"), 40, 0.3, ("សូមឱ្យមានថ្នាំ",), facility="health_centre"),
        Need(Label("Teachers", "គ្រូ"), 30, 0.2, (), facility="primary_school"),
    )
    html = render_html(make_report_data(needs=needs), "en")
    section = html.split('<section class="needs">', 1)[1].split("</section>", 1)[0]
    assert section.index("Health centre") < section.index("Medicines")
    assert section.index("Primary school") < section.index("Teachers")
