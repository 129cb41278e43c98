"""Exports of a programme's results: the IPTT (XLSX), IATI activity XML 2.03, JSON.

All three read the same rows (``progress.indicator_rows``): one per indicator and
period, then the life-of-programme row, so the figures agree everywhere.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

from scorecard.logframe.catalogue import Value
from scorecard.logframe.models import Indicator, LevelKind, Unit
from scorecard.logframe.progress import Row, indicator_rows, programme_values
from scorecard.programmes.models import Programme

IPTT_COLUMNS = [
    "level", "level_title", "indicator", "statement", "unit", "currency", "period", "start",
    "end", "baseline", "baseline_date", "target", "actual", "numerator", "denominator",
    "female", "male", "female_share", "denominator_female", "youth", "progress", "status",
    "rule", "computation", "means_of_verification",
]  # fmt: skip


def _indicators(programme: Programme) -> list[Indicator]:
    return list(
        Indicator.objects.filter(programme=programme)
        .select_related("level", "programme")
        .prefetch_related("periods")
    )


def _num(x: Any) -> Any:
    if isinstance(x, Decimal):
        return int(x) if x == x.to_integral_value() else float(x)
    return x


def _male(value: Value | None) -> int | None:
    if value is None or value.female is None or value.numerator is None:
        return None
    if value.unit == Unit.MONEY:
        return None
    return int(value.numerator) - value.female


def iptt_rows(programme: Programme) -> list[dict[str, Any]]:
    out = []
    for indicator in _indicators(programme):
        for row in indicator_rows(indicator):
            v = row.value
            start = row.period.start if row.period else programme.start
            end = row.period.end if row.period else programme.end
            out.append(
                {
                    "level": indicator.level.code,
                    "level_title": indicator.level.title_en,
                    "indicator": indicator.code,
                    "statement": indicator.statement_en,
                    "unit": indicator.unit,
                    "currency": (v.currency if v else "") or indicator.currency,
                    "period": row.label,
                    "start": start,
                    "end": end,
                    "baseline": _num(indicator.baseline_value),
                    "baseline_date": indicator.baseline_date,
                    "target": _num(row.target),
                    "actual": _num(v.value) if v else None,
                    "numerator": _num(v.numerator) if v else None,
                    "denominator": v.denominator if v else None,
                    "female": v.female if v else None,
                    "male": _male(v),
                    "female_share": v.female_share if v else None,
                    "denominator_female": v.denominator_female if v else None,
                    "youth": _num(v.split("youth")) if v else None,
                    "progress": row.progress,
                    "status": row.band,
                    "rule": indicator.rule,
                    "computation": indicator.computation,
                    "means_of_verification": indicator.means_of_verification,
                }
            )
    return out


def iptt_xlsx(programme: Programme) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "IPTT"
    sheet.append(IPTT_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in iptt_rows(programme):
        sheet.append([row[c] for c in IPTT_COLUMNS])
    sheet.freeze_panes = "D2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def values_json(programme: Programme) -> str:
    indicators = []
    for row in programme_values(programme):
        code = row.indicator.code
        if row.value is None:
            indicators.append({"code": code, "value": None, "unit": row.indicator.unit,
                               "error": row.error})  # fmt: skip
            continue
        item = row.value.as_json(code)
        item.update(target=_num(row.target), progress=row.progress, status=row.band)
        indicators.append(item)
    return json.dumps(
        {"programme": programme.code, "indicators": indicators}, ensure_ascii=False, indent=2
    )


# --- IATI ---------------------------------------------------------------------------------

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RESULT_TYPE: dict[str, str] = {LevelKind.OUTPUT: "1", LevelKind.OUTCOME: "2", LevelKind.GOAL: "3"}
MEASURE: dict[str, str] = {
    Unit.NUMBER: "1",
    Unit.PERCENT: "2",
    Unit.MONEY: "1",
}  # IndicatorMeasure codes


def _narratives(parent: ET.Element, tag: str, en: str, km: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    ET.SubElement(element, "narrative").text = en
    if km:
        ET.SubElement(element, "narrative", {XML_LANG: "km"}).text = km
    return element


def _iati_value(indicator: Indicator, x: Any) -> str:
    if x is None:
        return ""
    number = Decimal(str(x))
    if indicator.unit == Unit.PERCENT:
        number = (number * 100).quantize(Decimal("0.01"))  # IATI percentages are 0..100
    return f"{number.normalize():f}"


def _dimensions(parent: ET.Element, indicator: Indicator, value: Value) -> None:
    """Disaggregated actuals: the women's figure (a rate among women for a share, a
    count for a number), and the youth count when the computation splits it."""
    female: Any = None
    if value.female is not None:
        if indicator.unit == Unit.PERCENT and value.denominator_female:
            female = value.female / value.denominator_female
        elif indicator.unit == Unit.NUMBER:
            female = value.female
    if female is not None:
        actual = ET.SubElement(parent, "actual", {"value": _iati_value(indicator, female)})
        ET.SubElement(actual, "dimension", {"name": "sex", "value": "female"})
    youth = value.split("youth")
    if youth is not None and indicator.unit == Unit.NUMBER:
        actual = ET.SubElement(parent, "actual", {"value": _iati_value(indicator, youth)})
        ET.SubElement(actual, "dimension", {"name": "age", "value": "15-30"})


def _period(parent: ET.Element, indicator: Indicator, row: Row, start: Any, end: Any) -> None:
    period = ET.SubElement(parent, "period")
    ET.SubElement(period, "period-start", {"iso-date": start.isoformat()})
    ET.SubElement(period, "period-end", {"iso-date": end.isoformat()})
    if row.target is not None:
        ET.SubElement(period, "target", {"value": _iati_value(indicator, row.target)})
    if row.value is not None and row.value.value is not None:
        ET.SubElement(period, "actual", {"value": _iati_value(indicator, row.value.value)})
        _dimensions(period, indicator, row.value)


def _indicator(result: ET.Element, indicator: Indicator, programme: Programme) -> None:
    attrs = {"measure": MEASURE.get(indicator.unit, "1"),
             "ascending": "1" if indicator.direction == "increase" else "0"}  # fmt: skip
    element = ET.SubElement(result, "indicator", attrs)
    _narratives(element, "title", indicator.statement_en, indicator.statement_km)
    if indicator.means_of_verification:
        _narratives(element, "description", indicator.means_of_verification, "")
    if indicator.baseline_value is not None:
        date = indicator.baseline_date or programme.start or dt.date.today()
        ET.SubElement(
            element,
            "baseline",
            {
                "year": str(date.year),
                "iso-date": date.isoformat(),
                "value": _iati_value(indicator, indicator.baseline_value),
            },
        )
    rows = indicator_rows(indicator)
    periods = [r for r in rows if r.period is not None]
    if periods:
        for row in periods:
            assert row.period is not None
            _period(element, indicator, row, row.period.start, row.period.end)
    elif programme.start and programme.end:
        _period(element, indicator, rows[-1], programme.start, programme.end)


def iati_identifier(programme: Programme) -> str:
    org = programme.organisation
    prefix = (org.code if org else "XX").upper()
    return f"{prefix}-{programme.code}"


def iati_xml(programme: Programme, now: dt.datetime | None = None) -> bytes:
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    root = ET.Element("iati-activities", {"version": "2.03", "generated-datetime": now.isoformat()})
    activity = ET.SubElement(
        root,
        "iati-activity",
        {
            "last-updated-datetime": now.isoformat(),
            XML_LANG: "en",
            "default-currency": programme.currency,
        },
    )
    ET.SubElement(activity, "iati-identifier").text = iati_identifier(programme)
    org = programme.organisation
    reporting = ET.SubElement(
        activity, "reporting-org", {"ref": (org.code if org else "XX").upper(), "type": "22"}
    )
    ET.SubElement(reporting, "narrative").text = org.name_en if org else programme.title_en
    _narratives(activity, "title", programme.title_en, programme.title_km)
    goal = programme.levels.filter(parent=None).order_by("order").first()
    about = goal or programme
    _narratives(
        activity, "description", about.title_en, about.title_km, type="1"
    )  # the general description: the top level's statement, else the title
    if programme.donor:
        _narratives(
            activity, "participating-org", programme.donor.name_en, programme.donor.name_km,
            role="1", type="40",
        )  # fmt: skip
    if org:
        _narratives(activity, "participating-org", org.name_en, org.name_km, role="4", type="22")
    ended = bool(programme.end and programme.end < now.date())
    ET.SubElement(activity, "activity-status", {"code": "3" if ended else "2"})
    if programme.start:
        ET.SubElement(
            activity, "activity-date", {"iso-date": programme.start.isoformat(), "type": "2"}
        )
    if programme.end:
        kind = "4" if ended else "3"
        ET.SubElement(
            activity, "activity-date", {"iso-date": programme.end.isoformat(), "type": kind}
        )
    ET.SubElement(activity, "recipient-country", {"code": "KH", "percentage": "100"})
    for level in programme.levels.order_by("order", "code"):
        indicators = [i for i in _indicators(programme) if i.level_id == level.pk]
        if not indicators:
            continue
        result = ET.SubElement(activity, "result", {"type": RESULT_TYPE.get(level.kind, "9")})
        _narratives(result, "title", level.title_en, level.title_km)
        for indicator in indicators:
            _indicator(result, indicator, programme)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
