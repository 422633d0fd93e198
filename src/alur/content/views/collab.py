"""Pages of collaboration: the comments beside an item (an htmx partial the item page loads into
``#comments``), attachment downloads, the version history with its diff and restore, and a person's
notifications (across their workspaces) with the bell's count.

Comment forms post with htmx and get the refreshed partial back; without JavaScript they post normally
and land on the item page again with a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from alur.content.diffing import SnapshotDiff
from alur.content.models import CommentAttachment, ContentItem, MediaAsset
from alur.content.platforms import ContentKind, Platform
from alur.content.selectors import collab as selectors
from alur.content.selectors.items import channel_account_names, item_visible
from alur.content.services import collab as services
from alur.core.notifications import mark_read
from alur.core.policy import Action
from alur.core.roles import Role
from alur.core.tenancy import WorkspaceRequest, can, request_user, workspace_view

# Served attachments may never run anything, whatever they contain.
FILE_POLICY = "default-src 'none'; img-src 'self'; sandbox"
SHOW_CHOICES = ("open", "all")


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# Comments ---------------------------------------------------------------------------------------


def _show(request: HttpRequest) -> str:
    value = request.POST.get("show") or request.GET.get("show") or "open"
    return value if value in SHOW_CHOICES else "open"


def _comments_response(
    request: WorkspaceRequest,
    item: ContentItem,
    *,
    error: str = "",
    error_for: int | None = None,
    body: str = "",
) -> HttpResponse:
    show = _show(request)
    can_comment = can(request, Action.CONTENT_COMMENT, item)
    context: dict[str, Any] = {
        "item": item,
        "threads": selectors.comment_threads(item, show="open" if show == "open" else "all", membership=request.membership),
        "counts": selectors.thread_counts(item, membership=request.membership),
        "show": show,
        "can_comment": can_comment,
        "is_client": request.membership.role == Role.CLIENT,
        "mention_members": services.mentionable(item) if can_comment else [],
        "error": error,
        "error_for": error_for,
        "body": body,
        "max_body": services.MAX_BODY,
        "attachment_label": services.ATTACHMENT_LABEL,
        "attachment_limit": services.attachment_limit(),
        "max_attachments": services.MAX_ATTACHMENTS,
    }
    return render(request, "content/_comments.html", context)


@require_GET
@workspace_view(Action.CONTENT_VIEW)
def comments(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = item_visible(request.membership, item_id)
    return _comments_response(request, item)


def _after_post(
    request: WorkspaceRequest, item: ContentItem, success: str, error: ValidationError | None, **kwargs: Any
) -> HttpResponse:
    if _is_htmx(request):
        message = " ".join(error.messages) if error is not None else ""
        return _comments_response(request, item, error=message, **kwargs)
    if error is not None:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(reverse("content:item_detail", args=[request.workspace.slug, item.pk]) + "#comments")


def _post_comment(request: WorkspaceRequest, item: ContentItem, parent_id: int | None) -> HttpResponse:
    parent = selectors.comment_of(item, parent_id, membership=request.membership) if parent_id is not None else None
    body = request.POST.get("body", "")
    try:
        services.comment_add(
            actor=request_user(request),
            item=item,
            body=body,
            parent=parent,
            attachments=request.FILES.getlist("attachments"),
            for_client=request.POST.get("for_client", "") in ("1", "on", "true"),
        )
    except ValidationError as error:
        return _after_post(request, item, "", error, error_for=parent_id, body=body)
    return _after_post(request, item, _("Comment added."), None)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def comment_add(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = item_visible(request.membership, item_id)
    return _post_comment(request, item, None)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def comment_reply(request: WorkspaceRequest, item_id: int, comment_id: int) -> HttpResponse:
    item = item_visible(request.membership, item_id)
    return _post_comment(request, item, comment_id)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def comment_resolve(request: WorkspaceRequest, item_id: int, comment_id: int) -> HttpResponse:
    item = item_visible(request.membership, item_id)
    comment = selectors.comment_of(item, comment_id, membership=request.membership)
    resolved = request.POST.get("resolved", "1") not in ("0", "false", "")
    try:
        services.comment_resolve(actor=request_user(request), comment=comment, resolved=resolved)
    except ValidationError as error:
        return _after_post(request, item, "", error, error_for=comment_id)
    return _after_post(request, item, _("Thread resolved.") if resolved else _("Thread reopened."), None)


def attachment_download_name(attachment: CommentAttachment) -> str:
    """The uploader's file name, with the extension of the type found in its bytes when it had another."""
    extension = attachment.file.name.rsplit(".", 1)[-1].lower() if attachment.file.name else ""
    name = attachment.original_name or "attachment"
    aliases = {"jpg": ("jpg", "jpeg")}.get(extension, (extension,))
    if extension and name.rsplit(".", 1)[-1].lower() not in aliases:
        name = f"{name.rsplit('.', 1)[0] if '.' in name else name}.{extension}"
    return name


@require_GET
@workspace_view(Action.CONTENT_VIEW)
def comment_attachment(request: WorkspaceRequest, item_id: int, attachment_id: int) -> HttpResponse:
    """An attachment, for members who may see its item (404 for anyone else). The content type is the
    one found from the bytes at upload; PDFs download, images show in the browser."""
    item = item_visible(request.membership, item_id)
    attachment = selectors.attachment_of(item, attachment_id, membership=request.membership)
    try:
        handle = attachment.file.storage.open(attachment.file.name or "", "rb")
    except (FileNotFoundError, OSError):
        raise Http404("No such file.") from None
    response = FileResponse(
        handle,
        content_type=attachment.mime_type,
        as_attachment=not attachment.mime_type.startswith("image/"),
        filename=attachment_download_name(attachment),
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = FILE_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]


# Versions ---------------------------------------------------------------------------------------

ITEM_FIELD_LABELS = {"title": gettext_lazy("Working title"), "kind": gettext_lazy("Content type")}
VARIANT_FIELD_LABELS = {
    "account_id": gettext_lazy("Account"),
    "title": gettext_lazy("Title or subject"),
    "text": gettext_lazy("Text"),
    "link": gettext_lazy("Link"),
    "hashtags": gettext_lazy("Hashtags"),
    "media_ids": gettext_lazy("Media"),
}


def _number(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _diff_names(item: ContentItem, diff: SnapshotDiff) -> dict[str, dict[Any, str]]:
    """Names for the ids a diff shows: media titles, channel account names, platform and type labels."""
    media_ids: set[Any] = set()
    account_ids: set[Any] = set()
    for variant in diff.variants:
        if variant.account_id:
            account_ids.add(variant.account_id)
        for change in variant.changes:
            if change.field == "media_ids":
                media_ids.update(change.added + change.removed)
            if change.field == "account_id":
                account_ids.update(v for v in (change.before, change.after) if v)
    media = {asset.pk: str(asset) for asset in MediaAsset.objects.filter(workspace_id=item.workspace_id, pk__in=media_ids)}
    accounts = channel_account_names(item.workspace_id, account_ids)
    return {
        "media": media,
        "accounts": accounts,
        "platforms": {value: str(label) for value, label in Platform.choices},
        "kinds": {value: str(label) for value, label in ContentKind.choices},
    }


@require_GET
@workspace_view(Action.CONTENT_VIEW)
def versions(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = item_visible(request.membership, item_id)
    history = list(selectors.versions_of(item))
    numbers = {version.number for version in history}
    default = selectors.default_pair(item)
    a, b = _number(request.GET.get("a")), _number(request.GET.get("b"))
    if default is not None:
        a = a if a in numbers else default[0]
        b = b if b in numbers else default[1]
    diff = selectors.version_diff(item, a, b) if a is not None and b is not None else None
    context = {
        "item": item,
        "versions": history,
        "latest": history[0].number if history else None,
        "a": a,
        "b": b,
        "diff": diff,
        "names": _diff_names(item, diff) if diff is not None else {},
        "item_labels": ITEM_FIELD_LABELS,
        "variant_labels": VARIANT_FIELD_LABELS,
        "can_edit": can(request, Action.CONTENT_EDIT, item),
    }
    boosted = bool(getattr(getattr(request, "htmx", None), "boosted", False))
    template = "content/versions_diff.html" if _is_htmx(request) and not boosted else "content/versions.html"
    return render(request, template, context)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def version_restore(request: WorkspaceRequest, item_id: int, number: int) -> HttpResponse:
    item = item_visible(request.membership, item_id)
    selectors.version_of(item, number)
    try:
        updated = services.version_restore(actor=request_user(request), item=item, number=number)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(reverse("content:versions", args=[request.workspace.slug, item.pk]) + f"?a={number}")
    messages.success(
        request,
        _("Version %(number)s is back as version %(new)s. The history keeps every earlier version.")
        % {"number": number, "new": updated.version},
    )
    return redirect("content:item_detail", slug=request.workspace.slug, item_id=item.pk)


# Notifications ----------------------------------------------------------------------------------


def _notifications_response(request: HttpRequest) -> HttpResponse:
    notices = selectors.notifications_of(request_user(request))
    context = {"notices": notices, "has_unread": any(getattr(n, "is_unread", False) for n in notices)}
    if _is_htmx(request):
        return render(request, "content/_notifications_list.html", {**context, "oob_bell": True})
    return render(request, "content/notifications.html", context)


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    return _notifications_response(request)


@require_POST
@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one notice read (``id``) or all of them (no ``id``)."""
    raw = request.POST.get("id", "")
    mark_read(request_user(request), [int(raw)] if raw.isdigit() else None)
    if _is_htmx(request):
        return _notifications_response(request)
    return redirect("content:notifications")


@require_GET
@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark the notice read and go to the page it is about."""
    notice = selectors.notification_of(request_user(request), notification_id)
    mark_read(request_user(request), [notice.pk])
    target = notice.url
    if target and target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("content:notifications")


P = "w/<slug:slug>/content/<int:item_id>/"
urlpatterns: list[URLPattern] = [
    path(P + "comments/", comments, name="comments"),
    path(P + "comments/add/", comment_add, name="comment_add"),
    path(P + "comments/<int:comment_id>/reply/", comment_reply, name="comment_reply"),
    path(P + "comments/<int:comment_id>/resolve/", comment_resolve, name="comment_resolve"),
    path(P + "comments/attachments/<int:attachment_id>/", comment_attachment, name="comment_attachment"),
    path(P + "versions/", versions, name="versions"),
    path(P + "versions/<int:number>/restore/", version_restore, name="version_restore"),
    path("notifications/", notifications, name="notifications"),
    path("notifications/read/", notifications_read, name="notifications_read"),
    path("notifications/<int:notification_id>/open/", notification_open, name="notification_open"),
]
