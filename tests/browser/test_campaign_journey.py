"""Planning a campaign in a real browser: template, brief, budget, management approval, into Creation."""

from __future__ import annotations

from typing import Any

import pytest

from alur.campaigns.models import BudgetLine, Campaign
from alur.core.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import sign_in
from tests.conftest import Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def finish_stage(page: Any, outputs: dict[str, str]) -> None:
    for key, text in outputs.items():
        page.fill(f"#output-{key}", text)
        with page.expect_navigation():
            page.locator(f"#output-{key}").locator("xpath=ancestor::form").get_by_role("button", name="Simpan").click()
    while page.locator("[data-testid=gate-panel] button[aria-pressed=false]").count():
        with page.expect_navigation():
            page.locator("[data-testid=gate-panel] button[aria-pressed=false]").first.click()


def test_plan_a_campaign_and_get_it_approved_into_creation(page: Any, live_server: Any, browser: Any, team: Team) -> None:
    sign_in(page, live_server, team.user(Role.CAMPAIGN_MANAGER).email)
    page.wait_for_url(f"{live_server.url}/w/{team.workspace.slug}/")
    page.get_by_role("link", name="Kampanye", exact=True).click()
    page.get_by_role("link", name="Kampanye baru").click()
    page.fill("#id_name", "Peluncuran Cold Brew Kaleng")
    page.select_option("#id_template", "product_launch")
    page.get_by_role("button", name="Buat kampanye").click()
    page.wait_for_selector("[data-testid=brief-form]")
    brief = page.locator("[data-testid=brief-form]")
    brief.locator("#id_buyer_persona").fill("Andi, 27, pekerja kreatif di Bandung yang suka kopi dingin.")
    brief.locator("#id_key_message").fill("Cold brew 12 jam, siap diminum di mana saja.")
    with page.expect_navigation():
        brief.get_by_role("button", name="Simpan brief").click()

    finish_stage(page, {"buyer_persona": "Persona Andi: lihat brief."})
    with page.expect_navigation():
        page.get_by_role("button", name="Pindah ke tahap berikutnya").click()
    assert page.get_by_test_id("current-stage").inner_text().strip() == "Perencanaan"

    budget = page.locator("[data-testid=budget-form]")
    budget.locator("#id_channel").select_option("ads")
    budget.locator("#id_month").fill("2027-02")
    budget.locator("#id_planned").fill("20.000.000")
    with page.expect_navigation():
        budget.get_by_role("button", name="Simpan baris anggaran").click()
    assert BudgetLine.objects.get().planned == 20_000_000

    finish_stage(page, {"marketing_plan": "KPI: 3.000 kaleng di bulan pertama; CPA maks. Rp30.000."})
    with page.expect_navigation():  # refused: the plan is not approved yet
        page.get_by_role("button", name="Pindah ke tahap berikutnya").click()
    assert "persetujuan" in page.locator(".alert-danger").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Ajukan untuk persetujuan manajemen").click()
    screenshot(page, "08-campaign-awaiting-approval")

    manager_context = browser.new_context(viewport={"width": 1280, "height": 860})
    manager_page = manager_context.new_page()
    sign_in(manager_page, live_server, team.user(Role.MANAGER).email)
    manager_page.wait_for_url(f"{live_server.url}/w/{team.workspace.slug}/")
    campaign = Campaign.objects.get()
    manager_page.goto(f"{live_server.url}/w/{team.workspace.slug}/campaigns/{campaign.pk}/")
    with manager_page.expect_navigation():
        manager_page.get_by_role("button", name="Setujui rencana").click()
    manager_context.close()

    page.reload()
    with page.expect_navigation():
        page.get_by_role("button", name="Pindah ke tahap berikutnya").click()
    assert page.get_by_test_id("current-stage").inner_text().strip() == "Produksi konten"
    campaign.refresh_from_db()
    assert campaign.stage_key == "creation"
    screenshot(page, "09-campaign-in-creation")
    assert page.console_errors == []
