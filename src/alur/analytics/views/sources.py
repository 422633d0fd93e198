"""The sources page: the platform and generic sources with their column mappings, and which Alur campaign
each platform's campaign name means (with the names imports met that nothing maps yet)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from alur.analytics.models import CampaignMapping, DataSource, Import, SourceFormat
from alur.analytics.services import sources as services
from alur.analytics.views._shared import _errors
from alur.campaigns.models import Campaign
from alur.core.policy import Action
from alur.core.tenancy import WorkspaceRequest, can, request_user, workspace_view


@workspace_view(Action.ANALYTICS_VIEW)
def sources(request: WorkspaceRequest) -> HttpResponse:
    all_sources = services.sources_ensure(request.workspace)
    can_manage = can(request, Action.ANALYTICS_IMPORT)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("Your role cannot change data sources."))
        try:
            if request.POST.get("form") == "mapping":
                campaign = None
                if request.POST.get("campaign"):
                    campaign = Campaign.objects.filter(workspace=request.workspace, pk=request.POST["campaign"]).first()
                    if campaign is None:
                        raise ValidationError({"campaign": _("Choose a campaign of this workspace.")})
                services.campaign_mapping_set(
                    actor=request_user(request),
                    workspace=request.workspace,
                    platform_campaign=request.POST.get("platform_campaign", ""),
                    campaign=campaign,
                )
                messages.success(request, _("Campaign mapping saved; imported data follows it."))
            else:
                existing = next((s for s in all_sources if str(s.pk) == request.POST.get("source_id")), None)
                mapping = {f: request.POST.get(f"map_{f}", "") for f in services.MAPPABLE_FIELDS}
                services.source_save(
                    actor=request_user(request),
                    workspace=request.workspace,
                    source=existing,
                    key=request.POST.get("key", ""),
                    name=request.POST.get("name", ""),
                    format=existing.format if existing else SourceFormat.GENERIC,
                    mapping=mapping if (existing is None or existing.format == SourceFormat.GENERIC) else existing.mapping,
                    number_style=request.POST.get("number_style", ""),
                    date_order=request.POST.get("date_order", ""),
                    currency=request.POST.get("currency", ""),
                    account=request.POST.get("account", ""),
                )
                messages.success(request, _("Source saved."))
            return redirect("analytics:sources", slug=request.workspace.slug)
        except ValidationError as error:
            _errors(request, error)
    unmapped: set[str] = set()
    for imp in Import.objects.filter(workspace=request.workspace, status=Import.Status.SUCCEEDED)[:30]:
        unmapped.update((imp.report or {}).get("unmapped_campaigns", []))
    mapped = {m.platform_campaign.lower() for m in CampaignMapping.objects.filter(workspace=request.workspace)}
    return render(
        request,
        "analytics/sources.html",
        {
            "sources": all_sources,
            "can_manage": can_manage,
            "fields": services.MAPPABLE_FIELDS,
            "mappings": CampaignMapping.objects.filter(workspace=request.workspace).select_related("campaign"),
            "unmapped": sorted(u for u in unmapped if u.lower() not in mapped)[:50],
            "campaigns": Campaign.objects.filter(workspace=request.workspace).order_by("name"),
            "number_styles": DataSource._meta.get_field("number_style").choices,
            "date_orders": DataSource._meta.get_field("date_order").choices,
        },
    )


urlpatterns: list[URLPattern] = [
    path("w/<slug:slug>/analytics/sources/", sources, name="sources"),
]
