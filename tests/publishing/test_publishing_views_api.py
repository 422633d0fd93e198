"""Publishing pages and API: accounts with encrypted credentials, the queue, retry, logs, health, and
the denials (roles, other workspaces)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from alur.accounts.models import User
from alur.core.models import Notification
from alur.core.roles import Role
from alur.publishing import scheduler, services
from alur.publishing.connectors.base import PermanentError, TokenSet
from alur.publishing.models import ChannelAccount, Post, WorkerHeartbeat
from tests.conftest import Team
from tests.publishing.conftest import Script, make_due, schedule

pytestmark = pytest.mark.django_db
R = Role


def _failed_post(team: Team, account: ChannelAccount, script: Script, factory: Any) -> Post:
    script.errors = [PermanentError("Facebook refused the post: (#100) Invalid parameter")]
    item = schedule(team, account)
    make_due(item)
    scheduler.run_once("w1", factory=factory)
    return Post.objects.get(item=item)


def test_credentials_are_encrypted_masked_and_merged_on_reconnect(team: Team, account: ChannelAccount) -> None:
    manager = team.user(R.MANAGER)
    account = services.channel_account_update(actor=manager, account=account, credentials={"secret": "whsec_abcdef123456"})
    assert "whsec_abcdef123456" not in account.credentials_encrypted
    account = services.channel_account_update(actor=manager, account=account, credentials={"refresh_token": "keep-me-9876"})
    account = services.channel_account_update(actor=manager, account=account, credentials={"refresh_token": ""})
    from alur.publishing.api import account_out

    out = account_out(account)
    assert out.credentials == {"secret": "••••3456", "refresh_token": "••••9876"}


def test_only_channel_managers_add_accounts_and_connectors_must_fit_the_platform(team: Team) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.channel_account_create(actor=team.user(R.CONTENT_CREATOR), workspace=team.workspace, platform="x", name="X")
    with pytest.raises(ValidationError) as error:
        services.channel_account_create(
            actor=team.user(R.MANAGER), workspace=team.workspace, platform="instagram", name="IG", connector="email"
        )
    assert "Choose how Alur publishes to Instagram" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.channel_account_create(
            actor=team.user(R.MANAGER),
            workspace=team.workspace,
            platform="facebook",
            name="FB",
            connector="webhook",
            credentials={"secret": "x"},
        )
    assert "Webhook URL" in str(error.value)


def test_token_refresh_keeps_a_working_refresh_token(
    team: Team, account: ChannelAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = team.user(R.MANAGER)
    soon = timezone.now() + dt.timedelta(hours=5)
    services.channel_account_update(actor=manager, account=account, credentials={"access_token": "old", "refresh_token": "r-1"})
    ChannelAccount.objects.filter(pk=account.pk).update(token_expires_at=soon)

    class Refreshing:
        def refresh(self) -> TokenSet:
            return TokenSet(access_token="new", refresh_token="", expires_at=timezone.now() + dt.timedelta(days=60))

    monkeypatch.setattr(scheduler, "account_connector", lambda account: Refreshing())
    assert services.refresh_tokens() == {"refreshed": 1, "warned": 0}
    from django.conf import settings

    from alur.publishing import crypto

    account.refresh_from_db()
    stored = crypto.decrypt(account.credentials_encrypted, settings.ALUR_CREDENTIALS_KEYS)
    assert stored["access_token"] == "new" and stored["refresh_token"] == "r-1"
    assert account.token_expires_at > timezone.now() + dt.timedelta(days=59)


def test_an_unrefreshable_expiring_token_warns_before_the_next_post(team: Team, account: ChannelAccount) -> None:
    item = schedule(team, account)
    ChannelAccount.objects.filter(pk=account.pk).update(token_expires_at=timezone.now() + dt.timedelta(days=1))
    assert services.refresh_tokens() == {"refreshed": 0, "warned": 1}
    assert ChannelAccount.objects.get(pk=account.pk).health == ChannelAccount.Health.EXPIRING
    assert Notification.objects.filter(recipient=item.owner, kind="token_expiring").exists()


def test_accounts_pages(team: Team, account: ChannelAccount, login: Callable[[User], Client]) -> None:
    client = login(team.user(R.MANAGER))
    page = client.get(f"/w/{team.workspace.slug}/publishing/accounts/")
    assert page.status_code == 200 and "Kopi Kita Page" in page.content.decode()
    created = client.post(
        f"/w/{team.workspace.slug}/publishing/accounts/",
        {"platform": "x", "name": "Kopi X", "connector": "webhook", "handle": "@kopi"},
    )
    assert created.status_code == 302  # the account's page asks for its settings next
    detail = client.get(f"/w/{team.workspace.slug}/publishing/accounts/{account.pk}/")
    assert detail.status_code == 200 and "Rahasia penanda tangan" in detail.content.decode()  # labels are translated
    assert "README: &#x27;Webhook contract&#x27;" in detail.content.decode()  # the capabilities card
    saved = client.post(
        f"/w/{team.workspace.slug}/publishing/accounts/{account.pk}/",
        {
            "form": "save",
            "name": "Kopi Kita Page",
            "connector": "webhook",
            "field-url": "https://hooks.example/x",
            "is_active": "on",
            "queue_slots": "Sen 09:00, Fri 19:30",
        },
    )
    assert saved.status_code == 302
    account.refresh_from_db()
    assert account.config["url"] == "https://hooks.example/x" and account.queue_slots == [
        {"weekday": 0, "time": "09:00"},
        {"weekday": 4, "time": "19:30"},
    ]
    bad = client.post(
        f"/w/{team.workspace.slug}/publishing/accounts/{account.pk}/",
        {"form": "save", "name": "Kopi Kita Page", "queue_slots": "someday 9"},
        follow=True,
    )
    assert "Slot 1" in bad.content.decode()
    tested = client.post(f"/w/{team.workspace.slug}/publishing/accounts/{account.pk}/", {"form": "test"}, follow=True)
    assert ChannelAccount.objects.get(pk=account.pk).health == "error" and tested.status_code == 200


def test_a_creator_cannot_change_an_account_and_another_workspace_cannot_see_it(
    team: Team, other_team: Team, account: ChannelAccount, login: Callable[[User], Client]
) -> None:
    creator = login(team.user(R.CONTENT_CREATOR))
    assert (
        creator.post(
            f"/w/{team.workspace.slug}/publishing/accounts/{account.pk}/", {"form": "save", "name": "Hacked"}
        ).status_code
        == 403
    )
    outsider = login(other_team.user(R.MANAGER))
    assert outsider.get(f"/w/{team.workspace.slug}/publishing/accounts/{account.pk}/").status_code == 404
    assert outsider.get(f"/w/{other_team.workspace.slug}/publishing/accounts/{account.pk}/").status_code == 404


def test_failed_queue_retry_and_log(
    team: Team, account: ChannelAccount, script: Script, factory: Any, login: Callable[[User], Client]
) -> None:
    post = _failed_post(team, account, script, factory)
    client = login(team.user(R.MANAGER))
    page = client.get(f"/w/{team.workspace.slug}/publishing/?tab=failed")
    assert "Invalid parameter" in page.content.decode()
    log = client.get(f"/w/{team.workspace.slug}/publishing/posts/{post.pk}/")
    assert "Invalid parameter" in log.content.decode() and post.idempotency_key in log.content.decode()
    contractor = login(team.user(R.CONTRACTOR))
    assert contractor.post(f"/w/{team.workspace.slug}/publishing/posts/{post.pk}/retry/").status_code in (403, 404)
    client.post(f"/w/{team.workspace.slug}/publishing/posts/{post.pk}/retry/")
    assert Post.objects.get(pk=post.pk).status == Post.Status.PENDING


def test_the_item_card_and_post_now(team: Team, account: ChannelAccount, login: Callable[[User], Client]) -> None:
    item = schedule(team, account)
    type(team.user(R.MANAGER)).objects.filter(pk=team.user(R.MANAGER).pk).update(language="en")  # the assertions read English
    client = login(team.user(R.MANAGER))
    card = client.get(f"/w/{team.workspace.slug}/publishing/content/{item.pk}/")
    assert card.status_code == 200 and "Post now" in card.content.decode()
    client.post(f"/w/{team.workspace.slug}/publishing/content/{item.pk}/now/")
    assert Post.objects.get(item=item).next_attempt_at <= timezone.now()
    repeat = client.post(
        f"/w/{team.workspace.slug}/publishing/content/{item.pk}/repeat/", {"kind": "weekly", "interval": "2"}, follow=True
    )
    assert repeat.status_code == 200 and item.recurrence.interval == 2  # type: ignore[attr-defined]
    bad = client.post(f"/w/{team.workspace.slug}/publishing/content/{item.pk}/repeat/", {"kind": "hourly"}, follow=True)
    assert "Choose weekly, monthly or every N days." in bad.content.decode()


def test_add_to_queue_picks_the_next_free_slot(team: Team, account: ChannelAccount) -> None:
    from alur.content.services import approvals, items

    manager = team.user(R.MANAGER)
    services.channel_account_update(
        actor=manager, account=account, queue_slots=[{"weekday": d, "time": "09:00"} for d in range(7)]
    )
    approvals.approval_route_set(actor=manager, workspace=team.workspace, mode="none")
    first = schedule(team, account)
    item = items.content_create(
        actor=team.user(R.CONTENT_CREATOR),
        workspace=team.workspace,
        title="Antre",
        variants=[{"platform": "facebook", "text": "Halo", "account_id": account.pk}],
    )
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=item)
    queued = services.add_to_queue(actor=manager, item=item)
    local = timezone.localtime(queued.publish_at, team.workspace.zone) if hasattr(team.workspace, "zone") else queued.publish_at
    assert queued.status == "scheduled" and queued.publish_at > timezone.now() and local.minute == 0
    assert queued.publish_at != first.publish_at


def test_the_worker_alarm(team: Team, account: ChannelAccount, login: Callable[[User], Client]) -> None:
    item = schedule(team, account)
    client = login(team.user(R.MANAGER))
    assert "worker-banner" not in client.get(f"/w/{team.workspace.slug}/content/").content.decode()
    make_due(item)
    assert "worker-banner" in client.get(f"/w/{team.workspace.slug}/content/").content.decode()
    WorkerHeartbeat.objects.create(worker="w", seen_at=timezone.now())
    assert "worker-banner" not in client.get(f"/w/{team.workspace.slug}/content/").content.decode()


def test_the_api(
    team: Team, other_team: Team, account: ChannelAccount, script: Script, factory: Any, make_token: Callable[..., Any]
) -> None:
    post = _failed_post(team, account, script, factory)
    _token, secret = make_token(team.user(R.MANAGER), team.workspace, scope="write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    base = f"/api/v1/workspaces/{team.workspace.slug}"
    accounts = client.get(f"{base}/channel-accounts").json()
    assert accounts[0]["credentials"] == {"secret": "••••"} and "s" not in str(accounts[0]["config"].get("secret", ""))
    assert client.get(f"{base}/posts?status=failed").json()[0]["id"] == post.pk
    detail = client.get(f"{base}/posts/{post.pk}").json()
    assert detail["log"][0]["outcome"] == "failed" and "Invalid parameter" in detail["last_error"]
    assert client.post(f"{base}/posts/{post.pk}/retry").json()["status"] == "pending"
    assert client.post(f"{base}/posts/{post.pk}/rollback").status_code == 422
    health = client.get(f"{base}/publishing/health").json()
    assert health["worker_running"] is False and health["alarm"] is True
    created = client.post(
        f"{base}/channel-accounts",
        {
            "platform": "email",
            "name": "Newsletter",
            "connector": "webhook",
            "config": {"url": "https://hooks.example/n"},
            "credentials": {"secret": "abc12345xyz"},
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["credentials"] == {"secret": "••••5xyz"}
    bad = client.post(
        f"{base}/channel-accounts", {"platform": "instagram", "name": "", "connector": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422
    settings = client.put(
        f"{base}/publishing/settings",
        {"utm_enabled": True, "utm_medium": "sosmed", "utm_only_domains": ["kopi.id"]},
        content_type="application/json",
    )
    assert settings.json()["utm_medium"] == "sosmed"
    # Another workspace's token reaches nothing here.
    _t, other_secret = make_token(other_team.user(R.MANAGER), other_team.workspace, scope="write")
    other = Client(HTTP_AUTHORIZATION=f"Bearer {other_secret}")
    assert other.get(f"{base}/posts/{post.pk}").status_code == 404
    assert other.get(f"/api/v1/workspaces/{other_team.workspace.slug}/posts/{post.pk}").status_code == 404
    # A read-only token cannot retry.
    _r, read_secret = make_token(team.user(R.MANAGER), team.workspace, scope="read")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {read_secret}").post(f"{base}/posts/{post.pk}/retry").status_code == 403


def test_a_creator_cannot_post_now_through_the_api(team: Team, account: ChannelAccount, make_token: Callable[..., Any]) -> None:
    item = schedule(team, account)
    _token, secret = make_token(team.user(R.CONTENT_CREATOR), team.workspace, scope="write")
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
        f"/api/v1/workspaces/{team.workspace.slug}/content/{item.pk}/post-now"
    )
    assert answer.status_code == 403


def test_a_revoked_account_is_marked_and_its_owners_told_before_the_post(team: Team, account: ChannelAccount) -> None:
    from tests.publishing.fakes.server import FakeServer, Reply

    server = FakeServer()
    server.route("POST", "/hook")(lambda request: Reply(401, {"message": "token revoked"}))
    with server:
        services.channel_account_update(actor=team.user(R.MANAGER), account=account, config={"url": f"{server.url}/hook"})
        item = schedule(team, account)
        assert services.check_accounts_before_posts() == {"checked": 1, "broken": 1}
    assert ChannelAccount.objects.get(pk=account.pk).health == ChannelAccount.Health.NEEDS_RECONNECT
    assert Notification.objects.filter(recipient=item.owner, kind="account_broken").exists()
    assert services.check_accounts_before_posts() == {"checked": 0, "broken": 0}  # not again within 6 hours


def test_a_cancel_during_the_call_cannot_unsend_it_and_the_truth_is_recorded(
    team: Team, account: ChannelAccount, script: Script, factory: Any
) -> None:
    from alur.content.services import items

    item = schedule(team, account)
    make_due(item)
    script.before_send = lambda: items.content_unschedule(actor=team.user(R.MANAGER), item=item)
    scheduler.run_once("w1", factory=factory)
    post = Post.objects.get(item=item)
    assert post.status == Post.Status.PUBLISHED and len(script.sent) == 1  # it is out there, so it says so


def test_the_accounts_page_warns_of_an_api_version_near_its_sunset(
    team: Team, account: ChannelAccount, login: Callable[[User], Client]
) -> None:
    linkedin = services.channel_account_create(
        actor=team.user(R.MANAGER),
        workspace=team.workspace,
        platform="linkedin",
        name="Kopi LinkedIn",
        connector="linkedin",
        config={"author": "urn:li:organization:1"},
        credentials={"access_token": "t"},
    )
    client = login(team.user(R.MANAGER))
    url = f"/w/{team.workspace.slug}/publishing/accounts/"
    assert 'data-testid="api-version-warning"' not in client.get(url).content.decode()  # the current version
    ChannelAccount.objects.filter(pk=linkedin.pk).update(config={"author": "urn:li:organization:1", "api_version": "202510"})
    page = client.get(url).content.decode()
    assert 'data-testid="api-version-warning"' in page and "202510" in page and "Kopi LinkedIn" in page
