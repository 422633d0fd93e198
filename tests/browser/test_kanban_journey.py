"""Moving a task on the kanban board by drag and drop, in a real browser."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from alur.campaigns import services
from alur.campaigns.models import Task
from alur.core.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import sign_in
from tests.conftest import Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_drag_a_task_to_in_progress(page: Any, live_server: Any, team: Team) -> None:
    planner = team.user(Role.CAMPAIGN_MANAGER)
    campaign = services.campaign_create(actor=planner, workspace=team.workspace, name="Kampanye kanban", owner=planner)
    task = services.task_create(
        actor=planner,
        campaign=campaign,
        title="Foto produk baru",
        owner=team.user(Role.DESIGNER),
        estimate_hours="30",
        due_date=dt.date(2027, 1, 6),
    )
    sign_in(page, live_server, planner.email)
    page.wait_for_url(f"{live_server.url}/w/{team.workspace.slug}/")
    page.goto(f"{live_server.url}/w/{team.workspace.slug}/campaigns/{campaign.pk}/tasks/")
    page.fill("#task-hours", "15")
    page.fill("#task-due", "2027-01-07")
    page.select_option("#task-owner", str(team.user(Role.DESIGNER).pk))
    # 30 hours already booked that week + 15 > 40 hours of capacity: the form warns before the task exists.
    page.get_by_test_id("capacity-hint").filter(has_text="45").wait_for()
    with page.expect_navigation():
        page.get_by_test_id(f"task-{task.pk}").drag_to(page.get_by_test_id("column-doing"))
    assert Task.objects.get(pk=task.pk).status == "doing"
    assert page.get_by_test_id("column-doing").get_by_text("Foto produk baru").is_visible()
    screenshot(page, "10-kanban")
    assert page.console_errors == []
