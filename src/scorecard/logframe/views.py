"""The results framework on the web: the indicator cards (the donor dashboard), the
evidence behind each value, editing by M&E officers, and the downloads."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from scorecard.accounts.access import Perm, can, requires
from scorecard.logframe import exports, narrative
from scorecard.logframe.actions import load_logframe, save_indicator, save_level
from scorecard.logframe.catalogue import CATALOGUE
from scorecard.logframe.forms import IndicatorForm, LevelForm, UploadForm
from scorecard.logframe.loading import LogframeError
from scorecard.logframe.models import Indicator, Level
from scorecard.logframe.progress import indicator_rows, life_value
from scorecard.programmes.models import Programme

DOWNLOADS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}


def _programme(request: HttpRequest, code: str) -> Programme:
    return get_object_or_404(Programme.objects.visible_to(request.user), code=code)


def _tree(programme: Programme) -> list[tuple[Level, int, list]]:
    """Levels depth first, each with its depth and its indicators' life rows."""
    levels = list(programme.levels.order_by("order", "code"))  # type: ignore[attr-defined]
    indicators = Indicator.objects.filter(programme=programme).prefetch_related("periods")
    rows: dict[int, list] = {}
    for indicator in indicators.select_related("level", "programme"):
        rows.setdefault(indicator.level_id, []).append(life_value(indicator))
    children: dict[int | None, list[Level]] = {}
    for level in levels:
        children.setdefault(level.parent_id, []).append(level)
    out: list[tuple[Level, int, list]] = []

    def walk(parent: int | None, depth: int) -> None:
        for level in children.get(parent, []):
            out.append((level, depth, rows.get(level.pk, [])))
            walk(level.pk, depth + 1)

    walk(None, 0)
    return out


@requires(Perm.VIEW_LOGFRAME)
def logframe_index(request: HttpRequest) -> HttpResponse:
    programmes = Programme.objects.visible_to(request.user).order_by("-start", "code")
    return render(request, "logframe/index.html", {"programmes": programmes})


@requires(Perm.VIEW_LOGFRAME)
def logframe_programme(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme(request, code)
    context = {
        "programme": programme,
        "tree": _tree(programme),
        "can_edit": can(request.user, Perm.EDIT_LOGFRAME),
    }
    return render(request, "logframe/programme.html", context)


@requires(Perm.VIEW_LOGFRAME)
def logframe_indicator(request: HttpRequest, code: str, indicator: str) -> HttpResponse:
    programme = _programme(request, code)
    item = get_object_or_404(
        Indicator.objects.filter(programme=programme).select_related("level"), code=indicator
    )
    rows = indicator_rows(item)
    context = {
        "programme": programme,
        "indicator": item,
        "life": rows[-1],
        "periods": rows[:-1],
        "computation": CATALOGUE.get(item.computation),
        "show_ids": can(request.user, Perm.VIEW_PARTICIPANTS),
        "can_edit": can(request.user, Perm.EDIT_LOGFRAME),
    }
    return render(request, "logframe/indicator.html", context)


@requires(Perm.EDIT_LOGFRAME)
def indicator_edit(request: HttpRequest, code: str, indicator: str = "") -> HttpResponse:
    programme = _programme(request, code)
    item = (
        get_object_or_404(Indicator.objects.filter(programme=programme), code=indicator)
        if indicator
        else Indicator(programme=programme)
    )
    form = IndicatorForm(request.POST or None, instance=item, programme=programme)
    if request.method == "POST" and form.is_valid():
        saved = save_indicator(request.user, form.instance)
        messages.success(request, _("Indicator saved."))
        return redirect(saved.get_absolute_url())
    context = {"programme": programme, "form": form, "indicator": item, "catalogue": CATALOGUE}
    return render(request, "logframe/indicator_form.html", context)


@requires(Perm.EDIT_LOGFRAME)
def level_new(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme(request, code)
    form = LevelForm(request.POST or None, instance=Level(programme=programme), programme=programme)
    if request.method == "POST" and form.is_valid():
        save_level(request.user, form.instance)
        messages.success(request, _("Level saved."))
        return redirect("logframe", programme.code)
    return render(request, "logframe/level_form.html", {"programme": programme, "form": form})


@requires(Perm.EDIT_LOGFRAME)
def logframe_load(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme(request, code)
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"].read().decode("utf-8-sig", errors="replace")
        try:
            count = load_logframe(request.user, programme, text)
        except LogframeError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("%(n)d indicators loaded.") % {"n": count})
            return redirect("logframe", programme.code)
    context = {"programme": programme, "form": form, "errors": errors}
    return render(request, "logframe/load.html", context)


@requires(Perm.VIEW_LOGFRAME)
def download(request: HttpRequest, code: str, what: str) -> HttpResponse:
    programme = _programme(request, code)
    lang = request.GET.get("lang", "km") if request.GET.get("lang") in ("km", "en") else "km"
    name = f"{programme.code}-{what}"
    if what in DOWNLOADS:
        body, kind = narrative.write(programme, lang, what), DOWNLOADS[what]
        name = f"{programme.code}-results-{lang}.{what}"
    elif what == "iptt":
        body, name = exports.iptt_xlsx(programme), f"{programme.code}-iptt.xlsx"
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif what == "iati":
        body, kind, name = exports.iati_xml(programme), "application/xml", f"{name}.xml"
    else:
        body, kind = exports.values_json(programme).encode(), "application/json"
        name = f"{name}.json"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
