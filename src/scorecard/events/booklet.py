"""The Citizens' Budget booklet: an A5 PDF per commune and year, in Khmer or English.

Made from the commune's budget lines (this year and last) and the service standards of
its facilities. Bars are plain HTML boxes with the numbers beside them, so every label is
text shaped by WeasyPrint (HarfBuzz) with the shipped Khmer font, embedded from a
``file://`` URL. WeasyPrint has no Khmer dictionary for line breaks, so Khmer text gets a
zero-width space between words (``scorecard.reports.khmer_text.break_words``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from scorecard.bilingual import pick
from scorecard.events.i4c_models import BudgetLine, Sector, ServiceStandard, StandardValue
from scorecard.places.models import Commune, Facility
from scorecard.reports.khmer_text import break_words

FACES_DIR = Path(settings.PACKAGE_DIR) / "static" / "scorecard" / "faces"
KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
_TAG = re.compile(r"(<[^>]*>)")


def standard_rows(commune: Commune, year: int) -> list[dict[str, Any]]:
    """Each standard of each facility in the commune, with its actual value of the year."""
    facilities = Facility.objects.filter(commune=commune).select_related("type")
    standards: dict[int, list[ServiceStandard]] = {}
    for s in ServiceStandard.objects.filter(facility_type__in={f.type_id for f in facilities}):
        standards.setdefault(s.facility_type_id, []).append(s)
    values = {
        (v.standard_id, v.facility_id): v
        for v in StandardValue.objects.filter(facility__in=facilities, year=year)
    }
    rows = []
    for facility in facilities:
        for standard in standards.get(facility.type_id, []):
            value = values.get((standard.pk, facility.pk))
            rows.append(
                {
                    "key": f"v-{standard.pk}-{facility.pk}",
                    "facility": facility,
                    "standard": standard,
                    "actual": value.actual if value else None,
                    "met": value.met if value else None,
                }
            )
    return rows


def _num(value: int | Decimal, lang: str) -> str:
    text = f"{value:,.0f}" if Decimal(value) == Decimal(value).to_integral() else f"{value:,.2f}"
    return text.translate(KHMER_DIGITS) if lang == "km" else text


def booklet_context(commune: Commune, year: int, lang: str) -> dict[str, Any]:
    lines = {b.sector: b.amount_khr for b in BudgetLine.objects.filter(commune=commune, year=year)}
    before = {
        b.sector: b.amount_khr for b in BudgetLine.objects.filter(commune=commune, year=year - 1)
    }
    top = max(lines.values(), default=0) or 1
    total = sum(lines.values())
    labels = dict(Sector.choices)
    bars = [
        {
            "label": labels[s],
            "amount": _num(a, lang),
            "width": max(1, round(a * 100 / top)),
            "share": _num(round(a * 100 / total), lang) if total else "",
        }
        for s, a in sorted(lines.items(), key=lambda item: -item[1])
    ]
    changes = []
    scale = max([*lines.values(), *before.values()], default=0) or 1
    for sector in [s for s in Sector.values if s in lines or s in before]:
        now, then = lines.get(sector, 0), before.get(sector, 0)
        diff = now - then
        changes.append(
            {
                "label": labels[sector],
                "then": _num(then, lang),
                "now": _num(now, lang),
                "diff": ("+" if diff > 0 else "−" if diff < 0 else "") + _num(abs(diff), lang),
                "then_width": max(1, round(then * 80 / scale)),
                "now_width": max(1, round(now * 80 / scale)),
                "up": diff > 0,
                "down": diff < 0,
            }
        )
    standards = [
        {
            "facility": pick(r["facility"].name_en, r["facility"].name_km, lang),
            "text": pick(r["standard"].text_en, r["standard"].text_km, lang),
            "unit": pick(r["standard"].unit_en, r["standard"].unit_km, lang),
            "target": _num(r["standard"].target, lang),
            "actual": "" if r["actual"] is None else _num(r["actual"], lang),
            "met": r["met"],
        }
        for r in standard_rows(commune, year)
    ]
    district = commune.district
    return {
        "lang": lang,
        "year": _num(year, lang).replace(",", ""),
        "last_year": _num(year - 1, lang).replace(",", ""),
        "commune": pick(commune.name_en, commune.name_km, lang),
        "district": pick(district.name_en, district.name_km, lang),
        "province": pick(district.province.name_en, district.province.name_km, lang),
        "bars": bars,
        "total": _num(total, lang),
        "total_before": _num(sum(before.values()), lang),
        "has_before": bool(before),
        "changes": changes,
        "standards": standards,
        "faces": [(FACES_DIR / f"{n}.svg").as_uri() for n in range(1, 6)],
        "font_url": Path(settings.FONT_FILE).as_uri(),
    }


def booklet_html(commune: Commune, year: int, lang: str) -> str:
    with translation.override(lang):
        html = render_to_string("events/booklet.html", booklet_context(commune, year, lang))
    if lang != "km":
        return html
    # Break Khmer words in text only, never inside a tag.
    return "".join(p if p.startswith("<") else break_words(p) for p in _TAG.split(html))


def booklet_pdf(commune: Commune, year: int, lang: str) -> bytes:
    from weasyprint import HTML

    html = booklet_html(commune, year, lang)
    return HTML(string=html, base_url=str(FACES_DIR)).write_pdf()  # type: ignore[no-any-return]
