"""The attribution page: every model side by side per channel, over the workspace's journeys or over an
uploaded path file (not stored), with its chart and CSV export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alur.analytics import charts, warehouse
from alur.analytics.attribution import PathFileError
from alur.analytics.selectors import attribution as selectors
from alur.analytics.views._shared import CARD_CHART_WIDTH, _svg
from alur.core.exports import csv_writer
from alur.core.policy import Action
from alur.core.tenancy import WorkspaceRequest, can, workspace_view

ATTRIBUTION_MODEL_LABELS = {
    "first": gettext_lazy("First touch"),
    "last": gettext_lazy("Last touch"),
    "linear": gettext_lazy("Linear"),
    "time_decay": gettext_lazy("Time decay"),
    "position": gettext_lazy("Position-based"),
    "markov": gettext_lazy("Markov chain"),
    "shapley": gettext_lazy("Shapley value"),
}
ATTRIBUTION_MODEL_HELP = {
    "first": gettext_lazy("All the credit goes to the channel that brought the person in first."),
    "last": gettext_lazy("All the credit goes to the last channel before the conversion, as most ad platforms count."),
    "linear": gettext_lazy("Every touch of the journey gets an equal part of the conversion."),
    "time_decay": gettext_lazy("Touches closer to the conversion count more: a touch one half-life earlier counts half as much."),
    "position": gettext_lazy(
        # xgettext:no-python-format
        "The first and the last touch get fixed shares (40% each by default); the touches in between share the rest."
    ),
    "markov": gettext_lazy(
        "Data-driven: how many conversions would be lost if the channel disappeared from every journey (its removal "
        "effect), solved exactly from how people move between channels."
    ),
    "shapley": gettext_lazy(
        "Data-driven: each channel's average extra conversions when it joins the other channels, over every order "
        "in which they could join (game theory)."
    ),
}


def _day_param(data: Any, name: str, errors: dict[str, str]) -> dt.date | None:
    text = (data.get(name) or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors[name] = _("Write the date as YYYY-MM-DD, e.g. 2026-11-01.")
        return None


def _attribution_chart(table: dict[str, Any] | None, measure: str, currency: str) -> SafeString:
    models = table["models"] if table else []
    rows = [
        {"channel": row["channel"], **{m: row["cells"][m][measure] for m in models}}
        for row in (table or {}).get("channels", [])[:10]
    ]
    if measure == "value":
        title = _("Conversion value per channel under each model (%(currency)s)") % {"currency": currency}
    else:
        title = _("Conversions per channel under each model")
    spec = charts.grouped_bars(
        rows,
        category="channel",
        series=[(m, str(ATTRIBUTION_MODEL_LABELS[m])) for m in models],
        title=title,
        value_format=",.0f" if measure == "value" else ",.1f",
        width=CARD_CHART_WIDTH,
        height=320,
        empty_text=_("No conversions to attribute"),
    )
    return _svg(spec)


def _attribution_csv(table: dict[str, Any], name: str) -> HttpResponse:
    models = table["models"]
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(
        ["channel", *(f"{m}_{part}" for m in models for part in ("conversions", "value", "share")), "markov_removal_effect"]
    )
    for row in table["channels"]:
        cells = row["cells"]
        writer.writerow(
            [
                row["channel"],
                *(f"{cells[m][part]:.6f}".rstrip("0").rstrip(".") for m in models for part in ("conversions", "value", "share")),
                "" if row["removal_effect"] is None else f"{row['removal_effect']:.6f}",
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _path_file_table(upload: Any, params: selectors.AttributionParams, sep: str, errors: dict[str, str]) -> dict[str, Any] | None:
    """Every model over an uploaded path file (nothing is kept)."""
    if upload.size == 0:
        errors["file"] = _("The file is empty. Export the paths again and upload the downloaded file.")
        return None
    if upload.size > selectors.PATH_FILE_MAX_BYTES:
        errors["file"] = _("The file is larger than %(limit)s MB.") % {"limit": selectors.PATH_FILE_MAX_BYTES // 1024**2}
        return None
    try:
        return selectors.attribution_of_upload(upload.chunks(), params=params, sep=sep)
    except PathFileError as error:
        errors["file"] = _(error.template) % error.params if error.params else _(error.template)
    return None


@workspace_view(Action.ANALYTICS_VIEW)
def attribution(request: WorkspaceRequest) -> HttpResponse:
    """All attribution models side by side: over the workspace's journeys (GET, with the period, a campaign
    and the models' parameters from the query string), or over an uploaded path file (POST; not stored)."""
    data = request.POST if request.method == "POST" else request.GET
    params, errors = selectors.attribution_params(data)
    measure = "value" if data.get("measure") == "value" else "conversions"
    overview = selectors.journey_overview(request.workspace.pk)
    bounds, journey_campaigns = overview if overview else (None, [])
    context: dict[str, Any] = {
        "params": params,
        "param_text": {name: f"{value:g}" for name, value in params.as_kwargs().items()},
        "errors": errors,
        "measure": measure,
        "bounds": bounds,
        "currency": request.workspace.currency,
        "labels": ATTRIBUTION_MODEL_LABELS,
        "explanations": [(ATTRIBUTION_MODEL_LABELS[m], ATTRIBUTION_MODEL_HELP[m]) for m in selectors.ATTRIBUTION_MODELS],
        "can_import": can(request, Action.ANALYTICS_IMPORT),
        "sep": data.get("sep") or ">",
        "file_name": "",
        "raw": data,
    }
    table: dict[str, Any] | None = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        sep = (data.get("sep") or ">").strip() or ">"
        if len(sep) > 5:
            errors["sep"] = _("The separator between channels is at most 5 characters, e.g. >.")
        elif upload is None:
            errors["file"] = _("Choose a path file (CSV with path, total_conversions and total_null columns).")
        else:
            table = _path_file_table(upload, params, sep, errors)
            context["file_name"] = upload.name or ""
        if table is not None and data.get("export") == "csv":
            return _attribution_csv(table, "alur-attribution-paths")
        context.update({"mode": "file", "table": table})
    else:
        start = _day_param(data, "start", errors)
        end = _day_param(data, "end", errors)
        if start and end and start > end:
            errors["end"] = _("The end date is before the start date.")
            start = end = None
        campaign = (data.get("campaign") or "").strip() or None
        if bounds is not None:
            try:
                table = selectors.attribution_compare(request.workspace, start=start, end=end, params=params, campaign=campaign)
            except warehouse.WarehouseBusy:
                messages.error(request, _("The data is being imported right now; try again in a minute."))
            if table is not None and data.get("export") == "csv":
                return _attribution_csv(table, f"alur-attribution-{request.workspace.slug}")
        context.update(
            {
                "mode": "journeys",
                "table": table,
                "start": start or (bounds[0] if bounds else None),
                "end": end or (bounds[1] if bounds else None),
                "campaign": campaign or "",
                "campaigns": journey_campaigns,
            }
        )
    context["chart"] = _attribution_chart(table, measure, request.workspace.currency) if table else None
    if table is not None:
        top_effect = max((row["removal_effect"] or 0.0 for row in table["channels"]), default=0.0) or 1.0
        context["rows"] = [
            {
                "channel": row["channel"],
                "cells": [
                    {"model": m, **row["cells"][m], "share_percent": row["cells"][m]["share"] * 100} for m in table["models"]
                ],
                "removal_effect": row["removal_effect"],
                "removal_percent": (row["removal_effect"] or 0.0) * 100,
                "removal_bar": (row["removal_effect"] or 0.0) / top_effect * 100,
            }
            for row in table["channels"]
        ]
        context["models"] = [(m, ATTRIBUTION_MODEL_LABELS[m]) for m in table["models"]]
    return render(request, "analytics/attribution.html", context)


urlpatterns: list[URLPattern] = [
    path("w/<slug:slug>/analytics/attribution/", attribution, name="attribution"),
]
