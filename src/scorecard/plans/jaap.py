"""The printable JAAP: an HTML print layout, and the same page as an A4 landscape PDF.

WeasyPrint has no dictionary line breaking for Khmer (which writes no spaces between
words), so a long activity would overflow its cell: ``break_khmer`` inserts U+200B
ZERO WIDTH SPACE between the words ``khmercut`` finds. The Khmer font is the one that
ships with the app (``settings.FONT_FILE``), embedded through a file:// URL.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from scorecard.plans.models import ActionPlan, Contribution
from scorecard.reports.khmer_text import break_words

CSS_FILE = settings.PACKAGE_DIR / "plans" / "static" / "plans" / "jaap.css"


def break_khmer(text: str) -> str:
    """The text with a zero-width space between Khmer words, so lines can break there."""
    return break_words(text or "")


def context(plan: ActionPlan) -> dict[str, Any]:
    from scorecard.plans.views import funding, sections

    rows = Contribution.objects.filter(action__plan=plan)
    commune = plan.commune
    return {
        "plan": plan,
        "commune": commune,
        "district": commune.district,
        "province": commune.district.province,
        **sections(plan),
        "funding": funding(rows),
        "total": rows.totals(),
    }


def render_html(plan: ActionPlan, language: str, *, for_pdf: bool = False) -> str:
    with translation.override(language):
        return render_to_string(
            "plans/jaap.html", {**context(plan), "for_pdf": for_pdf, "lang": language}
        )


def font_css() -> str:
    return (
        '@font-face { font-family: "JAAP Khmer"; '
        f'src: url("{settings.FONT_FILE.as_uri()}") format("truetype"); '
        "}"
    )


def render_pdf(plan: ActionPlan, language: str) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    html = HTML(string=render_html(plan, language, for_pdf=True), base_url=str(CSS_FILE.parent))
    styles = [
        CSS(string=font_css(), font_config=fonts),
        CSS(filename=str(CSS_FILE), font_config=fonts),
    ]
    return html.write_pdf(stylesheets=styles, font_config=fonts)  # type: ignore[no-any-return]
