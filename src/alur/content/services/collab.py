"""Writes of collaboration: comments (replies, @mentions, attachments), resolving threads, restoring a version.

Comment text is stored as the plain text the person typed (trimmed, at most :data:`MAX_BODY` characters);
it is never stored or shown as HTML: the page escapes it, then links web addresses and marks mentions
(:mod:`alur.content.templatetags.alur_collab`).

Mentions follow :mod:`alur.content.mentions`: ``@`` and a member's email or the part before its ``@``,
case-insensitive. A handle that names no member (``@kopikita``, an Instagram account) stays plain text;
one that names a member who cannot open the item (a client when it is not shared with clients, a
contractor it is not assigned to) is refused, since they would be told about a page they cannot see.

Comments are internal (the team's talk) unless meant for clients: a client's comment (by review link or
as a member with the client role) starts a thread clients see, every reply in such a thread is visible
to clients as well, and a team member may start one for clients (``for_client``). A client cannot
reply to an internal comment.

Replies are one level deep: a reply to a reply joins the thread of its first comment. Attachments are
images (JPEG, PNG, GIF, WebP) and PDFs, judged by their bytes (:func:`alur.content.sniff.sniff`), at most
:data:`MAX_ATTACHMENT_BYTES` each, stored under generated names and served only to members who may see
the item.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image

from alur.accounts.models import Membership, User
from alur.accounts.selectors import membership_of
from alur.content.mentions import handle_keys, mention_handles
from alur.content.models import ClientReviewLink, Comment, CommentAttachment, ContentItem, ContentVersion
from alur.content.sniff import DESCRIBE_BYTES, Sniffed, describe, sniff
from alur.core.audit import audit_record
from alur.core.notifications import notify
from alur.core.policy import Action, decide, require
from alur.core.roles import Role
from alur.core.validation import refuse_nul_characters

MAX_BODY = 5000
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = ("jpg", "png", "gif", "webp", "pdf")
ATTACHMENT_LABEL = "JPEG, PNG, GIF, WebP, PDF"
_PILLOW_FORMATS = {"jpg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
CHUNK_SIZE = 1024 * 1024


def attachment_limit() -> int:
    return int(getattr(settings, "ALUR_COMMENT_ATTACHMENT_MAX_BYTES", MAX_ATTACHMENT_BYTES))


# Body -------------------------------------------------------------------------------------------


def clean_body(body: Any) -> str:
    """The comment's text as stored: trimmed plain text; refuses empty, NUL characters and more than
    :data:`MAX_BODY` characters."""
    text = "" if body is None else str(body)
    refuse_nul_characters(body=text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ValidationError({"body": _("Write something before sending the comment.")})
    if len(text) > MAX_BODY:
        raise ValidationError(
            {
                "body": _("Keep a comment under %(limit)s characters (this one has %(count)s).")
                % {"limit": MAX_BODY, "count": len(text)}
            }
        )
    return text


# Mentions ---------------------------------------------------------------------------------------


def _members(item: ContentItem) -> list[Membership]:
    return list(Membership.objects.filter(workspace_id=item.workspace_id, user__is_active=True).select_related("user"))


def mentionable(item: ContentItem) -> list[Membership]:
    """The members who may be mentioned on ``item``: every active member who may open it."""
    return [m for m in _members(item) if decide(m.user, m, Action.CONTENT_VIEW, item)]


def resolve_mentions(item: ContentItem, body: str) -> list[User]:
    """The members ``body`` mentions. Handles naming nobody stay plain text; a local part shared by
    two members, or a member who cannot open the item, is refused with what to do instead."""
    handles = mention_handles(body)
    if not handles:
        return []
    by_email: dict[str, Membership] = {}
    by_local: dict[str, list[Membership]] = {}
    for member in _members(item):
        email, local = handle_keys(member.user.email)
        by_email[email] = member
        by_local.setdefault(local, []).append(member)
    found: list[User] = []
    for handle in handles:
        membership: Membership | None
        if "@" in handle:
            membership = by_email.get(handle)
        else:
            matches = by_local.get(handle, [])
            if len(matches) > 1:
                raise ValidationError(
                    {
                        "body": _("@%(handle)s names more than one member (%(emails)s); write the full email, e.g. @%(example)s.")
                        % {"handle": handle, "emails": ", ".join(m.user.email for m in matches), "example": matches[0].user.email}
                    }
                )
            membership = matches[0] if matches else None
        if membership is None:
            continue
        if not decide(membership.user, membership, Action.CONTENT_VIEW, item):
            raise ValidationError(
                {
                    "body": _(
                        "%(name)s cannot open this content (it is not shared with or assigned to them), so they "
                        "would not see your comment. Share it with them first, or remove the mention @%(handle)s."
                    )
                    % {"name": membership.user.display_name, "handle": handle}
                }
            )
        if membership.user not in found:
            found.append(membership.user)
    return found


# Attachments ------------------------------------------------------------------------------------


class _Checked:
    def __init__(self, file: UploadedFile, name: str, found: Sniffed, size: int) -> None:
        self.file = file
        self.name = name
        self.found = found
        self.size = size


def _refuse(message: str) -> ValidationError:
    return ValidationError({"attachments": message})


def _check_attachment(file: UploadedFile) -> _Checked:
    from alur.content.services.media import LOOKS_LIKE, clean_file_name

    name = clean_file_name(file.name)
    file.seek(0)
    head = file.read(DESCRIBE_BYTES)
    found = sniff(head)
    if found is None or found.extension not in ATTACHMENT_EXTENSIONS:
        looks = LOOKS_LIKE.get(describe(head)) or (
            _("a video") if found is not None and found.kind == "video" else LOOKS_LIKE["unknown"]
        )
        raise _refuse(
            _("%(name)s cannot be attached: comments take images and PDFs (%(accepted)s), and its content looks like %(looks)s.")
            % {"name": name, "accepted": ATTACHMENT_LABEL, "looks": looks}
        )
    limit = attachment_limit()
    size = 0
    file.seek(0)
    for chunk in file.chunks(CHUNK_SIZE):
        size += len(chunk)
        if size > limit:
            raise _refuse(
                _("%(name)s is larger than %(limit)s, the most a comment attachment may be. Make it smaller or link to it.")
                % {"name": name, "limit": filesizeformat(limit)}
            )
    if found.extension in _PILLOW_FORMATS:
        _verify_image(file, found, name)
    return _Checked(file, name, found, size)


def _verify_image(file: UploadedFile, found: Sniffed, name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            file.seek(0)
            with Image.open(cast(BinaryIO, file), formats=[_PILLOW_FORMATS[found.extension]]) as image:
                image.verify()
        except Exception:  # any failure to parse means a damaged or disguised file
            raise _refuse(
                _("%(name)s could not be read as an image; it may be damaged. Export it again.") % {"name": name}
            ) from None


def _check_attachments(files: Iterable[UploadedFile]) -> list[_Checked]:
    chosen = [f for f in files if f is not None]
    if len(chosen) > MAX_ATTACHMENTS:
        raise _refuse(_("Attach at most %(n)s files to one comment.") % {"n": MAX_ATTACHMENTS})
    return [_check_attachment(f) for f in chosen]


def _store_attachments(comment: Comment, checked: Sequence[_Checked], stored: list[str]) -> None:
    for entry in checked:
        attachment = CommentAttachment(
            comment=comment, original_name=entry.name, mime_type=entry.found.mime_type, size_bytes=entry.size
        )
        entry.file.seek(0)
        attachment.file.save(f"{uuid.uuid4().hex}.{entry.found.extension}", entry.file, save=False)
        stored.append(attachment.file.name or "")
        attachment.save()


def _remove_files(names: Iterable[str]) -> None:
    storage = CommentAttachment._meta.get_field("file").storage
    for name in filter(None, names):
        storage.delete(name)


# Comments ---------------------------------------------------------------------------------------


def _thread_root(item: ContentItem, parent: Comment | None) -> Comment | None:
    if parent is None:
        return None
    if parent.item_id != item.pk:
        raise ValidationError({"parent": _("Reply to a comment on this content.")})
    if parent.parent_id is not None:
        return Comment.objects.get(pk=parent.parent_id)
    return parent


def item_page_url(item: ContentItem) -> str:
    from django.urls import reverse

    return reverse("content:item_detail", args=[item.workspace.slug, item.pk]) + "#comments"


def _excerpt(body: str, length: int = 90) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


def _in_language(user: User, item: ContentItem) -> Any:
    return translation.override(getattr(user, "language", "") or item.workspace.language or None)


def _notify_about(comment: Comment, item: ContentItem, root: Comment | None, mentioned: list[User], actor: User | None) -> None:
    """Mentioned members get a mention; the item's owner and, for a reply, the thread's author get a
    notice of the new comment (never the person who wrote it, never twice)."""
    url = item_page_url(item)
    told: set[int] = {actor.pk} if actor is not None else set()
    excerpt = _excerpt(comment.body)
    for user in mentioned:
        if user.pk in told:
            continue
        told.add(user.pk)
        with _in_language(user, item):
            message = _("%(author)s mentioned you on “%(title)s”: %(excerpt)s") % {
                "author": comment.author_label,
                "title": item.title,
                "excerpt": excerpt,
            }
        notify(
            workspace=item.workspace,
            recipients=[user],
            kind="mention",
            message=message,
            url=url,
            dedupe_key=f"mention:{comment.pk}:{user.pk}",
        )
    others: list[tuple[User, str]] = [(item.owner, "comment")]
    if root is not None and root.author is not None:
        others.append((root.author, "reply"))
    for user, kind in others:
        if user.pk in told:
            continue
        told.add(user.pk)
        with _in_language(user, item):
            if kind == "reply":
                message = _("%(author)s replied to your comment on “%(title)s”: %(excerpt)s")
            else:
                message = _("%(author)s commented on “%(title)s”: %(excerpt)s")
            message = message % {"author": comment.author_label, "title": item.title, "excerpt": excerpt}
        notify(
            workspace=item.workspace,
            recipients=[user],
            kind=kind,
            message=message,
            url=url,
            dedupe_key=f"{kind}:{comment.pk}:{user.pk}",
        )


def _create(
    *,
    actor: User | None,
    item: ContentItem,
    body: Any,
    parent: Comment | None,
    attachments: Iterable[UploadedFile],
    author_label: str,
    client_link: ClientReviewLink | None = None,
    for_client: bool = False,
    by_client: bool = False,
) -> Comment:
    text = clean_body(body)
    root = _thread_root(item, parent)
    if by_client and root is not None and root.is_internal:
        # A client cannot see internal threads: for them the comment replied to does not exist.
        raise ValidationError({"parent": _("Reply to a comment on this content.")})
    is_internal = root.is_internal if root is not None else not (for_client or by_client)
    checked = _check_attachments(attachments)
    mentioned = resolve_mentions(item, text)
    mentioned_clients = Membership.objects.filter(
        workspace_id=item.workspace_id, role=Role.CLIENT, user__in=[user.pk for user in mentioned]
    ).select_related("user")
    if is_internal and mentioned_clients:
        raise ValidationError(
            {
                "body": _(
                    "%(name)s is a client and sees only comments meant for clients. Make the comment visible "
                    "to clients, or remove the mention."
                )
                % {"name": mentioned_clients[0].user.display_name}
            }
        )
    stored: list[str] = []
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                item=item,
                workspace_id=item.workspace_id,
                parent=root,
                author=actor,
                client_link=client_link,
                author_label=author_label[:200],
                body=text,
                is_internal=is_internal,
            )
            comment.mentions.set(mentioned)
            _store_attachments(comment, checked, stored)
            audit_record(
                actor=actor,
                workspace=item.workspace,
                action="content.comment",
                obj=comment,
                after={
                    "item": item.pk,
                    "parent": root.pk if root else None,
                    "author": author_label[:200],
                    "is_internal": is_internal,
                    "mentions": [user.email for user in mentioned],
                    "attachments": [entry.name for entry in checked],
                },
            )
            _notify_about(comment, item, root, mentioned, actor)
    except BaseException:
        _remove_files(stored)
        raise
    return comment


def comment_add(
    *,
    actor: User,
    item: ContentItem,
    body: str,
    parent: Comment | None = None,
    attachments: Iterable[UploadedFile] = (),
    for_client: bool = False,
) -> Comment:
    """A comment on ``item`` (a reply when ``parent`` is given), with its mentions notified. A new
    thread is internal unless ``for_client``; a client's own comments are always for clients."""
    membership = membership_of(actor, item.workspace)
    require(actor, membership, Action.CONTENT_COMMENT, item)
    is_client = membership is not None and membership.role == Role.CLIENT
    return _create(
        actor=actor,
        item=item,
        body=body,
        parent=parent,
        attachments=attachments,
        author_label=actor.display_name,
        for_client=for_client,
        by_client=is_client,
    )


def comment_add_from_link(*, link: ClientReviewLink, body: str, parent: Comment | None = None) -> Comment:
    """A comment by the outside reviewer of a client review link (no account). The caller has checked
    the link's signature; a withdrawn or expired link is refused here as well."""
    if link.revoked_at is not None:
        raise PermissionDenied(_("This review link was withdrawn; ask the team for a new one."))
    if link.expires_at <= timezone.now():
        raise PermissionDenied(_("This review link has expired; ask the team for a new one."))
    item = ContentItem.objects.select_related("workspace", "owner").get(pk=link.item_id)
    return _create(
        actor=None,
        item=item,
        body=body,
        parent=parent,
        attachments=(),
        author_label=link.reviewer_name,
        client_link=link,
        by_client=True,
    )


def comment_resolve(*, actor: User, comment: Comment, resolved: bool) -> Comment:
    """Mark a thread resolved, or open it again. Only a thread's first comment carries the state."""
    item = comment.item
    require(actor, membership_of(actor, item.workspace), Action.CONTENT_COMMENT, item)
    if comment.parent_id is not None:
        raise ValidationError(_("Resolve the thread from its first comment, not from a reply."))
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.is_resolved == resolved:
            return locked
        before = {"is_resolved": locked.is_resolved, "resolved_by": locked.resolved_by_id}
        locked.is_resolved = resolved
        locked.resolved_by = actor if resolved else None
        locked.save(update_fields=["is_resolved", "resolved_by"])
        audit_record(
            actor=actor,
            workspace=item.workspace,
            action="content.comment_resolve" if resolved else "content.comment_reopen",
            obj=locked,
            before=before,
            after={"is_resolved": locked.is_resolved, "resolved_by": locked.resolved_by_id},
        )
    comment.is_resolved, comment.resolved_by = locked.is_resolved, locked.resolved_by
    return locked


# Versions ---------------------------------------------------------------------------------------


def _restorable_variants(item: ContentItem, variants: Any) -> list[dict[str, Any]]:
    """The snapshot's variants, minus media and channel accounts deleted since (they cannot come back)."""
    from alur.content.models import MediaAsset
    from alur.content.selectors.items import channel_account_names

    raw = [dict(v) for v in variants or [] if isinstance(v, dict)]
    media_ids = {m for v in raw for m in v.get("media_ids") or []}
    existing_media = set(MediaAsset.objects.filter(workspace_id=item.workspace_id, pk__in=media_ids).values_list("pk", flat=True))
    account_ids = {int(v["account_id"]) for v in raw if isinstance(v.get("account_id"), int)}
    existing_accounts = set(channel_account_names(item.workspace_id, account_ids))
    for variant in raw:
        variant["media_ids"] = [m for m in variant.get("media_ids") or [] if m in existing_media]
        if variant.get("account_id") not in existing_accounts:
            variant["account_id"] = None
    return raw


def version_restore(*, actor: User, item: ContentItem, number: int) -> ContentItem:
    """Make the item's title, type and variants those of version ``number`` again. The restore is a new
    version (history is never rewritten); approved or scheduled content goes back to review as with any
    edit."""
    from alur.content.services.items import content_update

    require(actor, membership_of(actor, item.workspace), Action.CONTENT_EDIT, item)
    version = ContentVersion.objects.filter(item=item, number=number).first()
    if version is None:
        raise ValidationError({"number": _("There is no version %(number)s of this content.") % {"number": number}})
    data = version.data if isinstance(version.data, dict) else {}
    with transaction.atomic():
        before_version = ContentItem.objects.select_for_update().values_list("version", flat=True).get(pk=item.pk)
        updated = content_update(
            actor=actor,
            item=item,
            title=data.get("title"),
            kind=data.get("kind"),
            variants=_restorable_variants(item, data.get("variants")),
            note=_("Restored version %(number)s") % {"number": number},
        )
        if updated.version == before_version:
            raise ValidationError(
                _("The content already matches version %(number)s; there is nothing to restore.") % {"number": number}
            )
        audit_record(
            actor=actor,
            workspace=item.workspace,
            action="content.restore",
            obj=updated,
            before={"version": before_version},
            after={"restored": number, "version": updated.version},
        )
    return updated
