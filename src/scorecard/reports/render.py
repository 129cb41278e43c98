"""A commune report or a round summary as HTML or PDF, from one Django template.

The template (``reports/report.html``) is a self-contained print layout, A4, with its CSS
inline. The Khmer font is the one the app ships (``settings.FONT_FILE``), as static
Regular and Bold instances (``fonts.py``):

* PDF: ``@font-face`` points at the TTFs with ``file://`` URLs; WeasyPrint embeds the
  glyphs it uses (``pdffonts`` lists NotoSansKhmer-Scorecard).
* HTML: the fonts are embedded as ``data:`` URLs (subset to Latin, Khmer and punctuation,
  every shaping table kept; about 2 x 60 KB). A downloaded report is one file that shows
  Khmer correctly when opened from disk, e-mailed or copied to a USB stick, with no server
  and no system font; a relative link would break as soon as the file is moved.

Charts are SVG (text as paths) in ``data:`` URLs, so both outputs carry them inline.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from scorecard.public.display import long_date

from . import charts, fonts, wording
from .data import BREAKDOWNS, GroupResult, IndicatorResult, ReportData

HERE = Path(__file__).resolve().parent
CSS_FILE = HERE / "static" / "reports" / "report.css"
FACES_DIR = Path(settings.PACKAGE_DIR) / "static" / "scorecard" / "faces"
# The matrix of breakdowns per facility; sex x youth is shown for the overall question.
MATRIX_BREAKDOWNS = ("sex", "youth", "disability", "minority", "idpoor")


@lru_cache(maxsize=1)
def _faces() -> dict[int, str]:
    return {
        level: "data:image/svg+xml;base64,"
        + base64.b64encode((FACES_DIR / f"{level}.svg").read_bytes()).decode("ascii")
        for level in range(1, 6)
    }


@lru_cache(maxsize=1)
def _css() -> str:
    return CSS_FILE.read_text(encoding="utf-8")


@dataclass
class Row:
    number: str
    item: IndicatorResult
    face: str | None
    bar: str
    change: Any = None


@dataclass
class Matrix:
    columns: list[tuple[str, str, str]]  # breakdown, group, name
    rows: list[tuple[Row, list[GroupResult | None]]]


@dataclass
class Section:
    name: str
    rows: list[Row]
    chart: str
    matrix: Matrix
    suppressed: bool = False


@dataclass
class Context:
    sections: list[Section] = field(default_factory=list)
    suppressed: bool = False


def _row(number: str, item: IndicatorResult, survey: bool) -> Row:
    res = item.result
    level = wording.face_level(res.satisfied_share, res.median, survey) if res.shown else None
    bar = charts.data_url(charts.distribution_bar(res.counts if res.shown else None))
    return Row(number, item, _faces()[level] if level else None, bar)


def _matrix(rows: list[Row]) -> Matrix:
    columns: list[tuple[str, str, str]] = []
    for breakdown in MATRIX_BREAKDOWNS:
        for row in rows:
            for g in row.item.groups(breakdown):
                key = (breakdown, g.group, wording.group_name(breakdown, g.group))
                if key not in columns:
                    columns.append(key)
    # Order the groups as the labels are listed (female, male, other, ...).
    known = list(wording.GROUP_NAMES)
    columns.sort(
        key=lambda c: (
            MATRIX_BREAKDOWNS.index(c[0]),
            known.index((c[0], c[1])) if (c[0], c[1]) in known else 99,
        )
    )
    out = []
    for row in rows:
        by_key = {(g.breakdown, g.group): g for b in MATRIX_BREAKDOWNS for g in row.item.groups(b)}
        out.append((row, [by_key.get((b, g)) for b, g, _n in columns]))
    return Matrix(columns, out)


def _overall_groups(
    item: IndicatorResult | None,
) -> list[tuple[str, list[tuple[str, GroupResult]]]]:
    if item is None:
        return []
    return [
        (
            str(wording.BREAKDOWN_NAMES[b]),
            [(wording.group_name(b, g.group), g) for g in item.groups(b)],
        )
        for b in BREAKDOWNS
        if item.groups(b)
    ]


def _context(data: ReportData, lang: str, font_css: str) -> dict[str, Any]:
    survey = data.is_survey
    ctx = Context()
    for section in data.facilities:
        rows = [_row(wording.digits(i + 1), r, survey) for i, r in enumerate(section.rows)]
        for row in rows:
            row.change = data.change_for(row.item.facility, row.item.indicator)
        matrix = _matrix(rows)
        suppressed = any(
            not r.item.result.shown or any(c is not None and not c.shown for c in cells)
            for r, cells in matrix.rows
        )
        ctx.suppressed |= suppressed
        draw = charts.share_chart if survey else charts.distribution_chart
        chart = charts.data_url(draw(section.rows))
        ctx.sections.append(Section(section.name.get(lang), rows, chart, matrix, suppressed))

    changes = [c for c in data.change if c.shown]
    change_labels = [wording.digits(i + 1) for i in range(len(changes))]
    change_chart = ""
    base_round = data.method.base_round or (changes[0].base_round if changes else "")
    if changes:
        change_chart = charts.data_url(
            charts.change_chart(changes, change_labels, (base_round, data.round_code))
        )
    overall = _row("", data.overall, survey) if data.overall else None
    overall_groups = _overall_groups(data.overall)
    ctx.suppressed |= any(not g.shown for _b, groups in overall_groups for _n, g in groups)
    place = data.commune.label.get(lang) if data.commune else _("All communes of the round")
    return {
        "data": data,
        "lang": lang,
        "survey": survey,
        "font_css": font_css,
        "font_family": fonts.FAMILY,
        "css": _css(),
        "place": place,
        "place_path": [p.label.get(lang) for p in data.place_path],
        "generated": long_date(data.method.generated),
        "method": wording.method_paragraphs(data.method, survey),
        "level": wording.digits(f"{data.method.confidence * 100:.0f}%"),
        "overall": overall,
        "overall_groups": overall_groups,
        "overall_change": data.overall_change if data.overall_change in changes else None,
        "sections": ctx.sections,
        "suppressed": ctx.suppressed,
        "changes": list(zip(change_labels, changes, strict=True)),
        "change_chart": change_chart,
        "base_round": base_round,
        "needs": data.top_needs,
        "levels": [
            (wording.digits(i + 1), str(name), _faces()[i + 1])
            for i, name in enumerate(wording.LEVELS)
        ],
    }


def _render(data: ReportData, lang: str, font_css: str) -> str:
    if lang not in {"km", "en"}:
        raise ValueError(f"unknown report language {lang!r}")
    with translation.override(lang):
        return render_to_string("reports/report.html", _context(data, lang, font_css))


def render_html(data: ReportData, lang: str = "km") -> str:
    """A standalone HTML file (font and charts inline) for browsers and downloads."""
    return _render(data, lang, fonts.font_face_css(embed=True))


def render_pdf(data: ReportData, lang: str = "km") -> bytes:
    """The same report as an A4 PDF with the Khmer font embedded."""
    from weasyprint import HTML

    html = _render(data, lang, fonts.font_face_css(embed=False))
    pdf = HTML(string=html, base_url=str(HERE)).write_pdf()
    assert pdf is not None
    return pdf
