"""Issue 5's pages in Chromium: connect a webhook account through the UI and test it, see the loud
warning when a post is due and no worker runs, post now, and read the publication log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from alur.accounts.models import User
from alur.content.services import approvals, items
from alur.core.roles import Role
from alur.publishing import scheduler
from alur.publishing.models import ChannelAccount, Post
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import sign_in
from tests.conftest import Team
from tests.publishing.fakes.server import FakeServer, Reply, Request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_connect_a_webhook_account_post_now_and_read_the_log(page: Any, live_server: Any, team: Team) -> None:
    manager = team.user(Role.MANAGER)
    User.objects.filter(pk=manager.pk).update(language="en")
    receiver = FakeServer()
    got: list[dict[str, Any]] = []

    @receiver.route("POST", "/hook")
    def hook(request: Request) -> Reply:
        data = request.json()
        got.append(data)
        return Reply(200, {"id": f"zap-{len(got)}", "url": f"https://hooks.example/{len(got)}"})

    with receiver:
        slug = team.workspace.slug
        sign_in(page, live_server, manager.email)
        page.wait_for_url(f"{live_server.url}/w/{slug}/")
        page.goto(f"{live_server.url}/w/{slug}/publishing/accounts/")
        page.get_by_test_id("accounts-empty").wait_for()
        page.select_option("#platform", "facebook")
        page.select_option("#connector", "webhook")
        page.fill("#name", "Kopi Kita via Zapier")
        page.get_by_test_id("account-form").locator("button[type=submit]").click()
        page.get_by_test_id("account-settings").wait_for()
        page.fill("#field-url", f"{receiver.url}/hook")
        page.fill("#field-secret", "zap-secret-123")
        page.get_by_test_id("account-settings").locator("button[type=submit]").click()
        page.get_by_test_id("test-connection").click()
        page.get_by_test_id("account-health").filter(has_text="Connected").wait_for()
        screenshot(page, "publishing-01-account")
        assert got[-1]["event"] == "ping"

        account = ChannelAccount.objects.get(workspace=team.workspace, name="Kopi Kita via Zapier")
        approvals.approval_route_set(actor=manager, workspace=team.workspace, mode="none")
        item = items.content_create(
            actor=team.user(Role.CONTENT_CREATOR),
            workspace=team.workspace,
            title="Promo kopi susu",
            variants=[
                {
                    "platform": "facebook",
                    "text": "Kopi susu gula aren, diskon 10%! https://kopi.id/promo",
                    "account_id": account.pk,
                }
            ],
        )
        item = approvals.content_submit(actor=team.user(Role.CONTENT_CREATOR), item=item)
        items.content_schedule(actor=manager, item=item, publish_at=timezone.now() + dt.timedelta(days=1))
        Post.objects.filter(item=item).update(next_attempt_at=timezone.now() - dt.timedelta(minutes=1))

        page.goto(f"{live_server.url}/w/{slug}/publishing/")
        page.get_by_test_id("worker-alarm").wait_for()
        screenshot(page, "publishing-02-no-worker")

        page.goto(f"{live_server.url}/w/{slug}/content/{item.pk}/")
        page.get_by_test_id("post-now").click()
        page.get_by_test_id("item-posts").wait_for()
        assert scheduler.run_once("browser-test-worker") == 1
        page.reload()
        page.get_by_test_id("item-posts").get_by_text("Published").wait_for()
        page.get_by_test_id("item-posts").get_by_role("link", name="log").click()
        page.get_by_test_id("attempt-log").wait_for()
        assert f"zap-{len(got)}" in page.get_by_test_id("attempt-log").inner_text()
        screenshot(page, "publishing-03-log")
        assert got[-1]["event"] == "publish" and "utm_source=facebook" in got[-1]["text"]
        assert page.console_errors == []
