"""Reads of A/B experiments: the plan (sample size and duration), the counts found in imported data, and the
analysis with its verdict, the peeking guard and the guardrails."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alur.analytics import kpis, stats
from alur.analytics.selectors.facts import _facts


@dataclass(frozen=True)
class ExperimentPlan:
    """Visitors needed per variant and in all, and the days that takes at the expected traffic.

    With several variants each comparison with the control is planned at alpha ÷ (variants − 1), the
    strictest level Holm's procedure (Holm 1979) applies, so the planned power holds whatever the order of
    the p-values. With unequal traffic shares the smallest arm must reach the per-variant size, so the
    total is that size ÷ the smallest share.
    """

    per_variant: int | None
    total: int | None
    days: int | None
    comparisons: int
    alpha_per_comparison: float
    problem: str = ""


def experiment_plan_for(
    *,
    metric: str,
    mde: float | None,
    mde_relative: bool,
    alpha: float | None,
    power: float | None,
    baseline_rate: float | None = None,
    baseline_mean: float | None = None,
    baseline_std: float | None = None,
    daily_visitors: float | None = None,
    shares: Sequence[float] = (50.0, 50.0),
) -> ExperimentPlan:
    """The plan from its parameters (the form's live preview calls this before anything is saved)."""
    comparisons = max(1, len(shares) - 1)
    level = (alpha or 0.05) / comparisons
    try:
        if not (alpha and power and mde and mde > 0):
            raise ValueError("incomplete")
        if metric == "mean":
            if not baseline_std or baseline_std <= 0:
                raise ValueError("std")
            effect = mde * baseline_mean if mde_relative and baseline_mean else mde
            if mde_relative and not baseline_mean:
                raise ValueError("mean")
            per_variant = stats.sample_size_mean(baseline_std, effect, alpha=level, power=power)
        else:
            if baseline_rate is None or not 0 < baseline_rate < 1:
                raise ValueError("rate")
            per_variant = stats.sample_size_proportion(baseline_rate, mde, relative=mde_relative, alpha=level, power=power)
    except (ValueError, ZeroDivisionError, OverflowError):
        return ExperimentPlan(
            None, None, None, comparisons, level, _("Fill in the baseline, the effect, alpha and power to see the sample size.")
        )
    smallest = min(shares) / sum(shares) if shares and sum(shares) > 0 else 1 / max(2, len(shares))
    total = math.ceil(per_variant / smallest)
    days = None
    if daily_visitors and daily_visitors > 0:
        days = stats.expected_duration_days(per_variant, 1, daily_visitors * smallest)
    return ExperimentPlan(per_variant, total, days, comparisons, level)


def experiment_plan(experiment: Any) -> ExperimentPlan:
    return experiment_plan_for(
        metric=experiment.metric,
        mde=experiment.mde,
        mde_relative=experiment.mde_relative,
        alpha=experiment.alpha,
        power=experiment.power,
        baseline_rate=experiment.baseline_rate,
        baseline_mean=experiment.baseline_mean,
        baseline_std=experiment.baseline_std,
        daily_visitors=experiment.daily_visitors,
        shares=[v.traffic_share for v in experiment.variants.all()] or (50.0, 50.0),
    )


def experiment_totals(experiment: Any, *, today: dt.date | None = None) -> dict[str, dict[str, Any]]:
    """Per value of the experiment's ``pull_dimension`` (lower case) in the warehouse, between its start
    and end days: visitors (clicks or sessions), conversions and conversion value, and ``estimated`` when
    a whole-period fact reaching beyond those days counts by its share (the rule in
    :mod:`alur.analytics.kpis`)."""
    names = sorted({v.data_value.lower() for v in experiment.variants.all() if v.data_value})
    if not names:
        return {}
    end = experiment.ended_on or today or dt.date.today()
    metrics = {"visitors": experiment.pull_visitors, "conversions": "conversions", "value": "conversion_value"}
    with _facts(experiment.workspace_id) as facts:
        named = facts.mutate(name=facts[experiment.pull_dimension].lower())
        chosen = named.filter(named.name.isin(names))
        rows = kpis.execute(kpis.sums(chosen, sorted(set(metrics.values())), by=["name"], start=experiment.started_on, end=end))
    return {
        r["name"]: {**{key: float(r[metric] or 0) for key, metric in metrics.items()}, "estimated": bool(r["estimated"])}
        for r in rows
    }


def _variant_counts(variant: Any, metric: str) -> stats.VariantCounts:
    is_mean = metric == "mean"
    return stats.VariantCounts(
        name=variant.name,
        visitors=int(variant.visitors),
        conversions=float(variant.conversions),
        value_sum=variant.value_sum if is_mean else None,
        value_sum_sq=variant.value_sum_sq if is_mean else None,
        pre_sum=variant.pre_sum,
        pre_sum_sq=variant.pre_sum_sq,
        cross_sum=variant.cross_sum,
    )


def _language() -> str:
    return "id" if (get_language() or "id").startswith("id") else "en"


def _relative_mde(experiment: Any) -> float | None:
    """The planned effect as a share of the baseline (what :func:`stats.analyse` expects)."""
    if experiment.mde_relative:
        return experiment.mde
    baseline = experiment.baseline_rate if experiment.metric == "conversion" else experiment.baseline_mean
    return experiment.mde / baseline if baseline else None


def experiment_analysis(experiment: Any) -> dict[str, Any]:
    """Everything the experiment page and the API show: the plan, the analysis of the counts (None until
    every variant has visitors), the verdict sentence in the active language, whether the results are
    final (the peeking guard), and the guardrail metrics.

    Peeking: a fixed-horizon test read before its planned sample inflates false positives (Johari et al.
    2017, "Peeking at A/B tests"); until then the page says the results are not final. A sequential
    experiment is analysed with always-valid intervals instead, which may be read at any time.
    """
    variants = list(experiment.variants.all())
    plan = experiment_plan(experiment)
    result: dict[str, Any] = {
        "plan": plan,
        "analysis": None,
        "verdict": "",
        "verdict_kind": "",
        "is_final": False,
        "smallest_arm": min((v.visitors for v in variants), default=0),
        "progress": None,
        "guardrails": [],
    }
    if plan.per_variant:
        result["progress"] = min(1.0, result["smallest_arm"] / plan.per_variant)
    if len(variants) < 2 or any(v.visitors <= 0 for v in variants):
        return result
    counts = [_variant_counts(v, experiment.metric) for v in variants]
    shares = [v.traffic_share for v in variants]
    analysis = stats.analyse(
        counts,
        alpha=experiment.alpha,
        metric=experiment.metric,
        sequential=experiment.is_sequential,
        power=experiment.power,
        mde=_relative_mde(experiment),
        weights=shares,
    )
    result["analysis"] = analysis
    result["verdict"] = stats.verdict_sentence(analysis.verdict, gettext=_, language=_language())
    result["verdict_kind"] = analysis.verdict.kind
    reached = plan.per_variant is not None and result["smallest_arm"] >= plan.per_variant
    result["is_final"] = bool(experiment.is_sequential or reached or experiment.status == "concluded")
    for name in experiment.guardrails:
        if not all(name in (v.guardrail_counts or {}) for v in variants):
            continue
        guard = stats.analyse(
            [
                stats.VariantCounts(name=v.name, visitors=int(v.visitors), conversions=float(v.guardrail_counts[name]))
                for v in variants
            ],
            alpha=experiment.alpha,
            metric="conversion",
            sequential=experiment.is_sequential,
            weights=shares,
        )
        result["guardrails"].append(
            {
                "name": name,
                "control_rate": float(variants[0].guardrail_counts[name]) / variants[0].visitors,
                "results": guard.results,
                # Guardrails count harm (unsubscribes, refunds, complaints): a significant rise is a breach.
                "breached": [r.variant for r in guard.results if r.significant and r.lift_abs > 0],
            }
        )
    return result
