"""The attribution page in Chromium with the demo's three thousand customer journeys: every model side by side,
the chart, the Markov removal effects; switching parameters and the chart's measure; a bad parameter answered
next to its field."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest

from alur.accounts.models import User
from alur.analytics import demo
from alur.analytics.models import DataSource, Import
from alur.analytics.services import imports, sources
from alur.core.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import sign_in
from tests.conftest import Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compare_the_attribution_models_over_the_demo_journeys(
    page: Any, live_server: Any, team: Team, warehouse_url: str
) -> None:
    analyst = team.user(Role.DATA_ANALYST)
    User.objects.filter(pk=analyst.pk).update(language="en")
    sources.sources_ensure(team.workspace)
    imp = imports.import_start(
        actor=analyst,
        workspace=team.workspace,
        source=DataSource.objects.get(workspace=team.workspace, key="journeys"),
        upload=io.BytesIO(demo.journeys_csv(random.Random(7)).encode()),
        name="journeys.csv",
        run_now=True,
    )
    assert imp.status == Import.Status.SUCCEEDED, imp.report

    slug = team.workspace.slug
    sign_in(page, live_server, analyst.email)
    page.wait_for_url(f"{live_server.url}/w/{slug}/")
    page.goto(f"{live_server.url}/w/{slug}/analytics/")
    page.get_by_role("link", name="Attribution").click()
    table = page.get_by_test_id("attribution-table")
    table.wait_for()
    headers = table.locator("thead").inner_text()
    for label in ("First touch", "Last touch", "Linear", "Time decay", "Position-based", "Markov chain", "Shapley value"):
        assert label in headers
    assert page.get_by_test_id("attribution-row").count() == 6
    assert page.get_by_test_id("attribution-chart").locator("svg").count() == 1
    assert "3,000 journeys" in page.get_by_test_id("attribution-summary").inner_text()
    assert page.get_by_test_id("attribution-removal").locator("progress").count() == 6
    first_chart = page.get_by_test_id("attribution-chart").inner_html()

    # A second-order chain and a longer half-life; the chart shows value instead of conversions.
    page.fill("#half_life", "3")
    page.select_option("#order", "2")
    page.select_option("#measure", "value")
    page.get_by_test_id("attribution-apply").click()
    page.wait_for_url("**order=2**")
    page.get_by_test_id("attribution-table").wait_for()
    assert page.input_value("#half_life") == "3"
    assert "order 2" in page.get_by_test_id("attribution-removal").inner_text()
    chart = page.get_by_test_id("attribution-chart")
    assert "Conversion value per channel" in (chart.locator("svg").get_attribute("aria-label") or "")
    assert chart.inner_html() != first_chart
    page.set_viewport_size({"width": 1400, "height": 900})
    screenshot(page, "attribution-01-models")

    # A wrong parameter is answered next to its field; the page still shows the defaults' result.
    page.fill("#first_weight", "0.8")
    page.fill("#last_weight", "0.5")
    page.get_by_test_id("attribution-apply").click()
    page.wait_for_url("**last_weight=0.5**")
    feedback = page.locator("#last_weight ~ .invalid-feedback")
    assert "add up to more than 1" in feedback.inner_text()
    assert page.get_by_test_id("attribution-table").count() == 1
    assert page.console_errors == [], sorted(set(page.console_errors))[:5]
