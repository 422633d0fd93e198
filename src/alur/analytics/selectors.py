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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ibis
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from alur.analytics import anomaly, factstore, kpis, stats, warehouse
from alur.analytics.models import CampaignMapping
from alur.analytics.templatetags.analytics import amount

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


def campaign_ids(workspace_id: int) -> dict[str, int]:
    """Platform campaign name (lower case) → Alur campaign: explicit mappings first, then the campaign's UTM
    slug and its name."""
    from alur.campaigns.models import Campaign
    from alur.publishing.utm import slugify_value

    found: dict[str, int] = {}
    for campaign_id, name in Campaign.objects.filter(workspace_id=workspace_id).values_list("id", "name"):
        found.setdefault(slugify_value(name).lower(), campaign_id)
        found.setdefault(name.lower(), campaign_id)
    for platform_campaign, campaign_id in CampaignMapping.objects.filter(workspace_id=workspace_id).values_list(
        "platform_campaign", "campaign_id"
    ):
        found[platform_campaign.lower()] = campaign_id
    return found


_SHARED_FACTS: ContextVar[tuple[contextlib.ExitStack, dict[int, ibis.Table]] | None] = ContextVar("_shared_facts", default=None)


@contextlib.contextmanager
def facts_shared() -> Iterator[None]:
    """Within this block every read of a workspace's facts shares one open table: a page's dozen queries open
    the fact files and look up the campaigns once."""
    with contextlib.ExitStack() as stack:
        token = _SHARED_FACTS.set((stack, {}))
        try:
            yield
        finally:
            _SHARED_FACTS.reset(token)


@contextlib.contextmanager
def _facts(workspace_id: int) -> Iterator[ibis.Table]:
    shared = _SHARED_FACTS.get()
    if shared is None:
        with factstore.facts_table(int(workspace_id), campaign_ids(workspace_id)) as table:
            yield table
        return
    stack, tables = shared
    if workspace_id not in tables:
        tables[workspace_id] = stack.enter_context(factstore.facts_table(int(workspace_id), campaign_ids(workspace_id)))
    yield tables[workspace_id]


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
    """The first and last day with data (of daily and whole-period facts), or None when nothing was imported."""
    with _facts(workspace_id) as facts:
        return _first_and_last(facts)


def _first_and_last(facts: ibis.Table) -> tuple[dt.date, dt.date] | None:
    row = kpis.execute(facts.aggregate(first=facts.date.min(), last=facts.date_end.max()))
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
    """KPIs per day, week or month; a day series counts daily facts only (see :func:`periods_left_out`)."""
    with _facts(workspace_id) as facts:
        expr = kpis.rollup(
            facts, list(keys), by=list(by), grain=grain, start=filters.start, end=filters.end, filters=dict(filters.values)
        )
        rows = kpis.execute(expr)
    return sorted(rows, key=lambda r: (r["period"], *(str(r.get(b)) for b in by)))


def periods_left_out(workspace_id: int, filters: Filters) -> list[dict[str, Any]]:
    """The whole-period facts a daily view of ``filters`` leaves out (a day series never spreads a period
    over its days): per source and period that meets the range, its first and last day and how many fact
    rows within the filters cover it. Oldest first."""
    with _facts(workspace_id) as facts:
        periods = kpis.period_facts(kpis.filtered(facts, start=filters.start, end=filters.end, filters=dict(filters.values)))
        rows = kpis.execute(
            periods.group_by("source", first=periods.date, last=periods.date_end)
            .aggregate(rows=periods.count())
            .order_by("first", "last", "source")
        )
    return rows


# -------------------------------------------------------------------------------------------- key results


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


# ----------------------------------------------------------------------------------------------- budget


@dataclass(frozen=True)
class Spent:
    """Spend in one currency; ``is_estimate`` when it counts a share of a whole-period fact."""

    amount: Decimal
    is_estimate: bool = False

    def __add__(self, other: Spent) -> Spent:
        return Spent(self.amount + other.amount, self.is_estimate or other.is_estimate)


def spend_by_campaign_channel_month(workspace: Any) -> dict[tuple[int, str, dt.date], Spent]:
    """Imported spend in the workspace currency per (campaign, budget channel, month); a period across
    months is split between them by its days (the rule in :mod:`alur.analytics.kpis`) and the months it
    touches are estimates. Spend in other currencies is not converted and not counted (the budget
    dashboard says so)."""
    with _facts(workspace.pk) as facts:
        mapped = facts.filter(facts.campaign_id.notnull() & (facts.currency == workspace.currency))
        rows = kpis.execute(kpis.sums(mapped, ["spend"], by=["campaign_id", "source", "channel"], grain="month"))
    totals: dict[tuple[int, str, dt.date], Spent] = defaultdict(lambda: Spent(Decimal(0)))
    for row in rows:
        key = (row["campaign_id"], channel_key(row["channel"], row["source"]), _as_date(row["period"]))
        totals[key] += Spent(_money(row["spend"]), bool(row["estimated"]))
    return dict(totals)


def _money(value: float | None) -> Decimal:
    """A summed amount as Decimal, to the warehouse's 4 decimals (a split share is a float)."""
    return Decimal(str(round(value or 0.0, 4)))


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
    actual: dict[str, Spent] = defaultdict(lambda: Spent(Decimal(0)))
    other_currencies: set[str] = set()
    with _facts(workspace.pk) as facts:
        rows = kpis.execute(kpis.sums(facts, ["spend"], by=["source", "channel", "currency"], start=month, end=month_end))
        ours = kpis.filtered(facts, start=month, end=month_end, filters={"currency": workspace.currency})
        last_day = kpis.execute(ours.aggregate(last=ours.date_end.max()))[0]["last"]
    for row in rows:
        if row["currency"] != workspace.currency:
            if row["spend"]:
                other_currencies.add(row["currency"])
            continue
        actual[channel_key(row["channel"], row["source"])] += Spent(_money(row["spend"]), bool(row["estimated"]))
    # Days with data run to the last day a fact of the month covers, within the month.
    elapsed = (min(last_day, month_end) - month).days + 1 if last_day else 0
    channels = sorted(set(planned) | {c for c, v in actual.items() if v.amount})
    lines: list[dict[str, Any]] = []
    for channel in channels:
        spent = actual.get(channel, Spent(Decimal(0)))
        forecast = spent.amount / elapsed * days_in_month if elapsed else Decimal(0)
        plan = planned.get(channel, Decimal(0))
        lines.append(
            {
                "channel": channel,
                "planned": plan,
                "actual": spent.amount,
                "is_estimate": spent.is_estimate,
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
        "is_estimate": any(line["is_estimate"] for line in lines),
        "days_with_data": elapsed,
        "days_in_month": days_in_month,
        "other_currencies": sorted(other_currencies),
    }


# --------------------------------------------------------------------------------------------- anomalies


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def anomalies(workspace: Any, *, threshold: float = 3.5, recent_days: int = 30) -> list[dict[str, Any]]:
    """Anomalies on the daily series of :data:`SCAN_KPIS` per channel and per campaign (and currency for
    money), within the last ``recent_days`` days of daily data. Whole-period facts have no daily values
    and are left out (the day grain of :func:`kpis.rollup`)."""
    found: list[dict[str, Any]] = []
    with _facts(workspace.pk) as facts:
        bounds = _first_and_last(kpis.daily_facts(facts))
        if bounds is None:
            return []
        first, last = bounds
        since = last - dt.timedelta(days=recent_days - 1)
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
        "day": date_format(alert.day, "j M Y"),
        "value": amount(alert.value),
        "expected": amount(alert.expected),
        "change": change,
    }


# --------------------------------------------------------------------------------------------- diagnosis


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
    from alur.analytics.models import AnomalyAlert

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


# ------------------------------------------------------------------------------------------- attribution

ATTRIBUTION_MODELS = ("first", "last", "linear", "time_decay", "position", "markov", "shapley")
MAX_MARKOV_ORDER = 4  # the states grow as channels^order; beyond 4 the chain says more about noise than paths
# Journey channel names that mean a budget channel (facts name it differently: Google Ads' "Search" is sem).
JOURNEY_CHANNEL_ALIASES = {
    "google search": "sem",
    "google ads": "sem",
    "paid search": "sem",
    "search ads": "sem",
    "cpc": "sem",
    "organic search": "seo",
    "google organic": "seo",
    "e-mail": "email",
    "newsletter": "email",
}
_AD_SOURCES = ("google_ads", "meta_ads", "tiktok_ads", "linkedin_ads")


@dataclass(frozen=True)
class AttributionParams:
    """The models' parameters: the time-decay half-life (in steps before the conversion), the
    position-based weights of the first and the last touch (the middle ones share the rest), and the
    Markov chain's order."""

    half_life: float = 1.0
    first_weight: float = 0.4
    last_weight: float = 0.4
    order: int = 1

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "half_life": self.half_life,
            "first_weight": self.first_weight,
            "last_weight": self.last_weight,
            "order": self.order,
        }


def attribution_params(data: Mapping[str, Any]) -> tuple[AttributionParams, dict[str, str]]:
    """The parameters read from a query string or a form, and a sentence per field that was wrong (that
    field then keeps its default)."""
    defaults = AttributionParams()
    errors: dict[str, str] = {}

    def number(name: str, default: float, low: float, high: float, message: str) -> float:
        text = str(data.get(name) or "").strip().replace(",", ".")
        if not text:
            return default
        try:
            value = float(text)
        except ValueError:
            errors[name] = message
            return default
        if not math.isfinite(value) or not low <= value <= high:
            errors[name] = message
            return default
        return value

    half_life = number(
        "half_life", defaults.half_life, 0.01, 1000, _("The half-life is a number of steps above 0, e.g. 1 or 2.5.")
    )
    weight_message = _("A position weight is a share between 0 and 1, e.g. 0.4.")
    first = number("first_weight", defaults.first_weight, 0, 1, weight_message)
    last = number("last_weight", defaults.last_weight, 0, 1, weight_message)
    if "first_weight" not in errors and "last_weight" not in errors and first + last > 1 + 1e-9:
        errors["last_weight"] = _("The first and the last weight add up to more than 1; lower one of them.")
        first, last = defaults.first_weight, defaults.last_weight
    elif "first_weight" not in errors and "last_weight" not in errors and first + last <= 0:
        errors["last_weight"] = _("The first and the last weight cannot both be 0; give one of them a share.")
        first, last = defaults.first_weight, defaults.last_weight
    order_text = str(data.get("order") or "").strip()
    order = defaults.order
    if order_text:
        if order_text.isdigit() and 1 <= int(order_text) <= MAX_MARKOV_ORDER:
            order = int(order_text)
        else:
            errors["order"] = _("The Markov order is a whole number from 1 to %(max)s.") % {"max": MAX_MARKOV_ORDER}
    return AttributionParams(half_life=half_life, first_weight=first, last_weight=last, order=order), errors


@contextlib.contextmanager
def _touchpoints(workspace_id: int) -> Iterator[ibis.Table]:
    """The workspace's journey touchpoints: the only way into them, filtered to one workspace first."""
    with warehouse.session(settings.WAREHOUSE_URL) as con:
        table = con.table(warehouse.TOUCHPOINTS)
        yield table.filter(table.workspace_id == int(workspace_id))


def journey_overview(workspace_id: int) -> tuple[tuple[dt.date, dt.date], list[str]] | None:
    """The first and last day with touchpoints and the campaigns the journeys met (at most 500, by name),
    read in one warehouse session; None when no journeys were imported."""
    with _touchpoints(workspace_id) as touches:
        row = kpis.execute(touches.aggregate(first=touches.ts.min(), last=touches.ts.max()))
        if not row or row[0]["first"] is None:
            return None
        named = touches.filter(touches.campaign.notnull() & (touches.campaign != ""))
        rows = kpis.execute(named.select(value=named.campaign).distinct().order_by("value").limit(500))
    return (_as_date(row[0]["first"]), _as_date(row[0]["last"])), [r["value"] for r in rows]


@contextlib.contextmanager
def _journeys(workspace_id: int, start: dt.date | None, end: dt.date | None, campaign: str | None) -> Iterator[ibis.Table]:
    """The touchpoints to attribute: the workspace's touches on the days from ``start`` to ``end``; with
    ``campaign``, only the journeys that met that campaign at least once in those days (with all their
    touches in the range, so the other channels keep their part)."""
    with _touchpoints(workspace_id) as touches:
        day = touches.ts.date()
        if start is not None:
            touches = touches.filter(day >= start)
        if end is not None:
            touches = touches.filter(day <= end)
        if campaign:
            touched = touches.filter(touches.campaign == campaign).select("journey_id").distinct()
            touches = touches.semi_join(touched, "journey_id")
        yield touches


def attribution_table(credits: Mapping[str, Sequence[Any]]) -> dict[str, Any]:
    """Every model's credits side by side per channel: conversions, value and the channel's share of the
    conversions under each model, and the Markov removal effect. ``credits`` is what
    ``attribution.attribute_all`` returns."""
    models = [m for m in ATTRIBUTION_MODELS if m in credits]
    channels: dict[str, dict[str, Any]] = {}
    totals = {m: (sum(c.conversions for c in credits[m]), sum(c.value for c in credits[m])) for m in models}
    for model in models:
        for credit in credits[model]:
            row = channels.setdefault(credit.channel, {"channel": credit.channel, "cells": {}, "removal_effect": None})
            total_conversions, total_value = totals[model]
            row["cells"][model] = {
                "conversions": float(credit.conversions),
                "value": float(credit.value),
                "share": float(credit.conversions) / total_conversions if total_conversions else 0.0,
                "value_share": float(credit.value) / total_value if total_value else 0.0,
            }
            if model == "markov" and credit.removal_effect is not None:
                row["removal_effect"] = float(credit.removal_effect)
    empty = {"conversions": 0.0, "value": 0.0, "share": 0.0, "value_share": 0.0}
    rows = []
    for row in channels.values():
        row["cells"] = {m: row["cells"].get(m, empty) for m in models}
        rows.append(row)
    rank = "markov" if "markov" in models else (models[0] if models else None)
    rows.sort(key=lambda r: (-(r["cells"][rank]["conversions"] if rank else 0.0), r["channel"]))
    first_total = totals[models[0]] if models else (0.0, 0.0)
    return {
        "models": models,
        "channels": rows,
        "total_conversions": float(first_total[0]),
        "total_value": float(first_total[1]),
    }


def attribution_compare(
    workspace: Any,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    params: AttributionParams | None = None,
    campaign: str | None = None,
) -> dict[str, Any] | None:
    """Every attribution model over the workspace's journeys in the period (see :func:`_journey_rows`),
    side by side per channel (:func:`attribution_table`); None when there are no touchpoints there."""
    from alur.analytics import attribution

    with _journeys(workspace.pk, start, end, campaign) as touches:
        counts = kpis.execute(touches.aggregate(touchpoints=touches.count(), journeys=touches.journey_id.nunique()))[0]
        if not counts["touchpoints"]:
            return None
        source = attribution.paths_from_journeys(touches)
    with source:
        credits = attribution.attribute_all(source, **(params or AttributionParams()).as_kwargs())
    table = attribution_table(credits)
    table["touchpoints"] = int(counts["touchpoints"])
    table["journeys"] = int(counts["journeys"])
    return table


def attribution_of_file(path: Any, *, params: AttributionParams | None = None, sep: str = ">") -> dict[str, Any]:
    """Every model over an uploaded path file (the ChannelAttribution convention); raises
    ``attribution.PathFileError`` with the row when the file is wrong. Nothing is stored."""
    from pathlib import Path

    from django.utils.translation import gettext_noop

    from alur.analytics import attribution

    with Path(path).open("rb") as handle:
        magic = handle.read(4)
    if magic in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):  # a zip (XLSX, ODS) or an old Office file
        raise attribution.PathFileError(
            gettext_noop("This is a spreadsheet workbook, not a CSV file. Save the sheet as CSV (UTF-8) and upload it again.")
        )
    with attribution.paths_from_file(path, sep=sep) as source:
        return attribution_table(attribution.attribute_all(source, **(params or AttributionParams()).as_kwargs()))


PATH_FILE_MAX_BYTES = 200 * 1024**2  # the largest path file the page and the API take


def attribution_of_upload(chunks: Iterable[bytes], *, params: AttributionParams | None = None, sep: str = ">") -> dict[str, Any]:
    """:func:`attribution_of_file` over an uploaded file's chunks, read from a scratch copy that is deleted
    afterwards (nothing is kept). Raises ``attribution.PathFileError``; a file that is not UTF-8 text
    raises it too, with the message to save the file as CSV (UTF-8)."""
    import tempfile
    from pathlib import Path

    from django.utils.translation import gettext_noop

    from alur.analytics import attribution

    with tempfile.TemporaryDirectory(prefix="alur-paths-") as scratch:
        path = Path(scratch) / "paths.csv"
        with path.open("wb") as target:
            for chunk in chunks:
                target.write(chunk)
        try:
            return attribution_of_file(path, params=params, sep=sep)
        except UnicodeDecodeError:
            raise attribution.PathFileError(
                gettext_noop("The file is not text in UTF-8. Save it as CSV (UTF-8) and upload it again.")
            ) from None


def journey_channel_keys(journey_channels: Iterable[str], fact_channels: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Journey channel name → the key the facts' channel counts under (:func:`channel_key`), so Markov
    conversions can stand beside the platforms' conversions and spend.

    A journey channel named like a fact channel takes that channel's key (journeys' "Instagram" is Meta
    Ads' "instagram", which counts as ads); otherwise a known alias ("Google Search" → sem, "Organic
    Search" → seo); otherwise its own lower-cased name. Ad platforms' names win over analytics' names.
    """
    by_name: dict[str, str] = {}
    ordered = sorted(fact_channels, key=lambda pair: (pair[1] not in _AD_SOURCES, pair[1], pair[0]))
    for channel, source in ordered:
        by_name.setdefault((channel or "").strip().lower(), channel_key(channel, source))
    keys = {}
    for name in journey_channels:
        normal = " ".join((name or "").lower().split())
        keys[name] = by_name.get(normal) or JOURNEY_CHANNEL_ALIASES.get(normal) or channel_key(name)
    return keys


def attributed_conversions(workspace: Any, *, start: dt.date, end: dt.date) -> dict[str, Any] | None:
    """Per channel key, the conversions the platforms reported (facts) beside the conversions the Markov
    model attributes to the journeys of the same days, and the spend in the workspace currency. None when
    the workspace has no journeys in those days."""
    from alur.analytics import attribution

    with _journeys(workspace.pk, start, end, None) as touches:
        source = attribution.paths_from_journeys(touches)
    with source:
        markov = attribution.attribute(source, "markov")
    if not markov:
        return None
    with _facts(workspace.pk) as facts:
        fact_rows = kpis.execute(
            kpis.sums(facts, ["spend", "conversions"], by=["channel", "source", "currency"], start=start, end=end)
        )
    keys = journey_channel_keys([c.channel for c in markov], [(r["channel"] or "", r["source"] or "") for r in fact_rows])
    lines: dict[str, dict[str, Any]] = {}

    def line(key: str) -> dict[str, Any]:
        return lines.setdefault(
            key, {"key": key, "fact_channels": set(), "journey_channels": [], "platform": 0.0, "markov": 0.0, "spend": 0.0}
        )

    for row in fact_rows:
        item = line(channel_key(row["channel"] or "", row["source"] or ""))
        item["fact_channels"].add(row["channel"] or "—")
        item["platform"] += float(row["conversions"] or 0)
        if row["currency"] == workspace.currency:
            item["spend"] += float(row["spend"] or 0)
    for credit in markov:
        item = line(keys[credit.channel])
        item["journey_channels"].append(credit.channel)
        item["markov"] += float(credit.conversions)
    result = []
    for item in lines.values():
        if not item["markov"] and not item["platform"]:
            continue
        item["fact_channels"] = sorted(item["fact_channels"])
        result.append(item)
    result.sort(key=lambda item: (-item["markov"], -item["platform"], item["key"]))
    return {"lines": result, "start": start, "end": end}


# ------------------------------------------------------------------------------------------- experiments


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
    from django.utils.translation import get_language

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
