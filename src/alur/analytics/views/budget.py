"""The budget dashboard: a month's planned, spent and forecast spend per channel."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from alur.analytics import charts
from alur.analytics.selectors import budget as selectors
from alur.analytics.selectors import facts
from alur.analytics.views._shared import _svg
from alur.core.policy import Action
from alur.core.tenancy import WorkspaceRequest, workspace_view


@workspace_view(Action.ANALYTICS_VIEW)
def budget(request: WorkspaceRequest) -> HttpResponse:
    with facts.facts_shared():  # the page's queries share one open table of facts
        return _budget(request)


def _budget(request: WorkspaceRequest) -> HttpResponse:
    bounds = facts.data_range(request.workspace.pk)
    default = bounds[1] if bounds else dt.date.today()
    try:
        month = dt.date.fromisoformat(request.GET["month"] + "-01") if request.GET.get("month") else default.replace(day=1)
    except ValueError:
        messages.error(request, _("Write the month as YYYY-MM."))
        month = default.replace(day=1)
    overview = selectors.budget_overview(request.workspace, month)
    currency = request.workspace.currency
    chart = charts.planned_vs_actual(
        overview["lines"],
        category="channel",
        forecast="forecast",
        title=_("Planned, spent and forecast per channel (%(currency)s)") % {"currency": currency},
        value_format=",.0f",
        series_labels={"planned": _("Planned"), "actual": _("Spent"), "forecast": _("Forecast")},
        empty_text=_("No budget or spend this month"),
    )
    return render(
        request,
        "analytics/budget.html",
        {
            "overview": overview,
            "currency": currency,
            "chart": _svg(chart),
            "previous": (month - dt.timedelta(days=1)).strftime("%Y-%m"),
            "next": (month + dt.timedelta(days=32)).strftime("%Y-%m"),
        },
    )


urlpatterns: list[URLPattern] = [
    path("w/<slug:slug>/analytics/budget/", budget, name="budget"),
]
