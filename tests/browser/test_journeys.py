"""A person's first minutes with Alur, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest

from alur.accounts import services
from alur.core.roles import Role
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, live_server: Any, email: str) -> None:
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():  # the session cookie is set once the login's redirect has landed
        page.click("button[type=submit].btn-primary")


def test_sign_in_switch_language_and_workspace(page: Any, live_server: Any, team: Team, other_team: Team) -> None:
    manager = team.user(Role.MANAGER)
    services.membership_add(actor=None, workspace=other_team.workspace, user=manager, role=Role.STRATEGIST)

    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("button[type=submit].btn-primary").inner_text() == "Masuk"
    screenshot(page, "01-login-id")

    sign_in(page, live_server, manager.email)
    # With two workspaces and none used yet in this session, Alur opens the one joined first.
    page.wait_for_url(f"{live_server.url}/w/{team.workspace.slug}/")
    heading = page.get_by_test_id("page-heading")
    assert heading.inner_text() == "Selamat datang di Kopi Kita"
    screenshot(page, "02-home-id")

    with page.expect_navigation():
        page.get_by_test_id("language-switch").get_by_role("button", name="EN").click()
    assert heading.inner_text() == "Welcome to Kopi Kita"
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "03-home-en")

    with page.expect_navigation():
        page.get_by_test_id("language-switch").get_by_role("button", name="ID").click()
    assert heading.inner_text() == "Selamat datang di Kopi Kita"

    page.get_by_test_id("workspace-switcher").get_by_role("button").click()
    page.get_by_role("link", name="Batik Jaya").click()
    page.wait_for_url(f"{live_server.url}/w/{other_team.workspace.slug}/")
    assert heading.inner_text() == "Selamat datang di Batik Jaya"
    screenshot(page, "04-switched-workspace")
    assert page.console_errors == []


def test_a_manager_changes_a_role_in_place(page: Any, live_server: Any, team: Team) -> None:
    manager = team.user(Role.MANAGER)
    designer = team.membership(Role.DESIGNER)
    sign_in(page, live_server, manager.email)
    page.wait_for_url(f"{live_server.url}/w/{team.workspace.slug}/")
    page.goto(f"{live_server.url}/w/{team.workspace.slug}/members/")
    with page.expect_response(lambda response: "/role/" in response.url):
        page.select_option(f"#role-{designer.pk}", "approver")
    designer.refresh_from_db()
    assert designer.role == Role.APPROVER
    assert page.locator(f"#role-{designer.pk}").input_value() == "approver"
    screenshot(page, "05-members")
    assert page.console_errors == []


def test_the_audit_log_filters_without_reloading(page: Any, live_server: Any, team: Team) -> None:
    manager = team.user(Role.MANAGER)
    services.workspace_update(actor=manager, workspace=team.workspace, name="Kopi Kita Jaya")
    sign_in(page, live_server, manager.email)
    page.wait_for_url(f"{live_server.url}/w/{team.workspace.slug}/")
    page.goto(f"{live_server.url}/w/{team.workspace.slug}/audit/")
    rows_before = page.locator("[data-testid=audit-table] tbody tr").count()
    with page.expect_response(lambda response: "action=workspace.update" in response.url):
        page.select_option("#f-action", "workspace.update")
    page.wait_for_function("document.querySelectorAll('[data-testid=audit-table] tbody tr').length === 1")
    assert rows_before > 1
    assert "action=workspace.update" in page.url
    screenshot(page, "06-audit-log")
    assert page.console_errors == []
