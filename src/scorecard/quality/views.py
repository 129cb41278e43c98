"""The enumerator quality dashboard of a round, one enumerator's interviews, exports."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from scorecard.accounts.access import Perm, requires
from scorecard.quality.checks import FLAGS, EnumeratorQuality, check_interviews, round_quality
from scorecard.quality.exports import to_csv, to_xlsx
from scorecard.quality.rules import QualityRules
from scorecard.scorecards.views import XLSX, _round

# ?sort= keys of the dashboard table: how to order enumerators (worst first for checks).
SORTS: dict[str, Any] = {
    "code": lambda e: e.code,
    "interviews": lambda e: -e.interviews,
    "share": lambda e: e.concrete_share if e.concrete_share is not None else -1,
    "median": lambda e: e.median_minutes if e.median_minutes is not None else -1,
    "too_short": lambda e: -e.too_short,
    "straight": lambda e: -e.straight_lined,
    "duplicates": lambda e: -e.duplicates,
    "missing": lambda e: -e.missing_values,
    "succeeded": lambda e: e.succeeded,
    "flags": lambda e: -len(e.flags),
}
COLUMNS = [
    ("code", _("Enumerator")),
    ("interviews", _("Interviews")),
    ("share", _("Concrete needs")),
    ("succeeded", _("Succeeded")),
    ("median", _("Median minutes")),
    ("too_short", _("Too short")),
    ("straight", _("Same score everywhere")),
    ("duplicates", _("Duplicates")),
    ("missing", _("Missing answers")),
    ("flags", _("Flags")),
]


def _sorted(rows: list[EnumeratorQuality], key: str) -> list[EnumeratorQuality]:
    if key not in SORTS:
        return rows  # trained first, then by id, as computed
    return sorted(rows, key=lambda e: (SORTS[key](e), e.code))


@requires(Perm.VIEW_QUALITY)
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round(request, code)
    summary = round_quality(round_)
    sort = request.GET.get("sort", "")
    context = {
        "round": round_,
        "summary": summary,
        "rows": _sorted(summary.enumerators, sort),
        "sort": sort,
        "columns": COLUMNS,
        "threshold_percent": summary.rules.success_threshold * 100,
    }
    return render(request, "quality/dashboard.html", context)


@requires(Perm.VIEW_QUALITY)
def enumerator_detail(request: HttpRequest, code: str, enumerator: str) -> HttpResponse:
    round_ = _round(request, code)
    rules = QualityRules.from_settings()
    checks = check_interviews(round_, rules)
    summary = round_quality(round_, rules, checks)
    found = [e for e in summary.enumerators if e.code == enumerator]
    if not found:
        raise Http404
    interviews = [c for c in checks if c.enumerator == enumerator]
    context = {
        "round": round_,
        "enumerator": found[0],
        "interviews": interviews,
        "rules": rules,
        "flags": FLAGS,
    }
    return render(request, "quality/enumerator.html", context)


@requires(Perm.VIEW_QUALITY)
def download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    round_ = _round(request, code)
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    summary = round_quality(round_)
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx(summary), content_type=XLSX)
    else:
        body = to_csv(summary, bom=True).encode("utf-8")
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{round_.code}-quality.{fmt}"'
    return response
