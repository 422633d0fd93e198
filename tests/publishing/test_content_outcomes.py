"""Publishing changes an item's status only through content's one audited service: the worker's outcome
(published, failed, the next occurrence), a person's retry and rollback. And content's schedule changes
reach publishing through the signal publishing connects in its AppConfig.ready()."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from alur.content.models import ContentItem, ContentStatus
from alur.content.services import calendar, items
from alur.content.signals import schedule_changed
from alur.core.models import AuditEvent
from alur.core.roles import Role
from alur.publishing import scheduler, services
from alur.publishing.connectors.base import Capabilities, PermanentError
from alur.publishing.models import ChannelAccount, Post
from tests.conftest import Team
from tests.publishing.conftest import Script, ScriptedConnector, make_due, schedule

pytestmark = pytest.mark.django_db
R = Role


def _status_events(item: ContentItem) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="content.status", object_id=str(item.pk)).order_by("pk"))


def test_the_worker_publishing_an_item_is_an_audited_content_change(team: Team, account: ChannelAccount, factory: Any) -> None:
    item = schedule(team, account)
    make_due(item)
    scheduler.run_once("w1", factory=factory)
    assert ContentItem.objects.get(pk=item.pk).status == ContentStatus.PUBLISHED
    last = _status_events(item)[-1]
    assert last.actor_id is None and last.before["status"] == "scheduled" and last.after["status"] == "published"


def test_a_failure_and_its_retry_are_audited_content_changes(
    team: Team, account: ChannelAccount, script: Script, factory: Any
) -> None:
    script.errors = [PermanentError("Facebook refused the post")]
    item = schedule(team, account)
    make_due(item)
    scheduler.run_once("w1", factory=factory)
    assert ContentItem.objects.get(pk=item.pk).status == ContentStatus.FAILED
    assert _status_events(item)[-1].after["status"] == "failed"
    manager = team.user(R.MANAGER)
    services.post_retry(actor=manager, post=Post.objects.get(item=item))
    assert ContentItem.objects.get(pk=item.pk).status == ContentStatus.SCHEDULED
    retried = _status_events(item)[-1]
    assert retried.actor_id == manager.pk and retried.before["status"] == "failed" and retried.after["status"] == "scheduled"


def test_a_rollback_is_an_audited_content_change(
    team: Team, account: ChannelAccount, factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = schedule(team, account)
    make_due(item)
    scheduler.run_once("w1", factory=factory)
    deleted: list[str] = []

    class Deleting(ScriptedConnector):
        def __init__(self) -> None:
            super().__init__(Script())
            self.capabilities = Capabilities(can_delete=True)  # type: ignore[misc]

        def delete(self, external_id: str) -> None:
            deleted.append(external_id)

    monkeypatch.setattr(scheduler, "account_connector", lambda account: Deleting())
    manager = team.user(R.MANAGER)
    services.post_rollback(actor=manager, post=Post.objects.get(item=item))
    assert deleted and ContentItem.objects.get(pk=item.pk).status == ContentStatus.ROLLED_BACK
    last = _status_events(item)[-1]
    assert last.actor_id == manager.pk and last.after["status"] == "rolled_back"


def test_the_outcome_service_refuses_what_is_not_a_publication_outcome(team: Team, account: ChannelAccount) -> None:
    item = schedule(team, account)
    with pytest.raises(ValueError):
        items.content_publication_outcome(actor=None, item=item, status=ContentStatus.DRAFT)


def test_publishing_listens_to_contents_schedule_changes(team: Team, account: ChannelAccount) -> None:
    assert schedule_changed.has_listeners(ContentItem)
    item = schedule(team, account)
    later = timezone.now() + dt.timedelta(days=2)
    calendar.content_reschedule(actor=team.user(R.MANAGER), item=item, publish_at=later)
    assert Post.objects.get(item=item, status=Post.Status.PENDING).publish_at == later
    items.content_unschedule(actor=team.user(R.MANAGER), item=ContentItem.objects.get(pk=item.pk))
    assert Post.objects.get(item=item).status == Post.Status.CANCELLED
