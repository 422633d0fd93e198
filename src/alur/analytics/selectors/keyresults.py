"""Reads of key results linked to data: the value a link reads now, and the diagnosis of a key result off
track (what each channel and campaign contributes to the gap, the anomalies inside its period, and a
budget suggestion from the channels' marginal CPA)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from alur.analytics import kpis
from alur.analytics.models import AnomalyAlert
from alur.analytics.selectors.attribution import attributed_conversions
from alur.analytics.selectors.facts import _facts, channel_key


@dataclass(frozen=True)
class KeyResultReading:
    """A linked key result's value from the data; ``is_estimate`` when it counts a share of a whole-period
    fact that reaches beyond the key result's range (the rule in :mod:`alur.analytics.kpis`)."""

    value: float
    is_estimate: bool


def key_result_value(link: Any, *, today: dt.date | None = None) -> KeyResultReading | None:
    """The value a linked key result reads now: the KPI over its period so far (or the last 30 days of
    data, or the start value plus the period's total), with its filter. "So far" ends on the last day of
    data (the latest ``date_end``), today or the period's end, whichever comes first. None when there is
    no data."""
    kr = link.key_result
    period = kr.objective.period
    today = today or dt.date.today()
    filters = dict(link.filters or {})
    currency = filters.pop("currency", None) or kr.workspace.currency
    spec = kpis.KPIS[link.kpi]
    with _facts(kr.workspace_id) as facts:
        last = kpis.execute(facts.aggregate(last=facts.date_end.max()))[0]["last"]
        if last is None:
            return None
        end = min(last, today, period.end)
        start = period.start if link.mode != "trailing_30" else end - dt.timedelta(days=29)
        if end < start:
            return None
        rows = kpis.execute(kpis.rollup(facts, [link.kpi], start=start, end=end, filters=filters))
    if spec.money:
        rows = [r for r in rows if r.get("currency") == currency]
    if not rows or rows[0].get(link.kpi) is None:
        return None
    value = float(rows[0][link.kpi])
    if link.mode == "start_plus":
        value += float(kr.start_value)
    return KeyResultReading(value, bool(rows[0]["estimated"]))


def diagnosis(
    workspace: Any,
    link: Any,
    *,
    today: dt.date | None = None,
    conversions: str = "platform",
    memo: dict[Any, Any] | None = None,
) -> dict[str, Any] | None:
    """Why a linked key result is off track: how much each channel and campaign contributes to the gap
    between the value needed by now (linear pace from start to target over the period) and the value
    reached, the anomalies inside the period, and a budget suggestion from the channels' CPA.

    When the workspace has journeys in the period, ``attributed`` holds per channel the conversions the
    Markov model gives them beside the platforms' (:func:`attributed_conversions`); with ``conversions =
    "data_driven"`` the budget suggestion's CPAs count the Markov conversions, over all spend and journeys
    of the period (journeys carry no region or device, so the link's filter cannot apply to them). ``memo``
    (a dict kept for one page) shares that attribution between key results of the same period.

    Contribution of a segment for an additive KPI = its share of the expected value (by its share of
    last period's volume) minus what it delivered; for a ratio KPI = (its ratio − the overall ratio) × its
    share of the denominator (the standard mix/rate decomposition), so the parts add up to the gap.
    """
    kr = link.key_result
    period = kr.objective.period
    today = today or dt.date.today()
    reading = key_result_value(link, today=today)
    if reading is None:
        return None
    current = reading.value
    spec = kpis.KPIS[link.kpi]
    total_days = max((period.end - period.start).days + 1, 1)
    elapsed = min(max((today - period.start).days + 1, 0), total_days)
    start, target = float(kr.start_value), float(kr.target_value)
    expected_now = start + (target - start) * elapsed / total_days
    gap = current - expected_now
    higher_is_better = target >= start
    on_track = gap >= 0 if higher_is_better else gap <= 0
    filters = {k: v for k, v in (link.filters or {}).items() if k != "currency"}
    end = min(today, period.end)
    begin = period.start if link.mode != "trailing_30" else end - dt.timedelta(days=29)
    contributions: dict[str, list[dict[str, Any]]] = {}
    with _facts(kr.workspace_id) as facts:
        for dimension in ("channel", "campaign"):
            wanted = [link.kpi, "spend", "conversions", "cpa"]
            if isinstance(spec.denominator, str) and spec.denominator in kpis.KPIS:
                wanted.append(spec.denominator)
            rows = kpis.execute(
                kpis.rollup(facts, list(dict.fromkeys(wanted)), by=[dimension], start=begin, end=end, filters=filters)
            )
            if spec.money:
                rows = [r for r in rows if r.get("currency") == kr.workspace.currency]
            contributions[dimension] = _contributions(rows, dimension, link.kpi, spec, current)
        daily = kpis.execute(
            kpis.rollup(facts, ["spend", "conversions"], by=["channel"], grain="day", start=begin, end=end, filters=filters)
        )
    suggestion = budget_suggestion([r for r in daily if r.get("currency") == kr.workspace.currency])
    memo = {} if memo is None else memo
    if (begin, end) not in memo:
        memo[(begin, end)] = attributed_conversions(kr.workspace, start=begin, end=end)
    attributed = memo[(begin, end)]
    if conversions == "data_driven" and attributed is not None:
        suggestion = _data_driven_suggestion(kr.workspace, attributed, begin, end)
    alerts = list(AnomalyAlert.objects.filter(workspace_id=kr.workspace_id, day__gte=begin, day__lte=end).order_by("-score")[:10])
    return {
        "kpi": spec,
        "current": current,
        "is_estimate": reading.is_estimate,
        "expected_now": expected_now,
        "gap": gap,
        "on_track": on_track,
        "elapsed_share": elapsed / total_days,
        "contributions": contributions,
        "alerts": alerts,
        "suggestion": suggestion,
        "attributed": attributed,
        "conversions_basis": "data_driven" if conversions == "data_driven" and attributed is not None else "platform",
        "start": begin,
        "end": end,
    }


def _data_driven_suggestion(workspace: Any, attributed: Mapping[str, Any], start: dt.date, end: dt.date) -> dict[str, Any] | None:
    """The budget suggestion with Markov-attributed conversions: each channel key's daily spend and
    platform conversions (for the response curve's shape; daily facts only) and its attributed conversions
    (the level)."""
    with _facts(workspace.pk) as facts:
        daily = kpis.daily_facts(facts)
        window = daily.filter((daily.date >= start) & (daily.date <= end) & (daily.currency == workspace.currency))
        rows = kpis.execute(
            window.group_by("channel", "source", "date").aggregate(spend=window.spend.sum(), conversions=window.conversions.sum())
        )
    days: dict[tuple[str, Any], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        day = days[(channel_key(row["channel"] or "", row["source"] or ""), row["date"])]
        day[0] += float(row["spend"] or 0)
        day[1] += float(row["conversions"] or 0)
    daily = [{"channel": key, "spend": s, "conversions": c} for (key, _day), (s, c) in days.items()]
    return budget_suggestion(daily, attributed={line["key"]: line["markov"] for line in attributed["lines"]})


def marginal_cpa(days: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """(average CPA, marginal CPA) of a channel from its daily (spend, conversions).

    Conversions are modelled as ``c = a · spend^b`` (diminishing returns when b < 1), fitted by least squares
    on the logarithms of the days with both spend and conversions; the cost of one more conversion is then
    ``d spend / d c = CPA / b`` (the elasticity form of the marginal cost, e.g. Jin et al., "Bayesian
    Methods for Media Mix Modeling with Carryover and Shape Effects", Google 2017, for the response curve).
    b is kept within [0.1, 1.5] against noisy fits; with fewer than 10 usable days the marginal CPA is the
    average CPA (b = 1). None when the channel has no conversions.
    """
    spend = sum(s for s, _ in days)
    conversions = sum(c for _, c in days)
    if conversions <= 0 or spend <= 0:
        return None
    average = spend / conversions
    usable = [(math.log(s), math.log(c)) for s, c in days if s > 0 and c > 0]
    elasticity = 1.0
    if len(usable) >= 10:
        mean_x = sum(x for x, _ in usable) / len(usable)
        mean_y = sum(y for _, y in usable) / len(usable)
        var_x = sum((x - mean_x) ** 2 for x, _ in usable)
        if var_x > 1e-9:
            slope = sum((x - mean_x) * (y - mean_y) for x, y in usable) / var_x
            elasticity = min(max(slope, 0.1), 1.5)
    return average, average / elasticity


def attributed_cpa(days: Sequence[tuple[float, float]], attributed: float) -> tuple[float, float] | None:
    """(average CPA, marginal CPA) with the conversions a data-driven model attributes to the channel:
    average = spend ÷ attributed conversions; the response curve's elasticity b is fitted on the
    platform's daily figures as in :func:`marginal_cpa` (b does not change when every day's conversions
    are scaled by the same factor), b = 1 without them. None without spend or attributed conversions."""
    spend = sum(s for s, _ in days)
    if attributed <= 0 or spend <= 0:
        return None
    platform = marginal_cpa(days)
    elasticity = round(platform[0] / platform[1], 9) if platform else 1.0  # b = average ÷ marginal, float noise off
    average = spend / attributed
    return average, average / elasticity


def budget_suggestion(
    daily: Sequence[Mapping[str, Any]], share: float = 0.2, *, attributed: Mapping[str, float] | None = None
) -> dict[str, Any] | None:
    """Move ``share`` of the spend of the channel with the worst marginal CPA to the one with the best, with
    the conversions that move is expected to add (at the two marginal CPAs). None with fewer than two
    channels that convert. With ``attributed`` (channel → data-driven conversions over the same days) the
    CPAs count those conversions instead of the platform's (:func:`attributed_cpa`)."""
    per_channel: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for row in daily:
        per_channel[row.get("channel") or "—"].append((float(row.get("spend") or 0), float(row.get("conversions") or 0)))
    if attributed is None:
        costs = {name: cost for name, days in per_channel.items() if (cost := marginal_cpa(days)) is not None}
    else:
        costs = {
            name: cost
            for name, days in per_channel.items()
            if (cost := attributed_cpa(days, float(attributed.get(name, 0.0)))) is not None
        }
    if len(costs) < 2:
        return None
    best = min(costs, key=lambda name: costs[name][1])
    worst = max(costs, key=lambda name: costs[name][1])
    if best == worst:
        return None
    move = sum(s for s, _ in per_channel[worst]) * share
    extra = move / costs[best][1] - move / costs[worst][1]
    return {
        "from": worst,
        "to": best,
        "amount": round(move),
        "from_cpa": costs[worst][1],
        "to_cpa": costs[best][1],
        "from_average_cpa": costs[worst][0],
        "to_average_cpa": costs[best][0],
        "extra_conversions": round(extra, 1),
        "basis": "platform" if attributed is None else "data_driven",
    }


def _contributions(rows: list[dict[str, Any]], dimension: str, key: str, spec: Any, overall: float) -> list[dict[str, Any]]:
    if spec.denominator is None:
        total = sum(float(r.get(key) or 0) for r in rows) or 1.0
        out = [
            {"name": r.get(dimension) or "—", "value": float(r.get(key) or 0), "share": float(r.get(key) or 0) / total}
            for r in rows
        ]
    else:
        weights = {id(r): float(r.get(spec.denominator) or 0) if isinstance(spec.denominator, str) else 1.0 for r in rows}
        total_weight = sum(weights.values()) or 1.0
        out = [
            {
                "name": r.get(dimension) or "—",
                "value": float(r[key]) if r.get(key) is not None else None,
                "share": weights[id(r)] / total_weight,
                "effect": ((float(r[key]) - overall) * weights[id(r)] / total_weight) if r.get(key) is not None else 0.0,
            }
            for r in rows
        ]
    better_high = spec.better != "lower"
    return sorted(out, key=lambda item: item.get("effect", item["value"] or 0) * (1 if better_high else -1))[:8]
