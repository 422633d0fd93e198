"""Reads of analytics: dashboards' numbers from the warehouse (aggregated in the engine by
:mod:`alur.analytics.kpis`), key-result values, budget actuals, anomalies and diagnoses.

Every warehouse read is filtered to one workspace first: ``_facts`` is the only way in.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ibis
from django.conf import settings
from django.utils.translation import gettext as _

from alur.analytics import anomaly, kpis, warehouse

FILTER_FIELDS = ("source", "channel", "campaign", "campaign_id", "region", "device", "account")
DIMENSIONS = ("channel", "campaign", "region", "device", "source", "account")
TILE_KPIS = (
    "spend",
    "impressions",
    "clicks",
    "ctr",
    "cpc",
    "conversions",
    "cpa",
    "roas",
    "sessions",
    "bounce_rate",
    "leads",
    "followers",
)
TABLE_KPIS = ("spend", "impressions", "clicks", "ctr", "cpc", "conversions", "cpa", "roas")
SCAN_KPIS = ("ctr", "cpc", "bounce_rate", "spend", "conversions")
# A ratio is judged only on slices whose typical day has at least this much of its denominator, so a
# campaign with a handful of clicks a day does not alarm on noise.
MIN_DENOMINATOR = {"impressions": 1000.0, "clicks": 50.0, "sessions": 100.0, "conversions": 10.0}

# Facts' channels → the channel keys budget lines use (campaigns.templates_data.CHANNELS). Google Ads
# search campaigns are SEM; every other paid placement (display, video, social ads) is "ads". A channel that
# already is a budget key (generic sources) stays itself.
BUDGET_CHANNELS = ("seo", "sem", "social", "email", "content", "ads", "influencer", "offline")
_SEARCH_WORDS = ("search", "penelusuran", "sem")


def channel_key(channel: str, source: str = "") -> str:
    """The budget channel a fact's channel counts towards (see :data:`BUDGET_CHANNELS`)."""
    name = (channel or "").strip().lower()
    if name in BUDGET_CHANNELS:
        return name
    if source == "google_ads" and any(word in name for word in _SEARCH_WORDS):
        return "sem"
    if source in ("google_ads", "meta_ads", "tiktok_ads", "linkedin_ads"):
        return "ads"
    return name


@contextlib.contextmanager
def _facts(workspace_id: int) -> Iterator[ibis.Table]:
    with warehouse.session(settings.WAREHOUSE_URL) as con:
        table = con.table(warehouse.FACTS)
        yield table.filter(table.workspace_id == int(workspace_id))


@dataclass(frozen=True)
class Filters:
    """A dashboard's date range and filters (end inclusive)."""

    start: dt.date
    end: dt.date
    values: Mapping[str, Any]

    @property
    def previous(self) -> tuple[dt.date, dt.date]:
        days = (self.end - self.start).days + 1
        return self.start - dt.timedelta(days=days), self.start - dt.timedelta(days=1)


def data_range(workspace_id: int) -> tuple[dt.date, dt.date] | None:
    """The first and last day with data, or None when nothing was imported."""
    with _facts(workspace_id) as facts:
        row = kpis.execute(facts.aggregate(first=facts.date.min(), last=facts.date.max()))
    if not row or row[0]["first"] is None:
        return None
    return row[0]["first"], row[0]["last"]


def filter_options(workspace_id: int) -> dict[str, list[str]]:
    """Distinct values of each filterable dimension (for the filter controls)."""
    options: dict[str, list[str]] = {}
    with _facts(workspace_id) as facts:
        for name in ("source", "channel", "campaign", "region", "device", "currency"):
            rows = kpis.execute(facts.select(value=facts[name]).distinct().order_by("value"))
            options[name] = [r["value"] for r in rows if r["value"]][:500]
    return options


def kpi_tiles(workspace_id: int, filters: Filters, keys: Sequence[str] = TILE_KPIS) -> list[dict[str, Any]]:
    """Each KPI for the period beside the previous period of the same length."""
    with _facts(workspace_id) as facts:
        rows = kpis.compare(facts, list(keys), start=filters.start, end=filters.end, filters=dict(filters.values))
    return rows


def by_dimension(workspace_id: int, filters: Filters, dimension: str, keys: Sequence[str] = TABLE_KPIS) -> list[dict[str, Any]]:
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    with _facts(workspace_id) as facts:
        expr = kpis.rollup(facts, list(keys), by=[dimension], start=filters.start, end=filters.end, filters=dict(filters.values))
        rows = kpis.execute(expr)
    return sorted(rows, key=lambda r: -(r.get("spend") or 0) - (r.get("clicks") or 0) / 1e12)


def by_dimension_any(workspace_id: int, filters: Filters, by: Sequence[str], keys: Sequence[str]) -> list[dict[str, Any]]:
    """KPIs grouped by any dimensions (none: the totals)."""
    with _facts(workspace_id) as facts:
        return kpis.execute(
            kpis.rollup(facts, list(keys), by=list(by), start=filters.start, end=filters.end, filters=dict(filters.values))
        )


def series(
    workspace_id: int, filters: Filters, keys: Sequence[str], *, grain: str = "day", by: Sequence[str] = ()
) -> list[dict[str, Any]]:
    with _facts(workspace_id) as facts:
        expr = kpis.rollup(
            facts, list(keys), by=list(by), grain=grain, start=filters.start, end=filters.end, filters=dict(filters.values)
        )
        rows = kpis.execute(expr)
    return sorted(rows, key=lambda r: (r["period"], *(str(r.get(b)) for b in by)))


# -------------------------------------------------------------------------------------------- key results


def key_result_value(link: Any, *, today: dt.date | None = None) -> float | None:
    """The value a linked key result reads now: the KPI over its period so far (or the last 30 days of
    data, or the start value plus the period's total), with its filter. None when there is no data."""
    kr = link.key_result
    period = kr.objective.period
    today = today or dt.date.today()
    filters = dict(link.filters or {})
    currency = filters.pop("currency", None) or kr.workspace.currency
    spec = kpis.KPIS[link.kpi]
    with _facts(kr.workspace_id) as facts:
        last = kpis.execute(facts.aggregate(last=facts.date.max()))[0]["last"]
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
    return value


# ----------------------------------------------------------------------------------------------- budget


def spend_by_campaign_channel_month(workspace: Any) -> dict[tuple[int, str, dt.date], Decimal]:
    """Imported spend in the workspace currency per (campaign, budget channel, month). Spend in other
    currencies is not converted and not counted (the budget dashboard says so)."""
    with _facts(workspace.pk) as facts:
        mapped = facts.filter(facts.campaign_id.notnull() & (facts.currency == workspace.currency))
        expr = mapped.group_by(
            campaign_id=mapped.campaign_id, source=mapped.source, channel=mapped.channel, month=mapped.date.truncate("M")
        ).aggregate(spend=mapped.spend.sum())
        rows = kpis.execute(expr)
    totals: dict[tuple[int, str, dt.date], Decimal] = defaultdict(Decimal)
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        totals[(row["campaign_id"], channel_key(row["channel"], row["source"]), month)] += Decimal(str(row["spend"] or 0))
    return dict(totals)


def budget_overview(workspace: Any, month: dt.date, *, today: dt.date | None = None) -> dict[str, Any]:
    """Planned vs. actual per budget channel for a month, with a pacing forecast to the month's end:
    actual so far ÷ days with data × days in the month (a straight-line run rate)."""
    from alur.campaigns.models import BudgetLine

    month = month.replace(day=1)
    days_in_month = calendar.monthrange(month.year, month.month)[1]
    month_end = month.replace(day=days_in_month)
    planned: dict[str, Decimal] = defaultdict(Decimal)
    for line in BudgetLine.objects.filter(workspace=workspace, month=month):
        planned[line.channel] += line.planned
    actual: dict[str, Decimal] = defaultdict(Decimal)
    other_currencies: set[str] = set()
    last_day: dt.date | None = None
    with _facts(workspace.pk) as facts:
        in_month = facts.filter((facts.date >= month) & (facts.date <= month_end))
        rows = kpis.execute(
            in_month.group_by("source", "channel", "currency").aggregate(spend=in_month.spend.sum(), last=in_month.date.max())
        )
    for row in rows:
        if row["currency"] != workspace.currency:
            if row["spend"]:
                other_currencies.add(row["currency"])
            continue
        actual[channel_key(row["channel"], row["source"])] += Decimal(str(row["spend"] or 0))
        last_day = max(last_day, row["last"]) if last_day else row["last"]
    elapsed = (last_day - month).days + 1 if last_day else 0
    channels = sorted(set(planned) | {c for c, v in actual.items() if v})
    lines: list[dict[str, Any]] = []
    for channel in channels:
        spent = actual.get(channel, Decimal(0))
        forecast = spent / elapsed * days_in_month if elapsed else Decimal(0)
        plan = planned.get(channel, Decimal(0))
        lines.append(
            {
                "channel": channel,
                "planned": plan,
                "actual": spent,
                "forecast": forecast.quantize(Decimal("1")),
                "variance": (forecast - plan).quantize(Decimal("1")),
                "pace": kpis.ratio(float(forecast), float(plan)),
            }
        )
    return {
        "month": month,
        "lines": lines,
        "planned": sum((line["planned"] for line in lines), Decimal(0)),
        "actual": sum((line["actual"] for line in lines), Decimal(0)),
        "forecast": sum((line["forecast"] for line in lines), Decimal(0)),
        "days_with_data": elapsed,
        "days_in_month": days_in_month,
        "other_currencies": sorted(other_currencies),
    }


# --------------------------------------------------------------------------------------------- anomalies


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def anomalies(workspace: Any, *, threshold: float = 3.5, recent_days: int = 30) -> list[dict[str, Any]]:
    """Anomalies on the daily series of :data:`SCAN_KPIS` per channel and per campaign (and currency for
    money), within the last ``recent_days`` days of data."""
    bounds = data_range(workspace.pk)
    if bounds is None:
        return []
    first, last = bounds
    since = last - dt.timedelta(days=recent_days - 1)
    found: list[dict[str, Any]] = []
    with _facts(workspace.pk) as facts:
        for dimension in ("channel", "campaign"):
            wanted = [*SCAN_KPIS, "impressions", "clicks", "sessions"]
            rows = kpis.execute(kpis.rollup(facts, wanted, by=[dimension], grain="day", start=first, end=last))
            groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
            for row in rows:
                groups[(row.get(dimension) or "", row.get("currency") or "")].append(row)
            for (value_of_dimension, currency), group in groups.items():
                group.sort(key=lambda r: r["period"])
                for key in SCAN_KPIS:
                    better, default_threshold = anomaly.METRIC_RULES.get(key, ("either", 3.5))
                    spec = kpis.KPIS[key]
                    points = [(_as_date(r["period"]), float(r[key]) if r.get(key) is not None else None) for r in group]
                    options: dict[str, Any] = {}
                    if isinstance(spec.denominator, str):
                        typical = statistics.median(float(r.get(spec.denominator) or 0) for r in group)
                        if typical < MIN_DENOMINATOR.get(spec.denominator, 0.0):
                            continue
                    elif spec.unit == "count":
                        # Counts vary at least like a Poisson variable: a floor of √(typical day) on the scale.
                        typical = (
                            statistics.median(v for _, v in points if v is not None)
                            if any(v is not None for _, v in points)
                            else 0.0
                        )
                        if typical < 5:
                            continue
                        options["min_scale"] = math.sqrt(typical)
                    for item in anomaly.detect(points, better=better, threshold=max(threshold, default_threshold), **options):  # type: ignore[arg-type]
                        if item.day < since:
                            continue
                        found.append(
                            {
                                "kpi": key,
                                "dimension": dimension,
                                "dimension_value": value_of_dimension,
                                "currency": currency if kpis.KPIS[key].money else "",
                                "day": item.day,
                                "value": float(item.value),
                                "expected": float(item.expected),
                                "low": float(item.low),
                                "high": float(item.high),
                                "score": float(item.score),
                                "direction": item.direction,
                                "severity": item.severity,
                                "dedupe_key": anomaly.dedupe_key(workspace.pk, key, dimension, value_of_dimension, item.day),
                            }
                        )
    return found


def alert_sentence(alert: Any) -> str:
    """One line a marketer reads: what moved, where, by how much."""
    label = kpis.KPIS[alert.kpi].label if alert.kpi in kpis.KPIS else alert.kpi
    change = (alert.value - alert.expected) / alert.expected * 100 if alert.expected else 0.0
    where = alert.dimension_value or _("all channels")
    return _("%(kpi)s for %(where)s on %(day)s: %(value)s, expected about %(expected)s (%(change)+.0f%%).") % {
        "kpi": _(label),
        "where": where,
        "day": alert.day.isoformat(),
        "value": _fmt(alert.value),
        "expected": _fmt(alert.expected),
        "change": change,
    }


def _fmt(value: float) -> str:
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


# --------------------------------------------------------------------------------------------- diagnosis


def diagnosis(workspace: Any, link: Any, *, today: dt.date | None = None) -> dict[str, Any] | None:
    """Why a linked key result is off track: how much each channel and campaign contributes to the gap
    between the value needed by now (linear pace from start to target over the period) and the value
    reached, the anomalies inside the period, and a budget suggestion from the channels' CPA.

    Contribution of a segment for an additive KPI = its share of the expected value (by its share of
    last period's volume) minus what it delivered; for a ratio KPI = (its ratio − the overall ratio) × its
    share of the denominator (the standard mix/rate decomposition), so the parts add up to the gap.
    """
    kr = link.key_result
    period = kr.objective.period
    today = today or dt.date.today()
    current = key_result_value(link, today=today)
    if current is None:
        return None
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
    from alur.analytics.models import AnomalyAlert

    alerts = list(AnomalyAlert.objects.filter(workspace_id=kr.workspace_id, day__gte=begin, day__lte=end).order_by("-score")[:10])
    return {
        "kpi": spec,
        "current": current,
        "expected_now": expected_now,
        "gap": gap,
        "on_track": on_track,
        "elapsed_share": elapsed / total_days,
        "contributions": contributions,
        "alerts": alerts,
        "suggestion": suggestion,
        "start": begin,
        "end": end,
    }


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


def budget_suggestion(daily: Sequence[Mapping[str, Any]], share: float = 0.2) -> dict[str, Any] | None:
    """Move ``share`` of the spend of the channel with the worst marginal CPA to the one with the best, with
    the conversions that move is expected to add (at the two marginal CPAs). None with fewer than two
    channels that convert."""
    per_channel: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for row in daily:
        per_channel[row.get("channel") or "—"].append((float(row.get("spend") or 0), float(row.get("conversions") or 0)))
    costs = {name: cost for name, days in per_channel.items() if (cost := marginal_cpa(days)) is not None}
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
