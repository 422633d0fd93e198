"""Pages of imports: the upload form with the latest imports, an import's progress and receipt (problems,
warnings, totals beside the file's own), and trying a failed import again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alur.analytics.models import Import
from alur.analytics.selectors import imports as selectors
from alur.analytics.services import imports as services
from alur.analytics.services.sources import sources_ensure
from alur.analytics.views._shared import _errors
from alur.core.policy import Action
from alur.core.tenancy import WorkspaceRequest, can, request_user, workspace_view


@workspace_view(Action.ANALYTICS_VIEW)
def imports(request: WorkspaceRequest) -> HttpResponse:
    sources = sources_ensure(request.workspace)
    can_import = can(request, Action.ANALYTICS_IMPORT)
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied(_("Your role cannot import data."))
        source = next((s for s in sources if str(s.pk) == request.POST.get("source")), None)
        upload = request.FILES.get("file")
        period, period_error = _period_param(request.POST)
        if source is None or upload is None:
            messages.error(request, _("Choose the source and the file to import."))
        elif period_error:
            messages.error(request, period_error)
        else:
            try:
                imp = services.import_start(
                    actor=request_user(request),
                    workspace=request.workspace,
                    source=source,
                    upload=upload,
                    name=upload.name or "upload",
                    period=period,
                )
            except ValidationError as error:
                _errors(request, error)
            else:
                return redirect("analytics:import_detail", slug=request.workspace.slug, import_id=imp.pk)
    recent = Import.objects.filter(workspace=request.workspace).select_related("source", "created_by")[:50]
    return render(request, "analytics/imports.html", {"sources": sources, "imports": recent, "can_import": can_import})


def _period_param(data: Any) -> tuple[tuple[dt.date, dt.date] | None, str]:
    """The optional period of a file without dates, from the upload form's two date fields."""
    start, end = (data.get(name, "").strip() for name in ("period_start", "period_end"))
    if not start and not end:
        return None, ""
    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        return None, _("Give both the first and the last day of the period the file covers, or leave both empty.")
    if last < first:
        return None, _("The period ends before it starts. Check the two dates.")
    return (first, last), ""


@workspace_view(Action.ANALYTICS_VIEW)
def import_detail(request: WorkspaceRequest, import_id: int) -> HttpResponse:
    imp = get_object_or_404(Import.objects.select_related("source", "created_by"), pk=import_id, workspace=request.workspace)
    template = "analytics/_import_status.html" if request.headers.get("HX-Request") else "analytics/import_detail.html"
    context = {
        "imp": imp,
        "can_import": can(request, Action.ANALYTICS_IMPORT),
        "problems": selectors.problems(imp),
        "warnings": selectors.warnings(imp),
        "totals": selectors.totals_side_by_side(imp),
        "unmapped": selectors.unmapped_campaigns(imp),
    }
    return render(request, template, context)


@require_POST
@workspace_view(Action.ANALYTICS_IMPORT)
def import_retry(request: WorkspaceRequest, import_id: int) -> HttpResponse:
    imp = get_object_or_404(Import, pk=import_id, workspace=request.workspace)
    try:
        services.import_retry(actor=request_user(request), imp=imp)
    except ValidationError as error:
        _errors(request, error)
    return redirect("analytics:import_detail", slug=request.workspace.slug, import_id=imp.pk)


urlpatterns: list[URLPattern] = [
    path("w/<slug:slug>/analytics/imports/", imports, name="imports"),
    path("w/<slug:slug>/analytics/imports/<int:import_id>/", import_detail, name="import_detail"),
    path("w/<slug:slug>/analytics/imports/<int:import_id>/retry/", import_retry, name="import_retry"),
]
