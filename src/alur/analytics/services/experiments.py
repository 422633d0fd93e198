"""Writes of A/B experiments: the plan and its variants, the counts (typed in, from a CSV file, or pulled
from imported data), and the moves start, stop and conclude.

An experiment's plan and counts arrive as text from the pages and as numbers from the API; both go through
the readers below, which answer with a message per field. A number written with "%" is a percentage
("4%" = 0.04); decimals may use a comma (Indonesian "0,05") or a point.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alur.accounts.models import Membership, User, Workspace
from alur.accounts.selectors import membership_of
from alur.analytics import stats
from alur.analytics.models import Experiment, ExperimentVariant
from alur.analytics.selectors import experiments as selectors
from alur.campaigns.models import Campaign
from alur.core import numbers as core_numbers
from alur.core.audit import audit_record
from alur.core.forms import number_error_message, number_style
from alur.core.policy import Action, require
from alur.core.validation import refuse_nul_characters

EXPERIMENT_FIELDS = (
    "name", "hypothesis", "campaign", "metric", "metric_name", "guardrails", "mde", "mde_relative", "alpha", "power",
    "baseline_rate", "baseline_mean", "baseline_std", "daily_visitors", "is_sequential", "pull_dimension", "pull_visitors",
    "owner",
)  # fmt: skip
MAX_VARIANTS = 8


def read_number(value: Any, *, percent_allowed: bool = True, language: str | None = None) -> float | None:
    """A person's number, read by the product's one reader with the workspace ``language`` (else the
    active one) settling "48.000": ``None``/empty → None; ``"4%"`` → 0.04; ``"0,05"`` → 0.05. Raises
    :class:`~alur.core.numbers.NumberError` (a ValueError; :class:`~alur.core.numbers.AmbiguousNumber`
    for "48.000" without a language)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    reading = core_numbers.read(value, hint=number_style(language), percent=None if percent_allowed else False, words=True)
    number = float(reading.value)
    if not math.isfinite(number):
        raise core_numbers.NumberError(f'"{value}" is too large.', value=str(value))
    return number / 100 if reading.is_percent else number


def _number_problem(error: ValueError, language: str | None, fallback: str) -> str:
    """The ambiguity message of the one reader for "48.000", else this field's own ``fallback``."""
    if isinstance(error, core_numbers.AmbiguousNumber):
        return number_error_message(error, number_style(language))
    return fallback


def _read_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes", "ya")
    return bool(value)


def _experiment_values(workspace: Workspace, values: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """Read and check the plan's fields present in ``values``; problems go into ``errors`` by field."""
    cleaned: dict[str, Any] = {}
    for name in ("name", "hypothesis", "metric_name"):
        if name in values:
            cleaned[name] = str(values[name] or "").strip()
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = _("Give the experiment a name, e.g. “Email subject: discount vs. free shipping”.")
    for name, choices, message in (
        ("metric", Experiment.Metric.values, _("Choose the primary metric: conversion rate or an average value.")),
        ("pull_dimension", Experiment.PullDimension.values, _("Choose ad, ad set or campaign.")),
        ("pull_visitors", Experiment.PullVisitors.values, _("Choose clicks or sessions.")),
    ):
        if name in values:
            if values[name] not in choices:
                errors[name] = message
            else:
                cleaned[name] = values[name]
    for name in ("mde_relative", "is_sequential"):
        if name in values:
            cleaned[name] = _read_bool(values[name])
    if "guardrails" in values:
        raw = values["guardrails"]
        items = raw.splitlines() if isinstance(raw, str) else list(raw or [])
        names = [str(item).strip()[:80] for item in items if str(item).strip()]
        if len(set(names)) != len(names):
            errors["guardrails"] = _("Name each guardrail metric once.")
        cleaned["guardrails"] = names[:10]
    for name in ("mde", "alpha", "power", "baseline_rate", "baseline_mean", "baseline_std", "daily_visitors"):
        if name not in values:
            continue
        try:
            cleaned[name] = read_number(values[name], language=workspace.language)
        except ValueError as error:
            errors[name] = _number_problem(
                error, workspace.language, _("“%(value)s” is not a number; write e.g. 0.05 or 5%%.") % {"value": values[name]}
            )
    if "campaign" in values:
        campaign_id = values["campaign"]
        if campaign_id in (None, ""):
            cleaned["campaign"] = None
        else:
            campaign = (
                Campaign.objects.filter(workspace=workspace, pk=str(campaign_id)).first() if str(campaign_id).isdigit() else None
            )
            if campaign is None:
                errors["campaign"] = _("Choose a campaign of this workspace.")
            cleaned["campaign"] = campaign
    if "owner" in values and values["owner"] not in (None, ""):
        member = Membership.objects.filter(workspace=workspace, user_id=str(values["owner"])).select_related("user").first()
        if member is None or not str(values["owner"]).isdigit():
            errors["owner"] = _("Choose a member of this workspace as the owner.")
        else:
            cleaned["owner"] = member.user
    return cleaned


def _check_plan(experiment: Any, errors: dict[str, str]) -> None:
    """The plan must make a sample size computable: alpha, power, an effect, and a baseline fitting the metric."""
    if errors:
        return
    if experiment.alpha is None or not 0 < experiment.alpha < 0.5:
        errors["alpha"] = _("Alpha is the false-positive rate you accept: between 0 and 0.5, usually 0.05 (5%).")
    if experiment.power is None or not 0.5 <= experiment.power < 1:
        errors["power"] = _("Power is the chance to detect the effect if it is real: between 0.5 and 1, usually 0.8 (80%).")
    if experiment.mde is None or experiment.mde <= 0:
        errors["mde"] = _("Give the smallest effect worth detecting, a positive number such as 1% (absolute) or 10% (relative).")
    if experiment.metric == "conversion":
        rate = experiment.baseline_rate
        if rate is None or not 0 < rate < 1:
            errors["baseline_rate"] = _("Give today's conversion rate, between 0% and 100% (e.g. 4%).")
        elif experiment.mde and (rate * (1 + experiment.mde) if experiment.mde_relative else rate + experiment.mde) >= 1:
            errors["mde"] = _("Baseline plus the effect must stay below 100%; choose a smaller effect.")
    else:
        if experiment.baseline_std is None or experiment.baseline_std <= 0:
            errors["baseline_std"] = _("Give the standard deviation of the value per visitor, a positive number.")
        if experiment.mde_relative and (experiment.baseline_mean is None or experiment.baseline_mean <= 0):
            errors["baseline_mean"] = _("A relative effect needs today's average value per visitor, a positive number.")
    if experiment.daily_visitors is not None and experiment.daily_visitors <= 0:
        errors["daily_visitors"] = _("Give the visitors per day as a positive number, or leave it empty.")


def _read_variant_specs(specs: Any, errors: dict[str, str], language: str | None = None) -> list[dict[str, Any]]:
    """Variants as ``[{"name", "traffic_share", "data_value"}]`` (the first is the control); shares are
    percentages that must add up to 100."""
    if not isinstance(specs, list) or not all(isinstance(s, Mapping) for s in specs):
        errors["variants"] = _("List the variants, the control first.")
        return []
    rows: list[dict[str, Any]] = []
    for index, spec in enumerate(specs, start=1):
        name = str(spec.get("name") or "").strip()[:80]
        if not name:
            continue
        try:
            share = read_number(spec.get("traffic_share"), percent_allowed=True, language=language)
        except ValueError:
            errors["variants"] = _("Variant %(row)s: the traffic share “%(value)s” is not a number.") % {
                "row": index, "value": spec.get("traffic_share"),
            }  # fmt: skip
            return []
        if share is not None and isinstance(spec.get("traffic_share"), str) and spec["traffic_share"].strip().endswith("%"):
            share *= 100  # "50%" is 50 (the shares are percentages already)
        rows.append({"name": name, "traffic_share": share, "data_value": str(spec.get("data_value") or "").strip()[:250]})
    if len(rows) < 2:
        errors["variants"] = _("An experiment needs a control and at least one variant.")
    elif len(rows) > MAX_VARIANTS:
        errors["variants"] = _("At most %(count)s variants.") % {"count": MAX_VARIANTS}
    elif len({r["name"].lower() for r in rows}) != len(rows):
        errors["variants"] = _("Give each variant a different name.")
    if errors.get("variants"):
        return rows
    given = [r["traffic_share"] for r in rows if r["traffic_share"] is not None]
    if not given:
        for row in rows:
            row["traffic_share"] = 100 / len(rows)
    elif len(given) != len(rows) or any(s <= 0 for s in given) or abs(sum(given) - 100) > 0.5:
        errors["variants"] = _("Traffic shares are percentages above 0 that add up to 100 (now %(total)s).") % {
            "total": f"{sum(given):g}"
        }
    return rows


def experiment_create(
    *, actor: User, workspace: Workspace, values: Mapping[str, Any], variants: Sequence[Mapping[str, Any]] | None = None
) -> Any:
    """A draft experiment with its plan and variants (default: "Control" and "B", half the traffic each)."""
    require(actor, membership_of(actor, workspace), Action.EXPERIMENT_MANAGE, None)
    refuse_nul_characters(**{k: v for k, v in values.items() if isinstance(v, str)})
    errors: dict[str, str] = {}
    cleaned = _experiment_values(workspace, {"metric": "conversion", **values}, errors)
    specs = _read_variant_specs(
        list(variants) if variants is not None else [{"name": _("Control")}, {"name": "B"}], errors, workspace.language
    )
    experiment = Experiment(workspace=workspace, owner=cleaned.pop("owner", actor), created_by=actor)
    for name, value in cleaned.items():
        setattr(experiment, name, value)
    _check_plan(experiment, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        experiment.save()
        for position, spec in enumerate(specs):
            ExperimentVariant.objects.create(
                workspace=workspace, experiment=experiment, position=position, is_control=position == 0, **spec
            )
        audit_record(
            actor=actor,
            workspace=workspace,
            action="analytics.experiment_create",
            obj=experiment,
            after={"name": experiment.name, "variants": [s["name"] for s in specs]},
        )
    return experiment


def experiment_update(
    *, actor: User, experiment: Any, values: Mapping[str, Any], variants: Sequence[Mapping[str, Any]] | None = None
) -> Any:
    """Change the plan (and, while a draft, the variants). A concluded experiment is kept as it was decided."""
    require(actor, membership_of(actor, experiment.workspace), Action.EXPERIMENT_MANAGE, experiment)
    refuse_nul_characters(**{k: v for k, v in values.items() if isinstance(v, str)})
    if experiment.status == experiment.Status.CONCLUDED and set(values) - {"decision"}:
        raise ValidationError({"status": _("This experiment is concluded; its plan can no longer change.")})
    errors: dict[str, str] = {}
    cleaned = _experiment_values(experiment.workspace, values, errors)
    before = {name: getattr(experiment, name) for name in cleaned if name not in ("campaign", "owner")}
    for name, value in cleaned.items():
        setattr(experiment, name, value)
    if "decision" in values:
        experiment.decision = str(values["decision"] or "").strip()
    _check_plan(experiment, errors)
    if errors:
        experiment.refresh_from_db()
        raise ValidationError(errors)
    with transaction.atomic():
        experiment.save()
        if variants is not None:
            experiment_variants_set(actor=actor, experiment=experiment, variants=variants)
        audit_record(
            actor=actor,
            workspace=experiment.workspace,
            action="analytics.experiment_update",
            obj=experiment,
            before=before,
            after={name: getattr(experiment, name) for name in before},
        )
    return experiment


def experiment_variants_set(*, actor: User, experiment: Any, variants: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Replace the variants of a draft (the first is the control). Variants keep their counts when their
    name stays; the name in imported data may change at any time before the experiment is concluded."""
    require(actor, membership_of(actor, experiment.workspace), Action.EXPERIMENT_MANAGE, experiment)
    errors: dict[str, str] = {}
    specs = _read_variant_specs(variants, errors, experiment.workspace.language)
    if errors:
        raise ValidationError(errors)
    existing = {v.name.lower(): v for v in experiment.variants.all()}
    if experiment.status != experiment.Status.DRAFT:
        same = [s["name"].lower() for s in specs] == [v.name.lower() for v in experiment.variants.all()]
        changed_shares = (
            any(abs(existing[s["name"].lower()].traffic_share - s["traffic_share"]) > 1e-9 for s in specs) if same else True
        )
        if not same or changed_shares or experiment.status == experiment.Status.CONCLUDED:
            raise ValidationError({"variants": _("Variants and their traffic shares are fixed once the experiment has started.")})
    with transaction.atomic():
        kept: list[Any] = []
        for position, spec in enumerate(specs):
            variant = existing.pop(spec["name"].lower(), None) or ExperimentVariant(
                workspace=experiment.workspace, experiment=experiment
            )
            variant.name, variant.position, variant.is_control = spec["name"], position, position == 0
            variant.traffic_share, variant.data_value = spec["traffic_share"], spec["data_value"]
            kept.append(variant)
        ExperimentVariant.objects.filter(pk__in=[v.pk for v in existing.values()]).delete()
        for variant in kept:  # temporary names first, so a swap of two names never breaks the unique rule
            if variant.pk:
                ExperimentVariant.objects.filter(pk=variant.pk).update(name=f"\x01{variant.pk}")
        for variant in kept:
            variant.save()
        audit_record(
            actor=actor,
            workspace=experiment.workspace,
            action="analytics.experiment_variants",
            obj=experiment,
            after={"variants": [{"name": v.name, "traffic_share": v.traffic_share} for v in kept]},
        )
    return kept


def _count(value: Any, field: str, errors: dict[str, str], *, required: bool = True, language: str | None = None) -> float | None:
    try:
        number = read_number(value, percent_allowed=False, language=language)
    except ValueError as error:
        errors[field] = _number_problem(error, language, _("“%(value)s” is not a number.") % {"value": value})
        return None
    if number is None:
        if required:
            errors[field] = _("Fill this in (0 when there is none yet).")
        return None
    if number < 0:
        errors[field] = _("A count cannot be negative.")
    return number


def _counts_rows(experiment: Any, rows: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Checked counts per variant from ``[{"variant": name, "visitors", "conversions", "value_sum",
    "value_sum_sq", "guardrails": {name: count}}]``; every variant must be present. Field errors are keyed
    ``<variant id>-<field>`` (the counts form names its inputs so)."""
    variants = {v.name.lower(): v for v in experiment.variants.all()}
    language = experiment.workspace.language
    errors: dict[str, str] = {}
    seen: dict[int, dict[str, Any]] = {}
    for index, row in enumerate(rows, start=1):
        variant = variants.get(str(row.get("variant", "")).strip().lower())
        if variant is None:
            errors[f"row-{index}"] = _("Row %(row)s: “%(name)s” is not a variant of this experiment (%(known)s).") % {
                "row": index, "name": row.get("variant", ""), "known": ", ".join(v.name for v in variants.values()),
            }  # fmt: skip
            continue
        if variant.pk in seen:
            errors[f"row-{index}"] = _("Row %(row)s: variant “%(name)s” appears twice.") % {"row": index, "name": variant.name}
            continue
        key = f"{variant.pk}-"
        visitors = _count(row.get("visitors"), key + "visitors", errors, language=language)
        conversions = _count(row.get("conversions"), key + "conversions", errors, language=language)
        value_sum = _count(row.get("value_sum"), key + "value_sum", errors, required=False, language=language)
        value_sum_sq = _count(row.get("value_sum_sq"), key + "value_sum_sq", errors, required=False, language=language)
        if visitors is not None and visitors != int(visitors):
            errors[key + "visitors"] = _("Visitors are a whole number.")
        if visitors is not None and conversions is not None and conversions > visitors:
            errors[key + "conversions"] = _("More conversions (%(conversions)s) than visitors (%(visitors)s).") % {
                "conversions": f"{conversions:g}", "visitors": f"{visitors:g}",
            }  # fmt: skip
        if experiment.metric == "mean" and (value_sum is None or value_sum_sq is None):
            for name, number in (("value_sum", value_sum), ("value_sum_sq", value_sum_sq)):
                if number is None and key + name not in errors:
                    errors[key + name] = _("An average-value metric needs the sum and the sum of squares per variant.")
        if (
            experiment.metric == "mean"
            and visitors
            and value_sum is not None
            and value_sum_sq is not None
            and value_sum_sq < value_sum**2 / visitors * (1 - 1e-9)
        ):
            errors[key + "value_sum_sq"] = _(
                "The sum of squares is smaller than sum² ÷ visitors, which real data never gives; "
                "check that it holds the sum of the squared values."
            )
        guardrails: dict[str, float] = {}
        given = row.get("guardrails")
        if given is None:  # a file of the primary metric only: the guardrails' counts stay as they are
            guardrails = dict(variant.guardrail_counts or {})
        for name in experiment.guardrails if given is not None else ():
            raw = given.get(name) if isinstance(given, Mapping) else None
            number = _count(raw, f"{key}guardrail-{name}", errors, required=False, language=language)
            if number is not None:
                guardrails[name] = number
        seen[variant.pk] = {
            "variant": variant, "visitors": int(visitors or 0), "conversions": conversions or 0.0,
            "value_sum": value_sum, "value_sum_sq": value_sum_sq, "guardrail_counts": guardrails,
        }  # fmt: skip
    missing = [v.name for v in variants.values() if v.pk not in seen]
    if missing and not errors:
        errors["variants"] = _("Give counts for every variant; missing: %(names)s.") % {"names": ", ".join(missing)}
    return list(seen.values()), errors


def _counts_save(actor: User, experiment: Any, rows: list[dict[str, Any]], how: str) -> None:
    if experiment.status == experiment.Status.CONCLUDED:
        raise ValidationError({"status": _("This experiment is concluded; its counts are kept as they were decided.")})
    with transaction.atomic():
        for row in rows:
            variant = row["variant"]
            for name in ("visitors", "conversions", "value_sum", "value_sum_sq", "guardrail_counts"):
                setattr(variant, name, row[name])
            for name in ("pre_sum", "pre_sum_sq", "cross_sum"):
                if name in row:
                    setattr(variant, name, row[name])
            variant.save()
        experiment.counts_updated_at = timezone.now()
        experiment.save(update_fields=["counts_updated_at"])
        audit_record(
            actor=actor,
            workspace=experiment.workspace,
            action="analytics.experiment_counts",
            obj=experiment,
            after={"how": how, "visitors": {r["variant"].name: r["visitors"] for r in rows}},
        )


def experiment_counts_record(*, actor: User, experiment: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """Typed-in counts for every variant, all checked before any is written."""
    require(actor, membership_of(actor, experiment.workspace), Action.EXPERIMENT_MANAGE, experiment)
    checked, errors = _counts_rows(experiment, rows)
    if errors:
        raise ValidationError(errors)
    _counts_save(actor, experiment, checked, "typed")


def experiment_counts_import(*, actor: User, experiment: Any, text: str) -> None:
    """Counts from a CSV ``variant,visitors,conversions[,value_sum,value_sum_sq]`` (the format of ``alur
    abtest``), all-or-nothing: a wrong row writes nothing and the message names the row and column."""
    require(actor, membership_of(actor, experiment.workspace), Action.EXPERIMENT_MANAGE, experiment)
    try:
        counts = stats.read_counts_csv(text, style=number_style(experiment.workspace.language))
    except stats.CountsFileError as error:
        raise ValidationError({"file": _(error.template) % error.params}) from None
    rows = [
        {
            "variant": c.name,
            "visitors": c.visitors,
            "conversions": c.conversions,
            "value_sum": c.value_sum,
            "value_sum_sq": c.value_sum_sq,
        }
        for c in counts
    ]
    checked, errors = _counts_rows(experiment, rows)
    if errors:
        # One message for the file: the per-field keys of the typed form mean nothing to a file's reader.
        names = {f"{v.pk}-": v.name for v in experiment.variants.all()}
        messages = []
        for key, message in errors.items():
            prefix = next((p for p in names if key.startswith(p)), None)
            messages.append(f"{names[prefix]}: {message}" if prefix else message)
        raise ValidationError({"file": messages})
    for row, counted in zip(checked, counts, strict=False):
        if counted.pre_sum is not None:
            row.update(pre_sum=counted.pre_sum, pre_sum_sq=counted.pre_sum_sq, cross_sum=counted.cross_sum)
    _counts_save(actor, experiment, checked, "file")


def experiment_counts_pull(*, actor: User, experiment: Any, today: dt.date | None = None) -> bool:
    """Counts from imported data: for each variant, the facts whose ``pull_dimension`` (ad, ad set or
    campaign) equals the variant's name in imported data, from the start day to the end day (or today):
    ``pull_visitors`` (clicks or sessions) as visitors, ``conversions`` as conversions and
    ``conversion_value`` as the value sum. Aggregated reports carry no per-visitor sums of squares, so an
    average-value experiment keeps its typed-in or uploaded counts.

    Returns whether the counts are estimates: a whole-period report reaching beyond the experiment's days
    counts by its share of days (visitors then rounded to whole visitors)."""
    require(actor, membership_of(actor, experiment.workspace), Action.EXPERIMENT_MANAGE, experiment)
    if experiment.metric != "conversion":
        raise ValidationError(
            {
                "pull": _(
                    "Imported reports have no per-visitor sums of squares, which an average-value metric needs; "
                    "type the counts or upload a CSV."
                )
            }
        )
    variants = list(experiment.variants.all())
    missing = [v.name for v in variants if not v.data_value]
    if missing:
        raise ValidationError(
            {"pull": _("Say which %(dimension)s in the imported data is each variant; missing for %(names)s.") % {
                "dimension": experiment.get_pull_dimension_display().lower(), "names": ", ".join(missing),
            }}
        )  # fmt: skip
    totals = selectors.experiment_totals(experiment, today=today)
    empty = [v.name for v in variants if totals.get(v.data_value.lower(), {}).get("visitors", 0) <= 0]
    if empty:
        raise ValidationError(
            {"pull": _("No %(visitors)s found in the imported data for %(names)s in the experiment's dates.") % {
                "visitors": experiment.get_pull_visitors_display().lower(), "names": ", ".join(empty),
            }}
        )  # fmt: skip
    rows = []
    for variant in variants:
        found = totals[variant.data_value.lower()]
        rows.append(
            {"variant": variant.name, "visitors": round(found["visitors"]), "conversions": float(found["conversions"]),
             "guardrails": variant.guardrail_counts}
        )  # fmt: skip
    checked, errors = _counts_rows(experiment, rows)
    if errors:
        raise ValidationError({"pull": list(errors.values())})
    for row in checked:
        row["value_sum"] = float(totals[row["variant"].data_value.lower()]["value"])
    is_estimate = any(totals[v.data_value.lower()]["estimated"] for v in variants)
    _counts_save(actor, experiment, checked, "pulled (estimated)" if is_estimate else "pulled")
    return is_estimate


def _experiment_status(actor: User, experiment: Any, allowed_from: tuple[str, ...], target: str, message: str) -> Any:
    require(actor, membership_of(actor, experiment.workspace), Action.EXPERIMENT_MANAGE, experiment)
    with transaction.atomic():
        locked = type(experiment).objects.select_for_update().get(pk=experiment.pk)
        if locked.status not in allowed_from:
            raise ValidationError({"status": message})
        before = locked.status
        today = timezone.localdate()
        if target == locked.Status.RUNNING:
            locked.started_on = locked.started_on or today
            locked.ended_on = None
        elif target in (locked.Status.STOPPED, locked.Status.CONCLUDED):
            locked.ended_on = locked.ended_on or today
        locked.status = target
        if target == locked.Status.CONCLUDED:
            locked.decision = experiment.decision
        locked.save()
        audit_record(
            actor=actor,
            workspace=experiment.workspace,
            action=f"analytics.experiment_{target}",
            obj=locked,
            before={"status": before},
            after={"status": target},
        )
    experiment.refresh_from_db()
    return experiment


def experiment_start(*, actor: User, experiment: Any) -> Any:
    """Start (or resume) the test: the start day is recorded; variants and shares are fixed from now on."""
    return _experiment_status(
        actor, experiment, ("draft", "stopped"), "running", _("Only a draft or a stopped experiment can start.")
    )


def experiment_stop(*, actor: User, experiment: Any) -> Any:
    return _experiment_status(actor, experiment, ("running",), "stopped", _("Only a running experiment can stop."))


def experiment_conclude(*, actor: User, experiment: Any, decision: str) -> Any:
    """Record the decision and what was learnt; the experiment and its counts are kept as decided."""
    refuse_nul_characters(decision=decision)
    if not decision.strip():
        raise ValidationError({"decision": _("Write the decision and what was learnt, e.g. “Ship B: free shipping wins”.")})
    experiment.decision = decision.strip()
    return _experiment_status(
        actor, experiment, ("running", "stopped", "draft"), "concluded", _("This experiment is concluded already.")
    )
