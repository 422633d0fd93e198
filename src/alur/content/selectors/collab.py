"""Reads of collaboration: an item's comment threads, its versions and the diff between two of them, and
a person's notifications."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.http import Http404

from alur.accounts.models import Membership, User
from alur.content.diffing import SnapshotDiff, snapshot_diff
from alur.content.models import Comment, CommentAttachment, ContentItem, ContentVersion
from alur.core.models import Notification
from alur.core.policy import scope

ThreadFilter = Literal["open", "resolved", "all"]
ThreadOrder = Literal["open_first", "chronological"]
NOTIFICATION_LIMIT = 50


def _comment_details(queryset: QuerySet[Comment]) -> QuerySet[Comment]:
    return queryset.select_related("author", "resolved_by").prefetch_related(
        Prefetch("attachments", queryset=CommentAttachment.objects.order_by("pk")), "mentions"
    )


def comments_of(item: ContentItem, membership: Membership | None) -> QuerySet[Comment]:
    """The comments of ``item`` the reader may see (:data:`alur.core.policy.VISIBILITY`): all for the
    team and a contractor, for a client only those meant for clients. ``membership`` is None for the
    reviewer of a client review link, who is a client."""
    comments = Comment.objects.filter(item=item)
    if membership is None:
        return comments.filter(is_internal=False)
    return scope(comments, membership)


def comment_threads(
    item: ContentItem,
    *,
    show: ThreadFilter = "all",
    order: ThreadOrder = "open_first",
    membership: Membership | None,
) -> list[Comment]:
    """The thread roots of ``item`` with their replies (oldest first), attachments and mentions, as far
    as ``membership`` may see them (see :func:`comments_of`). ``show`` keeps open or resolved threads
    only; ``order`` puts open threads first (then resolved), or keeps them all in the order they were
    started."""
    visible = comments_of(item, membership)
    replies = _comment_details(visible.order_by("created_at", "pk"))
    roots = _comment_details(visible.filter(parent__isnull=True)).prefetch_related(Prefetch("replies", queryset=replies))
    if show == "open":
        roots = roots.filter(is_resolved=False)
    elif show == "resolved":
        roots = roots.filter(is_resolved=True)
    ordering = ("is_resolved", "created_at", "pk") if order == "open_first" else ("created_at", "pk")
    return list(roots.order_by(*ordering))


@dataclass(frozen=True)
class ThreadCounts:
    open: int
    resolved: int

    @property
    def total(self) -> int:
        return self.open + self.resolved


def thread_counts(item: ContentItem, *, membership: Membership | None) -> ThreadCounts:
    roots = comments_of(item, membership).filter(parent__isnull=True)
    resolved = roots.filter(is_resolved=True).count()
    return ThreadCounts(open=roots.count() - resolved, resolved=resolved)


def comment_of(item: ContentItem, comment_id: int, *, membership: Membership | None) -> Comment:
    comment = comments_of(item, membership).filter(pk=comment_id).select_related("item__workspace").first()
    if comment is None:
        raise Http404("No such comment.")
    return comment


def attachment_of(item: ContentItem, attachment_id: int, *, membership: Membership | None) -> CommentAttachment:
    attachments = CommentAttachment.objects.filter(comment__in=comments_of(item, membership))
    attachment = attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("No such attachment.")
    return attachment


def versions_of(item: ContentItem) -> QuerySet[ContentVersion]:
    """Newest first."""
    return ContentVersion.objects.filter(item=item).select_related("created_by").order_by("-number")


def version_of(item: ContentItem, number: int) -> ContentVersion:
    version = versions_of(item).filter(number=number).first()
    if version is None:
        raise Http404("No such version.")
    return version


def version_diff(item: ContentItem, a: int, b: int) -> SnapshotDiff:
    """What changed from version ``a`` to version ``b`` of ``item`` (404 when either is missing)."""
    return snapshot_diff(version_of(item, a).data, version_of(item, b).data)


def default_pair(item: ContentItem) -> tuple[int, int] | None:
    """The two versions to compare when none are chosen: the latest and the one before it."""
    numbers = list(versions_of(item).values_list("number", flat=True)[:2])
    if not numbers:
        return None
    return (numbers[-1], numbers[0])


def notifications_of(
    user: User, *, limit: int = NOTIFICATION_LIMIT, workspace_id: int | None = None, unread_only: bool = False
) -> list[Notification]:
    """The user's latest notices across their workspaces (or one), unread ones first."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    notices = Notification.objects.filter(recipient=user)
    if workspace_id is not None:
        notices = notices.filter(workspace_id=workspace_id)
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return list(
        notices.select_related("workspace").annotate(is_unread=unread).order_by("-is_unread", "-created_at", "-pk")[:limit]
    )


def notification_of(user: User, notification_id: int) -> Notification:
    notice = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if notice is None:
        raise Http404("No such notification.")
    return notice
