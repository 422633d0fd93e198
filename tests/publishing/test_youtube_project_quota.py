"""YouTube's upload quota belongs to the Google Cloud project, not to a channel: the scheduler counts every
account whose OAuth client is of the same project and holds posts until the quota resets at midnight Pacific
Time (https://developers.google.com/youtube/v3/determine_quota_cost, read 2026-12-08)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from alur.content.models import ContentItem
from alur.content.services import approvals, items
from alur.core.roles import Role
from alur.publishing import scheduler, services
from alur.publishing.connectors.base import Connector, SharedQuota
from alur.publishing.connectors.youtube import YouTubeConnector
from alur.publishing.models import ChannelAccount, Post, PublishAttempt
from tests.conftest import Team
from tests.publishing.conftest import Script, ScriptedConnector, make_due

pytestmark = pytest.mark.django_db
PACIFIC = ZoneInfo("America/Los_Angeles")


class ScriptedYouTube(ScriptedConnector):
    """Publishes through the script, but shares the quota exactly as the YouTube connector declares it."""

    def __init__(self, script: Script, account: ChannelAccount) -> None:
        super().__init__(script)
        self.youtube = scheduler.account_connector(account)

    def shared_quota(self) -> SharedQuota | None:
        return self.youtube.shared_quota()


def youtube_account(team: Team, name: str, client_id: str, **config: object) -> ChannelAccount:
    return services.channel_account_create(
        actor=team.user(Role.MANAGER),
        workspace=team.workspace,
        platform="youtube",
        name=name,
        connector="youtube",
        config=dict(config),
        credentials={"access_token": "ya29.t", "client_id": client_id, "client_secret": "s", "refresh_token": "r"},
    )


def schedule_on(team: Team, account: ChannelAccount, title: str) -> ContentItem:
    manager = team.user(Role.MANAGER)
    approvals.approval_route_set(actor=manager, workspace=team.workspace, mode="none")
    item = items.content_create(
        actor=team.user(Role.CONTENT_CREATOR),
        workspace=team.workspace,
        title=title,
        variants=[{"platform": "youtube", "title": title, "text": "Resep kopi", "account_id": account.pk}],
    )
    item = approvals.content_submit(actor=team.user(Role.CONTENT_CREATOR), item=item)
    return items.content_schedule(actor=manager, item=item, publish_at=timezone.now() + dt.timedelta(hours=1))


def test_the_connector_declares_the_projects_videos_insert_bucket() -> None:
    from alur.publishing.connectors.base import AccountConfig

    plain = YouTubeConnector(AccountConfig(config={}, credentials={"client_id": "123.apps"})).shared_quota()
    assert plain == SharedQuota("youtube:123.apps", 100, "America/Los_Angeles", plain.source)
    assert "determine_quota_cost" in plain.source
    raised = YouTubeConnector(AccountConfig(config={"videos_insert_quota": "400"}, credentials={"client_id": "x"}))
    assert raised.shared_quota().count == 400
    assert not YouTubeConnector.capabilities.rate_limits  # no per-account "6 a day" any more


def test_accounts_of_one_project_share_the_bucket_and_wait_for_midnight_pacific(team: Team) -> None:
    script = Script()
    one = youtube_account(team, "Kopi Nusantara", "project-a.apps", videos_insert_quota="2")
    two = youtube_account(team, "Kopi Resep", "project-a.apps", videos_insert_quota="2")
    other = youtube_account(team, "Teh Kita", "project-b.apps", videos_insert_quota="2")

    def factory(account: ChannelAccount) -> Connector:
        return ScriptedYouTube(script, account)

    first, second = schedule_on(team, one, "Satu"), schedule_on(team, two, "Dua")
    make_due(first)
    make_due(second)
    scheduler.run_once("w1", factory=factory)
    assert Post.objects.filter(status=Post.Status.PUBLISHED).count() == 2  # the bucket holds two a day

    third = schedule_on(team, two, "Tiga")
    elsewhere = schedule_on(team, other, "Empat")
    make_due(third)
    make_due(elsewhere)
    scheduler.run_once("w1", factory=factory)

    held = Post.objects.get(item=third)
    assert held.status == Post.Status.PENDING and held.attempts == 0
    assert "quota" in held.hold_reason and "2 connected account(s)" in held.hold_reason
    assert "America/Los_Angeles" in held.hold_reason
    midnight = dt.datetime.combine(timezone.now().astimezone(PACIFIC).date() + dt.timedelta(days=1), dt.time(), PACIFIC)
    assert held.next_attempt_at == midnight
    assert PublishAttempt.objects.filter(post=held, outcome=PublishAttempt.Outcome.HELD).exists()
    # Another project's bucket is its own: its post goes out.
    assert Post.objects.get(item=elsewhere).status == Post.Status.PUBLISHED
    assert len(script.sent) == 3
