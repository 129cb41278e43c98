"""What the public portal shows, computed from published records only (``published.py``).

Each function returns plain values (no model instances) so that the result can be kept in
the Django cache: a page is rebuilt only when something was written since (every write
leaves an audit entry, whose latest id is part of the cache key).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Q
from django.utils import translation

from scorecard.audit.models import AuditEntry
from scorecard.bilingual import pick
from scorecard.events.i4c_models import BudgetLine
from scorecard.places.models import Commune, FacilityType
from scorecard.plans.models import Contribution, SourceType
from scorecard.plans.rules import Status
from scorecard.programmes.models import Programme
from scorecard.public.published import public_plans, public_rounds
from scorecard.scorecards.compare import compare_rounds, previous_round
from scorecard.scorecards.models import Import, Round
from scorecard.scorecards.results import min_cell, round_results

T = TypeVar("T")
CACHE_SECONDS = 600


def stamp() -> str:
    """Changes whenever anything is written: each write leaves an audit entry, and each
    batch of answers an import record (a Kobo push adds one without an audit entry)."""
    audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    imported = Import.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return f"{audit}.{imported}"


def cached(name: str, build: Callable[[], T]) -> T:
    key = f"portal:{name}:{translation.get_language()}:{stamp()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    return value  # type: ignore[no-any-return]


def face(mean: float | None) -> int | None:
    """The face (1 very bad … 5 very good) nearest to the mean rating."""
    return None if mean is None else min(5, max(1, int(mean + 0.5)))


def tone(level: int | None) -> str:
    """The colour class of a face: red for bad, amber for middling, green for good."""
    if level is None:
        return "none"
    return "bad" if level <= 2 else ("mid" if level == 3 else "good")


def _labels(round_: Round) -> dict[str, str]:
    labels = {"overall": str(translation.gettext("Overall satisfaction"))}
    for ind in round_.template_version.ordered_indicators():
        labels[ind.code] = pick(ind.text_en, ind.text_km)
    return labels


def _cell(row: dict[str, Any] | None) -> dict[str, Any]:
    if row is None or row["suppressed"] or row["n"] is None:
        return {"suppressed": True, "n": None, "share": None, "face": None, "tone": "none"}
    level = face(row["mean"])
    return {
        "suppressed": False,
        "n": row["n"],
        "share": round(100 * row["satisfied_share"]),
        "face": str(level),  # names the face picture, scorecard/faces/<face>.svg
        "tone": tone(level),
    }


def scorecard(commune: Commune, round_: Round) -> dict[str, Any]:
    """The round's cells for everybody (breakdown "all") per facility, with the change."""
    rows = round_results(round_, public=True, commune=commune.code)
    cells = {(r["facility"], r["indicator"]): r for r in rows if r["breakdown"] == "all"}
    base = previous_round(round_)
    base = public_rounds().filter(pk=base.pk).first() if base else None
    changes: dict[tuple[str, str], float | None] = {}
    if base is not None:
        for r in compare_rounds(base, round_, public=True, commune=commune.code):
            if r["commune"] == commune.code and r["breakdown"] == "all":
                diff = r["diff"]
                changes[(r["facility"], r["indicator"])] = (
                    None if diff is None else round(100 * diff)
                )
    labels = _labels(round_)
    types = {t.code: t.name for t in FacilityType.objects.all()}
    facilities: dict[str, dict[str, Any]] = {}
    for (facility, indicator), row in cells.items():
        if facility == "all":
            continue
        group = facilities.setdefault(
            facility, {"code": facility, "name": types.get(facility, facility), "rows": []}
        )
        group["rows"].append(
            {
                "label": labels.get(indicator, indicator),
                **_cell(row),
                "change": changes.get((facility, indicator)),
            }
        )
    order = list(types)
    return {
        "round": round_.code,
        "title": round_.title or round_.code,
        "year": round_.year,
        "base": base.code if base else None,
        "base_year": base.year if base else None,
        "overall": {
            **_cell(cells.get(("all", "overall"))),
            "change": changes.get(("all", "overall")),
        },
        "facilities": sorted(
            facilities.values(), key=lambda f: order.index(f["code"]) if f["code"] in order else 99
        ),
        "min_cell": min_cell(),
    }


def _funds(contributions: Any) -> list[dict[str, Any]]:
    labels = dict(SourceType.choices)
    by_source = contributions.by_source_type()
    return [
        {"source": str(labels.get(k, k)), "usd": t.usd, "khr": t.khr}
        for k, t in sorted(by_source.items(), key=lambda kv: -kv[1].usd)
    ]


def plan_progress(commune: Commune) -> dict[str, Any] | None:
    plan = public_plans().filter(commune=commune).order_by("-year", "-pk").first()
    if plan is None:
        return None
    labels = dict(Status.choices)
    actions = list(plan.actions.order_by("section", "number"))
    contributions = Contribution.objects.filter(action__plan=plan)
    funds = _funds(contributions)
    return {
        "year": plan.year,
        "title": plan.title,
        "total": len(actions),
        "implemented": sum(1 for a in actions if a.status == Status.IMPLEMENTED),
        "actions": [
            {
                "number": a.number,
                "activity": a.activity,
                "status": a.status,
                "status_label": str(labels.get(a.status, a.status)),
                "progress": a.progress,
            }
            for a in actions
        ],
        "funds": funds,
        "funds_usd": sum((f["usd"] for f in funds), Decimal("0")),
        "funds_khr": sum((f["khr"] for f in funds), Decimal("0")),
    }


def commune_page(commune: Commune) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        latest = public_rounds().filter(communes=commune).order_by("-year", "-code").first()
        plan = plan_progress(commune)
        shown = latest is not None or plan is not None
        years = (
            sorted(set(BudgetLine.objects.filter(commune=commune).values_list("year", flat=True)))
            if shown
            else []
        )
        return {
            "scorecard": scorecard(commune, latest) if latest else None,
            "plan": plan,
            "booklet_years": years[-1:],
        }

    return cached(f"commune:{commune.code}", build)


def overview() -> list[dict[str, Any]]:
    """One row per commune with a published round: its latest round's overall figure."""

    def build() -> list[dict[str, Any]]:
        latest: dict[str, Round] = {}
        for round_ in public_rounds().prefetch_related("communes").order_by("year", "code"):
            for commune in round_.communes.all():
                latest[commune.code] = round_
        overall: dict[tuple[str, str], dict[str, Any]] = {}
        for round_ in set(latest.values()):
            for r in round_results(round_, public=True):
                if r["indicator"] == "overall" and r["breakdown"] == "all":
                    overall[(round_.code, r["commune"])] = r
        plans: dict[str, tuple[int, int]] = {}
        for plan in public_plans().prefetch_related("actions").order_by("year"):
            acts = list(plan.actions.all())
            done = sum(1 for a in acts if a.status == Status.IMPLEMENTED)
            plans[plan.commune_id] = (done, len(acts))
        communes = Commune.objects.filter(code__in=latest).select_related("district__province")
        out = []
        for c in communes.order_by("code"):
            round_ = latest[c.code]
            out.append(
                {
                    "code": c.code,
                    "name": c.name,
                    "province": c.district.province.name,
                    "round": round_.code,
                    "year": round_.year,
                    **_cell(overall.get((round_.code, c.code))),
                    "plan": plans.get(c.code),
                }
            )
        return out

    return cached("overview", build)


def programmes() -> list[Programme]:
    """Programmes with something published: a public round or a public plan."""
    with_rounds = public_rounds().values("programme")
    with_plans = public_plans().values("programme")
    found = Programme.objects.filter(Q(pk__in=with_rounds) | Q(pk__in=with_plans))
    return list(found.distinct().order_by("code"))


def programme_page(programme: Programme) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        rounds = public_rounds().filter(programme=programme).order_by("-year", "code")
        plans = public_plans().filter(programme=programme)
        communes = Commune.objects.filter(
            code__in=set(rounds.values_list("communes", flat=True))
            | set(plans.values_list("commune", flat=True))
        ).select_related("district__province")
        contributions = Contribution.objects.filter(action__plan__in=plans)
        return {
            "rounds": [
                {"code": r.code, "title": r.title or r.code, "year": r.year} for r in rounds
            ],
            "communes": [
                {"code": c.code, "name": c.name, "province": c.district.province.name}
                for c in communes.order_by("code")
            ],
            "plans": plans.count(),
            "funds": _funds(contributions),
        }

    return cached(f"programme:{programme.pk}", build)
