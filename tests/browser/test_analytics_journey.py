"""Issue 6's pages in Chromium: upload a Google Ads export, watch it import, see spend, CTR and CPA per
channel, a key result that moved from the data, and an anomaly alert."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path
from typing import Any

import pytest

from alur.accounts.models import User
from alur.analytics import demo
from alur.analytics.models import AnomalyAlert, DataSource, Import
from alur.analytics.services import imports, keyresults, sources
from alur.core.roles import Role
from alur.strategy import services as strategy
from alur.strategy.models import CheckIn
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import sign_in
from tests.conftest import Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SAMPLE = Path(__file__).resolve().parent.parent / "analytics" / "samples" / "google_ads_campaigns.csv"


def test_upload_a_google_ads_export_and_read_the_dashboards(page: Any, live_server: Any, team: Team, warehouse_url: str) -> None:
    analyst = team.user(Role.DATA_ANALYST)
    User.objects.filter(pk=analyst.pk).update(language="en")
    manager = team.user(Role.MANAGER)
    period = strategy.period_create(
        actor=manager, workspace=team.workspace, name="Semester 2 2026", start=dt.date(2026, 7, 1), end=dt.date(2026, 12, 31)
    )
    objective = strategy.objective_create(
        actor=team.user(Role.STRATEGIST),
        workspace=team.workspace,
        title="Tumbuhkan penjualan online dari iklan",
        period=period,
        owner=manager,
    )
    kr = strategy.key_result_create(
        actor=team.user(Role.STRATEGIST), objective=objective,
        title="Meningkatkan klik iklan pencarian sebesar 50% dalam 6 bulan",
        metric="Klik iklan pencarian", unit="klik", direction="increase_to", start_value="10000", target_change_percent="50",
        deadline=dt.date(2026, 12, 31), owner=team.user(Role.PERFORMANCE_MARKETER),
    )  # fmt: skip
    keyresults.key_result_link(actor=manager, key_result=kr, kpi="clicks", mode="start_plus", filters={"channel": "Search"})
    # Earlier imports: three months of Meta Ads and GA4 with anomalies in the last week.
    sources.sources_ensure(team.workspace)
    rng = random.Random(2026)
    demo.google_ads_csv(rng)  # keep the generator's sequence as in the demo
    for key, text in (("meta_ads", demo.meta_ads_csv(rng)), ("ga4", demo.ga4_csv(rng))):
        source = DataSource.objects.get(workspace=team.workspace, key=key)
        imp = imports.import_start(
            actor=analyst,
            workspace=team.workspace,
            source=source,
            upload=io.BytesIO(text.encode()),
            name=f"{key}.csv",
            run_now=True,
        )
        assert imp.status == Import.Status.SUCCEEDED, imp.report
    assert AnomalyAlert.objects.filter(workspace=team.workspace).exists()

    slug = team.workspace.slug
    sign_in(page, live_server, analyst.email)
    page.wait_for_url(f"{live_server.url}/w/{slug}/")
    page.goto(f"{live_server.url}/w/{slug}/analytics/imports/")
    page.select_option("#source", str(DataSource.objects.get(workspace=team.workspace, key="google_ads").pk))
    page.set_input_files("#file", str(SAMPLE))
    page.get_by_test_id("import-form").locator("button[type=submit]").click()
    page.get_by_test_id("import-done").wait_for()
    assert "rows imported" in page.get_by_test_id("import-done").inner_text()
    screenshot(page, "analytics-01-import")

    page.goto(f"{live_server.url}/w/{slug}/analytics/?start=2026-11-01&end=2026-11-30")
    table = page.get_by_test_id("dimension-table")
    table.wait_for()
    search_row = table.locator("tr", has_text="Search").first
    assert search_row.count() == 1
    headers = table.locator("thead").inner_text()
    assert "CTR" in headers and "CPA" in headers and "Spend" in headers
    assert page.get_by_test_id("chart-spend").locator("svg").count() == 1
    # Choosing another metric redraws the daily series at once (no inline handler: the policy blocks them).
    with page.expect_navigation():
        page.select_option("#metric", "clicks")
    assert "metric=clicks" in page.url and "start=2026-11-01" in page.url
    assert page.locator("#metric").input_value() == "clicks"
    screenshot(page, "analytics-02-dashboard")

    page.goto(f"{live_server.url}/w/{slug}/analytics/okr/")
    page.get_by_test_id("kr-card").first.wait_for()
    kr.refresh_from_db()
    assert kr.current_value is not None and kr.current_value > 10000
    assert CheckIn.objects.filter(key_result=kr, is_automatic=True).exists()
    assert page.get_by_test_id("kr-value").first.inner_text() != "—"
    screenshot(page, "analytics-03-okr")

    page.goto(f"{live_server.url}/w/{slug}/analytics/alerts/")
    page.get_by_test_id("alert-row").first.wait_for()
    assert page.get_by_test_id("alert-row").count() >= 1
    screenshot(page, "analytics-04-alerts")
