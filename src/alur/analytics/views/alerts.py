"""The alerts page: anomaly alerts as sentences, their acknowledgement, and the alert settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from alur.analytics.models import AnalyticsSettings, AnomalyAlert
from alur.analytics.selectors import alerts as selectors
from alur.analytics.services import alerts as services
from alur.analytics.views._shared import _errors
from alur.core.policy import Action
from alur.core.tenancy import WorkspaceRequest, can, request_user, workspace_view


@workspace_view(Action.ANALYTICS_VIEW)
def alerts(request: WorkspaceRequest) -> HttpResponse:
    config, _created = AnalyticsSettings.objects.get_or_create(workspace=request.workspace)
    can_manage = can(request, Action.ANALYTICS_IMPORT)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "ack":
                alert = get_object_or_404(AnomalyAlert, pk=request.POST.get("alert"), workspace=request.workspace)
                services.alert_acknowledge(actor=request_user(request), alert=alert)
            elif request.POST.get("form") == "settings":
                if not can_manage:
                    raise PermissionDenied(_("Your role cannot change alert settings."))
                services.analytics_settings_save(
                    actor=request_user(request),
                    workspace=request.workspace,
                    alert_email=bool(request.POST.get("alert_email")),
                    alert_webhook_url=request.POST.get("alert_webhook_url", "").strip(),
                    alert_webhook_secret=request.POST.get("alert_webhook_secret", "").strip() or config.alert_webhook_secret,
                    anomaly_threshold=float(request.POST.get("anomaly_threshold") or 3.5),
                )
                messages.success(request, _("Alert settings saved."))
            return redirect("analytics:alerts", slug=request.workspace.slug)
        except ValueError:
            messages.error(request, _("The threshold is a number such as 3.5."))
        except ValidationError as error:
            _errors(request, error)
    items = list(AnomalyAlert.objects.filter(workspace=request.workspace)[:200])
    for item in items:
        item.sentence = selectors.alert_sentence(item)  # type: ignore[attr-defined]
    return render(request, "analytics/alerts.html", {"alerts": items, "config": config, "can_manage": can_manage})


urlpatterns: list[URLPattern] = [
    path("w/<slug:slug>/analytics/alerts/", alerts, name="alerts"),
]
