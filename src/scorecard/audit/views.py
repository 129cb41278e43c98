from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from scorecard.accounts.access import Perm, requires
from scorecard.audit.models import AuditEntry


@requires(Perm.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.select_related("actor")
    model = request.GET.get("model", "")
    if model:
        entries = entries.filter(model=model)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    models = AuditEntry.objects.order_by().values_list("model", flat=True).distinct()
    return render(
        request, "audit/log.html", {"page": page, "model": model, "models": sorted(models)}
    )
