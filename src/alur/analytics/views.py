"""Pages of analytics: the performance dashboard (campaign and channel views through its filters), imports
with their progress and reports, sources and campaign mappings, key results linked to metrics (the OKR
dashboard with the "KPI achieved?" diagnosis), the budget dashboard, and anomaly alerts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alur.analytics import charts, kpis, warehouse
from alur.analytics.models import (
    AnalyticsSettings,
    AnomalyAlert,
    DataSource,
    Experiment,
    ExperimentVariant,
    Import,
    KeyResultMetric,
    SourceFormat,
)
from alur.analytics.selectors import (
    alerts as alerts_selectors,
)
from alur.analytics.selectors import (
    attribution as attribution_selectors,
)
from alur.analytics.selectors import (
    budget as budget_selectors,
)
from alur.analytics.selectors import (
    dashboards,
    facts,
)
from alur.analytics.selectors import (
    experiments as experiments_selectors,
)
from alur.analytics.selectors import imports as receipts
from alur.analytics.selectors import (
    keyresults as keyresults_selectors,
)
from alur.analytics.services import alerts as alert_services
from alur.analytics.services import experiments as experiment_services
from alur.analytics.services import imports as import_services
from alur.analytics.services import keyresults as keyresult_services
from alur.analytics.services import sources as source_services
from alur.analytics.templatetags.analytics import day_span
from alur.core.policy import Action
from alur.core.tenancy import WorkspaceRequest, can, request_user, workspace_view

#: Charts that fill a card across the main column (about 980 px at 1280 px): drawn at that width, their
#: text keeps the size of the page's instead of being scaled up.
CARD_CHART_WIDTH = 980

DIMENSION_LABELS = {
    "channel": gettext_lazy("Channel"),
    "campaign": gettext_lazy("Campaign"),
    "region": gettext_lazy("Region"),
    "device": gettext_lazy("Device"),
    "source": gettext_lazy("Source"),
    "account": gettext_lazy("Account"),
}


def _errors(request: WorkspaceRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _locale() -> charts.Locale:
    return "id" if (get_language() or "id").startswith("id") else "en"


def _svg(spec: dict[str, Any]) -> SafeString:
    # vl-convert escapes every text it draws (tested in tests/analytics/test_charts.py).
    return mark_safe(charts.render_svg(spec, locale=_locale()))  # noqa: S308


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


def _kpi_label(key: str) -> str:
    return _(kpis.KPIS[key].label)


def _tiles(request: WorkspaceRequest, filters: facts.Filters) -> list[dict[str, Any]]:
    currency = request.workspace.currency
    money_keys = [k for k in dashboards.TILE_KPIS if kpis.KPIS[k].uses_money]
    plain_keys = [k for k in dashboards.TILE_KPIS if not kpis.KPIS[k].uses_money]
    rows = dashboards.kpi_tiles(request.workspace.pk, filters, plain_keys)
    rows += [r for r in dashboards.kpi_tiles(request.workspace.pk, filters, money_keys) if r.get("currency") == currency]
    by_key = {r["kpi"]: r for r in rows}
    tiles = []
    for key in dashboards.TILE_KPIS:
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
    if dimension not in dashboards.DIMENSIONS:
        dimension = "channel"
    currency = request.workspace.currency
    table = dashboards.by_dimension(request.workspace.pk, filters, dimension)
    table = [r for r in table if r.get("currency") in (currency, None)]
    if request.GET.get("export") in ("csv", "xlsx"):
        return _export(request.GET["export"], dimension, table, filters)
    metric = request.GET.get("metric", "ctr")
    if metric not in kpis.KPIS:
        metric = "ctr"
    daily = dashboards.series(request.workspace.pk, filters, [metric], grain="day")
    if kpis.KPIS[metric].uses_money:
        daily = [r for r in daily if r.get("currency") == currency]
    previous_start, previous_end = filters.previous
    previous = dashboards.series(
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
            "table_kpis": [(k, _kpi_label(k), kpis.KPIS[k]) for k in dashboards.TABLE_KPIS],
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
    found = dashboards.periods_left_out(request.workspace.pk, filters)
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
    header = [dimension, "currency", *dashboards.TABLE_KPIS, "estimated"]
    data = [[row.get(name) for name in header] for row in rows]
    name = f"alur-{dimension}-{filters.start.isoformat()}-{filters.end.isoformat()}"
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in data)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(dimension)
    sheet.append(header)
    for row in data:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# ------------------------------------------------------------------------------------------------ imports


@workspace_view(Action.ANALYTICS_VIEW)
def imports(request: WorkspaceRequest) -> HttpResponse:
    sources = source_services.sources_ensure(request.workspace)
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
                imp = import_services.import_start(
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
        "problems": receipts.problems(imp),
        "warnings": receipts.warnings(imp),
        "totals": receipts.totals_side_by_side(imp),
        "unmapped": receipts.unmapped_campaigns(imp),
    }
    return render(request, template, context)


@require_POST
@workspace_view(Action.ANALYTICS_IMPORT)
def import_retry(request: WorkspaceRequest, import_id: int) -> HttpResponse:
    imp = get_object_or_404(Import, pk=import_id, workspace=request.workspace)
    try:
        import_services.import_retry(actor=request_user(request), imp=imp)
    except ValidationError as error:
        _errors(request, error)
    return redirect("analytics:import_detail", slug=request.workspace.slug, import_id=imp.pk)


# ------------------------------------------------------------------------------------------------ sources


@workspace_view(Action.ANALYTICS_VIEW)
def sources(request: WorkspaceRequest) -> HttpResponse:
    from alur.campaigns.models import Campaign

    all_sources = source_services.sources_ensure(request.workspace)
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
                source_services.campaign_mapping_set(
                    actor=request_user(request),
                    workspace=request.workspace,
                    platform_campaign=request.POST.get("platform_campaign", ""),
                    campaign=campaign,
                )
                messages.success(request, _("Campaign mapping saved; imported data follows it."))
            else:
                existing = next((s for s in all_sources if str(s.pk) == request.POST.get("source_id")), None)
                mapping = {f: request.POST.get(f"map_{f}", "") for f in source_services.MAPPABLE_FIELDS}
                source_services.source_save(
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
    from alur.analytics.models import CampaignMapping

    mapped = {m.platform_campaign.lower() for m in CampaignMapping.objects.filter(workspace=request.workspace)}
    return render(
        request,
        "analytics/sources.html",
        {
            "sources": all_sources,
            "can_manage": can_manage,
            "fields": source_services.MAPPABLE_FIELDS,
            "mappings": CampaignMapping.objects.filter(workspace=request.workspace).select_related("campaign"),
            "unmapped": sorted(u for u in unmapped if u.lower() not in mapped)[:50],
            "campaigns": Campaign.objects.filter(workspace=request.workspace).order_by("name"),
            "number_styles": DataSource._meta.get_field("number_style").choices,
            "date_orders": DataSource._meta.get_field("date_order").choices,
        },
    )


# ----------------------------------------------------------------------------------------- OKR dashboard


@workspace_view(Action.ANALYTICS_VIEW)
def okr(request: WorkspaceRequest) -> HttpResponse:
    with facts.facts_shared():  # the page's queries share one open table of facts
        return _okr(request)


def _okr(request: WorkspaceRequest) -> HttpResponse:
    from alur.campaigns.models import Campaign
    from alur.strategy.models import KeyResult

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
                keyresult_services.diagnosis_record(
                    actor=request_user(request),
                    campaign=campaign,
                    problem=request.POST.get("problem", ""),
                    optimisation=request.POST.get("optimisation", ""),
                )
                messages.success(request, _("Recorded in the campaign's Optimization stage."))
            else:
                filters = {name: request.POST.get(name, "") for name in ("channel", "campaign", "region", "source", "device")}
                keyresult_services.key_result_link(
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
                diagnosis = keyresults_selectors.diagnosis(request.workspace, link, conversions=conversions, memo=memo)
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


# ------------------------------------------------------------------------------------------------ budget


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
    overview = budget_selectors.budget_overview(request.workspace, month)
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


# ------------------------------------------------------------------------------------------------ alerts


@workspace_view(Action.ANALYTICS_VIEW)
def alerts(request: WorkspaceRequest) -> HttpResponse:
    config, _created = AnalyticsSettings.objects.get_or_create(workspace=request.workspace)
    can_manage = can(request, Action.ANALYTICS_IMPORT)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "ack":
                alert = get_object_or_404(AnomalyAlert, pk=request.POST.get("alert"), workspace=request.workspace)
                alert_services.alert_acknowledge(actor=request_user(request), alert=alert)
            elif request.POST.get("form") == "settings":
                if not can_manage:
                    raise PermissionDenied(_("Your role cannot change alert settings."))
                alert_services.analytics_settings_save(
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
        item.sentence = alerts_selectors.alert_sentence(item)  # type: ignore[attr-defined]
    return render(request, "analytics/alerts.html", {"alerts": items, "config": config, "can_manage": can_manage})


urlpatterns: list[URLPattern] = [
    path("w/<slug:slug>/analytics/", dashboard, name="dashboard"),
    path("w/<slug:slug>/analytics/imports/", imports, name="imports"),
    path("w/<slug:slug>/analytics/imports/<int:import_id>/", import_detail, name="import_detail"),
    path("w/<slug:slug>/analytics/imports/<int:import_id>/retry/", import_retry, name="import_retry"),
    path("w/<slug:slug>/analytics/sources/", sources, name="sources"),
    path("w/<slug:slug>/analytics/okr/", okr, name="okr"),
    path("w/<slug:slug>/analytics/budget/", budget, name="budget"),
    path("w/<slug:slug>/analytics/alerts/", alerts, name="alerts"),
]


# ------------------------------------------------------------------------------------------- attribution

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
    writer = csv.writer(out)
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


def _path_file_table(
    upload: Any, params: attribution_selectors.AttributionParams, sep: str, errors: dict[str, str]
) -> dict[str, Any] | None:
    """Every model over an uploaded path file (nothing is kept)."""
    from alur.analytics import attribution

    if upload.size == 0:
        errors["file"] = _("The file is empty. Export the paths again and upload the downloaded file.")
        return None
    if upload.size > attribution_selectors.PATH_FILE_MAX_BYTES:
        errors["file"] = _("The file is larger than %(limit)s MB.") % {
            "limit": attribution_selectors.PATH_FILE_MAX_BYTES // 1024**2
        }
        return None
    try:
        return attribution_selectors.attribution_of_upload(upload.chunks(), params=params, sep=sep)
    except attribution.PathFileError as error:
        errors["file"] = _(error.template) % error.params if error.params else _(error.template)
    return None


@workspace_view(Action.ANALYTICS_VIEW)
def attribution(request: WorkspaceRequest) -> HttpResponse:
    """All attribution models side by side: over the workspace's journeys (GET, with the period, a campaign
    and the models' parameters from the query string), or over an uploaded path file (POST; not stored)."""
    data = request.POST if request.method == "POST" else request.GET
    params, errors = attribution_selectors.attribution_params(data)
    measure = "value" if data.get("measure") == "value" else "conversions"
    overview = attribution_selectors.journey_overview(request.workspace.pk)
    bounds, journey_campaigns = overview if overview else (None, [])
    context: dict[str, Any] = {
        "params": params,
        "param_text": {name: f"{value:g}" for name, value in params.as_kwargs().items()},
        "errors": errors,
        "measure": measure,
        "bounds": bounds,
        "currency": request.workspace.currency,
        "labels": ATTRIBUTION_MODEL_LABELS,
        "explanations": [
            (ATTRIBUTION_MODEL_LABELS[m], ATTRIBUTION_MODEL_HELP[m]) for m in attribution_selectors.ATTRIBUTION_MODELS
        ],
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
                table = attribution_selectors.attribution_compare(
                    request.workspace, start=start, end=end, params=params, campaign=campaign
                )
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


urlpatterns += [
    path("w/<slug:slug>/analytics/attribution/", attribution, name="attribution"),
]


# ------------------------------------------------------------------------------------------- experiments

PLAN_FIELDS = ("mde", "alpha", "power", "baseline_rate", "baseline_mean", "baseline_std", "daily_visitors")
FORM_VARIANT_ROWS = 4


def _percent(value: float | None, places: int = 1, *, signed: bool = False) -> str:
    if value is None:
        return "—"
    text = number_format(round(value * 100, places), places)  # number_format cuts digits off; round first
    return ("+" + text if signed and value > 0 else text) + "%"


def _bounded_percent(value: float | None) -> str:
    """A probability to one decimal, never shown as a certain 0% or 100%."""
    if value is not None and value > 0.999:
        return "> " + _percent(0.999, 1)
    if value is not None and value < 0.001:
        return "< " + _percent(0.001, 1)
    return _percent(value, 1)


def _number(value: float | None, places: int = 2) -> str:
    return "—" if value is None else number_format(round(value, places), places, force_grouping=True)


def _field_errors(error: ValidationError) -> dict[str, Any]:
    """A service's errors by field; errors not tied to a field go under ``form``."""
    if not hasattr(error, "error_dict"):
        return {"form": error.messages}
    return {("form" if key == "__all__" else key): value for key, value in error.message_dict.items()}


def _experiment_or_404(request: WorkspaceRequest, experiment_id: int) -> Experiment:
    return get_object_or_404(
        Experiment.objects.select_related("campaign", "owner").prefetch_related("variants"),
        pk=experiment_id,
        workspace=request.workspace,
    )


def _form_values(request: WorkspaceRequest) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The experiment form's fields and its variant rows (empty rows are skipped by the service)."""
    values = {name: request.POST.get(name, "") for name in experiment_services.EXPERIMENT_FIELDS}
    names = request.POST.getlist("variant_name")
    shares = request.POST.getlist("variant_share")
    data = request.POST.getlist("variant_data")
    variants = [
        {"name": n, "traffic_share": s, "data_value": d}
        for n, s, d in zip(names, shares + [""] * len(names), data + [""] * len(names), strict=False)
    ]
    return values, variants


def _plan_text(experiment: Experiment) -> dict[str, str]:
    """A saved plan written back into the form: rates and relative effects as percentages."""
    as_percent = experiment.metric == "conversion" or experiment.mde_relative
    return {
        "mde": f"{experiment.mde * 100:g}%" if as_percent else f"{experiment.mde:g}",
        "alpha": f"{experiment.alpha:g}",
        "power": f"{experiment.power:g}",
        "baseline_rate": "" if experiment.baseline_rate is None else f"{experiment.baseline_rate * 100:g}%",
        "baseline_mean": "" if experiment.baseline_mean is None else f"{experiment.baseline_mean:g}",
        "baseline_std": "" if experiment.baseline_std is None else f"{experiment.baseline_std:g}",
        "daily_visitors": "" if experiment.daily_visitors is None else f"{experiment.daily_visitors:g}",
    }


def _form_context(
    request: WorkspaceRequest, values: dict[str, Any], variants: list[dict[str, Any]], errors: dict[str, Any]
) -> dict[str, Any]:
    from alur.accounts.models import Membership
    from alur.campaigns.models import Campaign

    rows = list(variants) + [{"name": "", "traffic_share": "", "data_value": ""}] * max(0, FORM_VARIANT_ROWS - len(variants))
    return {
        "values": values,
        "variant_rows": rows,
        "errors": {k: (v if isinstance(v, str) else " ".join(v)) for k, v in errors.items()},
        "metrics": Experiment.Metric.choices,
        "pull_dimensions": Experiment.PullDimension.choices,
        "pull_visitors": Experiment.PullVisitors.choices,
        "campaigns": Campaign.objects.filter(workspace=request.workspace).order_by("name"),
        "members": Membership.objects.filter(workspace=request.workspace).select_related("user").order_by("user__full_name"),
        "plan": _plan_preview(values, variants),
    }


def _plan_preview(values: dict[str, Any], variants: list[dict[str, Any]]) -> dict[str, Any]:
    """The sample size and duration for the form's current numbers (unreadable numbers: no plan yet)."""
    numbers: dict[str, float | None] = {}
    for name in PLAN_FIELDS:
        try:
            numbers[name] = experiment_services.read_number(values.get(name))
        except ValueError:
            numbers[name] = None
    shares: list[float] = []
    named = [v for v in variants if str(v.get("name") or "").strip()]
    for variant in named:
        try:
            share = experiment_services.read_number(variant.get("traffic_share"))
        except ValueError:
            share = None
        if share is not None and str(variant.get("traffic_share") or "").strip().endswith("%"):
            share *= 100
        shares.append(share or 0.0)
    if not any(shares):
        shares = [1.0] * max(2, len(named))
    if any(s <= 0 for s in shares):
        shares = [1.0] * len(shares)
    is_relative = str(values.get("mde_relative", "")).lower() in ("1", "on", "true", "yes")
    plan = experiments_selectors.experiment_plan_for(
        metric=str(values.get("metric") or "conversion"),
        mde=numbers["mde"],
        mde_relative=is_relative,
        alpha=numbers["alpha"] if numbers["alpha"] is not None else 0.05,
        power=numbers["power"] if numbers["power"] is not None else 0.8,
        baseline_rate=numbers["baseline_rate"],
        baseline_mean=numbers["baseline_mean"],
        baseline_std=numbers["baseline_std"],
        daily_visitors=numbers["daily_visitors"],
        shares=shares,
    )
    return {"plan": plan, "variants": len(shares)}


@workspace_view(Action.ANALYTICS_VIEW)
def experiments(request: WorkspaceRequest) -> HttpResponse:
    items = list(
        Experiment.objects.filter(workspace=request.workspace).select_related("owner", "campaign").prefetch_related("variants")
    )
    return render(
        request,
        "analytics/experiments.html",
        {"experiments": items, "can_manage": can(request, Action.EXPERIMENT_MANAGE)},
    )


@workspace_view(Action.EXPERIMENT_MANAGE)
def experiment_new(request: WorkspaceRequest) -> HttpResponse:
    errors: dict[str, Any] = {}
    if request.method == "POST":
        values, variants = _form_values(request)
        try:
            experiment = experiment_services.experiment_create(
                actor=request_user(request), workspace=request.workspace, values=values, variants=variants
            )
        except ValidationError as error:
            errors = _field_errors(error)
        else:
            messages.success(request, _("Experiment saved as a draft. Start it when the variants go live."))
            return redirect("analytics:experiment_detail", slug=request.workspace.slug, experiment_id=experiment.pk)
    else:
        values = {"metric": "conversion", "alpha": "0.05", "power": "0.8", "owner": str(request_user(request).pk),
                  "pull_dimension": "ad", "pull_visitors": "clicks"}  # fmt: skip
        variants = [
            {"name": _("Control"), "traffic_share": "50", "data_value": ""},
            {"name": "B", "traffic_share": "50", "data_value": ""},
        ]
    context = _form_context(request, values, variants, errors)
    context["experiment"] = None
    return render(request, "analytics/experiment_form.html", context, status=200)


@workspace_view(Action.EXPERIMENT_MANAGE)
def experiment_edit(request: WorkspaceRequest, experiment_id: int) -> HttpResponse:
    experiment = _experiment_or_404(request, experiment_id)
    errors: dict[str, Any] = {}
    if request.method == "POST":
        values, variants = _form_values(request)
        try:
            experiment_services.experiment_update(
                actor=request_user(request), experiment=experiment, values=values, variants=variants
            )
        except ValidationError as error:
            errors = _field_errors(error)
        else:
            messages.success(request, _("Experiment saved."))
            return redirect("analytics:experiment_detail", slug=request.workspace.slug, experiment_id=experiment.pk)
    else:
        values = {
            "name": experiment.name, "hypothesis": experiment.hypothesis, "campaign": str(experiment.campaign_id or ""),
            "metric": experiment.metric, "metric_name": experiment.metric_name, "guardrails": "\n".join(experiment.guardrails),
            "mde_relative": "on" if experiment.mde_relative else "", "is_sequential": "on" if experiment.is_sequential else "",
            "pull_dimension": experiment.pull_dimension, "pull_visitors": experiment.pull_visitors,
            "owner": str(experiment.owner_id), **_plan_text(experiment),
        }  # fmt: skip
        variants = [
            {"name": v.name, "traffic_share": f"{v.traffic_share:g}", "data_value": v.data_value}
            for v in experiment.variants.all()
        ]
    context = _form_context(request, values, variants, errors)
    context["experiment"] = experiment
    return render(request, "analytics/experiment_form.html", context)


@workspace_view(Action.ANALYTICS_VIEW)
def experiment_plan_preview(request: WorkspaceRequest) -> HttpResponse:
    """The htmx preview under the form: sample size and duration as the person types."""
    values = {name: request.GET.get(name, "") for name in (*PLAN_FIELDS, "metric", "mde_relative")}
    names, shares = request.GET.getlist("variant_name"), request.GET.getlist("variant_share")
    variants = [{"name": n, "traffic_share": s} for n, s in zip(names, shares + [""] * len(names), strict=False)]
    return render(request, "analytics/_experiment_plan.html", {"plan": _plan_preview(values, variants)})


def _result_rows(experiment: Experiment, variants: list[ExperimentVariant], analysis: Any) -> list[dict[str, Any]]:
    """The variants table: counts, the rate (or mean), and for each non-control variant its comparison."""
    by_name = {r.variant: r for r in analysis.results} if analysis else {}
    is_mean = experiment.metric == "mean"
    rows = []
    for variant in variants:
        estimate = None
        if variant.visitors:
            estimate = (variant.value_sum or 0.0) / variant.visitors if is_mean else variant.conversions / variant.visitors
        result = by_name.get(variant.name)
        row: dict[str, Any] = {
            "variant": variant,
            "visitors": _number(variant.visitors, 0),
            "conversions": _number(variant.conversions, 0 if float(variant.conversions).is_integer() else 2),
            "estimate": _number(estimate) if is_mean else _percent(estimate, 2),
            "result": result,
        }
        if result is not None:
            row.update(
                lift_rel=_percent(result.lift_rel, 1, signed=True),
                lift_abs=_number(result.lift_abs)
                if is_mean
                else _("%(points)s points") % {"points": _percent(result.lift_abs, 2, signed=True).rstrip("%")},
                ci_rel=f"{_percent(result.ci_rel_low, 1, signed=True)} … {_percent(result.ci_rel_high, 1, signed=True)}",
                p_value=_number(result.p_value_adjusted if result.p_value_adjusted is not None else result.p_value, 4),
                prob_beat=_bounded_percent(result.prob_beat_control),
                expected_loss=_number(result.expected_loss, 4) if is_mean else _percent(result.expected_loss, 3),
            )
        rows.append(row)
    return rows


def _lift_chart(experiment: Experiment, analysis: Any) -> SafeString:
    rows = [
        {"variant": r.variant, "lift": r.lift_rel, "low": r.ci_rel_low, "high": r.ci_rel_high}
        for r in (analysis.results if analysis else [])
    ]
    title = (
        _("Lift over the control with its always-valid interval")
        if experiment.is_sequential
        else _("Lift over the control with its %(level)s%% confidence interval") % {"level": f"{(1 - experiment.alpha) * 100:g}"}
    )
    return _svg(
        charts.lift_intervals(
            rows, label="variant", lift="lift", low="low", high="high", title=title,
            empty_text=_("Type the counts to see the intervals"), value_title=_("Relative lift"), width=CARD_CHART_WIDTH,
        )
    )  # fmt: skip


def _experiment_checks(experiment: Experiment, found: dict[str, Any], progress_percent: int) -> list[dict[str, Any]]:
    """The checks a reader runs before trusting a verdict, each with its outcome (True passed, False failed,
    None not yet): the traffic split, the planned sample, the guardrails, and how the numbers were
    adjusted (Holm for several variants, CUPED with a pre-period covariate)."""
    analysis = found["analysis"]
    if analysis is None:
        return []
    checks: list[dict[str, Any]] = []
    p = _number(analysis.srm_p_value, 4)
    if analysis.srm_warning:
        checks.append({"ok": False, "text": _("Traffic split: does not match the plan (p = %(p)s)") % {"p": p}})
    else:
        checks.append({"ok": True, "text": _("Traffic split: as planned (p = %(p)s)") % {"p": p}})
    if experiment.is_sequential:
        checks.append({"ok": True, "text": _("Sample: sequential test, readable at any time")})
    elif found["plan"].per_variant:
        done = progress_percent >= 100
        checks.append(
            {"ok": True if done else None, "text": _("Sample: %(percent)s%% of the plan") % {"percent": progress_percent}}
        )
    else:
        checks.append({"ok": None, "text": _("Sample: the plan has no sample size")})
    if not experiment.guardrails:
        checks.append({"ok": None, "text": _("Guardrails: none set")})
    else:
        breached = [g["name"] for g in found["guardrails"] if g["breached"]]
        if breached:
            checks.append({"ok": False, "text": _("Guardrails: worse on %(names)s") % {"names": ", ".join(breached)}})
        elif found["guardrails"]:
            checks.append({"ok": True, "text": _("Guardrails: no significant rise")})
        else:
            checks.append({"ok": None, "text": _("Guardrails: no counts yet")})
    if len(analysis.results) > 1:
        checks.append({"ok": True, "text": _("p-values Holm-adjusted for %(n)s variants") % {"n": len(analysis.results)}})
    if analysis.cuped_theta is not None:
        checks.append({"ok": True, "text": _("CUPED: adjusted with the pre-period covariate")})
    return checks


def _counts_posted(request: WorkspaceRequest, experiment: Experiment, variants: list[ExperimentVariant]) -> list[dict[str, Any]]:
    return [
        {
            "variant": v.name,
            "visitors": request.POST.get(f"{v.pk}-visitors", ""),
            "conversions": request.POST.get(f"{v.pk}-conversions", ""),
            "value_sum": request.POST.get(f"{v.pk}-value_sum", ""),
            "value_sum_sq": request.POST.get(f"{v.pk}-value_sum_sq", ""),
            "guardrails": {g: request.POST.get(f"{v.pk}-guardrail-{g}", "") for g in experiment.guardrails},
        }
        for v in variants
    ]


def _counts_initial(experiment: Experiment, variants: list[ExperimentVariant]) -> dict[str, str]:
    values: dict[str, str] = {}
    for v in variants:
        values[f"{v.pk}-visitors"] = str(v.visitors) if v.visitors else ""
        values[f"{v.pk}-conversions"] = f"{v.conversions:g}" if v.visitors else ""
        values[f"{v.pk}-value_sum"] = "" if v.value_sum is None else f"{v.value_sum:g}"
        values[f"{v.pk}-value_sum_sq"] = "" if v.value_sum_sq is None else f"{v.value_sum_sq:g}"
        for g in experiment.guardrails:
            count = (v.guardrail_counts or {}).get(g)
            values[f"{v.pk}-guardrail-{g}"] = "" if count is None else f"{count:g}"
    return values


@workspace_view(Action.ANALYTICS_VIEW)
def experiment_detail(request: WorkspaceRequest, experiment_id: int) -> HttpResponse:
    experiment = _experiment_or_404(request, experiment_id)
    variants = list(experiment.variants.all())
    errors: dict[str, Any] = {}
    counts_values = _counts_initial(experiment, variants)
    if request.method == "POST":
        if not can(request, Action.EXPERIMENT_MANAGE, experiment):
            raise PermissionDenied(_("Your role cannot change experiments."))
        actor, form = request_user(request), request.POST.get("form", "")
        try:
            if form == "counts":
                counts_values = {k: str(v) for k, v in request.POST.items() if k[:1].isdigit()}
                experiment_services.experiment_counts_record(
                    actor=actor, experiment=experiment, rows=_counts_posted(request, experiment, variants)
                )
                messages.success(request, _("Counts saved."))
            elif form == "csv":
                upload = request.FILES.get("counts_file")
                if upload is None:
                    raise ValidationError({"file": _("Choose a CSV file with the columns variant, visitors, conversions.")})
                try:
                    text = upload.read(2 * 1024**2 + 1).decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise ValidationError(
                        {"file": _("The file is not UTF-8 text; save it as CSV (UTF-8) and upload it again.")}
                    ) from None
                experiment_services.experiment_counts_import(actor=actor, experiment=experiment, text=text)
                messages.success(request, _("Counts imported from %(file)s.") % {"file": upload.name})
            elif form == "pull":
                if experiment_services.experiment_counts_pull(actor=actor, experiment=experiment):
                    messages.success(
                        request,
                        _(
                            "Counts pulled from the imported data. They are estimates: a report for a whole period "
                            "that reaches beyond the experiment's dates counts by its days within them."
                        ),
                    )
                else:
                    messages.success(request, _("Counts pulled from the imported data."))
            elif form == "start":
                experiment_services.experiment_start(actor=actor, experiment=experiment)
                messages.success(request, _("Experiment started; variants and traffic shares are now fixed."))
            elif form == "stop":
                experiment_services.experiment_stop(actor=actor, experiment=experiment)
                messages.success(request, _("Experiment stopped."))
            elif form == "conclude":
                experiment_services.experiment_conclude(
                    actor=actor, experiment=experiment, decision=request.POST.get("decision", "")
                )
                messages.success(request, _("Experiment concluded; the decision is recorded."))
            else:
                raise Http404
            return redirect("analytics:experiment_detail", slug=request.workspace.slug, experiment_id=experiment.pk)
        except ValidationError as error:
            errors = _field_errors(error)
            experiment = _experiment_or_404(request, experiment_id)  # nothing was written: show what is stored
            variants = list(experiment.variants.all())
    found = experiments_selectors.experiment_analysis(experiment)
    analysis, plan = found["analysis"], found["plan"]
    guardrails = [
        {
            "name": g["name"],
            "breached": g["breached"],
            "control_rate": _percent(g["control_rate"], 2),
            "rows": [
                {"variant": r.variant, "rate": _percent(r.rate, 2), "lift": _percent(r.lift_rel, 1, signed=True),
                 "p_value": _number(r.p_value, 4), "breached": r.variant in g["breached"]}
                for r in g["results"]
            ],
        }
        for g in found["guardrails"]
    ]  # fmt: skip
    progress_percent = round((found["progress"] or 0) * 100)
    return render(
        request,
        "analytics/experiment_detail.html",
        {
            "experiment": experiment,
            "variants": variants,
            "rows": _result_rows(experiment, variants, analysis),
            "analysis": analysis,
            "found": found,
            "plan": plan,
            "progress_percent": progress_percent,
            "checks": _experiment_checks(experiment, found, progress_percent),
            "guardrails": guardrails,
            "chart": _lift_chart(experiment, analysis),
            "can_manage": can(request, Action.EXPERIMENT_MANAGE, experiment),
            "errors": {k: " ".join(v) if isinstance(v, list) else v for k, v in errors.items()},
            "counts_values": counts_values,
            "srm_p": _number(analysis.srm_p_value, 4) if analysis else "",
            "is_mean": experiment.metric == "mean",
        },
    )


urlpatterns += [
    path("w/<slug:slug>/analytics/experiments/", experiments, name="experiments"),
    path("w/<slug:slug>/analytics/experiments/new/", experiment_new, name="experiment_new"),
    path("w/<slug:slug>/analytics/experiments/plan/", experiment_plan_preview, name="experiment_plan"),
    path("w/<slug:slug>/analytics/experiments/<int:experiment_id>/", experiment_detail, name="experiment_detail"),
    path("w/<slug:slug>/analytics/experiments/<int:experiment_id>/edit/", experiment_edit, name="experiment_edit"),
]
