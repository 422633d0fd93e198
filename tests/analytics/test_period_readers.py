"""Whole-period facts through the readers of the warehouse: key results linked to a KPI, budget actuals,
anomaly alerts, experiment counts and the performance dashboard (on DuckDB on the SQLite run, PostgreSQL
on the PostgreSQL run). Facts are published as imports with their ``date`` and ``date_end``, without a file
(``factrows.add_facts``); every expected figure is worked out by hand in the test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from alur.analytics.models import Experiment
from alur.analytics.selectors import (
    alerts,
    dashboards,
)
from alur.analytics.selectors import (
    budget as budget_selectors,
)
from alur.analytics.selectors import (
    facts as facts_selectors,
)
from alur.analytics.selectors import (
    keyresults as keyresults_selectors,
)
from alur.analytics.services import budget, experiments, keyresults, sources
from alur.core.roles import Role
from alur.strategy import services as strategy
from alur.strategy.models import CheckIn
from tests.analytics.factrows import add_facts

pytestmark = pytest.mark.django_db

D = dt.date


def _insert(workspace: Any, *facts: dict[str, Any]) -> None:
    """The facts as one import per source, through the fact store dashboards read."""
    for source in dict.fromkeys(fact["source"] for fact in facts):
        add_facts(
            workspace, [{k: v for k, v in f.items() if k != "source"} for f in facts if f["source"] == source], source=source
        )


def _fact(first: D, last: D, **values: Any) -> dict[str, Any]:
    return {"date": first, "date_end": last, "source": "google_ads", "channel": "Display", "currency": "IDR", **values}


def _days(first: D, count: int) -> list[D]:
    return [first + dt.timedelta(days=n) for n in range(count)]


# ---------------------------------------------------------------------------------------------- key results

# A 28-day Google Ads report (27 January – 23 February 2026, 100 clicks a day) and one day of 100 clicks on
# 10 February. The last day of data is 23 February: the report's last day, not the latest first day.
KR_FACTS = (_fact(D(2026, 1, 27), D(2026, 2, 23), clicks=2800), _fact(D(2026, 2, 10), D(2026, 2, 10), clicks=100))


def _linked_key_result(team: Any, mode: str, *, start_value: str = "0") -> Any:
    manager = team.members[Role.MANAGER]
    period = strategy.period_create(
        actor=manager, workspace=team.workspace, name=f"Q1 {mode}", start=D(2026, 2, 1), end=D(2026, 4, 30)
    )
    objective = strategy.objective_create(
        actor=manager, workspace=team.workspace, title="Lebih banyak klik", period=period, owner=manager
    )
    kr = strategy.key_result_create(
        actor=manager, objective=objective, title=f"Klik ({mode})", metric="Klik", unit="klik",
        direction="increase_to", start_value=start_value, target_value="10000", deadline=D(2026, 4, 30), owner=manager,
    )  # fmt: skip
    link = keyresults.key_result_link(actor=manager, key_result=kr, kpi="clicks", mode=mode)
    assert link is not None and link.last_value is None  # no data yet
    return link


@pytest.mark.parametrize(
    ("mode", "start_value", "expected", "is_estimate"),
    [
        # 1–23 February: 23 of the report's 28 days (2,300 clicks) and the day of 10 February.
        ("period", "0", 2400.0, True),
        ("start_plus", "1000", 3400.0, True),
        # 25 January – 23 February: the whole report lies inside the 30 days.
        ("trailing_30", "0", 2900.0, False),
    ],
)
def test_key_result_counts_a_period_report_by_its_days_in_the_key_results_range(
    team: Any, warehouse_url: str, mode: str, start_value: str, expected: float, is_estimate: bool
) -> None:
    link = _linked_key_result(team, mode, start_value=start_value)
    _insert(team.workspace, *KR_FACTS)
    reading = keyresults_selectors.key_result_value(link, today=D(2026, 2, 28))
    assert reading == keyresults_selectors.KeyResultReading(expected, is_estimate)
    assert keyresults.key_results_refresh(team.workspace, today=D(2026, 2, 28)) == 1
    check_in = CheckIn.objects.get(key_result=link.key_result, is_automatic=True)
    assert check_in.value == Decimal(str(expected))
    assert ("estimated" in check_in.comment) is is_estimate


def test_the_automatic_check_in_says_estimate_in_indonesian(team: Any, warehouse_url: str) -> None:
    link = _linked_key_result(team, "period")
    _insert(team.workspace, *KR_FACTS)
    with translation.override("id"):
        keyresults.key_results_refresh(team.workspace, today=D(2026, 2, 28))
    comment = CheckIn.objects.get(key_result=link.key_result, is_automatic=True).comment
    assert comment.startswith("Otomatis: Klik dari data yang diimpor, perkiraan:")


# --------------------------------------------------------------------------------------------------- budget


def test_budget_actuals_split_a_period_across_months_by_its_days(team: Any, warehouse_url: str, login: Any) -> None:
    from alur.campaigns import services as campaigns
    from alur.campaigns.models import BudgetLine

    planner = team.members[Role.CAMPAIGN_MANAGER]
    campaign = campaigns.campaign_create(
        actor=planner, workspace=team.workspace, name="Ramadan", owner=planner, template_key="product_launch",
        start_date=D(2026, 1, 1), end_date=D(2026, 3, 31),
    )  # fmt: skip
    for month in (D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)):
        campaigns.budget_line_set(actor=planner, campaign=campaign, channel="ads", month=month, planned="3.000.000")
    # 2,800,000 over 27 January – 23 February (100,000 a day): 5 days in January, 23 in February.
    _insert(
        team.workspace,
        _fact(D(2026, 1, 27), D(2026, 2, 23), campaign="Ramadan", spend=2_800_000),
        _fact(D(2026, 2, 10), D(2026, 2, 10), campaign="Ramadan", spend=100_000),
        _fact(D(2026, 3, 2), D(2026, 3, 2), campaign="Ramadan", spend=50_000),
    )
    assert budget_selectors.spend_by_campaign_channel_month(team.workspace) == {
        (campaign.pk, "ads", D(2026, 1, 1)): budget_selectors.Spent(Decimal("500000"), is_estimate=True),
        (campaign.pk, "ads", D(2026, 2, 1)): budget_selectors.Spent(Decimal("2400000"), is_estimate=True),
        (campaign.pk, "ads", D(2026, 3, 1)): budget_selectors.Spent(Decimal("50000"), is_estimate=False),
    }
    assert budget.budget_actuals_refresh(team.workspace) == 3
    actuals = dict(BudgetLine.objects.filter(campaign=campaign).values_list("month", "actual"))
    assert actuals == {
        D(2026, 1, 1): Decimal("500000.00"),
        D(2026, 2, 1): Decimal("2400000.00"),
        D(2026, 3, 1): Decimal("50000.00"),
    }

    february = budget_selectors.budget_overview(team.workspace, D(2026, 2, 1))
    (ads,) = february["lines"]
    assert (ads["actual"], ads["is_estimate"], february["is_estimate"]) == (Decimal("2400000"), True, True)
    assert february["days_with_data"] == 23  # the report runs to 23 February
    assert ads["forecast"] == Decimal("2921739")  # 2,400,000 ÷ 23 × 28
    january = budget_selectors.budget_overview(team.workspace, D(2026, 1, 1))
    assert (january["lines"][0]["actual"], january["days_with_data"]) == (Decimal("500000"), 31)
    march = budget_selectors.budget_overview(team.workspace, D(2026, 3, 1))
    assert march["lines"][0]["is_estimate"] is False

    client = login(team.members[Role.MANAGER])
    page = client.get(f"/w/{team.workspace.slug}/analytics/budget/?month=2026-02").content.decode()
    assert page.count("data-estimate") == 4  # spent and forecast of the line and of the total
    assert "data-estimate" not in client.get(f"/w/{team.workspace.slug}/analytics/budget/?month=2026-03").content.decode()


# -------------------------------------------------------------------------------------------------- anomalies


def test_anomaly_scan_reads_daily_facts_only(team: Any, warehouse_url: str) -> None:
    # Sixty days of spend at 1,000,000 and a jump to 3,000,000 on the last day, 1 March 2026.
    days = _days(D(2026, 1, 1), 60)
    daily = [
        _fact(day, day, channel="Search", campaign="Brand", spend=3_000_000 if day == D(2026, 3, 1) else 1_000_000)
        for day in days
    ]
    # A whole-period report in the same campaign: counted on its first day it would be a 50,000,000 spike on
    # 20 February, and its last day (10 April) would move the scanned 30 days past the daily data.
    report = _fact(D(2026, 2, 20), D(2026, 4, 10), channel="Search", campaign="Brand", spend=50_000_000)
    _insert(team.workspace, *daily, report)
    found = alerts.anomalies(team.workspace)
    assert {(a["kpi"], a["dimension"], a["day"], a["direction"]) for a in found} == {
        ("spend", "channel", D(2026, 3, 1), "up"),
        ("spend", "campaign", D(2026, 3, 1), "up"),
    }


# ------------------------------------------------------------------------------------------------ experiments


def test_experiment_counts_pulled_from_a_period_report_are_estimates(team: Any, warehouse_url: str) -> None:
    analyst = team.user(Role.DATA_ANALYST)
    plan = {"name": "Iklan", "hypothesis": "B menang.", "baseline_rate": "4%", "mde": "1%", "alpha": "0.05", "power": "0.8"}
    experiment = experiments.experiment_create(
        actor=analyst, workspace=team.workspace, values=plan,
        variants=[{"name": "A", "data_value": "Iklan A"}, {"name": "B", "data_value": "Iklan B"}],
    )  # fmt: skip
    experiments.experiment_start(actor=analyst, experiment=experiment)
    Experiment.objects.filter(pk=experiment.pk).update(started_on=D(2026, 2, 1), ended_on=D(2026, 2, 7))
    experiment.refresh_from_db()
    # Ad A: one report over 27 January – 23 February (2,800 clicks, 56 conversions): 7 of its 28 days count.
    # Ad B: 100 clicks and 3 conversions a day.
    _insert(
        team.workspace,
        _fact(D(2026, 1, 27), D(2026, 2, 23), ad="Iklan A", clicks=2800, conversions=56),
        *(_fact(day, day, ad="Iklan B", clicks=100, conversions=3) for day in _days(D(2026, 2, 1), 7)),
    )
    assert experiments.experiment_counts_pull(actor=analyst, experiment=experiment) is True
    a, b = experiment.variants.all()
    assert (a.visitors, a.conversions) == (700, 14.0)
    assert (b.visitors, b.conversions) == (700, 21.0)


# ------------------------------------------------------------------------------------------------- dashboard


def test_dashboard_names_the_period_reports_its_daily_chart_leaves_out_in_indonesian(
    team: Any, warehouse_url: str, login: Any
) -> None:
    sources.sources_ensure(team.workspace)
    _insert(
        team.workspace,
        _fact(D(2026, 7, 27), D(2026, 8, 23), impressions=28_000, clicks=2800, spend=2_800_000),
        *(_fact(day, day, channel="Search", impressions=1000, clicks=50, spend=40_000) for day in _days(D(2026, 8, 1), 20)),
    )
    window = facts_selectors.Filters(D(2026, 8, 1), D(2026, 8, 20), {})
    assert dashboards.periods_left_out(team.workspace.pk, window) == [
        {"source": "google_ads", "first": D(2026, 7, 27), "last": D(2026, 8, 23), "rows": 1}
    ]
    assert (
        dashboards.periods_left_out(
            team.workspace.pk, facts_selectors.Filters(D(2026, 8, 1), D(2026, 8, 20), {"channel": "Search"})
        )
        == []
    )

    user = team.members[Role.PERFORMANCE_MARKETER]
    user.language = "id"
    user.save(update_fields=["language"])
    page = login(user).get(f"/w/{team.workspace.slug}/analytics/?start=2026-08-01&end=2026-08-20").content.decode()
    assert "Juga diimpor sebagai periode utuh, tidak ditampilkan per hari: Google Ads 27 Jul – 23 Agu 2026 (1 baris)" in page
    # Clicks over 1–20 August: 20 of the report's 28 days (2,000) and 20 days of 50: an estimate.
    tile = page.split('data-testid="tile-clicks"')[1].split('data-testid="tile-')[0]
    assert "3.000" in tile and "≈ perkiraan" in tile and "dibagi rata" in tile
    table = page.split('data-testid="dimension-table"')[1]
    assert table.count("data-estimate") == 5  # the Display row: spend, impressions, clicks, CTR, CPC; no conversions
