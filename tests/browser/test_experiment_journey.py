"""Issue 7's experiment pages in Chromium: plan an A/B test and watch the sample size follow the numbers as
they are typed, type the counts, and read the verdict, the variants table and the interval chart."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from alur.accounts.models import User
from alur.analytics.models import Experiment
from alur.analytics.stats import sample_size_proportion
from alur.core.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import sign_in
from tests.conftest import Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TEAM_SHOT = Path("/tmp/team/experiment.png")


def test_plan_an_experiment_type_counts_and_read_the_verdict(page: Any, live_server: Any, team: Team, warehouse_url: str) -> None:
    analyst = team.user(Role.DATA_ANALYST)
    User.objects.filter(pk=analyst.pk).update(language="en")
    slug = team.workspace.slug
    sign_in(page, live_server, analyst.email)
    page.wait_for_url(f"{live_server.url}/w/{slug}/")

    page.goto(f"{live_server.url}/w/{slug}/analytics/experiments/")
    page.get_by_test_id("experiments-empty").wait_for()
    page.get_by_test_id("experiment-new").click()
    page.get_by_test_id("experiment-form").wait_for()
    page.fill("#f-name", "Judul email promo 12.12: diskon vs. gratis ongkir")
    page.fill("#f-hypothesis", "Gratis ongkir terasa lebih berharga daripada diskon 20%.")
    page.fill("#f-metric_name", "Pembelian dari email")
    page.fill("#f-guardrails", "Berhenti berlangganan")
    page.locator("input[name=variant_name]").nth(0).fill("Diskon 20%")
    page.locator("input[name=variant_name]").nth(1).fill("Gratis ongkir")
    page.fill("#f-baseline_rate", "3.2%")
    page.fill("#f-mde", "15%")
    # The keyboard ticks the box wherever it is: the sticky card moves while the preview re-renders, and a
    # mouse click aimed at where the box was a moment ago can land beside it on a busy machine.
    page.focus("#f-mde_relative")
    page.keyboard.press("Space")
    assert page.is_checked("#f-mde_relative")
    page.fill("#f-daily_visitors", "6000")
    expected = sample_size_proportion(0.032, 0.15, relative=True)
    plan = page.get_by_test_id("experiment-plan")
    plan.filter(has_text=f"{expected:,} visitors per variant").wait_for()  # the preview follows the typing
    plan.filter(has_text="about 8 days at the expected traffic").wait_for()  # 22,628 ÷ (6,000 × 50%) a day
    page.fill("#f-mde", "30%")  # a larger effect needs fewer visitors
    plan.filter(has_text=f"{sample_size_proportion(0.032, 0.30, relative=True):,} visitors per variant").wait_for()
    page.fill("#f-mde", "15%")
    plan.filter(has_text=f"{expected:,} visitors per variant").wait_for()
    page.get_by_test_id("experiment-save").click()

    page.get_by_test_id("experiment-no-counts").wait_for()
    experiment = Experiment.objects.get(workspace=team.workspace)
    assert experiment.mde == pytest.approx(0.15) and experiment.mde_relative
    page.get_by_test_id("experiment-start").click()
    page.get_by_test_id("experiment-status").filter(has_text="Running").wait_for()

    # A typo first: more conversions than visitors is shown beside the field, and nothing is saved.
    visitors, conversions = page.get_by_test_id("count-visitors"), page.get_by_test_id("count-conversions")
    visitors.nth(0).fill("24000")
    conversions.nth(0).fill("76800")
    visitors.nth(1).fill("24000")
    conversions.nth(1).fill("912")
    page.get_by_test_id("counts-save").click()
    page.locator(".invalid-feedback", has_text="More conversions").wait_for()
    assert Experiment.objects.get().variants.filter(visitors__gt=0).count() == 0
    page.get_by_test_id("count-conversions").nth(0).fill("768")
    guardrails = page.locator("input[aria-label^='Berhenti berlangganan']")
    guardrails.nth(0).fill("48")
    guardrails.nth(1).fill("52")
    page.get_by_test_id("counts-save").click()

    verdict = page.get_by_test_id("experiment-verdict")
    verdict.wait_for()
    assert verdict.get_attribute("data-kind") == "winner"
    assert verdict.inner_text().startswith("Variant Gratis ongkir wins: 18.7% higher conversion rate")  # 912 / 768 − 1 = 0.18749…
    assert page.get_by_test_id("experiment-peeking").count() == 0  # 24,000 per variant is above the plan
    assert page.get_by_test_id("variant-lift").inner_text().startswith("+18.")
    assert page.get_by_test_id("experiment-chart").locator("svg").count() == 1
    assert page.get_by_test_id("experiment-guardrails").locator("tbody tr").count() == 1
    page.fill("#f-decision", "Pakai judul gratis ongkir untuk kampanye 12.12.")
    path = screenshot(page, "experiment-01-verdict")
    TEAM_SHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, TEAM_SHOT)
    page.get_by_test_id("experiment-conclude").click()
    page.get_by_test_id("experiment-decision").wait_for()
    page.goto(f"{live_server.url}/w/{slug}/analytics/experiments/")
    assert page.get_by_test_id("experiment-status").inner_text() == "Concluded"
    assert page.console_errors == []
