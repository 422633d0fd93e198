"""Pages of A/B experiments: the list, the plan form with its live sample-size preview, and the experiment
page (counts typed, uploaded or pulled from imported data; the analysis, its checks and the moves start,
stop and conclude)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from alur.accounts.models import Membership
from alur.analytics import charts
from alur.analytics.models import Experiment, ExperimentVariant
from alur.analytics.selectors import experiments as selectors
from alur.analytics.services import experiments as services
from alur.analytics.views._shared import CARD_CHART_WIDTH, _svg
from alur.campaigns.models import Campaign
from alur.core.policy import Action
from alur.core.tenancy import WorkspaceRequest, can, request_user, workspace_view

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
    values = {name: request.POST.get(name, "") for name in services.EXPERIMENT_FIELDS}
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
        "plan": _plan_preview(values, variants, request.workspace.language),
    }


def _plan_preview(values: dict[str, Any], variants: list[dict[str, Any]], language: str | None = None) -> dict[str, Any]:
    """The sample size and duration for the form's current numbers (unreadable numbers: no plan yet)."""
    numbers: dict[str, float | None] = {}
    for name in PLAN_FIELDS:
        try:
            numbers[name] = services.read_number(values.get(name), language=language)
        except ValueError:
            numbers[name] = None
    shares: list[float] = []
    named = [v for v in variants if str(v.get("name") or "").strip()]
    for variant in named:
        try:
            share = services.read_number(variant.get("traffic_share"), language=language)
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
    plan = selectors.experiment_plan_for(
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
            experiment = services.experiment_create(
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
            services.experiment_update(actor=request_user(request), experiment=experiment, values=values, variants=variants)
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
    return render(
        request, "analytics/_experiment_plan.html", {"plan": _plan_preview(values, variants, request.workspace.language)}
    )


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
                services.experiment_counts_record(
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
                services.experiment_counts_import(actor=actor, experiment=experiment, text=text)
                messages.success(request, _("Counts imported from %(file)s.") % {"file": upload.name})
            elif form == "pull":
                if services.experiment_counts_pull(actor=actor, experiment=experiment):
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
                services.experiment_start(actor=actor, experiment=experiment)
                messages.success(request, _("Experiment started; variants and traffic shares are now fixed."))
            elif form == "stop":
                services.experiment_stop(actor=actor, experiment=experiment)
                messages.success(request, _("Experiment stopped."))
            elif form == "conclude":
                services.experiment_conclude(actor=actor, experiment=experiment, decision=request.POST.get("decision", ""))
                messages.success(request, _("Experiment concluded; the decision is recorded."))
            else:
                raise Http404
            return redirect("analytics:experiment_detail", slug=request.workspace.slug, experiment_id=experiment.pk)
        except ValidationError as error:
            errors = _field_errors(error)
            experiment = _experiment_or_404(request, experiment_id)  # nothing was written: show what is stored
            variants = list(experiment.variants.all())
    found = selectors.experiment_analysis(experiment)
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


urlpatterns: list[URLPattern] = [
    path("w/<slug:slug>/analytics/experiments/", experiments, name="experiments"),
    path("w/<slug:slug>/analytics/experiments/new/", experiment_new, name="experiment_new"),
    path("w/<slug:slug>/analytics/experiments/plan/", experiment_plan_preview, name="experiment_plan"),
    path("w/<slug:slug>/analytics/experiments/<int:experiment_id>/", experiment_detail, name="experiment_detail"),
    path("w/<slug:slug>/analytics/experiments/<int:experiment_id>/edit/", experiment_edit, name="experiment_edit"),
]
