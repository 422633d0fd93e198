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

Whole-period facts — one rule for every reader of the facts:

1. A fact covers the days ``date`` to ``date_end`` (inclusive). A *daily* fact has ``date_end == date``; a
   *period* fact covers more days, e.g. a Google Ads campaign report for 27 January – 23 February 2026
   without a day column.
2. For a range S–E (inclusive; either end may be open) a fact inside the range counts whole; a fact partly
   inside counts the share ``overlap_days ÷ period_days`` of each of its metrics — its totals spread evenly
   over the days of its period — and the result is marked as an *estimate* (``estimated``); a fact outside
   does not count. Daily facts are never split. A 28-day period with 2,800 clicks, of which 7 days fall in
   the range, counts 2,800 × 7 ÷ 28 = 700 clicks, estimated.
3. Series by grain: ``"day"`` uses daily facts only (a chart never spreads a whole period over days);
   ``"week"`` and ``"month"`` apply rule 2 per bucket — a period inside one bucket counts whole in it, a
   period across buckets is split by its days, so the buckets it touches are estimates. A daily view says
   which periods it leaves out (``selectors.periods_left_out``).
4. Anomaly detection uses daily facts only.
5. Key results, budget actuals per month and :func:`compare` (each of its two windows) apply rule 2 over
   their own ranges; "the last day of data" is the latest ``date_end``.

Ratios stay sum over sum, with the weights applied to each metric's sum: CTR = Σ w·clicks ÷ Σ w·impressions
× 100. A split count (clicks, sessions) becomes fractional; results are floats. Spreading evenly is the
simplest assumption that keeps totals: the shares of a period over all its days add up to the period's
total, so summing the buckets of a series gives the same total as the whole range.

Vanity or profit (``Kpi.kind``), as SPEC section 6 asks the UI to label them:

* **vanity** — volumes of attention or audience that can be bought or inflated and say nothing on their own
  about the business result: impressions, reach, clicks, sessions, engaged sessions, followers, follower
  growth, engagements, social engagement rate, mentions, video views;
* **profit** — money (spend, revenue, AOV), business outcomes (conversions, leads), and the rates and costs
  that measure how efficiently spend or traffic turns into outcomes: CTR (it drives what clicks cost), CPC,
  CPM, conversion rate, CPA, cost per lead, ROAS, ROI, bounce rate and engagement rate of the website
  (the quality of the traffic paid for).

Module is framework-free (Ibis only): the selectors call :func:`rollup`, :func:`compare`, :func:`sums` (sums of
metrics by the same rule, for budget actuals and experiment counts) and :func:`execute`, which run in whatever
engine :mod:`alur.analytics.warehouse` connects to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
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
    "daily_facts",
    "execute",
    "filtered",
    "period_facts",
    "ratio",
    "rollup",
    "sums",
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
    """An Ibis expression (not executed) with one row per group, one column per KPI and ``estimated``.

    Groups are the ``by`` dimensions, plus ``currency`` when any KPI uses money, plus a ``period`` column
    (a date) when ``grain`` is ``"day"``, ``"week"`` (the ISO week's Monday) or ``"month"`` (its first
    day). ``start`` and ``end`` are inclusive. ``filters`` maps a dimension to a value, a list of values,
    or ``None`` for rows where it is empty. Rows are ordered by the group columns. Facts count by the
    whole-period rule (module docstring): ``estimated`` is True on a row that counts a share of a period.

    When KPIs with and without money are asked for together, the non-money ones are split by currency
    too (rows without money form the group whose currency is ``None``); when only money KPIs are asked
    for, rows without a currency are left out.
    """
    selected = _selected(kpis)
    split = _split_by_grain(grain, start, end)
    table = _money_only(filtered(facts, filters=filters), selected)
    keys = _group_dimensions(by, selected)
    partial = _partial_sums(table, _metrics_of(selected), keys, start=start, end=end, split=split)
    groups = [*keys, *split.columns]
    result = _aggregate(partial, groups, {**_kpi_columns(partial, selected), "estimated": _any_estimated(partial)})
    return result.order_by(*groups) if groups else result


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
         "change": 0.35, "relative_change": 0.25, "improved": True,
         "estimated": False, "current_estimated": False}

    ``change`` is current − previous; ``relative_change`` is that change ÷ |previous| (a fraction, 0.25 =
    +25 %), ``None`` when the previous value is 0 or missing. ``improved`` follows ``Kpi.better`` and is
    ``None`` when either value is missing, nothing changed, or the KPI is neutral (spend). A group present
    in only one of the periods is still listed, with ``None`` on the other side.

    Each window counts facts by the whole-period rule (a period across both windows is split between
    them): ``current_estimated`` says the current value counts a share of a period, ``estimated`` that
    either value does (and so the change).
    """
    if end < start:
        raise ValueError(f"The period ends ({end.isoformat()}) before it starts ({start.isoformat()}).")
    selected = _selected(kpis)
    previous_start = start - (end - start + dt.timedelta(days=1))
    table = _money_only(filtered(facts, filters=filters), selected)
    keys = _group_dimensions(by, selected)
    split = _split_in_windows(previous_start, start, end)
    partial = _partial_sums(table, _metrics_of(selected), keys, start=previous_start, end=end, split=split)
    aggregated = _aggregate(
        partial, [*keys, *split.columns], {**_kpi_columns(partial, selected), "estimated": _any_estimated(partial)}
    )
    rows = execute(aggregated.order_by(*keys) if keys else aggregated)

    by_group: dict[tuple[Any, ...], dict[str, dict[str, Any]]] = {}
    for row in rows:
        by_group.setdefault(tuple(row[key] for key in keys), {})[row["window"]] = row
    result: list[dict[str, Any]] = []
    for group, windows in by_group.items():
        current_row, previous_row = windows.get("current", {}), windows.get("previous", {})
        current_estimated = bool(current_row.get("estimated"))
        estimated = current_estimated or bool(previous_row.get("estimated"))
        for kpi in selected:
            current, previous = current_row.get(kpi.key), previous_row.get(kpi.key)
            result.append(
                {
                    **dict(zip(keys, group, strict=True)),
                    "kpi": kpi.key,
                    **_change(kpi, current, previous),
                    "estimated": estimated,
                    "current_estimated": current_estimated,
                }
            )
    return result


def sums(
    facts: ir.Table,
    metrics: Sequence[str],
    *,
    by: Sequence[str] = (),
    grain: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> ir.Table:
    """An Ibis expression: Σ of each metric (``float64``) per ``by`` column and, with a ``grain``, per
    ``period``, counting the facts of ``start``–``end`` by the whole-period rule (module docstring);
    ``estimated`` is True on a row that counts a share of a period.

    For readers that need sums of metrics rather than KPIs (budget actuals, experiment counts), so that every
    reader counts periods alike. ``by`` names columns of ``facts``: dimensions, or columns the caller added.
    """
    split = _split_by_grain(grain, start, end)
    partial = _partial_sums(facts, metrics, by, start=start, end=end, split=split)
    columns = {**{metric: partial[metric].sum() for metric in metrics}, "estimated": _any_estimated(partial)}
    return _aggregate(partial, [*by, *split.columns], columns)


def filtered(
    facts: ir.Table,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    filters: Mapping[str, object] | None = None,
) -> ir.Table:
    """The facts within ``filters`` that cover at least one day of ``start``–``end`` (inclusive, either end
    open), as they are: which facts a view touches, not what they count for (that is :func:`sums`)."""
    _check_range(start, end)
    predicates = _meets(facts.date, facts.date_end, start, end)
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


def daily_facts(facts: ir.Table) -> ir.Table:
    """The facts that cover one day (``date_end == date``)."""
    return facts.filter(facts.date_end <= facts.date)


def period_facts(facts: ir.Table) -> ir.Table:
    """The facts that cover a whole period of more than one day (``date_end > date``)."""
    return facts.filter(facts.date_end > facts.date)


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


def _check_range(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValueError(f"The period ends ({end.isoformat()}) before it starts ({start.isoformat()}).")


def _metrics_of(selected: Sequence[Kpi]) -> list[str]:
    return sorted(frozenset().union(*(kpi.metrics for kpi in selected)))


def _money_only(table: ir.Table, selected: Sequence[Kpi]) -> ir.Table:
    """Rows without a currency hold no money (e.g. GA4 sessions); when every KPI asked for is about money
    they would only add an empty group, so they are left out."""
    if all(kpi.uses_money for kpi in selected):
        return table.filter(table.currency.notnull())
    return table


# --- the whole-period rule in the engine ------------------------------------------------------------------
#
# Daily facts are summed as they are: one filter and a plain aggregate over the big table, the fast path.
# Period facts, a few rows, are cut into slices (one per bucket they touch, clipped to the range) and summed
# with the weight overlap_days ÷ period_days. The two partial sums are unioned and summed once more per group,
# which costs nothing next to the scan. Every Ibis call costs Python time (a few milliseconds, about what
# DuckDB needs for a million rows), so the expressions are built with as few calls as the rule allows.

Slices = tuple[ir.Table, ir.DateValue, ir.DateValue]
"""Period facts, one row per bucket a fact touches (with the bucket column), and the first and last day of
the fact counted in that row; a row whose last day is before its first counts nothing."""


@dataclass(frozen=True)
class _Split:
    """How time divides the facts: the bucket ``column`` (None: no buckets, the range as a whole), a daily
    fact's bucket, and a period fact's slices (None: period facts are left out)."""

    column: str | None
    bucket: Callable[[ir.Table], ir.Value] | None
    slices: Callable[[ir.Table], Slices] | None

    @property
    def columns(self) -> list[str]:
        return [self.column] if self.column is not None else []


def _split_by_grain(grain: str | None, start: dt.date | None, end: dt.date | None) -> _Split:
    if grain is not None and grain not in GRAINS:
        raise ValueError(f"Unknown period '{grain}': use one of {', '.join(GRAINS)}.")
    _check_range(start, end)
    if grain is None:
        return _Split(None, None, lambda periods: (periods, *_clipped(periods.date, periods.date_end, start, end)))
    if grain == "day":  # a whole period is never spread over days in a chart: daily facts only
        return _Split("period", lambda daily: daily.date, None)
    unit = _TRUNCATE[grain]
    step = ibis.interval(weeks=1) if grain == "week" else ibis.interval(months=1)

    def slices(periods: ir.Table) -> Slices:
        # Each fact's own buckets, from the one of its first day to the one of its last: no calendar table,
        # and an open range needs no bounds. The series' stop is exclusive, hence the day after date_end.
        first = periods.date.truncate(unit).cast("timestamp")
        stop = periods.date_end.cast("timestamp") + ibis.interval(days=1)
        expanded = periods.mutate(period=ibis.range(first, stop, step).unnest().cast("date"))
        bucket_end = (expanded.period.cast("timestamp") + step - ibis.interval(days=1)).cast("date")
        return expanded, *_clipped(
            ibis.greatest(expanded.date, expanded.period), ibis.least(expanded.date_end, bucket_end), start, end
        )

    return _Split("period", lambda daily: daily.date.truncate(unit).cast("date"), slices)


def _split_in_windows(previous_start: dt.date, start: dt.date, end: dt.date) -> _Split:
    """:func:`compare`'s two windows, ``previous_start``–``start − 1`` and ``start``–``end``, in ``window``."""

    def slices(periods: ir.Table) -> Slices:
        windows = (("previous", previous_start, start - dt.timedelta(days=1)), ("current", start, end))
        both = ibis.union(
            *(
                periods.mutate(
                    window=ibis.literal(label),
                    _first=ibis.greatest(periods.date, first),
                    _last=ibis.least(periods.date_end, last),
                )
                for label, first, last in windows
            )
        )
        return both, both["_first"], both["_last"]

    return _Split("window", lambda daily: ibis.ifelse(daily.date >= start, "current", "previous"), slices)


def _partial_sums(
    facts: ir.Table, metrics: Sequence[str], keys: Sequence[str], *, start: dt.date | None, end: dt.date | None, split: _Split
) -> ir.Table:
    """Rows of metric values (``float64``) per group and bucket, with ``estimated``, for the caller to sum
    per group: the daily facts' sums and the period facts' weighted slices.

    The big table is read once: its facts are first summed per group and (first day, last day) — for the
    range as a whole, per period only, the daily facts falling together — and the rule runs on those
    sums, which are few. Truncating a day to its week or month after that sum also costs less than
    truncating every fact.
    """
    groups = [*keys, *split.columns]
    if start is not None or end is not None:
        facts = facts.filter(*_meets(facts.date, facts.date_end, start, end))
    summed = {m: facts[m].sum().cast("float64") for m in metrics}
    if split.column is None:  # the day of a daily fact does not matter: only a period's days are kept
        is_period = facts.date_end > facts.date
        spans = {"date": ibis.cases((is_period, facts.date)), "date_end": ibis.cases((is_period, facts.date_end))}
        days = _aggregate(facts, keys, summed, computed=spans)
    else:
        days = _aggregate(facts, [*keys, "date", "date_end"], summed)
    daily = days.filter(days.date_end.isnull() | (days.date_end <= days.date))
    bucket = {split.column: split.bucket(daily)} if split.column is not None and split.bucket is not None else {}
    daily_rows = daily.select(*keys, **bucket, **{m: daily[m] for m in metrics}, estimated=ibis.literal(False))
    if split.slices is None:
        return daily_rows
    sliced, first, last = split.slices(days.filter(days.date_end > days.date))
    sliced = sliced.mutate(_days=last.delta(first, unit="day") + 1, _length=sliced.date_end.delta(sliced.date, unit="day") + 1)
    counted = sliced.filter(sliced["_days"] > 0)
    share, length = counted["_days"], counted["_length"]
    weighted = {m: counted[m] * share / length for m in metrics}
    return daily_rows.union(counted.select(*groups, **weighted, estimated=share < length))


def _aggregate(
    table: ir.Table, keys: Sequence[str], columns: Mapping[str, ir.Value], *, computed: Mapping[str, ir.Value] | None = None
) -> ir.Table:
    """``columns`` per ``keys`` and ``computed`` group values; one row over everything without either."""
    if not keys and not computed:
        return table.aggregate(**columns)
    return table.group_by(*keys, **(computed or {})).aggregate(**columns)


def _any_estimated(partial: ir.Table) -> ir.BooleanValue:
    return partial.estimated.any().fill_null(False)  # NULL over no rows


def _meets(first: ir.DateValue, last: ir.DateValue, start: dt.date | None, end: dt.date | None) -> list[ir.BooleanValue]:
    """Predicates: the days ``first``–``last`` meet ``start``–``end`` (either end open)."""
    return [*([last >= start] if start is not None else []), *([first <= end] if end is not None else [])]


def _clipped(
    first: ir.DateValue, last: ir.DateValue, start: dt.date | None, end: dt.date | None
) -> tuple[ir.DateValue, ir.DateValue]:
    """``first``–``last`` cut to ``start``–``end`` (either end open)."""
    return (first if start is None else ibis.greatest(first, start)), (last if end is None else ibis.least(last, end))


def _kpi_columns(partial: ir.Table, selected: Sequence[Kpi]) -> dict[str, ir.Value]:
    return {kpi.key: _kpi_expression(partial, kpi) for kpi in selected}


def _kpi_expression(partial: ir.Table, kpi: Kpi) -> ir.Value:
    """Sum over sum in the engine; ``NULLIF(denominator, 0)`` turns a zero denominator into NULL."""
    numerator: ir.NumericValue | None = None
    for metric, sign in kpi.numerator_terms:
        term = partial[metric].sum() if sign > 0 else -partial[metric].sum()
        numerator = term if numerator is None else numerator + term
    assert numerator is not None  # a Kpi always has at least one numerator term
    if kpi.denominator is None:
        return numerator if kpi.scale == 1 else numerator * kpi.scale
    return numerator / partial[kpi.denominator].sum().nullif(0) * kpi.scale


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
