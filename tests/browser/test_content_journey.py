"""Issue 4's journey in Chromium: a creator drafts an Instagram post with too many hashtags, sees the error,
fixes it and submits; the copy editor and then legal approve (multi-level); the post is scheduled, appears
on the calendar, is dragged to another day, and the iCalendar feed shows the new time."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from alur.content.models import ContentItem
from alur.content.services import approvals, calendar
from alur.core.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import sign_in
from tests.conftest import Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
SIX_TAGS = "Kopi susu gula aren, sekarang dalam botol! #KopiNusantara #KopiSusu #GulaAren #NgopiPagi #KopiLokal #Promo"
FIVE_TAGS = "Kopi susu gula aren, sekarang dalam botol! #KopiNusantara #KopiSusu #GulaAren #NgopiPagi #KopiLokal"


def _as(browser: Any, live_server: Any, email: str) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    sign_in(page, live_server, email)
    return page


def test_draft_fix_approve_in_two_levels_schedule_and_drag_on_the_calendar(
    page: Any, live_server: Any, browser: Any, team: Team
) -> None:
    approvals.approval_route_set(
        actor=team.user(Role.MANAGER),
        workspace=team.workspace,
        mode="multi_level",
        levels=[{"name": "Copy editor", "people": [team.user(Role.STRATEGIST).pk]}, {"name": "Legal", "roles": ["approver"]}],
    )
    # The creator drafts an Instagram post with six hashtags.
    sign_in(page, live_server, team.user(Role.CONTENT_CREATOR).email)
    page.goto(f"{live_server.url}/w/kopi/content/new/")
    page.fill("#id_title", "Teaser kopi susu botol")
    page.get_by_test_id("create-content").click()
    page.wait_for_selector("[data-testid=variant-form]")
    form = page.locator("[data-testid=variant-form]").first
    form.locator("textarea[name=text]").fill(SIX_TAGS)
    form.locator("textarea[name=text]").press("End")
    error = page.locator("[data-testid=violation][data-severity=error][data-field=hashtags]").first
    error.wait_for()
    assert "5" in error.inner_text()
    screenshot(page, "content-01-too-many-hashtags")
    with page.expect_navigation():
        form.get_by_test_id("variant-save").click()
    with page.expect_navigation():
        page.get_by_test_id("submit-review").click()
    assert page.locator(".alert-danger").count() >= 1
    item = ContentItem.objects.get(title="Teaser kopi susu botol")
    assert item.status == "draft"

    # Fixed: five hashtags, no error left.
    form = page.locator("[data-testid=variant-form]").first
    form.locator("textarea[name=text]").fill(FIVE_TAGS)
    form.locator("textarea[name=text]").press("End")
    page.wait_for_selector("[data-testid=violations][data-errors='0']")
    with page.expect_navigation():
        form.get_by_test_id("variant-save").click()
    with page.expect_navigation():
        page.get_by_test_id("submit-review").click()
    item.refresh_from_db()
    assert item.status == "in_review"
    screenshot(page, "content-02-in-review")

    # Copy editor, then legal.
    editor = _as(browser, live_server, team.user(Role.STRATEGIST).email)
    editor.goto(f"{live_server.url}/w/kopi/content/approvals/")
    editor.get_by_role("link", name="Teaser kopi susu botol").click()
    with editor.expect_navigation():  # wait for the approval's POST and redirect, not the page already loaded
        editor.get_by_test_id("approve").click()
    item.refresh_from_db()
    assert item.status == "in_review"
    legal = _as(browser, live_server, team.user(Role.APPROVER).email)
    legal.goto(f"{live_server.url}/w/kopi/content/{item.pk}/")
    # The reviewer's read-only view checks the stored variant: no false "empty text" errors.
    legal.wait_for_selector("[data-testid=variant-pane] [data-testid=violations][data-errors='0']")
    assert legal.locator("[data-testid=variant-pane] [data-testid=violation][data-severity=error]").count() == 0
    with legal.expect_navigation():  # wait for the approval's POST and redirect, not the page already loaded
        legal.get_by_test_id("approve").click()
    item.refresh_from_db()
    assert item.status == "approved"
    screenshot(legal, "content-03-approved")

    # The social media specialist schedules it for next week's Monday, 10:00 Jakarta time.
    today = timezone.localtime(timezone.now(), JAKARTA).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    social = _as(browser, live_server, team.user(Role.SOCIAL_MEDIA_SPECIALIST).email)
    social.goto(f"{live_server.url}/w/kopi/content/{item.pk}/")
    social.locator("[data-testid=schedule-form] input[name=publish_at]").fill(f"{monday.isoformat()}T10:00")
    with social.expect_navigation():
        social.locator("[data-testid=schedule-form] button[type=submit]").click()
    item.refresh_from_db()
    assert item.status == "scheduled"
    assert timezone.localtime(item.publish_at, JAKARTA) == dt.datetime.combine(monday, dt.time(10, 0), tzinfo=JAKARTA)

    # On the calendar (week view), dragged from Monday to Wednesday.
    social.goto(f"{live_server.url}/w/kopi/content/calendar/?view=week&date={monday.isoformat()}")
    chip = social.locator(f"[data-testid=calendar-item][data-item-id='{item.pk}']")
    wednesday = monday + dt.timedelta(days=2)
    target = social.locator(f"[data-testid=calendar-day][data-date='{wednesday.isoformat()}']")
    chip.drag_to(target)
    social.locator("[data-testid=calendar-message].alert-success").wait_for()
    assert target.locator(f"[data-item-id='{item.pk}']").count() == 1
    screenshot(social, "content-04-calendar-after-drag")
    item.refresh_from_db()
    assert timezone.localtime(item.publish_at, JAKARTA) == dt.datetime.combine(wednesday, dt.time(10, 0), tzinfo=JAKARTA)

    # The feed shows the new time.
    _feed, token = calendar.calendar_feed_create(actor=team.user(Role.MANAGER), workspace=team.workspace, label="Google")
    parsed = Calendar.from_ical(Client().get(f"/ics/{token}.ics").content)
    starts = [event.decoded("dtstart") for event in parsed.walk("VEVENT")]
    assert dt.datetime.combine(wednesday, dt.time(10, 0), tzinfo=JAKARTA) in starts
    assert not page.console_errors, page.console_errors
