"""Reading a logframe file (YAML, the contract's shape) and checking it, without writing.

``parse`` turns the file's text into plain ``LevelSpec``/``IndicatorSpec`` objects; every
error names where it is (``levels[0].indicators[1].unit``), the value and the reason, and
all errors are collected, so a file is fixed in one go. ``actions.load_logframe`` writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from scorecard.logframe.catalogue import CATALOGUE
from scorecard.logframe.models import MANUAL, Direction, LevelKind, Rule, Unit


class LogframeError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class PeriodSpec:
    label: str
    start: dt.date
    end: dt.date
    target: Decimal | None
    params: dict[str, Any]
    value: Decimal | None
    evidence: str


@dataclass
class IndicatorSpec:
    code: str
    fields: dict[str, Any]
    periods: list[PeriodSpec] = field(default_factory=list)


@dataclass
class LevelSpec:
    code: str
    kind: str
    title_en: str
    title_km: str
    indicators: list[IndicatorSpec] = field(default_factory=list)
    children: list[LevelSpec] = field(default_factory=list)


def _decimal(value: Any, where: str, errors: list[str]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        errors.append(f"{where}: {value!r} is not a number")
        return None


def _date(value: Any, where: str, errors: list[str]) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.append(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
        return None


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or "")
    return str(value or "") if lang == "en" else ""


def _choice(value: Any, choices: Any, where: str, errors: list[str], default: str) -> str:
    value = default if value is None else str(value)
    if value not in choices.values:
        errors.append(f"{where}: {value!r} is not one of {', '.join(choices.values)}")
    return value


def _period(raw: Any, where: str, errors: list[str]) -> PeriodSpec | None:
    if not isinstance(raw, dict) or not raw.get("label"):
        errors.append(f"{where}: a period needs a label, a start and an end")
        return None
    start = _date(raw.get("start"), f"{where}.start", errors)
    end = _date(raw.get("end"), f"{where}.end", errors)
    if start is None or end is None:
        errors.append(f"{where}: a period needs a start and an end")
        return None
    if end < start:
        errors.append(f"{where}: ends ({end}) before it starts ({start})")
    return PeriodSpec(
        label=str(raw["label"]),
        start=start,
        end=end,
        target=_decimal(raw.get("target"), f"{where}.target", errors),
        params=dict(raw.get("params") or {}),
        value=_decimal(raw.get("value"), f"{where}.value", errors),
        evidence=str(raw.get("evidence") or ""),
    )


def _indicator(raw: Any, where: str, errors: list[str], seen: set[str]) -> IndicatorSpec | None:
    if not isinstance(raw, dict) or not raw.get("code"):
        errors.append(f"{where}: an indicator needs a code")
        return None
    code = str(raw["code"])
    if code in seen:
        errors.append(f"{where}.code: {code!r} is used twice")
    seen.add(code)
    comp = dict(raw.get("computation") or {"name": MANUAL})
    name = str(comp.pop("name", MANUAL))
    if name != MANUAL and name not in CATALOGUE:
        errors.append(f"{where}.computation.name: {name!r} is not in the catalogue")
    elif name != MANUAL:
        known = CATALOGUE[name]
        unknown = set(comp) - set(known.params)
        missing = [p for p in known.params if p not in comp and p not in known.defaults]
        if unknown:
            errors.append(f"{where}.computation: unknown parameter(s) {', '.join(sorted(unknown))}")
        if missing:
            errors.append(f"{where}.computation: {name} needs {', '.join(missing)}")
    unit = _choice(raw.get("unit"), Unit, f"{where}.unit", errors, Unit.NUMBER)
    baseline = raw.get("baseline") or {}
    if not isinstance(baseline, dict):
        baseline = {"value": baseline}
    manual = raw.get("value") or {}
    if not isinstance(manual, dict):
        manual = {"value": manual}
    fields = {
        "statement_en": _text(raw.get("statement"), "en"),
        "statement_km": _text(raw.get("statement"), "km"),
        "unit": unit,
        "currency": str(raw.get("currency") or comp.get("currency") or ""),
        "direction": _choice(
            raw.get("direction"), Direction, f"{where}.direction", errors, Direction.INCREASE
        ),
        "baseline_value": _decimal(baseline.get("value"), f"{where}.baseline.value", errors),
        "baseline_date": _date(baseline.get("date"), f"{where}.baseline.date", errors),
        "target": _decimal(raw.get("target"), f"{where}.target", errors),
        "rule": _choice(raw.get("rule"), Rule, f"{where}.rule", errors, Rule.LATEST),
        "computation": name,
        "params": comp,
        "disaggregations": list(raw.get("disaggregations") or []),
        "means_of_verification": str(raw.get("means_of_verification") or ""),
        "sentence_en": _text(raw.get("sentence"), "en"),
        "sentence_km": _text(raw.get("sentence"), "km"),
        "manual_value": _decimal(manual.get("value"), f"{where}.value", errors),
        "manual_numerator": manual.get("numerator"),
        "manual_denominator": manual.get("denominator"),
        "manual_female": manual.get("female"),
        "evidence": str(manual.get("evidence") or raw.get("evidence") or ""),
    }
    if not fields["statement_en"]:
        errors.append(f"{where}.statement: an English statement is required")
    if name == MANUAL and fields["manual_value"] is not None and not fields["evidence"]:
        errors.append(f"{where}.evidence: a value entered by hand needs its evidence")
    spec = IndicatorSpec(code, fields)
    for i, period in enumerate(raw.get("periods") or []):
        parsed = _period(period, f"{where}.periods[{i}]", errors)
        if parsed:
            spec.periods.append(parsed)
    return spec


def _level(
    raw: Any, where: str, errors: list[str], codes: set[str], indicators: set[str]
) -> LevelSpec | None:
    if not isinstance(raw, dict) or not raw.get("code"):
        errors.append(f"{where}: a level needs a code")
        return None
    code = str(raw["code"])
    if code in codes:
        errors.append(f"{where}.code: level {code!r} is used twice")
    codes.add(code)
    level = LevelSpec(
        code=code,
        kind=_choice(raw.get("kind"), LevelKind, f"{where}.kind", errors, LevelKind.OUTCOME),
        title_en=_text(raw.get("title"), "en"),
        title_km=_text(raw.get("title"), "km"),
    )
    if not level.title_en:
        errors.append(f"{where}.title: an English title is required")
    for i, item in enumerate(raw.get("indicators") or []):
        parsed = _indicator(item, f"{where}.indicators[{i}]", errors, indicators)
        if parsed:
            level.indicators.append(parsed)
    for i, child in enumerate(raw.get("children") or []):
        sub = _level(child, f"{where}.children[{i}]", errors, codes, indicators)
        if sub:
            level.children.append(sub)
    return level


def parse(text: str) -> tuple[str, list[LevelSpec]]:
    """The programme code named in the file (may be empty) and its levels; raises
    ``LogframeError`` listing every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LogframeError([f"not a YAML file: {exc}"]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("levels"), list):
        raise LogframeError(["the file needs a list of `levels`"])
    errors: list[str] = []
    codes: set[str] = set()
    indicators: set[str] = set()
    levels = [
        lv
        for i, raw in enumerate(data["levels"])
        if (lv := _level(raw, f"levels[{i}]", errors, codes, indicators))
    ]
    if errors:
        raise LogframeError(errors)
    return str(data.get("programme") or ""), levels
