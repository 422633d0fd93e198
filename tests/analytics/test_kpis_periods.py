"""Whole-period facts in the KPI engine (the rule in the docstring of :mod:`alur.analytics.kpis`), on DuckDB
and on PostgreSQL when ``ALUR_TEST_POSTGRES_URL`` is set. Every figure is worked out by hand below.

The facts (workspace 1):

==  ======================  ==========  =======  ========  ======  ======  =====  ======  =================
#   days                    source      channel  currency  impr    clicks  spend  conv    other
==  ======================  ==========  =======  ========  ======  ======  =====  ======  =================
P1  27 Jan – 23 Feb 2026    google_ads  search   IDR       28000   2800    2.8 M  56      28 days: 100 clicks a day
D1  2 Feb 2026              google_ads  search   IDR       4000    100     150 k  4
D2  10 Feb 2026             meta_ads    social   IDR       2000    20      60 k   0
P2  2 – 8 Feb 2026          ga4         web                                               sessions 700, bounces 210
D3  9 Feb 2026              ga4         web                                               sessions 100, bounces 50
==  ======================  ==========  =======  ========  ======  ======  =====  ======  =================

P1 spreads evenly over its 28 days: 100 clicks, 1,000 impressions and 100,000 of spend a day. P2 (Monday to
Sunday, one ISO week) spreads 100 sessions and 30 bounces a day. ISO weeks of P1: 26 Jan (6 of its days),
2 Feb (7), 9 Feb (7), 16 Feb (7), 23 Feb (1); months: January (5 days), February (23 days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir
import pytest

from alur.analytics.kpis import compare, daily_facts, execute, filtered, period_facts, rollup, sums
from tests.analytics.conftest import fact_table

D = dt.date


def _fact(first: D, last: D, source: str, channel: str, currency: str | None, **metrics: Any) -> dict[str, Any]:
    money = {name: Decimal(str(metrics[name])) for name in ("spend", "conversions", "conversion_value") if name in metrics}
    return {"workspace_id": 1, "date": first, "date_end": last, "source": source, "channel": channel,
            "currency": currency, **metrics, **money}  # fmt: skip


JAN_27, FEB_2, FEB_8, FEB_9, FEB_10, FEB_23 = (
    D(2026, 1, 27),
    D(2026, 2, 2),
    D(2026, 2, 8),
    D(2026, 2, 9),
    D(2026, 2, 10),
    D(2026, 2, 23),
)
ROWS = [
    _fact(JAN_27, FEB_23, "google_ads", "search", "IDR", impressions=28000, clicks=2800, spend=2_800_000, conversions=56),
    _fact(FEB_2, FEB_2, "google_ads", "search", "IDR", impressions=4000, clicks=100, spend=150_000, conversions=4),
    _fact(FEB_10, FEB_10, "meta_ads", "social", "IDR", impressions=2000, clicks=20, spend=60_000, conversions=0),
    _fact(FEB_2, FEB_8, "ga4", "web", None, sessions=700, bounces=210),
    _fact(FEB_9, FEB_9, "ga4", "web", None, sessions=100, bounces=50),
]
GOOGLE = {"source": "google_ads"}
GA4 = {"source": "ga4"}


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def facts(request: pytest.FixtureRequest) -> Iterator[ir.Table]:
    yield from fact_table(request.param, ROWS)


# --- one range ------------------------------------------------------------------------------------------


def test_a_period_partly_in_the_range_counts_its_share_of_every_metric_as_an_estimate(facts: ir.Table) -> None:
    keys = ["clicks", "impressions", "ctr", "spend", "cpc"]
    rows = execute(rollup(facts, keys, start=D(2026, 2, 1), end=D(2026, 2, 7), filters=GOOGLE))
    # P1: 7 of its 28 days → 700 clicks, 7,000 impressions, 700,000 spend; D1 counts whole.
    assert rows == [
        {
            "currency": "IDR",
            "clicks": 800.0,
            "impressions": 11_000.0,
            "ctr": pytest.approx(800 / 11_000 * 100),  # Σ w·clicks ÷ Σ w·impressions, not the mean of two CTRs
            "spend": 850_000.0,
            "cpc": pytest.approx(850_000 / 800),
            "estimated": True,
        }
    ]


def test_a_period_inside_the_range_counts_whole_and_is_no_estimate(facts: ir.Table) -> None:
    rows = execute(rollup(facts, ["clicks", "spend"], start=D(2026, 1, 1), end=D(2026, 3, 31), filters=GOOGLE))
    assert rows == [{"currency": "IDR", "clicks": 2900.0, "spend": 2_950_000.0, "estimated": False}]


def test_a_period_outside_the_range_does_not_count(facts: ir.Table) -> None:
    assert execute(rollup(facts, ["clicks"], start=D(2026, 2, 24), filters=GOOGLE)) == [{"clicks": None, "estimated": False}]


def test_open_ended_ranges_cut_the_period_at_the_one_end_given(facts: ir.Table) -> None:
    from_20_february = execute(rollup(facts, ["clicks"], start=D(2026, 2, 20), filters=GOOGLE))
    assert from_20_february == [{"clicks": 400.0, "estimated": True}]  # 20–23 February: 4 days
    to_january = execute(rollup(facts, ["clicks"], end=D(2026, 1, 31), filters=GOOGLE))
    assert to_january == [{"clicks": 500.0, "estimated": True}]  # 27–31 January: 5 days
    everything = execute(rollup(facts, ["clicks"], filters=GOOGLE))
    assert everything == [{"clicks": 2900.0, "estimated": False}]


def test_a_ratio_weights_numerator_and_denominator_alike(facts: ir.Table) -> None:
    rows = execute(rollup(facts, ["bounce_rate", "sessions"], start=D(2026, 2, 5), end=D(2026, 2, 9), filters=GA4))
    # P2: 4 of its 7 days → 400 sessions, 120 bounces; D3: 100 sessions, 50 bounces → 170 ÷ 500.
    assert rows == [{"bounce_rate": pytest.approx(34.0), "sessions": 500.0, "estimated": True}]


def test_only_the_groups_a_split_period_reaches_are_estimates(facts: ir.Table) -> None:
    rows = execute(rollup(facts, ["clicks", "sessions"], by=["source"], start=D(2026, 2, 1), end=D(2026, 2, 14)))
    assert rows == [
        {"source": "ga4", "clicks": None, "sessions": 800.0, "estimated": False},  # P2 inside, D3
        {"source": "google_ads", "clicks": 1500.0, "sessions": None, "estimated": True},  # 14 days of P1, D1
        {"source": "meta_ads", "clicks": 20.0, "sessions": None, "estimated": False},
    ]


# --- series ---------------------------------------------------------------------------------------------


def test_a_day_series_never_spreads_a_period_over_its_days(facts: ir.Table) -> None:
    rows = execute(rollup(facts, ["clicks"], grain="day", start=D(2026, 1, 27), end=D(2026, 2, 23), filters=GOOGLE))
    assert rows == [{"period": D(2026, 2, 2), "clicks": 100.0, "estimated": False}]
    assert execute(rollup(facts, ["sessions"], grain="day", filters=GA4)) == [
        {"period": D(2026, 2, 9), "sessions": 100.0, "estimated": False}
    ]


def test_a_week_series_splits_a_period_across_weeks_by_its_days(facts: ir.Table) -> None:
    rows = execute(rollup(facts, ["clicks"], grain="week", filters=GOOGLE))
    assert [(row["period"], row["clicks"], row["estimated"]) for row in rows] == [
        (D(2026, 1, 26), 600.0, True),
        (D(2026, 2, 2), 800.0, True),  # 700 of P1 and D1's 100
        (D(2026, 2, 9), 700.0, True),
        (D(2026, 2, 16), 700.0, True),
        (D(2026, 2, 23), 100.0, True),
    ]
    assert sum(row["clicks"] for row in rows) == 2900.0  # the split keeps the total
    within_one_week = execute(rollup(facts, ["sessions", "bounce_rate"], grain="week", filters=GA4))
    assert within_one_week == [
        {"period": D(2026, 2, 2), "sessions": 700.0, "bounce_rate": pytest.approx(30.0), "estimated": False},
        {"period": D(2026, 2, 9), "sessions": 100.0, "bounce_rate": pytest.approx(50.0), "estimated": False},
    ]


def test_a_month_series_splits_a_period_across_months_by_its_days(facts: ir.Table) -> None:
    rows = execute(rollup(facts, ["clicks", "spend"], grain="month", filters=GOOGLE))
    assert rows == [
        {"currency": "IDR", "period": D(2026, 1, 1), "clicks": 500.0, "spend": 500_000.0, "estimated": True},
        {"currency": "IDR", "period": D(2026, 2, 1), "clicks": 2400.0, "spend": 2_450_000.0, "estimated": True},
    ]
    assert execute(rollup(facts, ["sessions"], grain="month", filters=GA4)) == [
        {"period": D(2026, 2, 1), "sessions": 800.0, "estimated": False}
    ]


def test_a_month_series_within_a_custom_range_counts_only_the_days_in_it(facts: ir.Table) -> None:
    rows = execute(rollup(facts, ["clicks"], grain="month", start=D(2026, 2, 1), end=D(2026, 2, 14), filters=GOOGLE))
    assert rows == [{"period": D(2026, 2, 1), "clicks": 1500.0, "estimated": True}]  # no January bucket


# --- compare --------------------------------------------------------------------------------------------


def test_compare_splits_a_period_between_the_two_windows(facts: ir.Table) -> None:
    (clicks,) = compare(facts, ["clicks"], start=D(2026, 2, 10), end=D(2026, 2, 23), filters=GOOGLE)
    # Current 10–23 February: 14 days of P1. Previous 27 January – 9 February: the other 14, and D1.
    assert (clicks["current"], clicks["previous"], clicks["change"]) == (1400.0, 1500.0, -100.0)
    assert clicks["relative_change"] == pytest.approx(-1 / 15)
    assert clicks["estimated"] is True and clicks["current_estimated"] is True


def test_compare_with_a_period_whole_in_one_window_is_no_estimate(facts: ir.Table) -> None:
    (sessions,) = compare(facts, ["sessions"], start=D(2026, 2, 9), end=D(2026, 2, 15), filters=GA4)
    assert (sessions["current"], sessions["previous"]) == (100.0, 700.0)  # P2 is the previous week
    assert sessions["estimated"] is False and sessions["current_estimated"] is False


def test_compare_marks_a_change_whose_previous_value_is_an_estimate(facts: ir.Table) -> None:
    (clicks,) = compare(facts, ["clicks"], start=D(2026, 2, 24), end=D(2026, 3, 9), filters=GOOGLE)
    assert (clicks["current"], clicks["previous"]) == (None, 1400.0)
    assert clicks["estimated"] is True and clicks["current_estimated"] is False


# --- the building blocks readers use --------------------------------------------------------------------


def test_sums_group_by_a_column_the_caller_adds(facts: ir.Table) -> None:
    named = facts.mutate(name=facts.channel.upper())
    rows = execute(sums(named, ["clicks", "conversions"], by=["name"], start=D(2026, 2, 1), end=D(2026, 2, 7)).order_by("name"))
    assert rows == [
        {"name": "SEARCH", "clicks": 800.0, "conversions": 18.0, "estimated": True},  # 56 × 7 ÷ 28 + 4
        {"name": "WEB", "clicks": None, "conversions": None, "estimated": True},  # 6 of P2's 7 days
    ]


def test_daily_and_period_facts_and_the_facts_a_range_touches(facts: ir.Table) -> None:
    assert execute(daily_facts(facts).aggregate(n=lambda t: t.count())) == [{"n": 3}]
    assert execute(period_facts(facts).aggregate(n=lambda t: t.count())) == [{"n": 2}]
    touched = filtered(facts, start=D(2026, 2, 9), end=D(2026, 2, 9))
    assert execute(touched.select("source", "date").order_by("source")) == [
        {"source": "ga4", "date": D(2026, 2, 9)},
        {"source": "google_ads", "date": D(2026, 1, 27)},  # P1 covers 9 February
    ]
