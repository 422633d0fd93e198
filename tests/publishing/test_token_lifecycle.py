"""Tokens that stay alive (issue 15): the expiry comes from the platform's ``expires_in`` (never typed in), each
token is refreshed shortly before it expires (about once per lifetime), a 401 on a publish call refreshes once and
sends once more before the account is marked "reconnect", rotated refresh tokens are never spent twice, and every
outcome is in the account's audit log. The clock is injected (``now=``); nothing sleeps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from alur.accounts.models import User
from alur.content.models import ContentItem
from alur.content.services import approvals, items
from alur.core.models import AuditEvent
from alur.core.roles import Role
from alur.publishing import crypto, scheduler, services
from alur.publishing.models import ChannelAccount, Post
from tests.conftest import Team
from tests.publishing.conftest import make_due
from tests.publishing.fakes import tiktok as tiktok_fake
from tests.publishing.fakes import x as x_fake
from tests.publishing.fakes import youtube as youtube_fake

T0 = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def x() -> Iterator[x_fake.FakeX]:
    with x_fake.FakeX() as server:
        yield server


@pytest.fixture
def youtube() -> Iterator[youtube_fake.YouTubeFake]:
    with youtube_fake.YouTubeFake() as server:
        yield server


@pytest.fixture
def tiktok() -> Iterator[tiktok_fake.TikTokFake]:
    with tiktok_fake.TikTokFake() as server:
        yield server


def x_account(team: Team, url: str) -> ChannelAccount:
    return services.channel_account_create(
        actor=team.user(Role.MANAGER),
        workspace=team.workspace,
        platform="x",
        name="Kopi X",
        connector="x",
        config={"base_url": url, "username": x_fake.USERNAME, "timeout_seconds": 5},
        credentials={
            "access_token": x_fake.TOKEN,
            "refresh_token": x_fake.REFRESH_TOKEN,
            "client_id": x_fake.CLIENT_ID,
            "client_secret": x_fake.CLIENT_SECRET,
        },
    )


def youtube_account(team: Team, url: str) -> ChannelAccount:
    return services.channel_account_create(
        actor=team.user(Role.MANAGER),
        workspace=team.workspace,
        platform="youtube",
        name="Kopi YouTube",
        connector="youtube",
        config={"base_url": url, "token_url": f"{url}/token", "timeout_seconds": 5},
        credentials={
            "access_token": youtube_fake.TOKEN,
            "refresh_token": youtube_fake.REFRESH_TOKEN,
            "client_id": youtube_fake.CLIENT_ID,
            "client_secret": youtube_fake.CLIENT_SECRET,
        },
    )


TIKTOK_CHOICES = {
    "privacy_level": "SELF_ONLY",
    "app_audited": "no",
    "allow_comments": "yes",
    "allow_duet": "yes",
    "allow_stitch": "yes",
    "commercial_content": "none",
}


def tiktok_account(team: Team, url: str) -> ChannelAccount:
    return services.channel_account_create(
        actor=team.user(Role.MANAGER),
        workspace=team.workspace,
        platform="tiktok",
        name="Kopi TikTok",
        connector="tiktok",
        config={"base_url": url, "timeout_seconds": 5, **TIKTOK_CHOICES},
        credentials={
            "access_token": tiktok_fake.TOKEN,
            "refresh_token": tiktok_fake.REFRESH_TOKEN,
            "client_key": tiktok_fake.CLIENT_KEY,
            "client_secret": tiktok_fake.CLIENT_SECRET,
        },
    )


def stored(account: ChannelAccount) -> dict[str, Any]:
    account.refresh_from_db()
    return crypto.decrypt(account.credentials_encrypted, settings.ALUR_CREDENTIALS_KEYS)


def token_events(account: ChannelAccount) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_id=str(account.pk), action__startswith="channel.token_").order_by("pk"))


def schedule_x(team: Team, account: ChannelAccount) -> ContentItem:
    manager = team.user(Role.MANAGER)
    approvals.approval_route_set(actor=manager, workspace=team.workspace, mode="none")
    item = items.content_create(
        actor=team.user(Role.CONTENT_CREATOR),
        workspace=team.workspace,
        title="Promo kopi",
        variants=[{"platform": "x", "text": "Kopi susu hari ini", "account_id": account.pk}],
    )
    item = approvals.content_submit(actor=team.user(Role.CONTENT_CREATOR), item=item)
    item = items.content_schedule(actor=manager, item=item, publish_at=timezone.now() + dt.timedelta(hours=1))
    make_due(item)
    return item


# ------------------------------------------------------------------------------ expiry from expires_in
@pytest.mark.parametrize(
    ("make", "fake_name", "lifetime"),
    [(x_account, "x", 7200), (youtube_account, "youtube", 3599), (tiktok_account, "tiktok", 86400)],
)
def test_the_expiry_is_learned_from_expires_in_at_connect(
    team: Team, request: pytest.FixtureRequest, make: Callable[[Team, str], ChannelAccount], fake_name: str, lifetime: int
) -> None:
    fake = request.getfixturevalue(fake_name)
    account = make(team, fake.url)
    assert account.token_expires_at is None  # nothing typed in
    assert services.refresh_tokens(now=T0) == {"refreshed": 1, "warned": 0}
    account.refresh_from_db()
    assert account.token_expires_at == T0 + dt.timedelta(seconds=lifetime)
    assert account.refreshed_at == T0 and account.health == ChannelAccount.Health.CONNECTED
    [event] = token_events(account)
    assert event.action == "channel.token_refreshed" and event.after["reason"] == "expiry"


def test_a_pasted_token_forgets_the_old_expiry(team: Team, x: x_fake.FakeX) -> None:
    account = x_account(team, x.url)
    ChannelAccount.objects.filter(pk=account.pk).update(token_expires_at=T0, refreshed_at=T0 - dt.timedelta(hours=2))
    services.channel_account_update(actor=team.user(Role.MANAGER), account=account, credentials={"access_token": "pasted"})
    account.refresh_from_db()
    assert account.token_expires_at is None  # learned again from the platform on the job's next run


def test_the_expiry_cannot_be_typed_in(team: Team, x: x_fake.FakeX, login: Callable[[User], Client]) -> None:
    account = x_account(team, x.url)
    client = login(team.user(Role.MANAGER))
    client.post(
        f"/w/{team.workspace.slug}/publishing/accounts/{account.pk}/",
        {"name": account.name, "connector": "x", "is_active": "on", "token_expires_at": "2030-01-01 00:00"},
    )
    account.refresh_from_db()
    assert account.token_expires_at is None
    with pytest.raises(TypeError):
        services.channel_account_update(  # type: ignore[call-arg]
            actor=team.user(Role.MANAGER), account=account, token_expires_at=T0
        )


# ------------------------------------------------------------------------------ once per lifetime
def test_the_job_refreshes_an_x_token_about_once_per_lifetime(team: Team, x: x_fake.FakeX) -> None:
    account = x_account(team, x.url)
    for minute in range(6 * 60):  # the job runs every minute for six hours
        services.refresh_tokens(now=T0 + dt.timedelta(minutes=minute))
    refreshes = x.server.calls("POST", r"/2/oauth2/token")
    # At connect, then each time less than 12 minutes (10 % of two hours) are left: 0:00, 1:48, 3:36, 5:24.
    assert len(refreshes) == 4
    account.refresh_from_db()
    assert account.token_expires_at == T0 + dt.timedelta(minutes=5 * 60 + 24 + 120)
    # Each refresh spent the latest rotated refresh token, and the one stored still works.
    assert stored(account)["refresh_token"] in x.refresh_tokens
    assert stored(account)["access_token"] in x.tokens
    assert [e.action for e in token_events(account)] == ["channel.token_refreshed"] * 4


def test_a_one_hour_google_token_keeps_a_ten_minute_margin(team: Team, youtube: youtube_fake.YouTubeFake) -> None:
    account = youtube_account(team, youtube.url)
    for minute in range(3 * 60):
        services.refresh_tokens(now=T0 + dt.timedelta(minutes=minute))
    # 3599 s: refreshed at 0:00, then when 10 minutes are left (0:50, 1:40, 2:30).
    assert len(youtube.server.calls("POST", "/token")) == 4
    assert stored(account)["refresh_token"] == youtube_fake.REFRESH_TOKEN  # Google does not rotate it


# ------------------------------------------------------------------------------ rotation safety
def test_two_workers_never_spend_the_same_rotated_refresh_token(team: Team, x: x_fake.FakeX) -> None:
    account = x_account(team, x.url)
    services.refresh_tokens(now=T0)
    due = T0 + dt.timedelta(minutes=110)
    stale = ChannelAccount.objects.get(pk=account.pk)  # worker B read the row before worker A refreshed
    assert services.refresh_tokens(now=due) == {"refreshed": 1, "warned": 0}  # worker A
    services.refresh_account_token(stale, now=due)  # worker B: re-reads under the lock and sees a fresh token
    assert len(x.server.calls("POST", r"/2/oauth2/token")) == 2
    account.refresh_from_db()
    assert account.health == ChannelAccount.Health.CONNECTED
    assert stored(account)["refresh_token"] in x.refresh_tokens


def test_tiktok_rotated_refresh_token_is_stored_with_the_access_token(team: Team, tiktok: tiktok_fake.TikTokFake) -> None:
    account = tiktok_account(team, tiktok.url)
    services.refresh_tokens(now=T0)
    first = stored(account)
    assert first["refresh_token"] == "rft.rotated" and tiktok_fake.REFRESH_TOKEN not in tiktok.refresh_tokens
    services.refresh_tokens(now=T0 + dt.timedelta(hours=22))  # 24-hour token: due when 2.4 hours are left
    second = stored(account)
    assert second["refresh_token"] != first["refresh_token"] and second["refresh_token"] in tiktok.refresh_tokens
    assert second["access_token"] in tiktok.tokens


# ------------------------------------------------------------------------------ 401 on publish
def test_a_401_refreshes_once_and_sends_again(team: Team, x: x_fake.FakeX) -> None:
    account = x_account(team, x.url)
    item = schedule_x(team, account)
    x.expire_access_tokens()  # the token died early (revoked session, clock skew)
    scheduler.run_once("w1")
    post = Post.objects.get(item=item)
    assert post.status == Post.Status.PUBLISHED, post.last_error
    assert len(x.server.calls("POST", r"/2/tweets")) == 2  # the refused call and the one that went out
    assert len(x.server.calls("POST", r"/2/oauth2/token")) == 1
    account.refresh_from_db()
    assert account.health != ChannelAccount.Health.NEEDS_RECONNECT
    [event] = token_events(account)
    assert event.action == "channel.token_refreshed" and event.after["reason"] == "401"


def test_a_401_whose_refresh_is_refused_asks_to_reconnect(team: Team, x: x_fake.FakeX) -> None:
    account = x_account(team, x.url)
    item = schedule_x(team, account)
    x.expire_access_tokens()
    x.refresh_tokens.clear()  # the person revoked the app
    scheduler.run_once("w1")
    post = Post.objects.get(item=item)
    assert post.status == Post.Status.FAILED and post.error_kind == "auth"
    assert len(x.server.calls("POST", r"/2/tweets")) == 1  # no second send without a fresh token
    account.refresh_from_db()
    assert account.health == ChannelAccount.Health.NEEDS_RECONNECT
    assert [e.action for e in token_events(account)] == ["channel.token_reconnect"]


def test_a_second_401_after_a_refresh_is_not_refreshed_again(team: Team, x: x_fake.FakeX) -> None:
    account = x_account(team, x.url)
    item = schedule_x(team, account)
    x.expire_access_tokens()
    original = x.token

    def refresh_then_expire(request: Any) -> Any:
        reply = original(request)
        x.expire_access_tokens()  # even the fresh token is refused
        return reply

    x.server.routes = [(m, p, refresh_then_expire if h == original else h) for m, p, h in x.server.routes]
    scheduler.run_once("w1")
    assert Post.objects.get(item=item).status == Post.Status.FAILED
    assert len(x.server.calls("POST", r"/2/oauth2/token")) == 1
    assert len(x.server.calls("POST", r"/2/tweets")) == 2


# ------------------------------------------------------------------------------ failures logged
def test_a_refresh_that_cannot_reach_the_platform_is_logged_and_does_not_ask_to_reconnect(team: Team) -> None:
    account = x_account(team, "http://127.0.0.1:9")
    assert services.refresh_tokens(now=T0) == {"refreshed": 0, "warned": 1}
    account.refresh_from_db()
    assert account.health == ChannelAccount.Health.EXPIRING
    [event] = token_events(account)
    assert event.action == "channel.token_refresh_failed"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_refreshing_at_the_same_moment_spend_one_refresh_token(team: Team, x: x_fake.FakeX) -> None:
    """Two threads (two database connections) refresh the same X account at once: the row lock makes the second
    wait, re-read and skip, so X sees one refresh and the stored refresh token still works."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    account = x_account(team, x.url)
    ChannelAccount.objects.filter(pk=account.pk).update(token_expires_at=T0, refreshed_at=T0 - dt.timedelta(hours=2))
    stale = ChannelAccount.objects.get(pk=account.pk)
    original = x.token

    def slow_token(request: Any) -> Any:
        reply = original(request)
        reply.delay = 0.3  # the answer takes a moment: the other worker arrives meanwhile
        return reply

    x.server.routes = [(m, p, slow_token if h == original else h) for m, p, h in x.server.routes]

    def worker() -> None:
        try:
            services.refresh_account_token(stale, now=T0 - dt.timedelta(minutes=5))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(worker), pool.submit(worker)]:
            future.result()
    assert len(x.server.calls("POST", r"/2/oauth2/token")) == 1
    account.refresh_from_db()
    assert account.health != ChannelAccount.Health.NEEDS_RECONNECT
    assert stored(account)["refresh_token"] in x.refresh_tokens
