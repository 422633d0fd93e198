"""Shared fixtures: a webhook account, scheduled content, and a scripted connector."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import pytest
from django.utils import timezone

from alur.content.models import ContentItem
from alur.content.services import approvals, items
from alur.core.roles import Role
from alur.publishing import services
from alur.publishing.connectors.base import AccountConfig, Capabilities, Connector, Payload, Published, RateLimit
from alur.publishing.models import ChannelAccount, Post
from tests.conftest import Team


@dataclass
class Script:
    """What the scripted connector does on each publish call: an exception to raise or None (success)."""

    errors: list[Exception | None] = field(default_factory=list)
    sent: list[Payload] = field(default_factory=list)
    existing: dict[str, Published] = field(default_factory=dict)
    can_find: bool = True
    idempotency: bool = False
    rate_limits: tuple[RateLimit, ...] = ()
    before_send: Callable[[], None] | None = None


class ScriptedConnector(Connector):
    key = "scripted"
    script: ClassVar[Script]

    def __init__(self, script: Script) -> None:
        super().__init__(AccountConfig(config={}, credentials={}))
        self.script = script  # type: ignore[misc]
        self.capabilities = Capabilities(  # type: ignore[misc]
            can_find=script.can_find, idempotency_key=script.idempotency, rate_limits=script.rate_limits
        )

    def publish(self, payload: Payload) -> Published:
        if self.script.before_send:
            self.script.before_send()
        error = self.script.errors.pop(0) if self.script.errors else None
        self.script.sent.append(payload)
        if error is not None:
            raise error
        published = Published(f"ext-{len(self.script.sent)}", f"https://example.test/{len(self.script.sent)}")
        self.script.existing[payload.idempotency_key] = published
        return published

    def find(self, payload: Payload) -> Published | None:
        return self.script.existing.get(payload.idempotency_key)

    def test_connection(self) -> str:
        return "scripted"


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def factory(script: Script) -> Callable[[ChannelAccount], Connector]:
    return lambda account: ScriptedConnector(script)


@pytest.fixture
def account(team: Team) -> ChannelAccount:
    return services.channel_account_create(
        actor=team.user(Role.MANAGER),
        workspace=team.workspace,
        platform="facebook",
        name="Kopi Kita Page",
        connector="webhook",
        config={"url": "http://127.0.0.1:9/hook"},
        credentials={"secret": "s"},
    )


def schedule(
    team: Team, account: ChannelAccount, *, when: dt.datetime | None = None, text: str = "Kopi susu hari ini"
) -> ContentItem:
    """A facebook item under the 'none' workflow, scheduled (an hour ahead unless ``when``)."""
    manager = team.user(Role.MANAGER)
    approvals.approval_route_set(actor=manager, workspace=team.workspace, mode="none")
    item = items.content_create(
        actor=team.user(Role.CONTENT_CREATOR),
        workspace=team.workspace,
        title="Promo kopi",
        variants=[{"platform": "facebook", "text": text, "account_id": account.pk, "link": "https://kopi.id/promo?ref=fb"}],
    )
    item = approvals.content_submit(actor=team.user(Role.CONTENT_CREATOR), item=item)
    return items.content_schedule(actor=manager, item=item, publish_at=when or timezone.now() + dt.timedelta(hours=1))


def make_due(item: ContentItem, *, ago: dt.timedelta = dt.timedelta(seconds=5)) -> None:
    """Let time pass: the item and its pending posts are due now."""
    moment = timezone.now() - ago
    ContentItem.objects.filter(pk=item.pk).update(publish_at=moment)
    Post.objects.filter(item=item, status=Post.Status.PENDING).update(publish_at=moment, next_attempt_at=moment)
