"""The performance dashboard: KPI tiles, a table and bar charts by any dimension (the campaign and channel
views are its filters), the daily series beside the previous period with the anomalies marked, and the
table's export as CSV or XLSX."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from alur.analytics import charts, kpis
from alur.analytics.models import AnomalyAlert, DataSource
from alur.analytics.selectors import dashboards as selectors
from alur.analytics.selectors import facts
from alur.analytics.templatetags.analytics import day_span
from alur.analytics.views._shared import _kpi_label, _svg
from alur.core.exports import csv_writer, xlsx_row
from alur.core.policy import Action
from alur.core.tenancy import WorkspaceRequest, can, workspace_view

DIMENSION_LABELS = {
    "channel": gettext_lazy("Channel"),
    "campaign": gettext_lazy("Campaign"),
    "region": gettext_lazy("Region"),
    "device": gettext_lazy("Device"),
    "source": gettext_lazy("Source"),
    "account": gettext_lazy("Account"),
}


def _filters(request: WorkspaceRequest) -> tuple[facts.Filters | None, dict[str, Any]]:
    """The date range (default: the last 28 days of data) and filters from the query string."""
    bounds = facts.data_range(request.workspace.pk)
    if bounds is None:
        return None, {}
    first, last = bounds
    errors = []

    def day(name: str, default: dt.date) -> dt.date:
        text = request.GET.get(name, "")
        if not text:
            return default
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            errors.append(_("Write dates as YYYY-MM-DD."))
            return default

    end = day("end", last)
    start = day("start", max(first, end - dt.timedelta(days=27)))
    if start > end:
        messages.error(request, _("The start date is after the end date; showing the last 28 days instead."))
        end, start = last, max(first, last - dt.timedelta(days=27))
    for message in set(errors):
        messages.error(request, message)
    values: dict[str, Any] = {}
    for name in ("channel", "campaign", "region", "source", "device"):
        if request.GET.get(name):
            values[name] = request.GET[name]
    if request.GET.get("campaign_id", "").isdigit():
        values["campaign_id"] = int(request.GET["campaign_id"])
    return facts.Filters(start=start, end=end, values=values), {"first": first, "last": last}


def _tiles(request: WorkspaceRequest, filters: facts.Filters) -> list[dict[str, Any]]:
    currency = request.workspace.currency
    money_keys = [k for k in selectors.TILE_KPIS if kpis.KPIS[k].uses_money]
    plain_keys = [k for k in selectors.TILE_KPIS if not kpis.KPIS[k].uses_money]
    rows = selectors.kpi_tiles(request.workspace.pk, filters, plain_keys)
    rows += [r for r in selectors.kpi_tiles(request.workspace.pk, filters, money_keys) if r.get("currency") == currency]
    by_key = {r["kpi"]: r for r in rows}
    tiles = []
    for key in selectors.TILE_KPIS:
        row = by_key.get(key, {"current": None, "previous": None, "relative_change": None, "improved": None})
        spec = kpis.KPIS[key]
        tiles.append({**row, "key": key, "spec": spec, "label": _kpi_label(key), "currency": currency if spec.money else ""})
    return tiles


@workspace_view(Action.ANALYTICS_VIEW)
def dashboard(request: WorkspaceRequest) -> HttpResponse:
    with facts.facts_shared():  # the page's queries share one open table of facts
        return _dashboard(request)


def _dashboard(request: WorkspaceRequest) -> HttpResponse:
    filters, bounds = _filters(request)
    context: dict[str, Any] = {"can_import": can(request, Action.ANALYTICS_IMPORT), "has_data": filters is not None}
    if filters is None:
        return render(request, "analytics/dashboard.html", context)
    dimension = request.GET.get("by", "channel")
    if dimension not in selectors.DIMENSIONS:
        dimension = "channel"
    currency = request.workspace.currency
    table = selectors.by_dimension(request.workspace.pk, filters, dimension)
    table = [r for r in table if r.get("currency") in (currency, None)]
    if request.GET.get("export") in ("csv", "xlsx"):
        return _export(request.GET["export"], dimension, table, filters)
    metric = request.GET.get("metric", "ctr")
    if metric not in kpis.KPIS:
        metric = "ctr"
    daily = selectors.series(request.workspace.pk, filters, [metric], grain="day")
    if kpis.KPIS[metric].uses_money:
        daily = [r for r in daily if r.get("currency") == currency]
    previous_start, previous_end = filters.previous
    previous = selectors.series(
        request.workspace.pk, facts.Filters(previous_start, previous_end, filters.values), [metric], grain="day"
    )
    shift = filters.start - previous_start
    compare_rows = [
        {**r, "period": r["period"] + shift}
        for r in previous
        if not kpis.KPIS[metric].uses_money or r.get("currency") == currency
    ]
    alerts = list(
        AnomalyAlert.objects.filter(
            workspace=request.workspace, kpi=metric, day__gte=filters.start, day__lte=filters.end
        ).order_by("-score")[:20]
    )
    markers = [{"period": a.day, metric: a.value, "label": a.dimension_value} for a in alerts if a.dimension == "channel"]
    context.update(
        {
            "filters": filters,
            "bounds": bounds,
            "options": facts.filter_options(request.workspace.pk),
            "tiles": _tiles(request, filters),
            "dimension": dimension,
            "dimension_label": DIMENSION_LABELS[dimension],
            "dimensions": DIMENSION_LABELS,
            "table": table,
            "table_kpis": [(k, _kpi_label(k), kpis.KPIS[k]) for k in selectors.TABLE_KPIS],
            "metric": metric,
            "metric_choices": [
                (k, _kpi_label(k))
                for k in ("ctr", "cpc", "cpa", "spend", "clicks", "conversions", "bounce_rate", "sessions", "roas")
            ],
            "currency": currency,
            "alerts": alerts,
            "chart_spend": _bar(
                table,
                dimension,
                "spend",
                _("Spend per %(dimension)s (%(currency)s)")
                % {"dimension": str(DIMENSION_LABELS[dimension]).lower(), "currency": currency},
                ",.0f",
                _("No spend in this period"),
            ),
            "chart_ctr": _bar(table, dimension, "ctr", _("CTR (%)"), ",.2f", _("No clicks in this period")),
            "chart_cpa": _bar(
                table,
                dimension,
                "cpa",
                _("CPA (%(currency)s)") % {"currency": currency},
                ",.0f",
                _("No conversions in this period"),
            ),
            "chart_series": _svg(
                charts.time_series(
                    daily,
                    y=metric,
                    title=_("%(kpi)s per day") % {"kpi": _kpi_label(metric)},
                    compare_rows=compare_rows,
                    markers=markers,
                    empty_text=_("No data in this period"),
                )
            ),
            "unavailable": kpis.NOT_FROM_FACTS,
            "periods_left_out": _periods_left_out(request, filters),
        }
    )
    return render(request, "analytics/dashboard.html", context)


def _periods_left_out(request: WorkspaceRequest, filters: facts.Filters) -> list[str]:
    """The whole-period imports the daily chart cannot show, for the note beside it: "Google Ads 27 Jan –
    23 Feb 2026 (12 rows)", sources by their names and dates in the reader's language."""
    found = selectors.periods_left_out(request.workspace.pk, filters)
    names = dict(
        DataSource.objects.filter(workspace=request.workspace, key__in={row["source"] for row in found}).values_list(
            "key", "name"
        )
    )
    return [
        ngettext("%(source)s %(days)s (%(count)s row)", "%(source)s %(days)s (%(count)s rows)", row["rows"])
        % {
            "source": names.get(row["source"], row["source"]),
            "days": day_span(row["first"], row["last"]),
            "count": number_format(row["rows"], force_grouping=True),
        }
        for row in found
    ]


def _bar(rows: list[dict[str, Any]], dimension: str, value: str, title: str, fmt: str, empty: str) -> SafeString:
    """A bar per row that has the value (rows without it — no spend, no clicks — are left out)."""
    shown = [r for r in rows if r.get(value) is not None][:12]
    spec = charts.bar_by(
        shown,
        category=dimension,
        value=value,
        title=title,
        value_format=fmt,
        empty_text=empty,
        width=420,
        height=max(120, 30 * len(shown) + 50),
    )
    return _svg(spec)


def _export(kind: str, dimension: str, rows: list[dict[str, Any]], filters: facts.Filters) -> HttpResponse:
    header = [dimension, "currency", *selectors.TABLE_KPIS, "estimated"]
    data = [[row.get(name) for name in header] for row in rows]
    name = f"alur-{dimension}-{filters.start.isoformat()}-{filters.end.isoformat()}"
    if kind == "csv":
        out = io.StringIO()
        writer = csv_writer(out)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in data)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(dimension)
    sheet.append(xlsx_row(sheet, header))
    for row in data:
        sheet.append(xlsx_row(sheet, row))
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


urlpatterns: list[URLPattern] = [
    path("w/<slug:slug>/analytics/", dashboard, name="dashboard"),
]
