"""The KPI engine: every KPI Alur computes from ``performance_facts``, and how to roll them up.

A KPI is either a plain sum of one additive metric (impressions, spend, leads…) or a ratio of sums.
Ratios are *always* aggregated as ``SUM(numerator) / SUM(denominator)`` over the rows of a group, never as
the mean of per-row ratios: two days with CTR 1 % on 1,000 impressions and 2 % on 3,000 impressions give
70 ÷ 4,000 = 1.75 %, not 1.5 %. A ratio whose denominator sums to zero (or to nothing) is ``None`` — shown
as "—" in the UI, never an error.

Assumptions about the facts, decided here:

* ``followers`` holds the daily **net new followers** (follows minus unfollows), not the running total, so it
  is additive like every other metric. ``follower_growth`` is the change of the followers total over the
  period, which is exactly the sum of those daily gains. A growth *percentage* needs the total at the start
  of the period, which the facts do not hold; a key result supplies it as its baseline (see
  :data:`NOT_FROM_FACTS`).
* ``reach`` is summed like the rest. Platforms count unique people per row, so a sum across days or ads is
  an upper bound of the unique reach (people reached on two days count twice). The same holds for
  ``social_engagement_rate``, whose denominator is reach.
* Money never sums across currencies: whenever a requested KPI uses ``spend`` or ``conversion_value``,
  :func:`rollup` and :func:`compare` group by ``currency`` as well.

Vanity or profit (``Kpi.kind``), as SPEC section 6 asks the UI to label them:

* **vanity** — volumes of attention or audience that can be bought or inflated and say nothing on their own
  about the business result: impressions, reach, clicks, sessions, engaged sessions, followers, follower
  growth, engagements, social engagement rate, mentions, video views;
* **profit** — money (spend, revenue, AOV), business outcomes (conversions, leads), and the rates and costs
  that measure how efficiently spend or traffic turns into outcomes: CTR (it drives what clicks cost), CPC,
  CPM, conversion rate, CPA, cost per lead, ROAS, ROI, bounce rate and engagement rate of the website
  (the quality of the traffic paid for).

Module is framework-free (Ibis only): the Django views call :func:`rollup`, :func:`compare` and
:func:`execute`, which run in whatever engine :mod:`alur.analytics.warehouse` connects to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from alur.analytics.warehouse import FACT_DIMENSIONS, FACT_METRICS

__all__ = [
    "GRAINS",
    "KPIS",
    "MONEY_METRICS",
    "NOT_FROM_FACTS",
    "Kpi",
    "KpiUnavailable",
    "Term",
    "compare",
    "execute",
    "ratio",
    "rollup",
]

Unit = Literal["count", "percent", "money", "ratio"]
Kind = Literal["profit", "vanity"]
Better = Literal["higher", "lower", "neutral"]
Grain = Literal["day", "week", "month"]
Term = tuple[str, int]
"""One term of a numerator: a metric name and its sign (+1 or -1)."""

Number = int | float | Decimal

GRAINS: tuple[Grain, ...] = ("day", "week", "month")
_TRUNCATE = {"week": "W", "month": "M"}  # Ibis truncation units: ISO week (Monday), calendar month
MONEY_METRICS: frozenset[str] = frozenset({"spend", "conversion_value"})
"""Metrics whose values are in the row's ``currency``."""


@dataclass(frozen=True)
class Kpi:
    """One KPI: ``scale × Σ numerator ÷ Σ denominator`` (or ``Σ numerator`` when there is no denominator).

    ``numerator`` is a metric name or, for KPIs such as ROI, a tuple of signed terms
    (``(("conversion_value", 1), ("spend", -1))``: revenue minus spend). ``better`` says which direction
    is an improvement; ``"neutral"`` (spend only) means neither direction is good in itself.
    """

    key: str
    label: str
    numerator: str | tuple[Term, ...]
    denominator: str | None
    scale: int
    unit: Unit
    kind: Kind
    better: Better
    formula: str
    source: str

    def __post_init__(self) -> None:
        if not self.numerator_terms:
            raise ValueError(f"KPI '{self.key}' needs at least one numerator term.")
        unknown = sorted(self.metrics - set(FACT_METRICS))
        if unknown:
            raise ValueError(f"KPI '{self.key}' uses metrics the facts do not have: {', '.join(unknown)}.")
        if any(sign not in (1, -1) for _, sign in self.numerator_terms):
            raise ValueError(f"KPI '{self.key}': every numerator term needs the sign +1 or -1.")

    @property
    def numerator_terms(self) -> tuple[Term, ...]:
        if isinstance(self.numerator, str):
            return ((self.numerator, 1),)
        return self.numerator

    @property
    def metrics(self) -> frozenset[str]:
        """Every fact metric this KPI reads."""
        names = {metric for metric, _ in self.numerator_terms}
        if self.denominator is not None:
            names.add(self.denominator)
        return frozenset(names)

    @property
    def money(self) -> bool:
        """True when the value itself is an amount in a currency (spend, CPC, CPA, revenue…)."""
        return self.unit == "money"

    @property
    def uses_money(self) -> bool:
        """True when any metric it reads is money, so its sums must stay within one currency (ROAS, ROI…)."""
        return bool(self.metrics & MONEY_METRICS)

    def value(self, sums: Mapping[str, Number | None]) -> float | None:
        """The KPI from already summed metrics, e.g. ``{"clicks": 70, "impressions": 4000}`` → CTR 1.75.

        ``None`` when a needed sum is missing or the denominator is zero, as in the engine.
        """
        parts = [sums.get(metric) for metric, _ in self.numerator_terms]
        if any(part is None for part in parts):
            return None
        numerator = sum(float(part or 0) * sign for part, (_, sign) in zip(parts, self.numerator_terms, strict=True))
        if self.denominator is None:
            return numerator * self.scale
        result = ratio(numerator, sums.get(self.denominator))
        return None if result is None else result * self.scale


@dataclass(frozen=True)
class KpiUnavailable:
    """A KPI the SPEC names that the performance facts cannot give, and why (shown in the UI)."""

    key: str
    label: str
    reason: str


def _kpi(
    key: str,
    label: str,
    numerator: str | tuple[Term, ...],
    denominator: str | None = None,
    *,
    scale: int = 1,
    unit: Unit = "count",
    kind: Kind,
    better: Better = "higher",
    formula: str,
    source: str,
) -> Kpi:
    return Kpi(key, label, numerator, denominator, scale, unit, kind, better, formula, source)


_REGISTRY: tuple[Kpi, ...] = (
    _kpi(
        "impressions",
        "Impressions",
        "impressions",
        kind="vanity",
        formula="sum of impressions",
        source="Google Ads Help, 'Impressions: Definition'",
    ),
    _kpi(
        "reach",
        "Reach",
        "reach",
        kind="vanity",
        formula="sum of reach (people reached on several days or ads count once per row)",
        source="Meta Business Help Centre, 'Reach'",
    ),
    _kpi(
        "clicks",
        "Clicks",
        "clicks",
        kind="vanity",
        formula="sum of clicks",
        source="Google Ads Help, 'Clicks: Definition'",
    ),
    _kpi(
        "ctr",
        "Click-through rate (CTR)",
        "clicks",
        "impressions",
        scale=100,
        unit="percent",
        kind="profit",
        formula="clicks ÷ impressions × 100",
        source="Google Ads Help, 'Clickthrough rate (CTR): Definition'",
    ),
    _kpi(
        "cpc",
        "Cost per click (CPC)",
        "spend",
        "clicks",
        unit="money",
        kind="profit",
        better="lower",
        formula="spend ÷ clicks",
        source="Google Ads Help, 'Average cost-per-click (Avg. CPC): Definition'",
    ),
    _kpi(
        "cpm",
        "Cost per 1,000 impressions (CPM)",
        "spend",
        "impressions",
        scale=1000,
        unit="money",
        kind="profit",
        better="lower",
        formula="spend ÷ impressions × 1,000",
        source="Meta Business Help Centre, 'CPM (cost per 1,000 impressions)'",
    ),
    _kpi(
        "spend",
        "Spend",
        "spend",
        unit="money",
        kind="profit",
        better="neutral",
        formula="sum of spend, per currency",
        source="Meta Business Help Centre, 'Amount spent'",
    ),
    _kpi(
        "conversions",
        "Conversions",
        "conversions",
        kind="profit",
        formula="sum of conversions (platforms may report fractions for modelled conversions)",
        source="Google Ads Help, 'Conversions: Definition'",
    ),
    _kpi(
        "conversion_rate",
        "Conversion rate",
        "conversions",
        "clicks",
        scale=100,
        unit="percent",
        kind="profit",
        formula="conversions ÷ clicks × 100",
        source="Google Ads Help, 'Conversion rate: Definition' (conversions ÷ interactions; clicks here)",
    ),
    _kpi(
        "cpa",
        "Cost per acquisition (CPA)",
        "spend",
        "conversions",
        unit="money",
        kind="profit",
        better="lower",
        formula="spend ÷ conversions",
        source="Google Ads Help, 'Cost per conversion: Definition'",
    ),
    _kpi(
        "revenue",
        "Revenue",
        "conversion_value",
        unit="money",
        kind="profit",
        formula="sum of conversion value, per currency",
        source="Google Ads Help, 'Conversion value: Definition'",
    ),
    _kpi(
        "roas",
        "Return on ad spend (ROAS)",
        "conversion_value",
        "spend",
        unit="ratio",
        kind="profit",
        formula="conversion value ÷ spend",
        source="Meta Business Help Centre, 'Purchase return on ad spend (ROAS)'",
    ),
    _kpi(
        "roi",
        "Return on investment (ROI)",
        (("conversion_value", 1), ("spend", -1)),
        "spend",
        scale=100,
        unit="percent",
        kind="profit",
        formula="(conversion value − spend) ÷ spend × 100 (cost = ad spend only, no cost of goods)",
        source="Google Ads Help, 'Return on investment (ROI)' (support.google.com/google-ads/answer/14090)",
    ),
    _kpi(
        "sessions",
        "Sessions",
        "sessions",
        kind="vanity",
        formula="sum of sessions",
        source="GA4 Help, '[GA4] Session'",
    ),
    _kpi(
        "engaged_sessions",
        "Engaged sessions",
        "engaged_sessions",
        kind="vanity",
        formula="sum of engaged sessions (longer than 10 s, a key event, or 2+ page views)",
        source="GA4 Help, '[GA4] Engaged sessions'",
    ),
    _kpi(
        "bounce_rate",
        "Bounce rate",
        "bounces",
        "sessions",
        scale=100,
        unit="percent",
        kind="profit",
        better="lower",
        formula="bounces ÷ sessions × 100",
        source="GA4 Help, '[GA4] Bounce rate'",
    ),
    _kpi(
        "engagement_rate",
        "Engagement rate (website)",
        "engaged_sessions",
        "sessions",
        scale=100,
        unit="percent",
        kind="profit",
        formula="engaged sessions ÷ sessions × 100",
        source="GA4 Help, '[GA4] Engagement rate'",
    ),
    _kpi(
        "engagements",
        "Engagements",
        "engagements",
        kind="vanity",
        formula="sum of engagements (reactions, comments, shares, saves)",
        source="Meta Business Help Centre, 'Post engagement'",
    ),
    _kpi(
        "social_engagement_rate",
        "Engagement rate (social)",
        "engagements",
        "reach",
        scale=100,
        unit="percent",
        kind="vanity",
        formula="engagements ÷ reach × 100",
        source="Hootsuite, 'Engagement rate by reach (ERR)'",
    ),
    _kpi(
        "leads",
        "Leads",
        "leads",
        kind="profit",
        formula="sum of leads",
        source="Meta Business Help Centre, 'Leads'",
    ),
    _kpi(
        "cost_per_lead",
        "Cost per lead (CPL)",
        "spend",
        "leads",
        unit="money",
        kind="profit",
        better="lower",
        formula="spend ÷ leads",
        source="Meta Business Help Centre, 'Cost per lead'",
    ),
    _kpi(
        "followers",
        "New followers (net)",
        "followers",
        kind="vanity",
        formula="sum of daily net new followers",
        source="Meta Business Help Centre, 'Follows' (Instagram and Facebook insights)",
    ),
    _kpi(
        "follower_growth",
        "Follower growth",
        "followers",
        kind="vanity",
        formula="followers at the end − followers at the start = sum of daily net new followers",
        source="Meta Business Help Centre, 'Follows' (Instagram and Facebook insights)",
    ),
    _kpi(
        "mentions",
        "Mentions",
        "mentions",
        kind="vanity",
        formula="sum of brand mentions",
        source="Count exported by the social listening tool",
    ),
    _kpi(
        "video_views",
        "Video views",
        "video_views",
        kind="vanity",
        formula="sum of video views",
        source="Google Ads Help, 'Views: Definition' (video campaigns)",
    ),
    _kpi(
        "aov",
        "Average order value (AOV)",
        "conversion_value",
        "conversions",
        unit="money",
        kind="profit",
        formula="conversion value ÷ conversions",
        source="Shopify Help Centre, 'Average order value'",
    ),
)

KPIS: dict[str, Kpi] = {kpi.key: kpi for kpi in _REGISTRY}

NOT_FROM_FACTS: dict[str, KpiUnavailable] = {
    item.key: item
    for item in (
        KpiUnavailable(
            "share_of_voice",
            "Share of voice",
            "Needs the mentions of competitors from a social listening tool; the facts hold only our own mentions.",
        ),
        KpiUnavailable(
            "sentiment",
            "Sentiment",
            "Needs each mention classified as positive, neutral or negative; the facts hold only mention counts.",
        ),
        KpiUnavailable(
            "churn",
            "Churn rate",
            "Needs customer records with the date each customer started and stopped buying, from the CRM.",
        ),
        KpiUnavailable(
            "ltv",
            "Customer lifetime value (LTV)",
            "Needs revenue per customer over their whole lifetime, from the CRM; the facts hold revenue per day "
            "and campaign. ROI here is for the chosen period only, without lifetime value.",
        ),
        KpiUnavailable(
            "lead_to_customer_rate",
            "Lead to customer rate",
            "Needs to know which leads became customers, from the CRM; the facts count leads only.",
        ),
        KpiUnavailable(
            "follower_growth_rate",
            "Follower growth rate (%)",
            "Needs the follower total at the start of the period; the facts hold daily new followers. "
            "Set it as the baseline of a key result to track growth in percent.",
        ),
    )
}


def ratio(numerator: Number | None, denominator: Number | None) -> float | None:
    """``numerator ÷ denominator`` as a float, or ``None`` (shown as "—") when either is missing or the
    denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return float(numerator) / float(denominator)


def rollup(
    facts: ir.Table,
    kpis: Sequence[str],
    *,
    by: Sequence[str] = (),
    grain: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    filters: Mapping[str, object] | None = None,
) -> ir.Table:
    """An Ibis expression (not executed) with one row per group and one column per KPI.

    Groups are the ``by`` dimensions, plus ``currency`` when any KPI uses money, plus a ``period`` column
    (a date) when ``grain`` is ``"day"``, ``"week"`` (the ISO week's Monday) or ``"month"`` (its first
    day). ``start`` and ``end`` are inclusive. ``filters`` maps a dimension to a value, a list of values,
    or ``None`` for rows where it is empty. Rows are ordered by the group columns.

    When KPIs with and without money are asked for together, the non-money ones are split by currency
    too (rows without money form the group whose currency is ``None``); when only money KPIs are asked
    for, rows without a currency are left out.
    """
    selected = _selected(kpis)
    if grain is not None and grain not in GRAINS:
        raise ValueError(f"Unknown period '{grain}': use one of {', '.join(GRAINS)}.")
    table = _money_only(_filtered(facts, start=start, end=end, filters=filters), selected)
    groups: dict[str, ir.Value] = {name: table[name] for name in _group_dimensions(by, selected)}
    if grain is not None:
        groups["period"] = table.date if grain == "day" else table.date.truncate(_TRUNCATE[grain]).cast("date")
    columns = _kpi_columns(table, selected)
    if not groups:
        return table.aggregate(**columns)
    return table.group_by(**groups).aggregate(**columns).order_by(*groups)


def compare(
    facts: ir.Table,
    kpis: Sequence[str],
    *,
    start: dt.date,
    end: dt.date,
    by: Sequence[str] = (),
    filters: Mapping[str, object] | None = None,
) -> list[dict[str, Any]]:
    """Each KPI for ``start``–``end`` (inclusive) against the period of the same length just before it.

    Executes one query. Returns one dict per group and KPI, groups in order and KPIs in the order asked::

        {<by dimensions and currency>, "kpi": "ctr", "current": 1.75, "previous": 1.4,
         "change": 0.35, "relative_change": 0.25, "improved": True}

    ``change`` is current − previous; ``relative_change`` is that change ÷ |previous| (a fraction, 0.25 =
    +25 %), ``None`` when the previous value is 0 or missing. ``improved`` follows ``Kpi.better`` and is
    ``None`` when either value is missing, nothing changed, or the KPI is neutral (spend). A group present
    in only one of the periods is still listed, with ``None`` on the other side.
    """
    if end < start:
        raise ValueError(f"The period ends ({end.isoformat()}) before it starts ({start.isoformat()}).")
    selected = _selected(kpis)
    length = end - start + dt.timedelta(days=1)
    previous_start = start - length
    table = _money_only(_filtered(facts, start=previous_start, end=end, filters=filters), selected)
    keys = _group_dimensions(by, selected)
    window = ibis.ifelse(table.date >= start, "current", "previous")
    aggregated = table.group_by(*keys, _window=window).aggregate(**_kpi_columns(table, selected))
    rows = execute(aggregated.order_by(*keys) if keys else aggregated)

    by_group: dict[tuple[Any, ...], dict[str, dict[str, Any]]] = {}
    for row in rows:
        by_group.setdefault(tuple(row[key] for key in keys), {})[row["_window"]] = row
    result: list[dict[str, Any]] = []
    for group, windows in by_group.items():
        current_row, previous_row = windows.get("current", {}), windows.get("previous", {})
        for kpi in selected:
            current, previous = current_row.get(kpi.key), previous_row.get(kpi.key)
            result.append({**dict(zip(keys, group, strict=True)), "kpi": kpi.key, **_change(kpi, current, previous)})
    return result


def execute(expr: ir.Table) -> list[dict[str, Any]]:
    """Run ``expr`` in its engine and return plain dicts; ``Decimal`` becomes ``float``, dates stay dates."""
    return [
        {name: float(value) if isinstance(value, Decimal) else value for name, value in row.items()}
        for row in expr.to_pyarrow().to_pylist()
    ]


def _selected(keys: Sequence[str]) -> list[Kpi]:
    if isinstance(keys, str):
        raise TypeError("Pass the KPI keys as a list, e.g. ['ctr'], not a single string.")
    if not keys:
        raise ValueError("Choose at least one KPI.")
    selected: list[Kpi] = []
    for key in keys:
        if key in NOT_FROM_FACTS:
            raise ValueError(f"'{key}' cannot be computed from performance data: {NOT_FROM_FACTS[key].reason}")
        if key not in KPIS:
            raise ValueError(f"Unknown KPI '{key}'. Known KPIs: {', '.join(KPIS)}.")
        if KPIS[key] not in selected:
            selected.append(KPIS[key])
    return selected


def _group_dimensions(by: Sequence[str], selected: Sequence[Kpi]) -> list[str]:
    """``by`` checked against the fact dimensions, with ``currency`` added when any KPI uses money."""
    if isinstance(by, str):
        raise TypeError("Pass the dimensions as a list, e.g. ['channel'], not a single string.")
    for name in by:
        _check_dimension(name)
    keys = list(dict.fromkeys(by))
    if any(kpi.uses_money for kpi in selected) and "currency" not in keys:
        keys.append("currency")
    return keys


def _check_dimension(name: str) -> None:
    if name not in FACT_DIMENSIONS:
        raise ValueError(f"Unknown dimension '{name}'. Use one of: {', '.join(FACT_DIMENSIONS)}.")


def _filtered(facts: ir.Table, *, start: dt.date | None, end: dt.date | None, filters: Mapping[str, object] | None) -> ir.Table:
    if start is not None and end is not None and end < start:
        raise ValueError(f"The period ends ({end.isoformat()}) before it starts ({start.isoformat()}).")
    predicates: list[ir.BooleanValue] = []
    if start is not None:
        predicates.append(facts.date >= start)
    if end is not None:
        predicates.append(facts.date <= end)
    for name, wanted in (filters or {}).items():
        _check_dimension(name)
        column = facts[name]
        if wanted is None:
            predicates.append(column.isnull())
        elif isinstance(wanted, list | tuple | set | frozenset):
            if not wanted:
                raise ValueError(f"The filter on '{name}' lists no values: choose at least one or remove it.")
            predicates.append(column.isin(list(wanted)))
        else:
            predicates.append(column == wanted)
    return facts.filter(*predicates) if predicates else facts


def _money_only(table: ir.Table, selected: Sequence[Kpi]) -> ir.Table:
    """Rows without a currency hold no money (e.g. GA4 sessions); when every KPI asked for is about money
    they would only add an empty group, so they are left out."""
    if all(kpi.uses_money for kpi in selected):
        return table.filter(table.currency.notnull())
    return table


def _kpi_columns(table: ir.Table, selected: Sequence[Kpi]) -> dict[str, ir.Value]:
    return {kpi.key: _kpi_expression(table, kpi) for kpi in selected}


def _kpi_expression(table: ir.Table, kpi: Kpi) -> ir.Value:
    """Sum over sum in the engine; ``NULLIF(denominator, 0)`` turns a zero denominator into NULL."""
    numerator: ir.NumericValue | None = None
    for metric, sign in kpi.numerator_terms:
        term = table[metric].sum() if sign > 0 else -table[metric].sum()
        numerator = term if numerator is None else numerator + term
    assert numerator is not None  # a Kpi always has at least one numerator term
    if kpi.denominator is None:
        return numerator if kpi.scale == 1 else numerator * kpi.scale
    denominator = table[kpi.denominator].sum().nullif(0).cast("float64")
    return numerator.cast("float64") / denominator * kpi.scale


def _change(kpi: Kpi, current: float | None, previous: float | None) -> dict[str, Any]:
    change = None if current is None or previous is None else current - previous
    relative = None if change is None or not previous else change / abs(previous)
    improved: bool | None = None
    if change and kpi.better != "neutral":
        improved = change > 0 if kpi.better == "higher" else change < 0
    return {
        "current": current,
        "previous": previous,
        "change": change,
        "relative_change": relative,
        "improved": improved,
    }
