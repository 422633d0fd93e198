"""A strategist enters seed 004's first example OKR in a real browser."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from alur.core.roles import Role
from alur.strategy.models import CheckIn, KeyResult, Objective
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import sign_in
from tests.conftest import Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY_RESULTS = [
    ("Meningkatkan jumlah followers Instagram sebesar 50% dalam 6 bulan", "Followers Instagram", "followers", "48000", "50"),
    ("Meningkatkan engagement rate postingan Instagram sebesar 30% dalam 6 bulan", "Engagement rate", "%", "2,4", "30"),
    ("Meningkatkan jumlah mention brand di media sosial sebesar 40% dalam 6 bulan", "Mention brand", "mentions", "1150", "40"),
    ("Meningkatkan skor sentiment brand di media sosial sebesar 20% dalam 6 bulan", "Skor sentimen", "poin", "62", "20"),
]


def test_a_strategist_enters_the_first_example_okr_of_seed_004(page: Any, live_server: Any, team: Team) -> None:
    strategist = team.user(Role.STRATEGIST)
    sign_in(page, live_server, strategist.email)
    page.wait_for_url(f"{live_server.url}/w/{team.workspace.slug}/")
    page.get_by_role("link", name="Objective", exact=True).click()
    page.fill("#id_name", "Semester 2 2026")
    page.fill("#id_start", "2026-07-01")
    page.fill("#id_end", "2026-12-31")
    page.get_by_role("button", name="Buat periode").click()
    page.get_by_role("link", name="Objective baru").click()
    page.fill("#id_title", "Meningkatkan brand awareness di kalangan target audiens (milenial di kota besar)")
    page.get_by_role("button", name="Buat objective").click()
    page.wait_for_selector("[data-testid=key-result-form]")
    for title, metric, unit, start, change in KEY_RESULTS:
        form = page.locator("[data-testid=key-result-form]")
        if not page.locator("details[open] [data-testid=key-result-form]").count():
            page.get_by_text("Tambah key result", exact=True).first.click()
        form.locator("#id_title").fill(title)
        form.locator("#id_metric").fill(metric)
        form.locator("#id_unit").fill(unit)
        form.locator("#id_start_value").fill(start)
        form.locator("#id_target_change_percent").fill(change)
        with page.expect_navigation():
            form.get_by_role("button", name="Tambah key result").click()
    assert KeyResult.objects.count() == 4
    followers = KeyResult.objects.get(metric="Followers Instagram")
    assert followers.target_value == 72000
    assert KeyResult.objects.get(metric="Engagement rate").target_value == Decimal("3.12")

    first = page.locator("[data-testid=check-in-form]").first
    first.locator("input[name=value]").fill("60000")
    with page.expect_navigation():
        first.get_by_role("button", name="Check-in").click()
    assert CheckIn.objects.get().value == 60000
    assert page.get_by_test_id("objective-grade").inner_text() == "0,13"  # (0.5 + 0 + 0 + 0) / 4
    screenshot(page, "07-okr-objective")
    assert Objective.objects.get().key_results.count() == 4
    assert page.console_errors == []
