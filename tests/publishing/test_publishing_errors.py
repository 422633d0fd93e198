"""Server errors found by fuzzing become clear answers, and every publishing write is audited in a transaction:
rolling back a post whose account lost its connector, renaming an account to a name it already has,
testing an account's connection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alur.accounts.models import User
from alur.core.models import AuditEvent
from alur.core.roles import Role
from alur.publishing import scheduler, services
from alur.publishing.models import ChannelAccount, Post
from tests.conftest import Team
from tests.publishing.conftest import make_due, schedule

pytestmark = pytest.mark.django_db
R = Role


def _published_post_without_connector(team: Team, account: ChannelAccount, factory: Any) -> Post:
    item = schedule(team, account)
    make_due(item)
    scheduler.run_once("w1", factory=factory)
    post = Post.objects.get(item=item)
    assert post.status == Post.Status.PUBLISHED
    services.channel_account_update(actor=team.user(R.MANAGER), account=account, connector="")
    assert ChannelAccount.objects.get(pk=account.pk).connector == ""
    return post


def test_rolling_back_a_post_whose_account_has_no_connector_is_a_clear_refusal_on_the_page(
    team: Team, account: ChannelAccount, factory: Any, login: Callable[[User], Client]
) -> None:
    post = _published_post_without_connector(team, account, factory)
    User.objects.filter(pk=team.user(R.MANAGER).pk).update(language="en")
    client = login(team.user(R.MANAGER))
    answer = client.post(f"/w/{team.workspace.slug}/publishing/posts/{post.pk}/rollback/", follow=True)
    assert answer.status_code == 200
    assert "has no connector" in answer.content.decode()
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED


def test_rolling_back_a_post_whose_account_has_no_connector_is_a_422_in_the_api(
    team: Team, account: ChannelAccount, factory: Any, make_token: Callable[..., Any]
) -> None:
    post = _published_post_without_connector(team, account, factory)
    _token, secret = make_token(team.user(R.MANAGER), team.workspace, scope="write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    answer = client.post(f"/api/v1/workspaces/{team.workspace.slug}/posts/{post.pk}/rollback")
    assert answer.status_code == 422
    assert "Kopi Kita Page" in str(answer.json()) and "konektor" in str(answer.json())  # in the user's language
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED


def _second_account(team: Team) -> ChannelAccount:
    return services.channel_account_create(
        actor=team.user(R.MANAGER), workspace=team.workspace, platform="facebook", name="Kopi Kita Promo"
    )


def test_renaming_an_account_to_an_existing_name_is_a_form_error(
    team: Team, account: ChannelAccount, login: Callable[[User], Client]
) -> None:
    other = _second_account(team)
    User.objects.filter(pk=team.user(R.MANAGER).pk).update(language="en")
    client = login(team.user(R.MANAGER))
    for name in ("Kopi Kita Page", "kopi kita page"):
        answer = client.post(
            f"/w/{team.workspace.slug}/publishing/accounts/{other.pk}/",
            {"form": "save", "name": name, "is_active": "on"},
            follow=True,
        )
        assert answer.status_code == 200
        assert "already has a Facebook account called" in answer.content.decode()
        assert ChannelAccount.objects.get(pk=other.pk).name == "Kopi Kita Promo"
    # Its own name (or another case of it) is no clash.
    same = client.post(
        f"/w/{team.workspace.slug}/publishing/accounts/{other.pk}/",
        {"form": "save", "name": "KOPI KITA PROMO", "is_active": "on"},
    )
    assert same.status_code == 302 and ChannelAccount.objects.get(pk=other.pk).name == "KOPI KITA PROMO"


def test_renaming_an_account_to_an_existing_name_is_a_422_in_the_api(
    team: Team, account: ChannelAccount, make_token: Callable[..., Any]
) -> None:
    other = _second_account(team)
    _token, secret = make_token(team.user(R.MANAGER), team.workspace, scope="write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    answer = client.patch(
        f"/api/v1/workspaces/{team.workspace.slug}/channel-accounts/{other.pk}",
        {"name": "Kopi Kita Page"},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "name" in str(answer.json())
    assert ChannelAccount.objects.get(pk=other.pk).name == "Kopi Kita Promo"


def test_testing_a_connection_writes_health_and_audit_in_one_transaction(team: Team, account: ChannelAccount) -> None:
    before = AuditEvent.objects.filter(action="channel.test").count()
    with CaptureQueriesContext(connection) as queries:
        tested = services.channel_account_test(actor=team.user(R.MANAGER), account=account)
    assert tested.health == ChannelAccount.Health.ERROR  # nothing listens on 127.0.0.1:9
    assert AuditEvent.objects.filter(action="channel.test").count() == before + 1
    statements = [q["sql"].upper() for q in queries.captured_queries]
    writes = [i for i, sql in enumerate(statements) if sql.startswith(("UPDATE", "INSERT"))]
    assert writes, statements
    opened = [i for i, sql in enumerate(statements) if sql.startswith("SAVEPOINT") or sql == "BEGIN"]
    assert opened and opened[0] < writes[0], statements
    # The row is locked while the answer is written (two tests at once do not interleave their writes).
    if connection.vendor == "postgresql":
        assert any("FOR UPDATE" in sql for sql in statements[: writes[0]]), statements
