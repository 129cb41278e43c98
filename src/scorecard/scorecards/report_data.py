"""A report's data (``scorecard.reports.data.ReportData``) from a round's contract rows."""

from __future__ import annotations

from typing import Any

from scorecard.needs.summary import top_needs
from scorecard.places.models import Commune, FacilityType
from scorecard.reports.data import Label, Place, ReportData, from_rows
from scorecard.scorecards.compare import compare_rounds, previous_round
from scorecard.scorecards.gap import gaps, provider_round
from scorecard.scorecards.models import Round
from scorecard.scorecards.results import (
    ALL,
    figures_table,
    min_cell,
    round_figures,
    round_results,
)


def _rows_of(rows: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    return [r for r in rows if r["commune"] == where]


def report_data(round_: Round, commune: str | None = None, public: bool = False) -> ReportData:
    """One commune's report (or the round summary), with change since the previous round
    of the same programme and template, if there is one; the providers' self-assessment
    beside the citizens' scores when there is one; and the top needs (approved quotes
    only; counts below the minimum cell size blanked when ``public``)."""
    # The round summary reads the cube summed over communes (ALL), not every commune's cells.
    where = commune or ALL
    figures = round_figures(round_, where)  # read once: for the results and the change
    results = _rows_of(figures_table(figures, public).rows(), where)
    providers = provider_round(round_)
    gap_rows = []
    if providers is not None:
        theirs = round_results(providers, public=public, commune=where)
        gap_rows = gaps(results, theirs, commune=where, public=public)
    base = previous_round(round_)
    changes = (
        _rows_of(compare_rounds(base, round_, public, commune=where, later=figures), where)
        if base
        else []
    )
    place = None
    path: tuple[Place, ...] = ()
    if commune:
        c = Commune.objects.select_related("district__province").get(code=commune)
        place = Place(c.code, c.name_en, c.name_km)
        district, province = c.district, c.district.province
        path = (
            Place(province.code, province.name_en, province.name_km),
            Place(district.code, district.name_en, district.name_km),
        )
    version = round_.template_version
    indicators = version.ordered_indicators()
    facilities = {i.facility_type.code: i.facility_type for i in indicators}
    programme = round_.programme
    organisation = round_.organisation
    template = round_.template
    return from_rows(
        results,
        changes,
        needs=top_needs(round_, commune, public=public, facilities=list(facilities)),
        gap_rows=gap_rows,
        title=Label(round_.title or template.title_en, round_.title or template.title_km),
        round_code=round_.code,
        round_year=round_.year,
        mode=round_.mode,  # type: ignore[arg-type]
        commune=place,
        facility_names={
            code: Label(ft.name_en, ft.name_km)
            for code, ft in facilities.items()
            if isinstance(ft, FacilityType)
        },
        indicator_texts={
            ("all", "overall"): Label(
                "Overall satisfaction with local authorities' responsiveness",
                "ការពេញចិត្តទូទៅចំពោះការឆ្លើយតបរបស់អាជ្ញាធរមូលដ្ឋាន",
            ),
            **{(i.facility_type.code, i.code): Label(i.text_en, i.text_km) for i in indicators},
        },
        programme=Label(programme.title_en, programme.title_km) if programme else None,
        organisation=Label(organisation.name_en, organisation.name_km) if organisation else None,
        place_path=path,
        threshold=int(template.threshold),
        min_cell=min_cell(),
    )
