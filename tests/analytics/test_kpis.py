"""The KPI engine against a small warehouse whose every figure below is computed by hand.

Each test runs on DuckDB, and on PostgreSQL too when ``ALUR_TEST_POSTGRES_URL`` is set.

The facts (workspace 1; empty cells are NULL):

==  ==========  ==========  =======  ========  ========  ====  ====  =====  ======  ====  =======  ======
#   date        source      channel  region    currency  impr  clk   spend  conv    val   other
==  ==========  ==========  =======  ========  ========  ====  ====  =====  ======  ====  =======  ======
R1  2026-11-02  google_ads  search   Jakarta   IDR       1000  10    100000 2       500000
R2  2026-11-03  google_ads  search   Bandung   IDR       3000  60    240000 3       900000
R3  2026-11-09  meta_ads    social   Jakarta   IDR       2000  20    60000  0       0     reach 1500, engag. 150, followers 12
R4  2026-11-10  meta_ads    social   Jakarta   USD       500   5     20     1       50    reach 400
R5  2026-11-04  ga4         web      Jakarta                                              sess. 400, engaged 260, bounces 140
R6  2026-11-11  ga4         web      Bandung                                              sess. 100, engaged 70, bounces 30
R7  2026-10-27  google_ads  search   Jakarta   IDR       2000  20    150000 1       300000
R8  2026-11-01  google_ads  search   Jakarta   IDR       1000  5     50000  0       0
R9  2026-11-05  tiktok_ads  video    Jakarta   IDR       0     0     0      0       0     video views 0, followers 0
==  ==========  ==========  =======  ========  ========  ====  ====  =====  ======  ====  =======  ======

2026-11-02 and 2026-11-09 are Mondays; R8 (Sunday 1 November) belongs to the ISO week of 26 October but
to the month of November.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
import pytest

from alur.analytics import kpis, warehouse
from alur.analytics.kpis import KPIS, NOT_FROM_FACTS, compare, execute, ratio, rollup
from tests.analytics.conftest import fact_table

D = dt.date


def _row(day: str, source: str, channel: str, region: str, currency: str | None, **metrics: Any) -> dict[str, Any]:
    money = {name: Decimal(str(metrics[name])) for name in ("spend", "conversions", "conversion_value") if name in metrics}
    return {
        "workspace_id": 1,
        "date": D.fromisoformat(day),
        "date_end": D.fromisoformat(day),
        "source": source,
        "channel": channel,
        "region": region,
        "currency": currency,
        **metrics,
        **money,
    }


ROWS = [
    _row(
        "2026-11-02",
        "google_ads",
        "search",
        "Jakarta",
        "IDR",
        impressions=1000,
        clicks=10,
        spend=100000,
        conversions=2,
        conversion_value=500000,
    ),
    _row(
        "2026-11-03",
        "google_ads",
        "search",
        "Bandung",
        "IDR",
        impressions=3000,
        clicks=60,
        spend=240000,
        conversions=3,
        conversion_value=900000,
    ),
    _row(
        "2026-11-09",
        "meta_ads",
        "social",
        "Jakarta",
        "IDR",
        impressions=2000,
        reach=1500,
        clicks=20,
        spend=60000,
        conversions=0,
        conversion_value=0,
        engagements=150,
        followers=12,
    ),
    _row(
        "2026-11-10",
        "meta_ads",
        "social",
        "Jakarta",
        "USD",
        impressions=500,
        reach=400,
        clicks=5,
        spend=20,
        conversions=1,
        conversion_value=50,
    ),
    _row("2026-11-04", "ga4", "web", "Jakarta", None, sessions=400, engaged_sessions=260, bounces=140),
    _row("2026-11-11", "ga4", "web", "Bandung", None, sessions=100, engaged_sessions=70, bounces=30),
    _row(
        "2026-10-27",
        "google_ads",
        "search",
        "Jakarta",
        "IDR",
        impressions=2000,
        clicks=20,
        spend=150000,
        conversions=1,
        conversion_value=300000,
    ),
    _row(
        "2026-11-01",
        "google_ads",
        "search",
        "Jakarta",
        "IDR",
        impressions=1000,
        clicks=5,
        spend=50000,
        conversions=0,
        conversion_value=0,
    ),
    _row(
        "2026-11-05",
        "tiktok_ads",
        "video",
        "Jakarta",
        "IDR",
        impressions=0,
        clicks=0,
        spend=0,
        conversions=0,
        conversion_value=0,
        video_views=0,
        followers=0,
    ),
]


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def facts(request: pytest.FixtureRequest) -> Iterator[ir.Table]:
    yield from fact_table(request.param, ROWS)


def _one(rows: list[dict[str, Any]], **keys: object) -> dict[str, Any]:
    matching = [row for row in rows if all(row[key] == value for key, value in keys.items())]
    assert len(matching) == 1, (keys, rows)
    return matching[0]


# --- the registry ---------------------------------------------------------------------------------------


def test_registry_has_every_kpi_the_spec_lists_and_labels_vanity_metrics() -> None:
    required = {
        "impressions",
        "reach",
        "clicks",
        "ctr",
        "cpc",
        "cpm",
        "spend",
        "conversions",
        "conversion_rate",
        "cpa",
        "revenue",
        "roas",
        "roi",
        "sessions",
        "engaged_sessions",
        "bounce_rate",
        "engagement_rate",
        "social_engagement_rate",
        "leads",
        "cost_per_lead",
        "followers",
        "follower_growth",
        "mentions",
        "video_views",
        "aov",
    }
    assert required <= set(KPIS)
    vanity = {key for key, kpi in KPIS.items() if kpi.kind == "vanity"}
    assert {"impressions", "reach", "followers", "follower_growth", "engagements", "mentions", "video_views"} <= vanity
    assert not vanity & {"conversions", "cpa", "roas", "revenue", "leads", "cpc", "roi", "spend"}
    assert {key for key, kpi in KPIS.items() if kpi.money} == {
        "spend",
        "cpc",
        "cpm",
        "cpa",
        "revenue",
        "cost_per_lead",
        "aov",
    }
    assert KPIS["roas"].uses_money and not KPIS["roas"].money and KPIS["roas"].unit == "ratio"
    assert not KPIS["ctr"].uses_money
    assert KPIS["cpm"].scale == 1000 and KPIS["ctr"].scale == 100 and KPIS["ctr"].unit == "percent"
    assert KPIS["cpa"].better == "lower" and KPIS["bounce_rate"].better == "lower" and KPIS["roas"].better == "higher"
    assert KPIS["roi"].metrics == {"conversion_value", "spend"}
    assert all(kpi.key == key and kpi.label and kpi.formula and kpi.source for key, kpi in KPIS.items())


def test_kpis_the_facts_cannot_give_are_listed_with_a_reason() -> None:
    assert {"share_of_voice", "sentiment", "churn", "ltv", "lead_to_customer_rate"} <= set(NOT_FROM_FACTS)
    assert not set(NOT_FROM_FACTS) & set(KPIS)
    with pytest.raises(ValueError, match="competitors"):
        rollup(ibis.table(warehouse.fact_schema(), name="facts"), ["share_of_voice"])


def test_a_kpi_over_a_metric_the_facts_do_not_have_is_rejected() -> None:
    with pytest.raises(ValueError, match="likes"):
        kpis.Kpi("x", "X", "likes", None, 1, "count", "vanity", "higher", "likes", "nowhere")


def test_ratio_is_none_instead_of_dividing_by_zero() -> None:
    assert ratio(3, Decimal("4")) == 0.75
    assert ratio(5, 0) is None
    assert ratio(5, Decimal("0")) is None
    assert ratio(None, 5) is None
    assert ratio(5, None) is None
    assert ratio(0, 5) == 0.0


def test_kpi_value_from_sums_matches_the_formulas() -> None:
    assert KPIS["ctr"].value({"clicks": 70, "impressions": 4000}) == pytest.approx(1.75)
    assert KPIS["ctr"].value({"clicks": 0, "impressions": 0}) is None
    roi = KPIS["roi"].value({"conversion_value": Decimal("1400000"), "spend": Decimal("340000")})
    assert roi == pytest.approx(1_060_000 / 340_000 * 100)
    assert KPIS["roi"].value({"spend": Decimal("340000")}) is None  # revenue unknown → ROI unknown
    assert KPIS["cpm"].value({"spend": 340000, "impressions": 4000}) == pytest.approx(85000)
    assert KPIS["clicks"].value({"clicks": 70}) == 70


# --- rollup -------------------------------------------------------------------------------------------


def test_ctr_is_sum_over_sum_not_the_mean_of_daily_ratios(facts: ir.Table) -> None:
    expr = rollup(facts, ["ctr"], by=["channel"], start=D(2026, 11, 2), end=D(2026, 11, 8), filters={"source": "google_ads"})
    assert isinstance(expr, ir.Table)  # an expression: nothing ran yet
    rows = execute(expr)
    assert rows == [{"channel": "search", "ctr": pytest.approx(70 / 4000 * 100), "estimated": False}]  # 1.75, not (1 % + 2 %) / 2


def test_end_date_is_inclusive_and_day_grain_gives_one_row_per_date(facts: ir.Table) -> None:
    rows = execute(
        rollup(facts, ["clicks"], grain="day", start=D(2026, 11, 1), end=D(2026, 11, 3), filters={"source": "google_ads"})
    )
    assert rows == [
        {"period": D(2026, 11, 1), "clicks": 5, "estimated": False},
        {"period": D(2026, 11, 2), "clicks": 10, "estimated": False},
        {"period": D(2026, 11, 3), "clicks": 60, "estimated": False},
    ]


def test_week_buckets_start_on_monday(facts: ir.Table) -> None:
    rows = execute(rollup(facts, ["clicks", "ctr"], grain="week", filters={"source": ["google_ads", "meta_ads"]}))
    assert [(row["period"], row["clicks"]) for row in rows] == [
        (D(2026, 10, 26), 25),  # R7 (Tuesday) and R8 (Sunday 1 November)
        (D(2026, 11, 2), 70),
        (D(2026, 11, 9), 25),
    ]
    assert rows[0]["ctr"] == pytest.approx(25 / 3000 * 100)
    assert rows[2]["ctr"] == pytest.approx(25 / 2500 * 100)


def test_month_buckets_start_on_the_first(facts: ir.Table) -> None:
    rows = execute(rollup(facts, ["clicks"], grain="month", filters={"source": ["google_ads", "meta_ads"]}))
    assert rows == [
        {"period": D(2026, 10, 1), "clicks": 20, "estimated": False},
        {"period": D(2026, 11, 1), "clicks": 100, "estimated": False},
    ]


def test_money_is_never_summed_across_currencies(facts: ir.Table) -> None:
    rows = execute(rollup(facts, ["spend", "cpc"], by=["source"], filters={"source": "meta_ads"}))
    assert rows == [
        {"source": "meta_ads", "currency": "IDR", "spend": 60000.0, "cpc": pytest.approx(3000.0), "estimated": False},
        {"source": "meta_ads", "currency": "USD", "spend": 20.0, "cpc": pytest.approx(4.0), "estimated": False},
    ]
    totals = execute(rollup(facts, ["spend"]))  # rows without a currency (GA4) hold no money
    assert totals == [
        {"currency": "IDR", "spend": 600000.0, "estimated": False},
        {"currency": "USD", "spend": 20.0, "estimated": False},
    ]


def test_ratios_of_money_are_split_by_currency_too(facts: ir.Table) -> None:
    rows = execute(rollup(facts, ["roas"], filters={"source": "meta_ads"}))
    assert rows == [
        {"currency": "IDR", "roas": pytest.approx(0.0), "estimated": False},
        {"currency": "USD", "roas": pytest.approx(2.5), "estimated": False},  # 50 ÷ 20; IDR and USD mixed would be 50 ÷ 60,020
    ]


def test_profit_kpis_for_a_week_of_search(facts: ir.Table) -> None:
    keys = ["roas", "roi", "cpa", "cpm", "aov", "conversion_rate", "revenue", "conversions"]
    rows = execute(rollup(facts, keys, start=D(2026, 11, 2), end=D(2026, 11, 8), filters={"source": "google_ads"}))
    assert rows == [
        {
            "currency": "IDR",
            "roas": pytest.approx(1_400_000 / 340_000),
            "roi": pytest.approx((1_400_000 - 340_000) / 340_000 * 100),  # 311.76 %
            "cpa": pytest.approx(68_000.0),
            "cpm": pytest.approx(85_000.0),
            "aov": pytest.approx(280_000.0),
            "conversion_rate": pytest.approx(5 / 70 * 100),
            "revenue": 1_400_000.0,
            "conversions": 5.0,
            "estimated": False,
        }
    ]


def test_zero_denominators_give_none_not_an_error(facts: ir.Table) -> None:
    tiktok = execute(rollup(facts, ["ctr", "cpc", "cpm", "video_views"], filters={"source": "tiktok_ads"}))
    assert tiktok == [{"currency": "IDR", "ctr": None, "cpc": None, "cpm": None, "video_views": 0, "estimated": False}]
    meta_idr = _one(execute(rollup(facts, ["roi", "cpa", "aov"], filters={"source": "meta_ads"})), currency="IDR")
    assert meta_idr == {"currency": "IDR", "roi": pytest.approx(-100.0), "cpa": None, "aov": None, "estimated": False}
    search = execute(rollup(facts, ["social_engagement_rate"], filters={"channel": "search"}))
    assert search == [{"social_engagement_rate": None, "estimated": False}]  # search rows carry no reach


def test_website_rates_from_ga4(facts: ir.Table) -> None:
    rows = execute(rollup(facts, ["bounce_rate", "engagement_rate", "sessions"], by=["region"], filters={"source": "ga4"}))
    assert rows == [  # not money: no currency column
        {
            "region": "Bandung",
            "bounce_rate": pytest.approx(30.0),
            "engagement_rate": pytest.approx(70.0),
            "sessions": 100,
            "estimated": False,
        },
        {
            "region": "Jakarta",
            "bounce_rate": pytest.approx(35.0),
            "engagement_rate": pytest.approx(65.0),
            "sessions": 400,
            "estimated": False,
        },
    ]
    total = execute(rollup(facts, ["bounce_rate", "engagement_rate"], filters={"source": "ga4"}))
    assert total == [{"bounce_rate": pytest.approx(34.0), "engagement_rate": pytest.approx(66.0), "estimated": False}]


def test_social_engagement_rate_and_followers(facts: ir.Table) -> None:
    rows = execute(
        rollup(
            facts,
            ["social_engagement_rate", "followers", "follower_growth"],
            by=["channel"],
            filters={"channel": ["social", "video"]},
        )
    )
    assert rows == [
        {
            "channel": "social",
            "social_engagement_rate": pytest.approx(150 / 1900 * 100),
            "followers": 12,
            "follower_growth": 12,
            "estimated": False,
        },
        {"channel": "video", "social_engagement_rate": None, "followers": 0, "follower_growth": 0, "estimated": False},
    ]


def test_filters_take_a_value_a_list_or_none(facts: ir.Table) -> None:
    assert execute(rollup(facts, ["clicks"], filters={"region": "Jakarta"})) == [{"clicks": 60, "estimated": False}]
    listed = execute(rollup(facts, ["impressions"], filters={"source": ["meta_ads", "tiktok_ads"]}))
    assert listed == [{"impressions": 2500, "estimated": False}]
    assert execute(rollup(facts, ["sessions"], filters={"currency": None})) == [{"sessions": 500, "estimated": False}]
    combined = rollup(facts, ["clicks"], start=D(2026, 11, 2), filters={"region": "Jakarta", "channel": "search"})
    assert execute(combined) == [{"clicks": 10, "estimated": False}]


def test_unknown_names_are_refused_with_a_clear_message(facts: ir.Table) -> None:
    with pytest.raises(ValueError, match="Unknown KPI 'ctrr'"):
        rollup(facts, ["ctrr"])
    with pytest.raises(ValueError, match="Unknown dimension 'colour'"):
        rollup(facts, ["ctr"], by=["colour"])
    with pytest.raises(ValueError, match="Unknown dimension 'colour'"):
        rollup(facts, ["ctr"], filters={"colour": "red"})
    with pytest.raises(ValueError, match="Unknown period 'year'"):
        rollup(facts, ["ctr"], grain="year")
    with pytest.raises(ValueError, match=r"ends .* before it starts"):
        rollup(facts, ["ctr"], start=D(2026, 11, 5), end=D(2026, 11, 1))


def test_execute_turns_decimals_into_floats_and_keeps_dates(facts: ir.Table) -> None:
    rows = execute(rollup(facts, ["spend"], grain="day", start=D(2026, 11, 2), end=D(2026, 11, 2)))
    assert rows == [{"currency": "IDR", "period": D(2026, 11, 2), "spend": 100000.0, "estimated": False}]
    assert type(rows[0]["spend"]) is float and type(rows[0]["period"]) is D


# --- compare ------------------------------------------------------------------------------------------


def test_compare_with_the_week_before(facts: ir.Table) -> None:
    rows = compare(
        facts, ["ctr", "cpc", "spend", "roas"], start=D(2026, 11, 2), end=D(2026, 11, 8), filters={"source": "google_ads"}
    )
    assert [row["kpi"] for row in rows] == ["ctr", "cpc", "spend", "roas"]
    assert all(row["currency"] == "IDR" for row in rows)
    ctr, cpc, spend, roas = rows
    # Previous week (26 Oct – 1 Nov) is R7 + R8: 25 clicks, 3,000 impressions, spend 200,000, revenue 300,000.
    assert ctr["current"] == pytest.approx(1.75) and ctr["previous"] == pytest.approx(25 / 3000 * 100)
    assert ctr["change"] == pytest.approx(1.75 - 25 / 30)
    assert ctr["relative_change"] == pytest.approx(1.1)
    assert ctr["improved"] is True
    assert cpc["current"] == pytest.approx(340000 / 70) and cpc["previous"] == pytest.approx(8000.0)
    assert cpc["relative_change"] == pytest.approx((340000 / 70 - 8000) / 8000)
    assert cpc["improved"] is True  # cheaper clicks: lower is better
    assert spend["change"] == pytest.approx(140000.0) and spend["relative_change"] == pytest.approx(0.7)
    assert spend["improved"] is None  # spending more is neither better nor worse in itself
    assert roas["previous"] == pytest.approx(1.5) and roas["improved"] is True


def test_compare_lists_groups_found_in_one_period_only(facts: ir.Table) -> None:
    rows = compare(facts, ["clicks", "bounce_rate"], by=["channel"], start=D(2026, 11, 2), end=D(2026, 11, 8))
    search = _one(rows, channel="search", kpi="clicks")
    assert (search["current"], search["previous"], search["change"]) == (70, 25, 45)
    assert search["relative_change"] == pytest.approx(1.8) and search["improved"] is True
    video = _one(rows, channel="video", kpi="clicks")
    assert video == {
        "channel": "video",
        "kpi": "clicks",
        "current": 0,
        "previous": None,
        "change": None,
        "relative_change": None,
        "improved": None,
        "estimated": False,
        "current_estimated": False,
    }
    web = _one(rows, channel="web", kpi="bounce_rate")
    assert web["current"] == pytest.approx(35.0) and web["previous"] is None


def test_compare_gives_no_relative_change_from_zero(facts: ir.Table) -> None:
    rows = compare(
        facts,
        ["followers", "ctr"],
        start=D(2026, 11, 9),
        end=D(2026, 11, 15),
        filters={"currency": "IDR", "channel": ["social", "video"]},
    )
    followers, ctr = rows
    assert (followers["current"], followers["previous"], followers["change"]) == (12, 0, 12)
    assert followers["relative_change"] is None and followers["improved"] is True
    assert ctr["current"] == pytest.approx(1.0) and ctr["previous"] is None  # 0 impressions the week before


def test_compare_refuses_a_period_that_ends_before_it_starts(facts: ir.Table) -> None:
    with pytest.raises(ValueError, match="before it starts"):
        compare(facts, ["ctr"], start=D(2026, 11, 9), end=D(2026, 11, 1))


def test_short_money_says_large_amounts_the_way_people_do() -> None:
    from django.utils import translation

    from alur.analytics.templatetags.analytics import short_money

    with translation.override("en"):
        assert short_money(68_039_000) == "68.0 M"
        assert short_money(999_700) == "1.0 M"  # not "1,000.0 K"
        assert short_money(258_610_000_000) == "259 B"
        assert short_money(-4_500) == "-4.5 K"
        assert short_money(640) == "640"
        assert short_money(None) == "—"
    with translation.override("id"):
        assert short_money(68_039_000) == "68,0 jt"
        assert short_money(2_500_000_000) == "2,5 M"  # miliar
        assert short_money(12_000) == "12,0 rb"


def test_alert_sentence_writes_numbers_and_days_in_the_readers_language() -> None:
    import datetime as dt
    from types import SimpleNamespace

    from django.utils import translation

    from alur.analytics.selectors.alerts import alert_sentence

    alert = SimpleNamespace(
        kpi="spend", dimension_value="Paid Social", day=dt.date(2026, 11, 20), value=1_250_000.0, expected=961_538.5
    )
    with translation.override("id"):
        assert alert_sentence(alert) == "Spend untuk Paid Social pada 20 Nov 2026: 1.250.000, perkiraan sekitar 961.538 (+30%)."
    with translation.override("en"):
        assert alert_sentence(alert) == "Spend for Paid Social on 20 Nov 2026: 1,250,000, expected about 961,538 (+30%)."
    rate = SimpleNamespace(kpi="bounce_rate", dimension_value="", day=dt.date(2026, 11, 20), value=84.35, expected=64.75)
    with translation.override("id"):
        assert ": 84,35, perkiraan sekitar 64,75 (+30%)." in alert_sentence(rate)
