"""The "Activities and Results" section of a donor report, from sentence templates.

A template is text with placeholders: ``{value} {numerator} {denominator} {female}
{female_share} {denominator_female} {target} {baseline}``, any split of the value
(``{plans}``, ``{base_value}``, ...) and any field of another indicator
(``{4.6b.value}``). Shares print as percentages with one decimal unless the placeholder
asks for more or fewer (``{female_share:.2}`` gives 67.44%, ``{value:.0}`` 95%); counts
with thousands separators (1,211); money with two decimals and its currency
(4,257.33 USD).
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from scorecard.logframe.catalogue import Value
from scorecard.logframe.models import Indicator, Level, Unit
from scorecard.logframe.progress import life_value
from scorecard.programmes.models import Programme

PLACEHOLDER = re.compile(r"\{([^{}:]+)(?::\.?(\d+)f?)?\}")
SHARES = {"value", "female_share", "target", "baseline", "base_value", "round_value"}
HEADINGS = {"en": "Activities and Results", "km": "សកម្មភាព និងលទ្ធផល"}


def _places(value: Decimal | float, places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def fmt_percent(value: float | Decimal, places: int | None = None) -> str:
    places = 1 if places is None else places
    return f"{_places(Decimal(str(value)) * 100, places):,}%"


def fmt_count(value: Any) -> str:
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,}"


def fmt_money(value: Any, currency: str, places: int | None = None) -> str:
    amount = _places(Decimal(str(value)), 2 if places is None else places)
    return f"{amount:,} {currency}".strip()


def fields_of(indicator: Indicator, value: Value | None) -> dict[str, tuple[Any, str]]:
    """Placeholder -> (number, kind) where kind is percent, count or money."""
    unit = indicator.unit
    kind = {"percent": "percent", "money": "money"}.get(unit, "count")
    out: dict[str, tuple[Any, str]] = {
        "target": (indicator.target, kind),
        "baseline": (indicator.baseline_value, kind),
    }
    if value is None:
        return out
    out.update(
        {
            "value": (value.value, kind),
            "numerator": (value.numerator, "money" if unit == Unit.MONEY else "count"),
            "denominator": (value.denominator, "count"),
            "female": (value.female, "count"),
            "female_share": (value.female_share, "percent"),
            "denominator_female": (value.denominator_female, "count"),
        }
    )
    for name, number in value.splits:
        share = unit == Unit.PERCENT and (name in SHARES or name.startswith("ci_"))
        kind = "percent" if share else "p" if name == "p_value" else kind_of_split(unit)
        out.setdefault(name, (number, kind))
    return out


def kind_of_split(unit: str) -> str:
    return "money" if unit == Unit.MONEY else "count"


def render_number(number: Any, kind: str, places: int | None, currency: str) -> str:
    if number is None:
        return "–"
    if kind == "p":  # a p-value: two significant digits
        return f"{float(number):.2g}"
    if kind == "percent":
        return fmt_percent(number, places)
    if kind == "money":
        return fmt_money(number, currency, places)
    return fmt_count(number)


@dataclass(frozen=True)
class Sentence:
    indicator: Indicator
    text: str


def fill(template: str, indicator: Indicator, value: Value | None, others: dict[str, Any]) -> str:
    """The template with its placeholders replaced (unknown ones are left as written)."""
    own = fields_of(indicator, value)
    currency = (value.currency if value else "") or indicator.currency

    def replace(match: re.Match[str]) -> str:
        name, places = match.group(1).strip(), match.group(2)
        digits = int(places) if places is not None else None
        if name in own:
            return render_number(*own[name], digits, currency)
        code, _, field = name.rpartition(".")
        if code in others:
            other_ind, other_value = others[code]
            fields = fields_of(other_ind, other_value)
            if field in fields:
                other_currency = (other_value.currency if other_value else "") or ""
                return render_number(*fields[field], digits, other_currency)
        return match.group(0)

    return PLACEHOLDER.sub(replace, template)


def sentences(programme: Programme, lang: str) -> list[tuple[Level, list[Sentence]]]:
    """Each level (in logframe order) with its indicators' sentences in ``lang``."""
    indicators = list(
        Indicator.objects.filter(programme=programme)
        .select_related("level", "programme")
        .prefetch_related("periods")
    )
    values = {i.code: (i, life_value(i).value) for i in indicators}
    by_level: dict[int, list[Sentence]] = {}
    for ind in indicators:
        template = (ind.sentence_km if lang == "km" else ind.sentence_en) or ind.sentence_en
        if not template:
            continue
        text = fill(template, ind, values[ind.code][1], values)
        by_level.setdefault(ind.level_id, []).append(Sentence(ind, text))
    levels = Level.objects.filter(programme=programme).order_by("order", "code")
    return [(lv, by_level[lv.pk]) for lv in levels if lv.pk in by_level]


def paragraphs(programme: Programme, lang: str) -> list[str]:
    """One paragraph per indicator with a sentence, starting with its code."""
    return [
        f"{s.indicator.code} {s.text}" for _lv, items in sentences(programme, lang) for s in items
    ]


def to_markdown(programme: Programme, lang: str) -> str:
    lines = [f"## {HEADINGS[lang]}", ""]
    lines += [f"- {p}" for p in paragraphs(programme, lang)]
    return "\n".join(lines) + "\n"


def to_html(programme: Programme, lang: str) -> str:
    title = html.escape(
        programme.title_km if lang == "km" and programme.title_km else programme.title_en
    )
    items = "\n".join(f"<li>{html.escape(p)}</li>" for p in paragraphs(programme, lang))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n<body><h1>{title}</h1>\n"
        f"<h2>{HEADINGS[lang]}</h2>\n<ul>\n{items}\n</ul>\n</body></html>\n"
    )


KHMER_FONT = "Noto Sans Khmer"


def to_docx(programme: Programme, lang: str) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn

    document = Document()
    if lang == "km":
        # Word shapes Khmer with the complex-script font: set it on the styles used.
        for style in ("Normal", "Heading 1", "Heading 2", "List Bullet"):
            fonts = document.styles[style].element.get_or_add_rPr().get_or_add_rFonts()
            for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
                fonts.attrib.pop(qn(theme), None)  # a theme font would win over ours
            fonts.set(qn("w:cs"), KHMER_FONT)
            fonts.set(qn("w:ascii"), KHMER_FONT)
            fonts.set(qn("w:hAnsi"), KHMER_FONT)
    title = programme.title_km if lang == "km" and programme.title_km else programme.title_en
    document.add_heading(title, level=1)
    document.add_heading(HEADINGS[lang], level=2)
    for text in paragraphs(programme, lang):
        document.add_paragraph(text, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write(programme: Programme, lang: str, fmt: str) -> bytes:
    if fmt == "docx":
        return to_docx(programme, lang)
    text = to_html(programme, lang) if fmt == "html" else to_markdown(programme, lang)
    return text.encode("utf-8")
