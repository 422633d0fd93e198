"""API endpoints of collaboration: an item's comment threads (add with attachments, reply, resolve),
its versions with the diff between two and restore, and the caller's notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from alur.accounts.api import ErrorOut, api_membership, require_write_scope
from alur.accounts.models import Membership, User
from alur.content.diffing import FieldChange, SnapshotDiff
from alur.content.models import Comment, ContentItem, ContentVersion
from alur.content.selectors import collab as selectors
from alur.content.selectors.items import item_visible
from alur.content.services import collab as services
from alur.content.templatetags.alur_collab import render_comment_body
from alur.core.models import Notification
from alur.core.notifications import mark_read, unread_count
from alur.core.policy import Action, require
from alur.core.validation import Id

router = Router(tags=["content"])


class AttachmentOut(Schema):
    id: int
    name: str
    mime_type: str = Field(description="Found from the file's content, never from its name.")
    size_bytes: int
    url: str = Field(description="Download address (members who may see the item only).")


class CommentOut(Schema):
    id: int
    parent_id: Id | None
    author: str | None = Field(description="The author's email; empty for a client review link's reviewer.")
    author_label: str
    via_review_link: bool
    body: str = Field(description="The plain text as written.")
    body_html: str = Field(description="The text as shown: escaped, with links and mentions marked.")
    mentions: list[str] = Field(description="Emails of the members mentioned.")
    attachments: list[AttachmentOut]
    is_resolved: bool
    is_internal: bool = Field(description="True for the team's own talk; false when clients see it")
    resolved_by: str | None
    created_at: dt.datetime


class ThreadOut(CommentOut):
    replies: list[CommentOut]


class ResolveIn(Schema):
    resolved: bool = Field(True, description="False opens the thread again.")


class VersionOut(Schema):
    number: int
    note: str
    created_by: str | None
    created_at: dt.datetime
    data: dict[str, Any] = Field(description="The snapshot: title, kind and every variant.")


class SegmentOut(Schema):
    op: Literal["equal", "insert", "delete"]
    text: str


class FieldChangeOut(Schema):
    field: str
    before: Any
    after: Any
    segments: list[SegmentOut] = Field(description="Word-level diff of a text field; empty for other fields.")
    added: list[Any]
    removed: list[Any]


class VariantDiffOut(Schema):
    platform: str
    account_id: Id | None
    status: Literal["added", "removed", "changed", "unchanged"]
    changes: list[FieldChangeOut]


class DiffOut(Schema):
    a: int
    b: int
    identical: bool
    changes: list[FieldChangeOut] = Field(description="Changes of the item itself (title, kind).")
    variants: list[VariantDiffOut]


class NotificationOut(Schema):
    id: int
    workspace: str = Field(description="The workspace's slug.")
    kind: str
    message: str
    url: str
    created_at: dt.datetime
    read: bool


class NotificationsReadIn(Schema):
    ids: list[Id] | None = Field(None, description="The notices to mark read; leave out to mark all of them.")


class NotificationsReadOut(Schema):
    marked: int
    unread: int


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _item(request: HttpRequest, slug: str, item_id: Id, *, write: bool = False) -> tuple[Membership, ContentItem]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CONTENT_VIEW)
    if write:
        require_write_scope(request)
    return membership, item_visible(membership, item_id)


def _comment_out(comment: Comment, slug: str) -> dict[str, Any]:
    mentioned = [user.email for user in comment.mentions.all()]
    return {
        "id": comment.pk,
        "parent_id": comment.parent_id,
        "author": comment.author.email if comment.author else None,
        "author_label": comment.author_label,
        "via_review_link": comment.client_link_id is not None,
        "body": comment.body,
        "body_html": str(render_comment_body(comment.body, mentioned)),
        "mentions": mentioned,
        "attachments": [
            AttachmentOut(
                id=a.pk,
                name=a.original_name,
                mime_type=a.mime_type,
                size_bytes=a.size_bytes,
                url=reverse("content:comment_attachment", args=[slug, comment.item_id, a.pk]),
            )
            for a in comment.attachments.all()
        ],
        "is_resolved": comment.is_resolved,
        "is_internal": comment.is_internal,
        "resolved_by": comment.resolved_by.email if comment.resolved_by else None,
        "created_at": comment.created_at,
    }


def _thread_out(comment: Comment, slug: str) -> ThreadOut:
    return ThreadOut(**_comment_out(comment, slug), replies=[CommentOut(**_comment_out(r, slug)) for r in comment.replies.all()])


def _thread(item: ContentItem, comment_id: Id, membership: Membership) -> Comment:
    for thread in selectors.comment_threads(item, membership=membership):
        if thread.pk == comment_id:
            return thread
    raise ValidationError(_("Comment %(id)s is not the first comment of a thread on this content.") % {"id": comment_id})


ANSWERS: dict[int | str, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/workspaces/{slug}/content/{item_id}/comments", response={200: list[ThreadOut], 403: ErrorOut, 404: ErrorOut})
def comment_list(
    request: HttpRequest, slug: str, item_id: Id, show: Literal["all", "open", "resolved"] = "all"
) -> list[ThreadOut]:
    """The item's threads, open ones first, each with its replies (oldest first)."""
    membership, item = _item(request, slug, item_id)
    return [_thread_out(thread, slug) for thread in selectors.comment_threads(item, show=show, membership=membership)]


@router.post("/workspaces/{slug}/content/{item_id}/comments", response={201: CommentOut, **ANSWERS})
def comment_add(
    request: HttpRequest,
    slug: str,
    item_id: Id,
    body: Form[str],
    parent_id: Form[Id | None] = None,
    for_client: Form[bool] = False,
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[CommentOut]:
    """Add a comment as multipart form data (or a urlencoded form): ``body`` (plain text, up to 5,000
    characters; mention members with ``@`` and their email or its part before the ``@``), optional
    ``parent_id`` to reply, and up to five ``attachments`` (JPEG, PNG, GIF, WebP or PDF, 10 MB each).
    A new thread is internal (the team's only) unless ``for_client`` is true; replies follow their
    thread, and a client's comments are always for clients."""
    membership, item = _item(request, slug, item_id, write=True)
    parent = selectors.comment_of(item, parent_id, membership=membership) if parent_id is not None else None
    comment = services.comment_add(
        actor=_user(request), item=item, body=body, parent=parent, attachments=attachments or [], for_client=for_client
    )
    return Status(201, CommentOut(**_comment_out(comment, slug)))


@router.post("/workspaces/{slug}/content/{item_id}/comments/{comment_id}/resolve", response={200: ThreadOut, **ANSWERS})
def comment_resolve(request: HttpRequest, slug: str, item_id: Id, comment_id: Id, payload: ResolveIn) -> ThreadOut:
    """Resolve a thread (``{"resolved": false}`` opens it again)."""
    membership, item = _item(request, slug, item_id, write=True)
    comment = selectors.comment_of(item, comment_id, membership=membership)
    services.comment_resolve(actor=_user(request), comment=comment, resolved=payload.resolved)
    return _thread_out(_thread(item, comment_id, membership), slug)


def _version_out(version: ContentVersion) -> VersionOut:
    return VersionOut(
        number=version.number,
        note=version.note,
        created_by=version.created_by.email if version.created_by else None,
        created_at=version.created_at,
        data=version.data if isinstance(version.data, dict) else {},
    )


@router.get("/workspaces/{slug}/content/{item_id}/versions", response={200: list[VersionOut], 403: ErrorOut, 404: ErrorOut})
def version_list(request: HttpRequest, slug: str, item_id: Id) -> list[VersionOut]:
    """Every version of the item, newest first."""
    _membership, item = _item(request, slug, item_id)
    return [_version_out(version) for version in selectors.versions_of(item)]


def _change_out(change: FieldChange) -> FieldChangeOut:
    return FieldChangeOut(
        field=change.field,
        before=change.before,
        after=change.after,
        segments=[SegmentOut(op=op, text=text) for op, text in change.segments],
        added=list(change.added),
        removed=list(change.removed),
    )


def _diff_out(a: int, b: int, diff: SnapshotDiff) -> DiffOut:
    return DiffOut(
        a=a,
        b=b,
        identical=diff.is_empty,
        changes=[_change_out(change) for change in diff.changes],
        variants=[
            VariantDiffOut(
                platform=v.platform,
                account_id=v.account_id,
                status=v.status,
                changes=[_change_out(change) for change in v.changes],
            )
            for v in diff.variants
        ],
    )


@router.get("/workspaces/{slug}/content/{item_id}/versions/diff", response={200: DiffOut, 403: ErrorOut, 404: ErrorOut})
def version_diff(request: HttpRequest, slug: str, item_id: Id, a: int, b: int) -> DiffOut:
    """What changed from version ``a`` to version ``b``: per field, texts word by word."""
    _membership, item = _item(request, slug, item_id)
    return _diff_out(a, b, selectors.version_diff(item, a, b))


@router.post("/workspaces/{slug}/content/{item_id}/versions/{number}/restore", response={200: VersionOut, **ANSWERS})
def version_restore(request: HttpRequest, slug: str, item_id: Id, number: int) -> VersionOut:
    """Make version ``number`` the content again; answers with the new version this creates."""
    _membership, item = _item(request, slug, item_id, write=True)
    selectors.version_of(item, number)
    updated = services.version_restore(actor=_user(request), item=item, number=number)
    return _version_out(selectors.version_of(updated, updated.version))


def _notice_out(notice: Notification) -> NotificationOut:
    return NotificationOut(
        id=notice.pk,
        workspace=notice.workspace.slug,
        kind=notice.kind,
        message=notice.message,
        url=notice.url,
        created_at=notice.created_at,
        read=notice.read_at is not None,
    )


def _token_workspace_id(request: HttpRequest) -> int | None:
    token = getattr(request, "api_token", None)
    return token.workspace_id if token is not None else None


@router.get("/notifications", response={200: list[NotificationOut]}, tags=["me"])
def notification_list(request: HttpRequest, unread: bool = False) -> list[NotificationOut]:
    """Your latest 50 notices, unread first (``unread=true``: only unread ones). An API token sees the
    notices of its own workspace only."""
    notices = selectors.notifications_of(_user(request), workspace_id=_token_workspace_id(request), unread_only=unread)
    return [_notice_out(n) for n in notices]


@router.post("/notifications", response={200: NotificationsReadOut, 403: ErrorOut, 422: ErrorOut}, tags=["me"])
def notification_mark_read(request: HttpRequest, payload: NotificationsReadIn) -> NotificationsReadOut:
    """Mark notices read: the ones in ``ids``, or all of them."""
    require_write_scope(request)
    user = _user(request)
    workspace_id = _token_workspace_id(request)
    ids = payload.ids
    if workspace_id is not None:
        scoped = Notification.objects.filter(recipient=user, workspace_id=workspace_id, read_at__isnull=True)
        allowed = set(scoped.values_list("pk", flat=True))
        ids = [i for i in ids if i in allowed] if ids is not None else list(allowed)
    marked = mark_read(user, ids)
    return NotificationsReadOut(marked=marked, unread=unread_count(user))
