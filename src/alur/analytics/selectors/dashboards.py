"""Reads of the performance dashboard, aggregated in the engine by :mod:`alur.analytics.kpis`: KPI tiles
beside the previous period, tables by a dimension, series per day, week or month, and the whole-period
facts a daily view leaves out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from alur.analytics import kpis
from alur.analytics.selectors.facts import Filters, _facts

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
