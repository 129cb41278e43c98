"""The default template ``isaf``, read from ``data/isaf.yaml``.

The YAML is checked when it is read (unique ASCII codes, five scale labels, both
languages everywhere) so that a broken edit fails loudly with the place it is wrong.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from scorecard.scorecards.spec import FacilitySpec, FormSpec, IndicatorSpec, PlaceSpec, Text

ISAF_RESOURCE = "isaf.yaml"
CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class TemplateError(ValueError):
    """The template YAML is malformed; the message says where."""


@dataclass(frozen=True)
class IsafTemplate:
    code: str
    title: Text
    scale: tuple[Text, Text, Text, Text, Text]  # labels of ratings 1..5
    dont_know: Text
    threshold: int  # a rating >= threshold is "satisfied"
    facilities: tuple[FacilitySpec, ...]

    def indicator_codes(self) -> list[tuple[str, str]]:
        """(facility code, indicator code) pairs in template order."""
        return [(f.code, i.code) for f in self.facilities for i in f.indicators]

    def form_spec(
        self,
        version: str,
        communes: Sequence[PlaceSpec],
        villages: Sequence[PlaceSpec] = (),
        *,
        min_age: int = 15,
        max_age: int = 110,
    ) -> FormSpec:
        """A FormSpec of this template for the given places."""
        return FormSpec(
            template=self.code,
            version=version,
            title=self.title,
            facilities=self.facilities,
            scale=self.scale,
            dont_know=self.dont_know,
            communes=tuple(communes),
            villages=tuple(villages),
            min_age=min_age,
            max_age=max_age,
        )


def _text(value: Any, where: str) -> Text:
    if not isinstance(value, Mapping):
        raise TemplateError(f"{where}: expected a mapping with 'en' and 'km', got {value!r}")
    out = {}
    for lang in ("en", "km"):
        v = value.get(lang)
        if not isinstance(v, str) or not v.strip():
            raise TemplateError(f"{where}.{lang}: missing or empty text")
        out[lang] = v.strip()
    return Text(en=out["en"], km=out["km"])


def _code(value: Any, where: str, seen: set[str]) -> str:
    if not isinstance(value, str) or not value.isascii() or not CODE_RE.match(value):
        raise TemplateError(
            f"{where}: code {value!r} must be ASCII lower case letters, digits and '_', "
            "starting with a letter"
        )
    if value in seen:
        raise TemplateError(f"{where}: duplicate code {value!r}")
    seen.add(value)
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise TemplateError(f"{where}: expected a non-empty list")
    return value


def parse_template(data: Any, source: str = "template") -> IsafTemplate:
    """Build and check an IsafTemplate from the parsed YAML mapping."""
    if not isinstance(data, Mapping):
        raise TemplateError(f"{source}: the top level must be a mapping")
    seen: set[str] = set()
    code = _code(data.get("code"), f"{source}: code", set())
    title = _text(data.get("title"), f"{source}: title")

    scale_raw = _list(data.get("scale"), f"{source}: scale")
    if len(scale_raw) != 5:
        raise TemplateError(f"{source}: scale must have exactly 5 labels, has {len(scale_raw)}")
    labels: list[Text] = []
    for n, item in enumerate(scale_raw, start=1):
        where = f"{source}: scale[{n - 1}]"
        if not isinstance(item, Mapping):
            raise TemplateError(f"{where}: expected a mapping")
        if item.get("value", n) != n:
            raise TemplateError(f"{where}: value must be {n}, got {item.get('value')!r}")
        labels.append(_text(item, where))
    scale = (labels[0], labels[1], labels[2], labels[3], labels[4])

    dont_know = _text(data.get("dont_know"), f"{source}: dont_know")
    threshold = data.get("threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 1 <= threshold <= 5:
        raise TemplateError(f"{source}: threshold must be a whole number 1..5, got {threshold!r}")

    facilities: list[FacilitySpec] = []
    for fi, fac in enumerate(_list(data.get("facilities"), f"{source}: facilities")):
        fwhere = f"{source}: facilities[{fi}]"
        if not isinstance(fac, Mapping):
            raise TemplateError(f"{fwhere}: expected a mapping")
        fcode = _code(fac.get("code"), fwhere, seen)
        fwhere = f"{source}: facility {fcode}"
        label = _text(fac.get("label"), f"{fwhere}.label")
        indicators: list[IndicatorSpec] = []
        for ii, ind in enumerate(_list(fac.get("indicators"), f"{fwhere}.indicators")):
            iwhere = f"{fwhere}.indicators[{ii}]"
            if not isinstance(ind, Mapping):
                raise TemplateError(f"{iwhere}: expected a mapping")
            icode = _code(ind.get("code"), iwhere, seen)
            iwhere = f"{fwhere}: indicator {icode}"
            text = _text(ind.get("text"), f"{iwhere}.text")
            std = ind.get("standard")
            standard = None if std is None else _text(std, f"{iwhere}.standard")
            indicators.append(IndicatorSpec(code=icode, text=text, standard=standard))
        facilities.append(FacilitySpec(code=fcode, label=label, indicators=tuple(indicators)))

    return IsafTemplate(
        code=code,
        title=title,
        scale=scale,
        dont_know=dont_know,
        threshold=threshold,
        facilities=tuple(facilities),
    )


@functools.cache
def load_isaf() -> IsafTemplate:
    """The default template, from the package's ``data/isaf.yaml``."""
    ref = resources.files("scorecard.scorecards").joinpath("data", ISAF_RESOURCE)
    try:
        data = yaml.safe_load(ref.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TemplateError(f"data/{ISAF_RESOURCE}: not valid YAML: {exc}") from exc
    return parse_template(data, source=f"data/{ISAF_RESOURCE}")
