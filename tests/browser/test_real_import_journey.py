"""Real exports through the upload page, as a manager who reads Indonesian: a Google Ads report downloaded as is
(its total lines beside the stored sums in Indonesian number format), and a TikTok Shop product report that
states no period (refused until the dates are given, then imported as a whole period). The files are read
from ``shared/real-exports/`` and never copied; a client cannot reach the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from alur.accounts.models import User
from alur.analytics.models import DataSource, Import
from alur.analytics.services import sources
from alur.core.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import sign_in
from tests.conftest import Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REAL_EXPORTS = Path(__file__).resolve().parents[2].parent / "shared" / "real-exports"


def _upload(page: Any, team: Team, source_key: str, file: Path, period: tuple[str, str] | None = None) -> None:
    page.select_option("#source", str(DataSource.objects.get(workspace=team.workspace, key=source_key).pk))
    page.set_input_files("#file", str(file))
    if period:
        page.fill("#period_start", period[0])
        page.fill("#period_end", period[1])
    with page.expect_navigation():
        page.get_by_test_id("import-form").locator("button[type=submit]").click()


def test_a_manager_imports_real_exports_in_indonesian(page: Any, live_server: Any, team: Team, warehouse_url: str) -> None:
    if not REAL_EXPORTS.is_dir():
        pytest.skip(f"REAL EXPORTS MISSING: {REAL_EXPORTS} is not there; the real-file journey did not run.")
    manager = team.user(Role.MANAGER)
    User.objects.filter(pk=manager.pk).update(language="id")
    sources.sources_ensure(team.workspace)
    slug = team.workspace.slug
    sign_in(page, live_server, manager.email)
    page.wait_for_url(f"{live_server.url}/w/{slug}/")

    page.goto(f"{live_server.url}/w/{slug}/analytics/imports/")
    _upload(page, team, "google_ads", REAL_EXPORTS / "google_ads__fruit4london_utf8.csv")
    page.get_by_test_id("import-done").wait_for()
    totals = page.get_by_test_id("import-totals")
    spend = totals.locator("tr", has_text="GBP").first
    assert "1.164,10" in spend.inner_text() and "1.164,09" in spend.inner_text()  # stored sum beside "Total: Campaigns"
    assert "Total: Campaigns" in totals.inner_text()
    warnings = page.get_by_test_id("import-warnings").inner_text()
    assert "Total: Account" in warnings and "periode" in warnings.lower()
    screenshot(page, "imports-01-google-ads-real-export-id")

    page.goto(f"{live_server.url}/w/{slug}/analytics/imports/")
    tiktok = REAL_EXPORTS / "tiktok_ads__gmvmax_id.tsv"
    _upload(page, team, "tiktok_ads", tiktok)
    page.get_by_test_id("import-failed").wait_for()
    problems = page.get_by_test_id("import-problems").inner_text()
    assert "tiktok_ads__gmvmax_id.tsv" in problems and "--period" in problems
    screenshot(page, "imports-02-tiktok-needs-a-period-id")
    page.goto(f"{live_server.url}/w/{slug}/analytics/imports/")
    _upload(page, team, "tiktok_ads", tiktok, period=("2026-05-01", "2026-05-31"))
    page.get_by_test_id("import-done").wait_for()
    assert "IDR" in page.get_by_test_id("import-totals").inner_text()
    imp = Import.objects.filter(workspace=team.workspace, source__key="tiktok_ads", status=Import.Status.SUCCEEDED).get()
    assert (imp.rows, str(imp.date_from), str(imp.date_to)) == (11, "2026-05-01", "2026-05-31")
    screenshot(page, "imports-03-tiktok-whole-period-id")
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_a_client_cannot_reach_the_imports(page: Any, live_server: Any, team: Team, warehouse_url: str) -> None:
    client = team.user(Role.CLIENT)
    slug = team.workspace.slug
    sign_in(page, live_server, client.email)
    page.wait_for_url(f"{live_server.url}/w/{slug}/**")
    response = page.goto(f"{live_server.url}/w/{slug}/analytics/imports/")
    assert response is not None and response.status in (403, 404)
