"""Reads of budgets: imported spend per campaign, budget channel and month (the budget lines' actuals), and a
month's planned vs. actual per channel with a pacing forecast."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from alur.analytics import kpis
from alur.analytics.selectors.facts import _as_date, _facts, channel_key
from alur.campaigns.models import BudgetLine


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
