"""Reads of publishing: accounts, posts and their logs, the failed queue, and worker health."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from alur.accounts.models import Membership, Workspace
from alur.content.models import ContentItem
from alur.content.platform_facts import LINKEDIN_VERSION, sunset_warning
from alur.core.policy import scope
from alur.publishing.models import ChannelAccount, Post, PublishAttempt, PublishingSettings, WorkerHeartbeat

# A worker writes its heartbeat every pass (about every second); two minutes of silence means none runs.
WORKER_SILENCE = dt.timedelta(minutes=2)


def accounts_of(workspace: Workspace | int) -> QuerySet[ChannelAccount]:
    """All the workspace's accounts, for the scheduler and services; pages and the API list
    :func:`accounts_visible`."""
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    return ChannelAccount.objects.filter(workspace_id=workspace_id)


def accounts_visible(membership: Membership) -> QuerySet[ChannelAccount]:
    """The accounts the member may see: all for the team, none for an outside member (their settings
    hold webhook addresses, which are credentials)."""
    return scope(ChannelAccount.objects.all(), membership)


def api_version_warnings(accounts: Iterable[ChannelAccount], today: dt.date | None = None) -> list[dict[str, Any]]:
    """Accounts whose platform API version is sunset or within SUNSET_WARNING_DAYS of it (see
    alur.content.platform_facts): ``{"account", "version", "sunset", "days_left"}`` each."""
    day = today or timezone.localdate()
    warnings: list[dict[str, Any]] = []
    for account in accounts:
        if account.connector != "linkedin":
            continue
        version = str((account.config or {}).get("api_version") or LINKEDIN_VERSION)
        facts = sunset_warning("linkedin", version, day)
        if facts is not None and facts.sunset is not None:
            warnings.append({"account": account, "version": version, "sunset": facts.sunset, "days_left": facts.days_left(day)})
    return warnings


def account_visible(membership: Membership, account_id: int) -> ChannelAccount:
    account = accounts_visible(membership).filter(pk=account_id).first()
    if account is None:
        raise Http404
    return account


def posts_of(workspace: Workspace | int, *, status: str = "") -> QuerySet[Post]:
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    posts = Post.objects.filter(workspace_id=workspace_id).select_related("item", "account", "item__owner")
    if status:
        posts = posts.filter(status=status)
    return posts


def posts_visible(membership: Membership, *, status: str = "") -> QuerySet[Post]:
    """The posts the member may see: all for the team; for an outside member the posts of the content
    items they may see (see ``publishing.Post`` in :data:`alur.core.policy.VISIBILITY`)."""
    return scope(posts_of(membership.workspace_id, status=status), membership)


def post_visible(membership: Membership, post_id: int) -> Post:
    post = posts_visible(membership).filter(pk=post_id).first()
    if post is None:
        raise Http404
    return post


def posts_of_item(item: ContentItem) -> QuerySet[Post]:
    return Post.objects.filter(item=item).select_related("account").prefetch_related("attempts_log").order_by("-occurrence", "pk")


def attempts_of(post: Post) -> QuerySet[PublishAttempt]:
    return post.attempts_log.order_by("-started_at", "-pk")


def failed_posts(membership: Membership) -> QuerySet[Post]:
    return posts_visible(membership).filter(status__in=(Post.Status.FAILED, Post.Status.MISSED)).order_by("-updated_at")


def upcoming_posts(membership: Membership) -> QuerySet[Post]:
    return (
        posts_visible(membership)
        .filter(status__in=(Post.Status.PENDING, Post.Status.PUBLISHING))
        .order_by("next_attempt_at", "pk")
    )


def recent_published(membership: Membership, limit: int = 20) -> QuerySet[Post]:
    return posts_visible(membership, status=Post.Status.PUBLISHED).order_by("-published_at")[:limit]


def settings_row(workspace: Workspace | int) -> PublishingSettings:
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    return PublishingSettings.objects.filter(workspace_id=workspace_id).first() or PublishingSettings(workspace_id=workspace_id)


@dataclass(frozen=True)
class WorkerHealth:
    last_seen: dt.datetime | None
    running: bool
    due_posts: int
    next_due: dt.datetime | None

    @property
    def alarm(self) -> bool:
        """No worker and posts due now or within the hour: the failure users of other schedulers hit most."""
        if self.running:
            return False
        if self.due_posts:
            return True
        return self.next_due is not None and self.next_due - timezone.now() < dt.timedelta(hours=1)


def worker_health(workspace: Workspace | int | None = None) -> WorkerHealth:
    now = timezone.now()
    beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    running = beat is not None and now - beat.seen_at < WORKER_SILENCE
    posts = Post.objects.filter(status=Post.Status.PENDING)
    if workspace is not None:
        posts = posts.filter(workspace_id=workspace if isinstance(workspace, int) else workspace.pk)
    due = posts.filter(next_attempt_at__lte=now).count()
    upcoming = posts.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
    return WorkerHealth(last_seen=beat.seen_at if beat else None, running=running, due_posts=due, next_due=upcoming)
