"""Upload of commune budget lines: check the file (a dry run), then write what was checked.

The checked table is kept in the session (a budget file is small) under a fresh token, so
the write step stores exactly the rows that were shown, validated again against the
database of that moment, without a second upload. A file with any rejected row cannot be
written: half a budget would print a wrong booklet.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from scorecard.accounts.access import Perm, requires
from scorecard.events import tables as t
from scorecard.events.budget import BUDGET_COLUMNS, import_budget
from scorecard.events.forms import BudgetUploadForm
from scorecard.events.i4c_models import Sector, communes_visible_to

SESSION_KEY = "events.budget_upload"


def _stash(request: HttpRequest, table: t.Table, name: str) -> str:
    token = secrets.token_urlsafe(16)
    request.session[SESSION_KEY] = {
        "token": token,
        "name": name,
        "columns": list(table.columns),
        "rows": [[number, row] for number, row in table.rows],
    }
    return token


def _unstash(request: HttpRequest, token: str) -> tuple[t.Table, str] | None:
    kept: dict[str, Any] | None = request.session.get(SESSION_KEY)
    if not kept or not token or not secrets.compare_digest(kept["token"], token):
        return None
    del request.session[SESSION_KEY]
    rows = tuple((int(n), dict(row)) for n, row in kept["rows"])
    return t.Table(columns=tuple(kept["columns"]), rows=rows), kept["name"]


@requires(Perm.EDIT_I4C)
def budget_import(request: HttpRequest) -> HttpResponse:
    communes = frozenset(communes_visible_to(request.user).values_list("code", flat=True))
    form = BudgetUploadForm(request.POST or None, request.FILES or None)
    summary, problem, token, name = None, "", "", ""
    if request.method == "POST" and "confirm" in request.POST:
        form = BudgetUploadForm()
        kept = _unstash(request, request.POST["confirm"])
        if kept is None:
            problem = _("This check is no longer current; choose the file and check it again.")
        else:
            table, name = kept
            summary = import_budget(request.user, table, dry_run=False, communes=communes)
            messages.success(request, _("Budget lines saved."))
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = upload.name
        try:
            table = t.read_table(upload, name)
            summary = import_budget(request.user, table, dry_run=True, communes=communes)
        except t.TableError as exc:
            problem = str(exc)
        else:
            if summary.accepted and not summary.rejected:
                token = _stash(request, table, name)
    context = {
        "form": form,
        "summary": summary,
        "problem": problem,
        "token": token,
        "name": name,
        "columns": BUDGET_COLUMNS,
        "sectors": Sector.choices,
    }
    return render(request, "events/budget_import.html", context)
