"""Citizens beside providers: the gap between a round's scores and the providers'
self-assessment of the same indicators.

``gaps`` is a pure function of two sets of contract ``results`` rows (the citizens'
round and a ``self_assessment`` round of the same template). For each indicator it sets
the citizens' mean, median and % satisfied beside the providers' and gives the gap as
citizens minus providers: a negative gap means providers rate their service higher than
the people who use it. Means and medians are on the 1-5 scale; the share gap is in 0..1.
Self-assessments are not samples, so the gap has no interval. A side whose row is
suppressed (fewer than the minimum cell size) gives no gap in public outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q

from scorecard.scorecards.models import Round

GAP_COLUMNS = [
    "round",
    "provider_round",
    "commune",
    "facility",
    "indicator",
    "citizens_n",
    "citizens_mean",
    "citizens_median",
    "citizens_share",
    "providers_n",
    "providers_mean",
    "providers_median",
    "providers_share",
    "gap_mean",
    "gap_median",
    "gap_share",
    "suppressed",
]
_SIDES = ("n", "mean", "median", "satisfied_share")

Row = Mapping[str, Any]


def _minus(a: Any, b: Any) -> float | None:
    return None if a is None or b is None or a == "" or b == "" else float(a) - float(b)


def _main_rows(rows: Iterable[Row], commune: str | None) -> dict[tuple[str, str, str], Row]:
    return {
        (str(r["commune"]), str(r["facility"]), str(r["indicator"])): r
        for r in rows
        if r["breakdown"] == "all"
        and r["group"] == "all"
        and (commune is None or str(r["commune"]) == commune)
    }


def gaps(
    citizen_rows: Iterable[Row],
    provider_rows: Iterable[Row],
    *,
    commune: str | None = None,
    public: bool = False,
) -> list[dict[str, Any]]:
    """One row per (commune, facility, indicator) that both sides rated, in citizen order.

    ``commune`` keeps one commune's rows (or ``all``); None keeps every commune.
    """
    citizens = _main_rows(citizen_rows, commune)
    providers = _main_rows(provider_rows, commune)
    out = []
    for key, c in citizens.items():
        p = providers.get(key)
        if p is None:
            continue
        suppressed = bool(c["suppressed"]) or bool(p["suppressed"])
        row: dict[str, Any] = {
            "round": c["round"],
            "provider_round": p["round"],
            "commune": key[0],
            "facility": key[1],
            "indicator": key[2],
        }
        for side, source in (("citizens", c), ("providers", p)):
            for name in _SIDES:
                value = source[name]
                row[f"{side}_{'share' if name == 'satisfied_share' else name}"] = value
        row["gap_mean"] = _minus(c["mean"], p["mean"])
        row["gap_median"] = _minus(c["median"], p["median"])
        row["gap_share"] = _minus(c["satisfied_share"], p["satisfied_share"])
        row["suppressed"] = suppressed
        if public and suppressed:
            for col in GAP_COLUMNS[5:-1]:
                row[col] = None
        out.append(row)
    return out


def provider_round(round_: Round) -> Round | None:
    """The providers' self-assessment to set beside ``round_``: a ``self_assessment``
    round of the same template sharing a commune (or a facility) with it, the nearest in
    year (the later one on a tie), else None."""
    if round_.mode == Round.Mode.SELF_ASSESSMENT:
        return None
    places = Q(communes__in=round_.communes.all()) | Q(facilities__in=round_.facilities.all())
    candidates = (
        Round.objects.filter(
            mode=Round.Mode.SELF_ASSESSMENT,
            template_version__template=round_.template_version.template,
        )
        .filter(places)
        .exclude(pk=round_.pk)
        .distinct()
    )
    ranked = sorted(candidates, key=lambda r: (abs(r.year - round_.year), -r.year, r.code))
    return ranked[0] if ranked else None
