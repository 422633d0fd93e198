"""API endpoints of A/B experiments: the plan and its sample size, the moves start, stop and conclude, the
counts, and the analysis in the JSON shape of ``alur abtest``."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from alur.accounts.api import api_membership, require_write_scope
from alur.analytics.api._shared import ERRORS, _user
from alur.analytics.models import Experiment
from alur.analytics.selectors import experiments as selectors
from alur.analytics.services import experiments as services
from alur.core.policy import Action, require
from alur.core.validation import Id

router = Router(tags=["analytics"])


class VariantIn(Schema):
    name: str
    traffic_share: float | str | None = Field(None, description="Percent of the traffic; equal shares when left out.")
    data_value: str = Field("", description="The ad, ad set or campaign carrying this variant in imported data.")


class ExperimentIn(Schema):
    """Numbers may be given as text, read as the workspace writes numbers ("48.000" is 48000 in Indonesian)."""

    name: str
    hypothesis: str = ""
    campaign: Id | None = None
    owner: Id | None = Field(None, description="A member's user id; the caller when left out.")
    metric: str = Field("conversion", description="conversion (a rate) or mean (an average value per visitor)")
    metric_name: str = ""
    guardrails: list[str] = Field([], description="Names of guardrail metrics: events that must not rise.")
    mde: float | str = Field(..., description="Minimum detectable effect: absolute (0.01 = one point of a rate) or relative.")
    mde_relative: bool = False
    alpha: float | str = 0.05
    power: float | str = 0.8
    baseline_rate: float | str | None = Field(None, description="Today's conversion rate as a fraction (0.04 = 4%).")
    baseline_mean: float | str | None = None
    baseline_std: float | str | None = None
    daily_visitors: float | str | None = None
    is_sequential: bool = False
    pull_dimension: str = Field("ad", description="ad, ad_set or campaign")
    pull_visitors: str = Field("clicks", description="clicks or sessions")
    variants: list[VariantIn] | None = Field(None, description="The control first; default: Control and B, half each.")


class ExperimentPatch(Schema):
    name: str | None = None
    hypothesis: str | None = None
    campaign: Id | None = None
    owner: Id | None = None
    metric: str | None = None
    metric_name: str | None = None
    guardrails: list[str] | None = None
    mde: float | str | None = None
    mde_relative: bool | None = None
    alpha: float | str | None = None
    power: float | str | None = None
    baseline_rate: float | str | None = None
    baseline_mean: float | str | None = None
    baseline_std: float | str | None = None
    daily_visitors: float | str | None = None
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
    campaign: Id | None
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


def _plan_out(plan: selectors.ExperimentPlan) -> PlanOut:
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
        plan=_plan_out(selectors.experiment_plan(experiment)),
    )  # fmt: skip


def _experiment(membership: Any, experiment_id: Id) -> Experiment:
    experiment = Experiment.objects.filter(workspace=membership.workspace, pk=experiment_id).prefetch_related("variants").first()
    if experiment is None:
        raise Http404
    return experiment


@router.get(
    "/workspaces/{slug}/analytics/experiments",
    response={200: list[ExperimentOut], **ERRORS},
    operation_id="alur_analytics_api_experiment_list",
)
def experiment_list(request: HttpRequest, slug: str) -> list[ExperimentOut]:
    """The workspace's experiments, newest first."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    items = Experiment.objects.filter(workspace=membership.workspace).prefetch_related("variants")[:200]
    return [_experiment_out(e) for e in items]


@router.get(
    "/workspaces/{slug}/analytics/experiments/sample-size",
    response={200: PlanOut, **ERRORS},
    operation_id="alur_analytics_api_experiment_sample_size",
)
def experiment_sample_size(request: HttpRequest, slug: str, query: Query[SampleSizeQuery]) -> PlanOut:
    """Visitors per variant (and days, given the daily traffic) to detect ``mde`` — the numbers of
    ``alur samplesize``; with more than two variants each comparison is planned at alpha ÷ (variants − 1)."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    if query.std is None and (query.baseline is None or not 0 < query.baseline < 1):
        raise ValidationError({"baseline": "Give the baseline conversion rate as a fraction between 0 and 1, e.g. 0.10."})
    plan = selectors.experiment_plan_for(
        metric="mean" if query.std is not None else "conversion", mde=query.mde, mde_relative=query.relative,
        alpha=query.alpha, power=query.power, baseline_rate=query.baseline, baseline_mean=query.baseline,
        baseline_std=query.std, daily_visitors=query.daily_visitors, shares=[1.0] * query.variants,
    )  # fmt: skip
    if plan.per_variant is None:
        raise ValidationError({"mde": "These numbers give no sample size: check mde (above 0), alpha (0–0.5) and power (0.5–1)."})
    return _plan_out(plan)


@router.post(
    "/workspaces/{slug}/analytics/experiments",
    response={201: ExperimentOut, **ERRORS},
    operation_id="alur_analytics_api_experiment_create",
)
def experiment_create(request: HttpRequest, slug: str, payload: ExperimentIn) -> Status[ExperimentOut]:
    """A draft experiment with its plan; the response carries the sample size and duration."""
    membership = api_membership(request, slug)
    require_write_scope(request)
    values = payload.model_dump(exclude={"variants"})
    variants = [v.model_dump() for v in payload.variants] if payload.variants is not None else None
    experiment = services.experiment_create(
        actor=_user(request), workspace=membership.workspace, values=values, variants=variants
    )
    return Status(201, _experiment_out(_experiment(membership, experiment.pk)))


@router.get(
    "/workspaces/{slug}/analytics/experiments/{experiment_id}",
    response={200: ExperimentOut, **ERRORS},
    operation_id="alur_analytics_api_experiment_detail",
)
def experiment_detail(request: HttpRequest, slug: str, experiment_id: Id) -> ExperimentOut:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    return _experiment_out(_experiment(membership, experiment_id))


@router.patch(
    "/workspaces/{slug}/analytics/experiments/{experiment_id}",
    response={200: ExperimentOut, **ERRORS},
    operation_id="alur_analytics_api_experiment_update",
)
def experiment_update(request: HttpRequest, slug: str, experiment_id: Id, payload: ExperimentPatch) -> ExperimentOut:
    """Change the fields sent. ``status`` moves the experiment: ``running`` starts (or resumes) it,
    ``stopped`` stops it, ``concluded`` records ``decision`` and keeps it as decided."""
    membership = api_membership(request, slug)
    require_write_scope(request)
    experiment = _experiment(membership, experiment_id)
    actor = _user(request)
    values = payload.model_dump(exclude_unset=True, exclude={"variants", "status"})
    variants = [v.model_dump() for v in payload.variants] if payload.variants is not None else None
    status = payload.status
    if values.keys() - {"decision"} or variants is not None or (values and status != "concluded"):
        services.experiment_update(actor=actor, experiment=experiment, values=values, variants=variants)
    if status == "running":
        services.experiment_start(actor=actor, experiment=experiment)
    elif status == "stopped":
        services.experiment_stop(actor=actor, experiment=experiment)
    elif status == "concluded":
        services.experiment_conclude(actor=actor, experiment=experiment, decision=values.get("decision") or experiment.decision)
    elif status is not None:
        raise ValidationError({"status": "Use running, stopped or concluded."})
    return _experiment_out(_experiment(membership, experiment_id))


@router.put(
    "/workspaces/{slug}/analytics/experiments/{experiment_id}/counts",
    response={200: ExperimentOut, **ERRORS},
    operation_id="alur_analytics_api_experiment_counts",
)
def experiment_counts(request: HttpRequest, slug: str, experiment_id: Id, payload: CountsIn) -> ExperimentOut:
    """Replace the counts of every variant (all are checked before any is written; 422 names the field)."""
    membership = api_membership(request, slug)
    require_write_scope(request)
    experiment = _experiment(membership, experiment_id)
    services.experiment_counts_record(actor=_user(request), experiment=experiment, rows=[r.model_dump() for r in payload.rows])
    return _experiment_out(_experiment(membership, experiment_id))


@router.get(
    "/workspaces/{slug}/analytics/experiments/{experiment_id}/analysis",
    response={200: dict[str, Any], **ERRORS},
    operation_id="alur_analytics_api_experiment_analysis",
)
def experiment_analysis(request: HttpRequest, slug: str, experiment_id: Id) -> dict[str, Any]:
    """The analysis in the JSON shape of ``alur abtest --format json`` (``srm_p_value`` and one entry per
    non-control variant with rate, lifts, p-value, intervals, chance to beat control), plus the verdict
    sentence in the caller's language, the plan, ``is_final`` (false while a fixed-horizon test is below its
    planned sample) and the guardrails. ``variants`` is empty until every variant has visitors."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    found = selectors.experiment_analysis(_experiment(membership, experiment_id))
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
    return {k: (v if not isinstance(v, float) or v == v else None) for k, v in asdict(result).items()}
