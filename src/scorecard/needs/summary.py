"""Themes counted and ranked: per round, commune (or the whole round), sex and youth.

A count is the number of respondents whose open answer about the facility type falls in
the theme (one answer per respondent and facility type, so respondents = quotes). The
share is that count over the respondents who gave a concrete answer about that facility
type in the same place. Quotes shown outside the staff needs screen are approved ones
only; public outputs also blank any count below the minimum cell size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from scorecard.bilingual import pick
from scorecard.needs.models import Quote, Theme
from scorecard.reports.data import Label, Need
from scorecard.scorecards.models import Round
from scorecard.scorecards.results import min_cell

SEXES = ("female", "male", "other")
YOUTH = ("youth", "non_youth")


@dataclass
class ThemeCount:
    theme: Theme | None  # None: answers no theme matched ("other")
    count: int | None  # None when suppressed
    share: float | None
    groups: dict[str, int | None] = field(default_factory=dict)  # female, ..., youth, non_youth
    quotes: list[Quote] = field(default_factory=list)
    suppressed: bool = False

    @property
    def label(self) -> Label:
        if self.theme is None:
            return Label("Other needs", "តម្រូវការផ្សេងទៀត")
        return Label(self.theme.name_en, self.theme.name_km)

    @property
    def name(self) -> str:
        return pick(self.label.en, self.label.km)


def quotes_of(round_: Round, facility: str, commune: str | None = None) -> QuerySet[Quote]:
    quotes = Quote.objects.filter(response__round=round_, facility_type__code=facility)
    if commune and commune != "all":
        quotes = quotes.filter(response__commune_id=commune)
    return quotes


def theme_counts(
    round_: Round,
    facility: str,
    commune: str | None = None,
    *,
    public: bool = False,
    approved_only: bool = True,
    quotes_per_theme: int = 3,
) -> tuple[int, list[ThemeCount]]:
    """(respondents with a concrete answer, themes ranked by count; "other" last)."""
    quotes = quotes_of(round_, facility, commune)
    cells = quotes.values("theme_id", "response__sex", "response__youth").annotate(n=Count("id"))
    per: dict[int | None, dict[str, int]] = {}
    for c in cells:
        groups = per.setdefault(c["theme_id"], {"all": 0})
        groups["all"] += c["n"]
        sex = c["response__sex"]
        youth = "youth" if c["response__youth"] else "non_youth"
        groups[sex] = groups.get(sex, 0) + c["n"]
        groups[youth] = groups.get(youth, 0) + c["n"]
    total = sum(g["all"] for g in per.values())
    themes = {t.pk: t for t in Theme.objects.filter(pk__in=[k for k in per if k])}
    floor = min_cell() if public else 0
    out = []
    for theme_id, groups in per.items():
        n = groups["all"]
        small = n < floor
        row = ThemeCount(
            theme=themes.get(theme_id) if theme_id else None,
            count=None if small else n,
            share=None if small or not total else n / total,
            groups={
                g: (None if public and groups.get(g, 0) < floor else groups.get(g, 0))
                for g in SEXES + YOUTH
            },
            suppressed=small,
        )
        out.append(row)
    out.sort(key=lambda r: (r.theme is None, -(r.count or 0), r.theme.order if r.theme else 0))
    for row in out:
        picked = quotes.filter(theme=row.theme) if row.theme else quotes.filter(theme=None)
        if approved_only or public:
            picked = picked.filter(approved=True)
        row.quotes = list(picked.order_by("id")[:quotes_per_theme])
    return total, out


def top_needs(
    round_: Round,
    commune: str | None = None,
    *,
    public: bool = False,
    facilities: list[str] | None = None,
    per_facility: int = 3,
    quotes: int = 2,
) -> list[Need]:
    """The report's top needs: the first themes of each facility type, approved quotes."""
    codes = facilities
    if codes is None:
        codes = list(
            dict.fromkeys(
                i.facility_type.code for i in round_.template_version.ordered_indicators()
            )
        )
    needs: list[Need] = []
    for code in codes:
        _, rows = theme_counts(round_, code, commune, public=public, quotes_per_theme=quotes)
        ranked = [r for r in rows if r.theme is not None and r.count]
        for row in ranked[:per_facility]:
            needs.append(
                Need(
                    theme=row.label,
                    count=row.count or 0,
                    share=row.share,
                    quotes=tuple(q.text for q in row.quotes),
                    facility=code,
                )
            )
    return needs


def needs_context(round_: Round, commune: str, facility: str, **kwargs: Any) -> dict[str, Any]:
    total, rows = theme_counts(round_, facility, commune, **kwargs)
    return {"needs_total": total, "needs_rows": rows}
