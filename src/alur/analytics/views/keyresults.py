"""The OKR dashboard: key results linked to data with their progress, the "KPI achieved?" diagnosis of
those off track, and the diagnosis recorded in the campaign's Optimization stage."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from alur.analytics import charts, kpis, warehouse
from alur.analytics.models import KeyResultMetric
from alur.analytics.selectors import facts
from alur.analytics.selectors import keyresults as selectors
from alur.analytics.services import keyresults as services
from alur.analytics.views._shared import _errors, _kpi_label, _svg
from alur.campaigns.models import Campaign
from alur.core.policy import Action
from alur.core.tenancy import WorkspaceRequest, can, request_user, workspace_view
from alur.strategy.models import KeyResult


@workspace_view(Action.ANALYTICS_VIEW)
def okr(request: WorkspaceRequest) -> HttpResponse:
    with facts.facts_shared():  # the page's queries share one open table of facts
        return _okr(request)


def _okr(request: WorkspaceRequest) -> HttpResponse:
    key_results = list(
        KeyResult.objects.filter(workspace=request.workspace)
        .select_related("objective__period", "owner")
        .order_by("objective__title", "id")
    )
    links = {link.key_result_id: link for link in KeyResultMetric.objects.filter(workspace=request.workspace)}
    can_link = can(request, Action.OBJECTIVE_MANAGE)
    if request.method == "POST":
        kr = next((k for k in key_results if str(k.pk) == request.POST.get("key_result")), None)
        if kr is None:
            raise Http404
        try:
            if request.POST.get("form") == "diagnosis":
                campaign = get_object_or_404(Campaign, pk=request.POST.get("campaign"), workspace=request.workspace)
                services.diagnosis_record(
                    actor=request_user(request),
                    campaign=campaign,
                    problem=request.POST.get("problem", ""),
                    optimisation=request.POST.get("optimisation", ""),
                )
                messages.success(request, _("Recorded in the campaign's Optimization stage."))
            else:
                filters = {name: request.POST.get(name, "") for name in ("channel", "campaign", "region", "source", "device")}
                services.key_result_link(
                    actor=request_user(request),
                    key_result=kr,
                    kpi=request.POST.get("kpi", ""),
                    mode=request.POST.get("mode", "period"),
                    filters=filters,
                )
                messages.success(request, _("Link saved; the value is computed from imported data."))
            return redirect("analytics:okr", slug=request.workspace.slug)
        except ValidationError as error:
            _errors(request, error)
    rows: list[dict[str, Any]] = []
    conversions = "data_driven" if request.GET.get("conversions") == "data_driven" else "platform"
    memo: dict[Any, Any] = {}  # one attribution of the journeys per period for all the key results
    for kr in key_results:
        link = links.get(kr.pk)
        diagnosis = None
        if link is not None and link.last_value is not None:
            try:
                diagnosis = selectors.diagnosis(request.workspace, link, conversions=conversions, memo=memo)
            except warehouse.WarehouseBusy:
                diagnosis = None
        # The value shown is the key result's: the mark belongs to it only while it is the data's reading.
        is_estimate = bool(diagnosis and diagnosis["is_estimate"] and link and kr.current_value == link.last_value)
        rows.append(
            {"kr": kr, "link": link, "diagnosis": diagnosis, "is_estimate": is_estimate, "history": kr.check_ins.all()[:5]}
        )
    bullet_rows: list[dict[str, Any]] = [
        {
            "label": r["kr"].title[:60],
            "value": float(r["kr"].current_value or r["kr"].start_value),
            "target": float(r["kr"].target_value),
            "start": float(r["kr"].start_value),
        }
        for r in rows
        if r["link"] is not None
    ]
    campaigns = Campaign.objects.filter(workspace=request.workspace).order_by("name")
    return render(
        request,
        "analytics/okr.html",
        {
            "rows": rows,
            "conversions": conversions,
            "can_link": can_link,
            "can_record": can(request, Action.CAMPAIGN_MANAGE),
            "kpi_choices": [(k, _kpi_label(k)) for k in kpis.KPIS],
            "modes": KeyResultMetric.Mode.choices,
            "campaigns": campaigns,
            "chart": _svg(
                charts.progress_bullet(
                    bullet_rows,
                    label="label",
                    value="value",
                    target="target",
                    start="start",
                    title=_("Key results linked to data"),
                    empty_text=_("No key result is linked yet"),
                )
            ),
        },
    )


urlpatterns: list[URLPattern] = [
    path("w/<slug:slug>/analytics/okr/", okr, name="okr"),
]
