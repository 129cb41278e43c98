"""Staff pages of a round's results: one commune's (or the round's) scorecard per facility.

Faces and colours: for community meetings and self-assessments the face is the median
rounded half up (1..5); for surveys it is the satisfied-share band: under 20% is 1,
20-39% is 2, 40-59% is 3, 60-79% is 4, 80% and more is 5 (docs/statistics.md).
Bars and whiskers are SVG with width attributes: the CSP forbids inline styles.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scorecard.accounts.access import Perm, requires
from scorecard.needs.summary import theme_counts
from scorecard.places.models import Commune
from scorecard.scorecards.compare import compare_rounds, previous_round
from scorecard.scorecards.gap import gaps, provider_round
from scorecard.scorecards.models import RatingCount, Round
from scorecard.scorecards.results import (
    BREAKDOWNS,
    COLUMNS,
    figures_table,
    results_table,
    round_figures,
    round_results,
    to_xlsx,
)
from scorecard.scorecards.views import XLSX, _round

BANDS = (0.2, 0.4, 0.6, 0.8)  # satisfied share: face 1 below 0.2, ..., 5 from 0.8
COLOURS = {1: "#c0392b", 2: "#e67e22", 3: "#f1c40f", 4: "#7cb342", 5: "#2e7d32"}


LABELS = {
    "all": gettext_lazy("Everyone"),
    "sex": gettext_lazy("Sex"),
    "youth": gettext_lazy("Youth (15-30)"),
    "non_youth": gettext_lazy("Not youth"),
    "disability": gettext_lazy("Disability"),
    "minority": gettext_lazy("Ethnic minority"),
    "idpoor": gettext_lazy("IDPoor"),
    "sex_youth": gettext_lazy("Sex and youth"),
    "female": gettext_lazy("Women"),
    "male": gettext_lazy("Men"),
    "other": gettext_lazy("Other"),
    "yes": gettext_lazy("Yes"),
    "no": gettext_lazy("No"),
    "level1": gettext_lazy("IDPoor level 1"),
    "level2": gettext_lazy("IDPoor level 2"),
    "none": gettext_lazy("Not IDPoor"),
}


def label(code: str) -> str:
    return " + ".join(str(LABELS.get(part, part)) for part in code.split("+"))


def face_of(row: dict[str, Any], survey: bool) -> int | None:
    if row["suppressed"] or row["n"] is None:
        return None
    if survey:
        return 1 + sum(row["satisfied_share"] >= b for b in BANDS)
    return min(5, int(row["median"] + 0.5))


def significance(change: dict[str, Any] | None) -> str:
    if not change or change["diff"] is None:
        return ""
    low, high = change["diff_ci_low"], change["diff_ci_high"]
    if low is None:
        return _("Not a sample: no test of the change.")
    if low > 0:
        return _("A real improvement: the whole interval of the change is above zero.")
    if high < 0:
        return _("A real decline: the whole interval of the change is below zero.")
    return _("No clear change: it could be chance.")


def _card(row: dict[str, Any], survey: bool, change: dict[str, Any] | None) -> dict[str, Any]:
    card: dict[str, Any] = {"row": row, "face": face_of(row, survey), "label": label(row["group"])}
    card["colour"] = COLOURS.get(card["face"] or 0, "#9e9e9e")
    card["face_str"] = f"{card['face']}.svg"
    if card["face"]:
        x, bars = 0.0, []
        for level in range(1, 6):
            width = 100 * row[f"n_{level}"] / row["n"]
            bars.append({"x": round(x, 3), "width": round(width, 3), "fill": COLOURS[level]})
            x += width
        card["bars"] = bars
        card["share_pct"] = 100 * row["satisfied_share"]
        if row["ci_low"] is not None:
            card["ci"] = {"low": 100 * row["ci_low"], "high": 100 * row["ci_high"]}
    if change and change["diff"] is not None:
        card["change"] = {
            "points": 100 * change["diff"],
            "arrow": "▲" if change["diff"] > 0 else ("▼" if change["diff"] < 0 else "▶"),
            "base_share": 100 * change["base_satisfied_share"],
            "statement": significance(change),
        }
    return card


def needs_and_gaps(
    round_: Round,
    commune: str,
    facility: str,
    rows: list[dict[str, Any]],
    texts: dict[str, str],
) -> dict[str, Any]:
    """The page's top needs (approved quotes only) and the citizens/providers gap table."""
    total, needs = theme_counts(round_, facility, commune, quotes_per_theme=2)
    providers = provider_round(round_)
    table = []
    if providers is not None:
        theirs = round_results(providers, commune=commune)  # "all": the summary only
        for g in gaps(rows, theirs, commune=commune):
            if g["facility"] == facility:
                table.append({**g, "text": texts.get(g["indicator"], g["indicator"])})
    return {
        "needs_total": total,
        "needs": [n for n in needs if n.count][:5],
        "providers": providers,
        "gaps": table,
    }


def communes_with_results(round_: Round) -> list[str]:
    """Codes of the communes that have results, in code order.

    One index probe per commune of the gazetteer: a DISTINCT over the round's cube reads
    every cell of it (most of a national round's page time).
    """
    cells = RatingCount.objects.filter(round=round_, commune=OuterRef("pk"))
    codes = Commune.objects.filter(Exists(cells)).values_list("code", flat=True)
    return sorted(codes)


@requires(Perm.VIEW_ROUNDS)
def results_page(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code)
    survey = round_.mode == "survey"
    communes = communes_with_results(round_)
    commune = request.GET.get("commune", "all")
    commune = commune if commune in communes else "all"
    indicators = round_.template_version.ordered_indicators()
    facilities = list({i.facility_type.code: i.facility_type for i in indicators}.values())
    facility = request.GET.get("facility", "")
    if facility not in {f.code for f in facilities} and facilities:
        facility = facilities[0].code
    breakdown = request.GET.get("breakdown", "all")
    breakdown = breakdown if breakdown in BREAKDOWNS else "all"
    # "all" (ALL): the round summary only, summed over communes in SQL; read once for
    # the figures and the change since the baseline
    figures = round_figures(round_, commune)
    rows = [r for r in figures_table(figures).rows() if r["commune"] == commune]
    base = previous_round(round_)
    changes: dict[tuple[str, str, str], dict[str, Any]] = {}
    if base is not None:
        for c in compare_rounds(base, round_, commune=commune, later=figures):
            if c["commune"] == commune:
                changes[(c["indicator"], c["breakdown"], c["group"])] = c
    texts = {i.code: i.text for i in indicators}
    texts["overall"] = _("Overall satisfaction with local authorities' responsiveness")
    items = []
    for question in ["overall"] + [i.code for i in indicators if i.facility_type.code == facility]:
        mine = [r for r in rows if r["indicator"] == question and r["breakdown"] == breakdown]
        if not mine:
            continue
        cards = [
            dict(_card(r, survey, changes.get((question, r["breakdown"], r["group"]))))
            for r in mine
        ]
        items.append({"code": question, "text": texts.get(question, question), "cards": cards})
    context = {
        "round": round_,
        "survey": survey,
        "communes": communes,
        "commune": commune,
        "facilities": facilities,
        "facility": facility,
        "breakdowns": [(b, label(b)) for b in BREAKDOWNS],
        "breakdown": breakdown,
        "items": items,
        "base": base,
        **needs_and_gaps(round_, commune, facility, rows, texts),
    }
    template = "scorecards/results.html"
    if request.headers.get("HX-Request"):
        template += "#scorecard"
    return render(request, template, context)


@requires(Perm.VIEW_ROUNDS)
def results_download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    round_ = _round(request, code)
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    table = results_table(round_)
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx(table.rows(), COLUMNS, round_.code), content_type=XLSX)
    else:  # a UTF-8 BOM so that Excel reads Khmer and accents right
        body = table.to_csv(bom=True)
        response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{round_.code}-results.{fmt}"'
    return response
