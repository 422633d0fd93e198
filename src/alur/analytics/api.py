"""API endpoints of analytics: sources, file imports and their reports, metric rows from middleware and
scripts, KPI rollups, anomaly alerts and key-result links."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from alur.accounts.api import ErrorOut, api_membership, require_write_scope
from alur.accounts.models import User
from alur.analytics import kpis
from alur.analytics.models import AnomalyAlert, DataSource, Experiment, Import
from alur.analytics.selectors import (
    alerts,
    dashboards,
    facts,
)
from alur.analytics.selectors import (
    attribution as attribution_selectors,
)
from alur.analytics.selectors import (
    experiments as experiments_selectors,
)
from alur.analytics.selectors import imports as receipts
from alur.analytics.services import experiments as experiment_services
from alur.analytics.services import imports as import_services
from alur.analytics.services import keyresults as keyresult_services
from alur.analytics.services import sources as source_services
from alur.core.policy import Action, require

router = Router(tags=["analytics"])
ERRORS: dict[int | str, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class SourceOut(Schema):
    id: int
    key: str
    name: str
    format: str
    mapping: dict[str, str]
    number_style: str
    date_order: str
    currency: str
    account: str


class ProblemOut(Schema):
    row: int | None = None
    column: str | None = None
    value: str | None = None
    message: str


class ImportOut(Schema):
    id: int
    source: str
    file: str
    status: str = Field(description="queued, running, succeeded, unchanged (the same file was imported before) or failed")
    progress: int
    rows: int
    replaced: int = Field(description="Rows of the same source, accounts and days that this import replaced.")
    date_from: dt.date | None
    date_to: dt.date | None
    problems: list[ProblemOut] = Field(description="Why a failed import was refused: row, column, value and the fix.")
    warnings: list[str] = Field(description="What is worth knowing about an imported file, in the caller's language.")
    totals: dict[str, Any] = Field(
        description="Sums of what was stored from the file: money per currency as a decimal string "
        '(``{"spend": {"GBP": "365.22"}}``), counts as integers, conversions as a decimal string; metrics the file '
        "does not have are left out."
    )
    file_totals: dict[str, Any] | None = Field(description="The same sums from the file's own total line, when it has one.")
    file_total_label: str | None = Field(description='The label of that line ("Total: Campaigns"); empty for a summary row.')
    period_start: dt.date | None = Field(description="The first day of the period given with the upload, if any.")
    period_end: dt.date | None = Field(description="The last day of the period given with the upload, if any.")
    ignored_columns: list[str]
    unmapped_campaigns: list[str]
    created_at: dt.datetime


class MetricRowsIn(Schema):
    source: str = Field(..., description="Source key, e.g. google_ads or a generic source's key.")
    rows: list[dict[str, Any]] = Field(
        ...,
        description="Rows of Alur's fields: date (YYYY-MM-DD), account, channel, campaign, ad_set, ad, region, device, currency, "
        "and the figures impressions, reach, clicks, spend, conversions, conversion_value, sessions, engaged_sessions, "
        "bounces, leads, followers, engagements, mentions, video_views. Numbers in English form (1234.56).",
        max_length=100_000,
    )


class KpiRowsOut(Schema):
    rows: list[dict[str, Any]]


class AlertOut(Schema):
    id: int
    kpi: str
    dimension: str
    dimension_value: str
    currency: str
    day: dt.date
    value: float
    expected: float
    low: float
    high: float
    score: float
    direction: str
    severity: str
    status: str
    message: str


class LinkIn(Schema):
    kpi: str = Field("", description="A KPI key (see GET /kpis); empty to unlink.")
    mode: str = Field("period", description="period, start_plus or trailing_30")
    filters: dict[str, Any] = {}


class LinkOut(Schema):
    key_result: int
    kpi: str | None
    mode: str | None
    filters: dict[str, Any]
    value: float | None


def _source_out(source: DataSource) -> SourceOut:
    return SourceOut(
        id=source.pk,
        key=source.key,
        name=source.name,
        format=source.format,
        mapping=source.mapping or {},
        number_style=source.number_style,
        date_order=source.date_order,
        currency=source.currency,
        account=source.account,
    )


def _import_out(imp: Import) -> ImportOut:
    report = imp.report or {}
    return ImportOut(
        id=imp.pk,
        source=imp.source.key,
        file=imp.original_name,
        status=imp.status,
        progress=imp.progress,
        rows=imp.rows,
        replaced=imp.replaced,
        date_from=imp.date_from,
        date_to=imp.date_to,
        problems=[ProblemOut(**p) for p in receipts.problems(imp)],
        warnings=receipts.warnings(imp),
        totals=report.get("totals", {}),
        file_totals=report.get("file_totals"),
        file_total_label=report.get("file_total_label"),
        period_start=imp.period_start,
        period_end=imp.period_end,
        ignored_columns=report.get("ignored_columns", []),
        unmapped_campaigns=receipts.unmapped_campaigns(imp),
        created_at=imp.created_at,
    )


def _source(workspace: Any, key: str) -> DataSource:
    source_services.sources_ensure(workspace)
    source = DataSource.objects.filter(workspace=workspace, key=key).first()
    if source is None:
        raise Http404
    return source


@router.get("/workspaces/{slug}/analytics/sources", response={200: list[SourceOut], **ERRORS})
def source_list(request: HttpRequest, slug: str) -> list[SourceOut]:
    """The workspace's data sources (the platform ones exist from the start)."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    return [_source_out(s) for s in source_services.sources_ensure(membership.workspace)]


@router.post("/workspaces/{slug}/analytics/imports", response={201: ImportOut, 200: ImportOut, **ERRORS})
def import_upload(
    request: HttpRequest,
    slug: str,
    file: File[UploadedFile],
    source: Form[str],
    period_start: Form[dt.date | None] = None,
    period_end: Form[dt.date | None] = None,
) -> Status[ImportOut]:
    """Upload an export (multipart: ``file``, the ``source`` key, and for a file without dates the period it
    covers, ``period_start`` and ``period_end``). It is imported in the background: poll ``GET …/imports/{id}``
    until the status is ``succeeded``, ``unchanged`` or ``failed`` (with ``problems``)."""
    membership = api_membership(request, slug)
    require_write_scope(request)
    if (period_start is None) != (period_end is None):
        raise ValidationError({"period": _("Give both the first and the last day of the period, or neither.")})
    imp = import_services.import_start(
        actor=_user(request),
        workspace=membership.workspace,
        source=_source(membership.workspace, source),
        upload=file,
        name=file.name or "upload",
        period=(period_start, period_end) if period_start and period_end else None,
    )
    return Status(200 if imp.status == Import.Status.UNCHANGED else 201, _import_out(imp))


@router.get("/workspaces/{slug}/analytics/imports", response={200: list[ImportOut], **ERRORS})
def import_list(request: HttpRequest, slug: str) -> list[ImportOut]:
    """The latest 100 imports, newest first."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    return [_import_out(i) for i in Import.objects.filter(workspace=membership.workspace).select_related("source")[:100]]


@router.get("/workspaces/{slug}/analytics/imports/{import_id}", response={200: ImportOut, **ERRORS})
def import_detail(request: HttpRequest, slug: str, import_id: int) -> ImportOut:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    imp = Import.objects.filter(workspace=membership.workspace, pk=import_id).select_related("source").first()
    if imp is None:
        raise Http404
    return _import_out(imp)


@router.post(
    "/workspaces/{slug}/analytics/metrics",
    response={201: ImportOut, 200: ImportOut, 403: ErrorOut, 404: ErrorOut, 422: ImportOut},
)
def metric_rows(request: HttpRequest, slug: str, payload: MetricRowsIn) -> Status[ImportOut]:
    """Metric rows from middleware or a script, imported at once through the same checks as a file:
    all-or-nothing (422 with the problems when any row is wrong) and replacing the same source, accounts
    and days."""
    membership = api_membership(request, slug)
    require_write_scope(request)
    imp = import_services.metric_rows_import(
        actor=_user(request),
        workspace=membership.workspace,
        source=_source(membership.workspace, payload.source),
        rows=payload.rows,
    )
    if imp.status == Import.Status.FAILED:
        return Status(422, _import_out(imp))
    return Status(200 if imp.status == Import.Status.UNCHANGED else 201, _import_out(imp))


class KpiQuery(Schema):
    start: dt.date
    end: dt.date
    kpis: str = Field("spend,clicks,ctr,cpc,conversions,cpa", description="Comma-separated KPI keys.")
    by: str = Field("", description="Comma-separated dimensions: channel, campaign, region, device, source, account.")
    grain: str | None = Field(None, description="day, week or month")
    channel: str | None = None
    campaign: str | None = None
    region: str | None = None
    source: str | None = None


@router.get("/workspaces/{slug}/analytics/kpis", response={200: KpiRowsOut, **ERRORS})
def kpi_rows(request: HttpRequest, slug: str, query: Query[KpiQuery]) -> KpiRowsOut:
    """KPIs aggregated in the warehouse (ratios as sum over sum; money split by currency; ``null`` where a
    denominator is zero). A report for a whole period counts by its share of days in the range or bucket;
    ``estimated`` is true on a row that counts such a share (a ``day`` grain counts daily facts only)."""
    from django.core.exceptions import ValidationError

    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    keys = [k.strip() for k in query.kpis.split(",") if k.strip()]
    by = [b.strip() for b in query.by.split(",") if b.strip()]
    unknown = [k for k in keys if k not in kpis.KPIS]
    if unknown or not keys:
        raise ValidationError({"kpis": f"Unknown KPI: {', '.join(unknown) or '(none)'}. Known: {', '.join(kpis.KPIS)}."})
    if any(b not in dashboards.DIMENSIONS for b in by):
        raise ValidationError({"by": f"Group by any of: {', '.join(dashboards.DIMENSIONS)}."})
    if query.grain not in (None, "day", "week", "month"):
        raise ValidationError({"grain": "Use day, week or month."})
    if query.end < query.start:
        raise ValidationError({"end": "The end date is before the start date."})
    filters = {
        k: v
        for k, v in (("channel", query.channel), ("campaign", query.campaign), ("region", query.region), ("source", query.source))
        if v
    }
    window = facts.Filters(query.start, query.end, filters)
    rows = (
        dashboards.series(membership.workspace.pk, window, keys, grain=query.grain, by=by)
        if query.grain
        else dashboards.by_dimension_any(membership.workspace.pk, window, by, keys)
    )
    return KpiRowsOut(rows=[{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()} for row in rows])


@router.get("/workspaces/{slug}/analytics/alerts", response={200: list[AlertOut], **ERRORS})
def alert_list(request: HttpRequest, slug: str) -> list[AlertOut]:
    """Anomaly alerts, newest day first."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    return [
        AlertOut(
            id=a.pk,
            kpi=a.kpi,
            dimension=a.dimension,
            dimension_value=a.dimension_value,
            currency=a.currency,
            day=a.day,
            value=a.value,
            expected=a.expected,
            low=a.low,
            high=a.high,
            score=a.score,
            direction=a.direction,
            severity=a.severity,
            status=a.status,
            message=alerts.alert_sentence(a),
        )
        for a in AnomalyAlert.objects.filter(workspace=membership.workspace)[:500]
    ]


@router.put("/workspaces/{slug}/key-results/{key_result_id}/metric", response={200: LinkOut, **ERRORS})
def key_result_link(request: HttpRequest, slug: str, key_result_id: int, payload: LinkIn) -> LinkOut:
    """Link a key result to a KPI and a filter (``kpi: ""`` unlinks); the value is computed at once and
    after every import."""
    from alur.strategy.models import KeyResult

    membership = api_membership(request, slug)
    require_write_scope(request)
    kr = KeyResult.objects.filter(workspace=membership.workspace, pk=key_result_id).first()
    if kr is None:
        raise Http404
    link = keyresult_services.key_result_link(
        actor=_user(request), key_result=kr, kpi=payload.kpi, mode=payload.mode, filters=payload.filters
    )
    return LinkOut(
        key_result=kr.pk,
        kpi=link.kpi if link else None,
        mode=link.mode if link else None,
        filters=link.filters if link else {},
        value=float(link.last_value) if link and link.last_value is not None else None,
    )


# ------------------------------------------------------------------------------------------- attribution


class CreditOut(Schema):
    conversions: float
    value: float
    share: float = Field(description="The channel's share of all conversions under this model (0–1).")


class AttributionChannelOut(Schema):
    channel: str
    removal_effect: float | None = Field(
        description="Markov removal effect: the share of conversions lost if the channel left every journey."
    )
    models: dict[str, CreditOut] = Field(description="Per model (first, last, linear, time_decay, position, markov, shapley).")


class AttributionParamsOut(Schema):
    half_life: float
    first_weight: float
    last_weight: float
    order: int


class AttributionOut(Schema):
    models: list[str]
    params: AttributionParamsOut
    total_conversions: float
    total_value: float
    journeys: int | None = Field(None, description="Journeys attributed (the workspace's journeys; none for a path file).")
    touchpoints: int | None = None
    channels: list[AttributionChannelOut]


class AttributionQuery(Schema):
    start: dt.date | None = Field(None, description="First day of touchpoints (default: the first with data).")
    end: dt.date | None = Field(None, description="Last day of touchpoints, inclusive.")
    campaign: str | None = Field(None, description="Only the journeys that met this campaign at least once.")
    half_life: str | None = Field(None, description="Time decay: steps before the conversion at which a touch counts half (1).")
    first_weight: str | None = Field(None, description="Position-based: the first touch's share (0.4).")
    last_weight: str | None = Field(None, description="Position-based: the last touch's share (0.4).")
    order: str | None = Field(None, description="Markov chain order, 1–4 (1).")


def _attribution_params(data: dict[str, Any]) -> attribution_selectors.AttributionParams:
    from django.core.exceptions import ValidationError

    params, errors = attribution_selectors.attribution_params(data)
    if errors:
        raise ValidationError(errors)
    return params


def _attribution_out(table: dict[str, Any], params: attribution_selectors.AttributionParams) -> AttributionOut:
    return AttributionOut(
        models=table["models"],
        params=AttributionParamsOut(**params.as_kwargs()),
        total_conversions=table["total_conversions"],
        total_value=table["total_value"],
        journeys=table.get("journeys"),
        touchpoints=table.get("touchpoints"),
        channels=[
            AttributionChannelOut(
                channel=row["channel"],
                removal_effect=row["removal_effect"],
                models={
                    model: CreditOut(conversions=cell["conversions"], value=cell["value"], share=cell["share"])
                    for model, cell in row["cells"].items()
                },
            )
            for row in table["channels"]
        ],
    )


@router.get("/workspaces/{slug}/analytics/attribution", response={200: AttributionOut, **ERRORS})
def attribution_compare(request: HttpRequest, slug: str, query: Query[AttributionQuery]) -> AttributionOut:
    """Every attribution model over the workspace's imported customer journeys, per channel: conversions,
    value and share under each model, and the Markov removal effects. No journeys: empty ``channels``."""
    from django.core.exceptions import ValidationError

    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    params = _attribution_params(query.dict())
    if query.start and query.end and query.end < query.start:
        raise ValidationError({"end": "The end date is before the start date."})
    table = attribution_selectors.attribution_compare(
        membership.workspace, start=query.start, end=query.end, params=params, campaign=query.campaign or None
    )
    if table is None:
        table = {"models": list(attribution_selectors.ATTRIBUTION_MODELS), "channels": [], "total_conversions": 0.0,
                 "total_value": 0.0, "journeys": 0, "touchpoints": 0}  # fmt: skip
    return _attribution_out(table, params)


@router.post("/workspaces/{slug}/analytics/attribution/paths", response={200: AttributionOut, **ERRORS})
def attribution_paths(
    request: HttpRequest,
    slug: str,
    file: File[UploadedFile],
    sep: Form[str] = ">",
    half_life: Form[str] = "",
    first_weight: Form[str] = "",
    last_weight: Form[str] = "",
    order: Form[str] = "",
) -> AttributionOut:
    """Every attribution model over a path file in the ChannelAttribution convention (multipart ``file``:
    ``path`` with channels joined by ``sep``, ``total_conversions``, ``total_conversion_value``,
    ``total_null``). The file is read once and not stored; a wrong file is a 422 with the row."""
    from django.core.exceptions import ValidationError

    from alur.analytics import attribution

    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    params = _attribution_params(
        {"half_life": half_life, "first_weight": first_weight, "last_weight": last_weight, "order": order}
    )
    if not sep.strip() or len(sep.strip()) > 5:
        raise ValidationError({"sep": _("The separator between channels is 1 to 5 characters, e.g. >.")})
    if not file.size:
        raise ValidationError({"file": _("The file is empty. Export the paths again and upload the downloaded file.")})
    if file.size > attribution_selectors.PATH_FILE_MAX_BYTES:
        limit = attribution_selectors.PATH_FILE_MAX_BYTES // 1024**2
        raise ValidationError({"file": _("The file is larger than %(limit)s MB.") % {"limit": limit}})
    try:
        table = attribution_selectors.attribution_of_upload(file.chunks(), params=params, sep=sep.strip())
    except attribution.PathFileError as error:
        message = _(error.template) % error.params if error.params else _(error.template)
        raise ValidationError({"file": message}) from None
    return _attribution_out(table, params)


# ------------------------------------------------------------------------------------------- experiments


class VariantIn(Schema):
    name: str
    traffic_share: float | None = Field(None, description="Percent of the traffic; equal shares when left out.")
    data_value: str = Field("", description="The ad, ad set or campaign carrying this variant in imported data.")


class ExperimentIn(Schema):
    name: str
    hypothesis: str = ""
    campaign: int | None = None
    owner: int | None = Field(None, description="A member's user id; the caller when left out.")
    metric: str = Field("conversion", description="conversion (a rate) or mean (an average value per visitor)")
    metric_name: str = ""
    guardrails: list[str] = Field([], description="Names of guardrail metrics: events that must not rise.")
    mde: float = Field(..., description="Minimum detectable effect: absolute (0.01 = one point of a rate) or relative.")
    mde_relative: bool = False
    alpha: float = 0.05
    power: float = 0.8
    baseline_rate: float | None = Field(None, description="Today's conversion rate as a fraction (0.04 = 4%).")
    baseline_mean: float | None = None
    baseline_std: float | None = None
    daily_visitors: float | None = None
    is_sequential: bool = False
    pull_dimension: str = Field("ad", description="ad, ad_set or campaign")
    pull_visitors: str = Field("clicks", description="clicks or sessions")
    variants: list[VariantIn] | None = Field(None, description="The control first; default: Control and B, half each.")


class ExperimentPatch(Schema):
    name: str | None = None
    hypothesis: str | None = None
    campaign: int | None = None
    owner: int | None = None
    metric: str | None = None
    metric_name: str | None = None
    guardrails: list[str] | None = None
    mde: float | None = None
    mde_relative: bool | None = None
    alpha: float | None = None
    power: float | None = None
    baseline_rate: float | None = None
    baseline_mean: float | None = None
    baseline_std: float | None = None
    daily_visitors: float | None = None
    is_sequential: bool | None = None
    pull_dimension: str | None = None
    pull_visitors: str | None = None
    decision: str | None = None
    status: str | None = Field(None, description="running (start or resume), stopped, or concluded (needs a decision)")
    variants: list[VariantIn] | None = Field(None, description="Only while a draft.")


class VariantOut(Schema):
    name: str
    is_control: bool
    traffic_share: float
    data_value: str
    visitors: int
    conversions: float
    value_sum: float | None
    value_sum_sq: float | None
    guardrail_counts: dict[str, float]


class PlanOut(Schema):
    per_variant: int | None = Field(description="Visitors each variant needs.")
    total: int | None
    days: int | None = Field(description="Days at the expected daily visitors; null without them.")
    alpha_per_comparison: float
    problem: str


class ExperimentOut(Schema):
    id: int
    name: str
    hypothesis: str
    status: str
    campaign: int | None
    owner: int
    metric: str
    metric_name: str
    guardrails: list[str]
    mde: float
    mde_relative: bool
    alpha: float
    power: float
    baseline_rate: float | None
    baseline_mean: float | None
    baseline_std: float | None
    daily_visitors: float | None
    is_sequential: bool
    pull_dimension: str
    pull_visitors: str
    started_on: dt.date | None
    ended_on: dt.date | None
    decision: str
    variants: list[VariantOut]
    plan: PlanOut


class CountRowIn(Schema):
    variant: str
    visitors: int
    conversions: float
    value_sum: float | None = None
    value_sum_sq: float | None = None
    guardrails: dict[str, float] | None = None


class CountsIn(Schema):
    rows: list[CountRowIn] = Field(..., max_length=20)


class SampleSizeQuery(Schema):
    baseline: float | None = Field(None, description="Baseline conversion rate (0.10 = 10%).")
    mde: float
    relative: bool = False
    alpha: float = 0.05
    power: float = 0.8
    std: float | None = Field(None, description="For a mean metric: the standard deviation per visitor (instead of baseline).")
    variants: int = Field(2, ge=2, le=8)
    daily_visitors: float | None = None


def _plan_out(plan: experiments_selectors.ExperimentPlan) -> PlanOut:
    return PlanOut(
        per_variant=plan.per_variant, total=plan.total, days=plan.days, alpha_per_comparison=plan.alpha_per_comparison,
        problem=plan.problem,
    )  # fmt: skip


def _experiment_out(experiment: Experiment) -> ExperimentOut:
    variants = list(experiment.variants.all())
    return ExperimentOut(
        id=experiment.pk, name=experiment.name, hypothesis=experiment.hypothesis, status=experiment.status,
        campaign=experiment.campaign_id, owner=experiment.owner_id, metric=experiment.metric, metric_name=experiment.metric_name,
        guardrails=experiment.guardrails, mde=experiment.mde, mde_relative=experiment.mde_relative, alpha=experiment.alpha,
        power=experiment.power, baseline_rate=experiment.baseline_rate, baseline_mean=experiment.baseline_mean,
        baseline_std=experiment.baseline_std, daily_visitors=experiment.daily_visitors, is_sequential=experiment.is_sequential,
        pull_dimension=experiment.pull_dimension, pull_visitors=experiment.pull_visitors, started_on=experiment.started_on,
        ended_on=experiment.ended_on, decision=experiment.decision,
        variants=[
            VariantOut(
                name=v.name, is_control=v.is_control, traffic_share=v.traffic_share, data_value=v.data_value,
                visitors=v.visitors, conversions=v.conversions, value_sum=v.value_sum, value_sum_sq=v.value_sum_sq,
                guardrail_counts=v.guardrail_counts or {},
            )
            for v in variants
        ],
        plan=_plan_out(experiments_selectors.experiment_plan(experiment)),
    )  # fmt: skip


def _experiment(membership: Any, experiment_id: int) -> Experiment:
    experiment = Experiment.objects.filter(workspace=membership.workspace, pk=experiment_id).prefetch_related("variants").first()
    if experiment is None:
        raise Http404
    return experiment


@router.get("/workspaces/{slug}/analytics/experiments", response={200: list[ExperimentOut], **ERRORS})
def experiment_list(request: HttpRequest, slug: str) -> list[ExperimentOut]:
    """The workspace's experiments, newest first."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    items = Experiment.objects.filter(workspace=membership.workspace).prefetch_related("variants")[:200]
    return [_experiment_out(e) for e in items]


@router.get("/workspaces/{slug}/analytics/experiments/sample-size", response={200: PlanOut, **ERRORS})
def experiment_sample_size(request: HttpRequest, slug: str, query: Query[SampleSizeQuery]) -> PlanOut:
    """Visitors per variant (and days, given the daily traffic) to detect ``mde`` — the numbers of
    ``alur samplesize``; with more than two variants each comparison is planned at alpha ÷ (variants − 1)."""
    from django.core.exceptions import ValidationError

    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    if query.std is None and (query.baseline is None or not 0 < query.baseline < 1):
        raise ValidationError({"baseline": "Give the baseline conversion rate as a fraction between 0 and 1, e.g. 0.10."})
    plan = experiments_selectors.experiment_plan_for(
        metric="mean" if query.std is not None else "conversion", mde=query.mde, mde_relative=query.relative,
        alpha=query.alpha, power=query.power, baseline_rate=query.baseline, baseline_mean=query.baseline,
        baseline_std=query.std, daily_visitors=query.daily_visitors, shares=[1.0] * query.variants,
    )  # fmt: skip
    if plan.per_variant is None:
        raise ValidationError({"mde": "These numbers give no sample size: check mde (above 0), alpha (0–0.5) and power (0.5–1)."})
    return _plan_out(plan)


@router.post("/workspaces/{slug}/analytics/experiments", response={201: ExperimentOut, **ERRORS})
def experiment_create(request: HttpRequest, slug: str, payload: ExperimentIn) -> Status[ExperimentOut]:
    """A draft experiment with its plan; the response carries the sample size and duration."""
    membership = api_membership(request, slug)
    require_write_scope(request)
    values = payload.model_dump(exclude={"variants"})
    variants = [v.model_dump() for v in payload.variants] if payload.variants is not None else None
    experiment = experiment_services.experiment_create(
        actor=_user(request), workspace=membership.workspace, values=values, variants=variants
    )
    return Status(201, _experiment_out(_experiment(membership, experiment.pk)))


@router.get("/workspaces/{slug}/analytics/experiments/{experiment_id}", response={200: ExperimentOut, **ERRORS})
def experiment_detail(request: HttpRequest, slug: str, experiment_id: int) -> ExperimentOut:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    return _experiment_out(_experiment(membership, experiment_id))


@router.patch("/workspaces/{slug}/analytics/experiments/{experiment_id}", response={200: ExperimentOut, **ERRORS})
def experiment_update(request: HttpRequest, slug: str, experiment_id: int, payload: ExperimentPatch) -> ExperimentOut:
    """Change the fields sent. ``status`` moves the experiment: ``running`` starts (or resumes) it,
    ``stopped`` stops it, ``concluded`` records ``decision`` and keeps it as decided."""
    from django.core.exceptions import ValidationError

    membership = api_membership(request, slug)
    require_write_scope(request)
    experiment = _experiment(membership, experiment_id)
    actor = _user(request)
    values = payload.model_dump(exclude_unset=True, exclude={"variants", "status"})
    variants = [v.model_dump() for v in payload.variants] if payload.variants is not None else None
    status = payload.status
    if values.keys() - {"decision"} or variants is not None or (values and status != "concluded"):
        experiment_services.experiment_update(actor=actor, experiment=experiment, values=values, variants=variants)
    if status == "running":
        experiment_services.experiment_start(actor=actor, experiment=experiment)
    elif status == "stopped":
        experiment_services.experiment_stop(actor=actor, experiment=experiment)
    elif status == "concluded":
        experiment_services.experiment_conclude(
            actor=actor, experiment=experiment, decision=values.get("decision") or experiment.decision
        )
    elif status is not None:
        raise ValidationError({"status": "Use running, stopped or concluded."})
    return _experiment_out(_experiment(membership, experiment_id))


@router.put("/workspaces/{slug}/analytics/experiments/{experiment_id}/counts", response={200: ExperimentOut, **ERRORS})
def experiment_counts(request: HttpRequest, slug: str, experiment_id: int, payload: CountsIn) -> ExperimentOut:
    """Replace the counts of every variant (all are checked before any is written; 422 names the field)."""
    membership = api_membership(request, slug)
    require_write_scope(request)
    experiment = _experiment(membership, experiment_id)
    experiment_services.experiment_counts_record(
        actor=_user(request), experiment=experiment, rows=[r.model_dump() for r in payload.rows]
    )
    return _experiment_out(_experiment(membership, experiment_id))


@router.get("/workspaces/{slug}/analytics/experiments/{experiment_id}/analysis", response={200: dict[str, Any], **ERRORS})
def experiment_analysis(request: HttpRequest, slug: str, experiment_id: int) -> dict[str, Any]:
    """The analysis in the JSON shape of ``alur abtest --format json`` (``srm_p_value`` and one entry per
    non-control variant with rate, lifts, p-value, intervals, chance to beat control), plus the verdict
    sentence in the caller's language, the plan, ``is_final`` (false while a fixed-horizon test is below its
    planned sample) and the guardrails. ``variants`` is empty until every variant has visitors."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    found = experiments_selectors.experiment_analysis(_experiment(membership, experiment_id))
    analysis = found["analysis"]
    body: dict[str, Any] = analysis.as_dict() if analysis is not None else {"srm_p_value": None, "variants": [], "verdict": None}
    if analysis is not None:
        body["verdict"]["sentence"] = found["verdict"]
    body["is_final"] = found["is_final"]
    body["plan"] = _plan_out(found["plan"]).model_dump()
    body["guardrails"] = [
        {"name": g["name"], "breached": g["breached"], "variants": [_result_dict(r) for r in g["results"]]}
        for g in found["guardrails"]
    ]
    return body


def _result_dict(result: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return {k: (v if not isinstance(v, float) or v == v else None) for k, v in asdict(result).items()}
