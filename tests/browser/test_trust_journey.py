"""Everyday use, clicked through in Indonesian: a manager on a task board with several tasks and on a key
result typed as "48.000"; a client who sees only what is shared with them and none of the team's talk."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from alur.campaigns.models import Task
from alur.content.services import collab
from alur.core.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import sign_in
from tests.core.test_visibility import World, world  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_plans_tasks_and_edits_a_key_result(page: Any, live_server: Any, world: World) -> None:  # noqa: F811
    manager = world.team.user(Role.MANAGER)
    campaign = world.campaigns["KampanyeRahasia"]
    first, second = (Task.objects.get(title=title) for title in ("TugasKontraktor", "TugasRahasia"))
    sign_in(page, live_server, manager.email)
    page.goto(f"{live_server.url}/w/kopi/campaigns/{campaign.pk}/tasks/")
    page.select_option("#dep-task", str(second.pk))
    page.select_option("#dep-on", str(first.pk))
    with page.expect_navigation():
        page.get_by_test_id("dependency-form").locator("button[type=submit]").click()
    dependencies = page.get_by_test_id(f"task-{second.pk}-dependencies")
    assert "TugasKontraktor" in dependencies.inner_text()
    assert "Setelah" in dependencies.inner_text()  # Indonesian
    screenshot(page, "trust-01-task-board")
    with page.expect_navigation():
        dependencies.locator("button[type=submit]").click()
    page.get_by_test_id(f"task-{second.pk}").wait_for()
    assert page.get_by_test_id(f"task-{second.pk}-dependencies").count() == 0
    assert not second.depends_on.exists()

    key_result = world.key_results["HasilBagi"]
    page.goto(f"{live_server.url}/w/kopi/okr/key-results/{key_result.pk}/edit/")
    page.fill("#id_unit", "followers")
    page.fill("#id_start_value", "48.000")
    page.fill("#id_target_value", "60.000")
    screenshot(page, "trust-02-key-result-edit")
    with page.expect_navigation():
        page.locator("main form button[type=submit].btn-primary").click()
    key_result.refresh_from_db()
    assert (key_result.start_value, key_result.target_value) == (Decimal(48000), Decimal(60000))
    assert page.console_errors == []


def test_a_client_sees_only_what_is_shared_and_no_internal_talk(page: Any, live_server: Any, world: World) -> None:  # noqa: F811
    manager = world.team.user(Role.MANAGER)
    shared = world.items["KontenBagi"]
    collab.comment_add(actor=manager, item=shared, body="CatatanInternal: anggaran iklan dipotong")
    collab.comment_add(actor=manager, item=shared, body="PesanUntukKlien: mohon cek teksnya", for_client=True)
    sign_in(page, live_server, world.team.user(Role.CLIENT).email)
    page.goto(f"{live_server.url}/w/kopi/content/")
    body = page.locator("main").inner_text()
    assert "KontenBagi" in body
    assert "KontenRahasia" not in body and "KontenKontraktor" not in body
    page.goto(f"{live_server.url}/w/kopi/content/{shared.pk}/")
    page.get_by_text("PesanUntukKlien").wait_for()  # the comments arrive with htmx
    body = page.locator("main").inner_text()
    assert "CatatanInternal" not in body
    screenshot(page, "trust-03-client-item")
    hidden_post = world.posts["TeksPostRahasia"]
    answer = page.goto(f"{live_server.url}/w/kopi/publishing/posts/{hidden_post.pk}/")
    assert answer is not None and answer.status == 404
    page.goto(f"{live_server.url}/w/kopi/")  # home: what is shared with them, nothing of the team's
    shared_items = page.get_by_test_id("home-shared-items").inner_text()
    assert "Konten yang dibagikan kepada Anda" in shared_items and "KontenBagi" in shared_items
    assert "KampanyeBagi" in page.get_by_test_id("home-shared-campaigns").inner_text()
    body = page.locator("body").inner_text()
    assert "KontenRahasia" not in body and "KampanyeRahasia" not in body and "Manager Kopi Kita" not in body
    screenshot(page, "trust-04-client-home")
