"""Pages of the media library: the grid with search, kind filter and tag chips (htmx), uploads of several
files at once (with a progress bar), an asset's page (details, where it is used, delete), the picker the
item editor embeds, and the guarded file address that serves MEDIA_URL to members only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alur.accounts.selectors import membership_of
from alur.content.models import MediaAsset
from alur.content.selectors import media as selectors
from alur.content.services import media as services
from alur.core.htmx import render_page
from alur.core.policy import Action, decide
from alur.core.tenancy import WorkspaceRequest, can, request_user, workspace_view

PAGE_SIZE = 48
PICKER_SIZE = 60
_FIELD_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")


def _filters(request: HttpRequest, prefix: str = "") -> dict[str, str]:
    kind = request.GET.get(f"{prefix}kind", "")
    return {
        "q": request.GET.get(f"{prefix}q", "").strip()[:100],
        "kind": kind if kind in (MediaAsset.Kind.IMAGE, MediaAsset.Kind.VIDEO) else "",
        "tag": request.GET.get(f"{prefix}tag", "").strip().lower()[:40],
    }


def _grid_context(request: WorkspaceRequest, filters: dict[str, str]) -> dict[str, Any]:
    assets = selectors.media_search(request.workspace, membership=request.membership, **filters)
    page = Paginator(assets, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page": page,
        "assets": page.object_list,
        "filters": filters,
        "is_filtered": any(filters.values()),
        "tags": selectors.media_tags(request.workspace, membership=request.membership)[:30],
        "library_url": reverse("content:media", kwargs={"slug": request.workspace.slug}),
    }


@require_GET
@workspace_view(Action.CONTENT_VIEW)
def media_library(request: WorkspaceRequest) -> HttpResponse:
    context = _grid_context(request, _filters(request))
    context.update(
        can_upload=can(request, Action.CONTENT_CREATE),
        kinds=_kinds(),
        max_image=settings.ALUR_MEDIA_MAX_IMAGE_BYTES,
        max_video=settings.ALUR_MEDIA_MAX_VIDEO_BYTES,
    )
    return render_page(request, "content/media.html", context, partial="content/_media_grid.html")


def _kinds() -> list[tuple[str, str]]:
    return [(MediaAsset.Kind.IMAGE.value, _("Images")), (MediaAsset.Kind.VIDEO.value, _("Videos"))]


@dataclass
class Outcome:
    name: str
    asset: MediaAsset | None
    status: str  # "uploaded", "duplicate" or "refused"
    message: str = ""


@require_POST
@workspace_view(Action.CONTENT_CREATE)
def media_upload(request: WorkspaceRequest) -> HttpResponse:
    """Upload one or more files; each is judged on its own, so one refused file does not stop the rest."""
    files = request.FILES.getlist("files")
    title = request.POST.get("title", "") if len(files) == 1 else ""
    tags = request.POST.get("tags", "")
    outcomes: list[Outcome] = []
    if not files:
        outcomes.append(Outcome("", None, "refused", _("Choose one or more images or videos to upload.")))
    for upload in files:
        name = services.clean_file_name(upload.name)
        try:
            asset = services.media_upload(
                actor=request_user(request), workspace=request.workspace, file=upload, title=title, tags=tags
            )
        except ValidationError as error:
            outcomes.append(Outcome(name, None, "refused", " ".join(error.messages)))
        else:
            status = "duplicate" if asset.is_duplicate else "uploaded"
            outcomes.append(Outcome(name, asset, status))
    if getattr(request, "htmx", False):
        context = _grid_context(request, {"q": "", "kind": "", "tag": ""})
        context["outcomes"] = outcomes
        return render(request, "content/_media_upload_results.html", context)
    for outcome in outcomes:
        if outcome.status == "refused":
            messages.error(request, outcome.message)
        elif outcome.status == "duplicate":
            messages.info(request, _("%(name)s is already in the library; nothing was added.") % {"name": outcome.name})
        else:
            messages.success(request, _("%(name)s uploaded.") % {"name": outcome.name})
    return redirect("content:media", slug=request.workspace.slug)


@workspace_view(Action.CONTENT_VIEW)
def media_detail(request: WorkspaceRequest, asset_id: int) -> HttpResponse:
    """An asset's page: preview, details, where it is used; POST changes the title and tags."""
    asset = selectors.media_asset(request.membership, asset_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.media_update(
                actor=request_user(request),
                asset=asset,
                title=request.POST.get("title", ""),
                tags=request.POST.get("tags", ""),
            )
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"general": error.messages}
        else:
            messages.success(request, _("Media details saved."))
            return redirect("content:media_detail", slug=request.workspace.slug, asset_id=asset.pk)
    return render(
        request,
        "content/media_detail.html",
        {
            "asset": asset,
            "usage": selectors.media_usage(asset, request.membership),
            "can_edit": can(request, Action.CONTENT_EDIT, asset),
            "errors": errors,
            "posted": request.POST if errors else None,
        },
        status=422 if errors else 200,
    )


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def media_delete(request: WorkspaceRequest, asset_id: int) -> HttpResponse:
    asset = selectors.media_asset(request.membership, asset_id)
    name = str(asset)
    try:
        services.media_delete(actor=request_user(request), asset=asset)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("content:media_detail", slug=request.workspace.slug, asset_id=asset.pk)
    messages.success(request, _("%(name)s deleted.") % {"name": name})
    return redirect("content:media", slug=request.workspace.slug)


@require_GET
@workspace_view(Action.CONTENT_VIEW)
def media_picker(request: WorkspaceRequest) -> HttpResponse:
    """A compact grid of checkboxes (named ``media``, or ``field`` when given) for the item editor.
    Ids passed as ``selected`` (or as the field itself, when the picker reloads itself) stay ticked and
    shown whatever the search, so a search never drops a choice."""
    field = request.GET.get("field", "media")
    field = field if _FIELD_NAME.fullmatch(field) else "media"
    raw = request.GET.getlist("selected") + request.GET.getlist(field)
    selected_ids = {int(value) for value in raw if value.isdigit()}
    filters = _filters(request, prefix="media_")
    visible = selectors.media_visible(request.membership)
    chosen = list(visible.filter(pk__in=selected_ids).order_by("-created_at", "-pk"))
    found = (
        selectors.media_search(request.workspace, membership=request.membership, **filters)
        .exclude(pk__in=selected_ids)
        .select_related(None)[:PICKER_SIZE]
    )
    return render(
        request,
        "content/_media_picker.html",
        {
            "assets": chosen + list(found),
            "selected": {asset.pk for asset in chosen},
            "field": field,
            "filters": filters,
            "kinds": _kinds(),
            "has_media": visible.exists(),
            "can_upload": can(request, Action.CONTENT_CREATE),
        },
    )


# Serving the files ------------------------------------------------------------------------------

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
FILE_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"


@require_GET
@login_required
def media_file(request: HttpRequest, name: str) -> HttpResponseBase:
    """A file under MEDIA_URL, for members of its asset's workspace who may see the asset (404 for
    anyone else, so a path reveals nothing). The content type is the one found from the bytes at
    upload, never guessed from the name. Filesystem: served here, with byte ranges for video
    seeking. Other storages (S3): the browser is sent on to the storage's (signed) URL."""
    asset = selectors.media_by_path(name)
    if asset is None:
        raise Http404("No such file.")
    user = request_user(request)
    if not decide(user, membership_of(user, asset.workspace), Action.CONTENT_VIEW, asset):
        raise Http404("No such file.")
    storage = asset.file.storage
    if not isinstance(storage, FileSystemStorage):
        response: HttpResponseBase = redirect(storage.url(name))
        response["Cache-Control"] = "private, no-store"
        return response
    is_thumbnail = name == asset.thumbnail.name
    content_type = _thumbnail_type(name) if is_thumbnail else asset.mime_type
    try:
        size = storage.size(name)
        handle = storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("No such file.") from None
    response = _ranged_response(request, handle, size, content_type, None if is_thumbnail else asset.original_name)
    response["Cache-Control"] = "private, max-age=86400"
    response["Content-Security-Policy"] = FILE_POLICY
    response["Accept-Ranges"] = "bytes"
    return response


def _thumbnail_type(name: str) -> str:
    return "image/webp" if name.endswith(".webp") else "image/jpeg"


def _ranged_response(
    request: HttpRequest, handle: IO[bytes], size: int, content_type: str, filename: str | None
) -> HttpResponseBase:
    """The whole file, or the one byte range asked for (``Range: bytes=start-end``) as 206."""
    match = _RANGE.fullmatch(request.headers.get("Range", "").strip())
    if match is None or match.groups() == ("", ""):
        return FileResponse(handle, content_type=content_type, filename=filename or "", as_attachment=False)
    first, last = match.groups()
    if first == "":
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        handle.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    handle.seek(start)
    response = StreamingHttpResponse(_read_range(handle, end - start + 1), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    return response


def _read_range(handle: IO[bytes], length: int, chunk_size: int = 256 * 1024) -> Iterator[bytes]:
    try:
        while length > 0:
            chunk = handle.read(min(chunk_size, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()


P = "w/<slug:slug>/content/media/"
urlpatterns: list[URLPattern] = [
    path(P, media_library, name="media"),
    path(P + "upload/", media_upload, name="media_upload"),
    path(P + "picker/", media_picker, name="media_picker"),
    path(P + "<int:asset_id>/", media_detail, name="media_detail"),
    path(P + "<int:asset_id>/delete/", media_delete, name="media_delete"),
    path(settings.MEDIA_URL.strip("/") + "/<path:name>", media_file, name="media_file"),
]
