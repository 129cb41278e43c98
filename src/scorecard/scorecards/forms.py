"""The FormSpec of a template version, built from the database (indicators and gazetteer)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby

from scorecard.places.models import Commune, Village
from scorecard.scorecards.models import Round, Template, TemplateVersion
from scorecard.scorecards.spec import FacilitySpec, FormSpec, IndicatorSpec, PlaceSpec, Text
from scorecard.scorecards.xlsform import xlsform_bytes


def places(commune_codes: Iterable[str] | None = None) -> tuple[list[PlaceSpec], list[PlaceSpec]]:
    """Communes and their villages: all of Cambodia, or only the given communes."""
    communes = Commune.objects.order_by("code")
    villages = Village.objects.order_by("code")
    if commune_codes is not None:
        codes = list(commune_codes)
        communes = communes.filter(code__in=codes)
        villages = villages.filter(commune_id__in=codes)
    c_specs = [
        PlaceSpec(code, Text(en, km))
        for code, en, km in communes.values_list("code", "name_en", "name_km")
    ]
    v_specs = [
        PlaceSpec(code, Text(en, km), parent)
        for code, en, km, parent in villages.values_list("code", "name_en", "name_km", "commune_id")
    ]
    return c_specs, v_specs


def form_spec(version: TemplateVersion, round_: Round | None = None) -> FormSpec:
    """The survey form of a template version, for a round's communes or all communes."""
    template: Template = version.template
    facilities = []
    indicators = version.ordered_indicators()
    for _, group in groupby(indicators, key=lambda i: i.facility_type_id):
        items = list(group)
        ft = items[0].facility_type
        facilities.append(
            FacilitySpec(
                code=ft.code,
                label=Text(ft.name_en, ft.name_km or ft.name_en),
                indicators=tuple(
                    IndicatorSpec(
                        code=i.code,
                        text=Text(i.text_en, i.text_km or i.text_en),
                        standard=Text(i.standard_en, i.standard_km or i.standard_en)
                        if i.standard_en
                        else None,
                    )
                    for i in items
                ),
            )
        )
    codes = None
    if round_ is not None and round_.communes.exists():
        codes = list(round_.communes.values_list("code", flat=True))
    communes, villages = places(codes)
    scale = [Text(s["en"], s.get("km") or s["en"]) for s in template.scale]
    return FormSpec(
        template=template.code,
        version=version.form_version,
        title=Text(template.title_en, template.title_km or template.title_en),
        facilities=tuple(facilities),
        scale=(scale[0], scale[1], scale[2], scale[3], scale[4]),
        dont_know=Text(template.dont_know_en, template.dont_know_km or template.dont_know_en),
        communes=tuple(communes),
        villages=tuple(villages),
    )


def round_xlsform(round_: Round) -> bytes:
    return xlsform_bytes(form_spec(round_.template_version, round_))
