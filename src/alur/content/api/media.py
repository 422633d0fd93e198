"""API endpoints of the media library: list and search, upload (multipart), read, change title and tags,
delete. Uploads are judged by their bytes exactly as in the UI; refusals are 422 with the reason."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from alur.accounts.api import ErrorOut, api_membership, require_write_scope
from alur.accounts.models import Membership, User
from alur.content.models import MediaAsset
from alur.content.selectors import media as selectors
from alur.content.services import media as services
from alur.core.policy import Action, require
from alur.core.validation import Id

router = Router(tags=["content"])


class MediaOut(Schema):
    id: int
    title: str
    original_name: str
    kind: str
    mime_type: str = Field(description="Found from the file's content, never from its name.")
    size_bytes: int
    width: int | None
    height: int | None
    duration_seconds: float | None
    tags: list[str]
    sha256: str
    url: str = Field(description="Alur's address of the file (members of the workspace only).")
    thumbnail_url: str = Field(description="Empty for videos.")
    uploaded_by: str | None
    created_at: dt.datetime


class UsageOut(Schema):
    id: int
    title: str
    status: str


class MediaDetailOut(MediaOut):
    used_by: list[UsageOut]


class MediaUploadOut(MediaOut):
    duplicate: bool = Field(description="True when these bytes were already in the library: nothing was added.")


class MediaPatch(Schema):
    title: str | None = Field(None, max_length=200)
    tags: list[str] | None = Field(None, description="Replaces the tags; at most 20.")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _fields(asset: MediaAsset) -> dict[str, Any]:
    return {
        "id": asset.pk,
        "title": asset.title,
        "original_name": asset.original_name,
        "kind": asset.kind,
        "mime_type": asset.mime_type,
        "size_bytes": asset.size_bytes,
        "width": asset.width,
        "height": asset.height,
        "duration_seconds": asset.duration_seconds,
        "tags": list(asset.tags),
        "sha256": asset.sha256,
        "url": selectors.media_file_url(asset),
        "thumbnail_url": selectors.media_thumbnail_url(asset),
        "uploaded_by": asset.uploaded_by.email if asset.uploaded_by else None,
        "created_at": asset.created_at,
    }


def _detail(asset: MediaAsset, membership: Membership) -> MediaDetailOut:
    used_by = [UsageOut(id=item.pk, title=item.title, status=item.status) for item in selectors.media_usage(asset, membership)]
    return MediaDetailOut(**_fields(asset), used_by=used_by)


def _asset(request: HttpRequest, slug: str, asset_id: Id, *, write: bool = False) -> tuple[Membership, MediaAsset]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CONTENT_VIEW)
    if write:
        require_write_scope(request)
    return membership, selectors.media_asset(membership, asset_id)


@router.get("/workspaces/{slug}/media", response={200: list[MediaOut], 403: ErrorOut, 404: ErrorOut})
def media_list(
    request: HttpRequest, slug: str, q: str = "", kind: Literal["", "image", "video"] = "", tag: str = ""
) -> list[MediaOut]:
    """The library, newest first: ``q`` searches titles and file names, ``tag`` matches one tag exactly."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CONTENT_VIEW)
    assets = selectors.media_search(membership.workspace, q=q, kind=kind, tag=tag, membership=membership)
    return [MediaOut(**_fields(asset)) for asset in assets]


@router.post(
    "/workspaces/{slug}/media",
    response={200: MediaUploadOut, 201: MediaUploadOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def media_upload(
    request: HttpRequest,
    slug: str,
    file: File[UploadedFile],
    title: Form[str] = "",
    tags: Form[str] = "",
) -> Status[MediaUploadOut]:
    """Upload one image (JPEG, PNG, GIF, WebP) or video (MP4, MOV, WebM) as multipart form data, with an
    optional ``title`` and comma-separated ``tags``. 201 when added; 200 with ``duplicate: true`` when
    the same bytes were already in the library."""
    membership = api_membership(request, slug)
    require_write_scope(request)
    asset = services.media_upload(actor=_user(request), workspace=membership.workspace, file=file, title=title, tags=tags)
    out = MediaUploadOut(**_fields(asset), duplicate=asset.is_duplicate)
    return Status(200 if asset.is_duplicate else 201, out)


@router.get("/workspaces/{slug}/media/{asset_id}", response={200: MediaDetailOut, 403: ErrorOut, 404: ErrorOut})
def media_detail(request: HttpRequest, slug: str, asset_id: Id) -> MediaDetailOut:
    """One asset, with the content items that use it."""
    membership, asset = _asset(request, slug, asset_id)
    return _detail(asset, membership)


@router.patch("/workspaces/{slug}/media/{asset_id}", response={200: MediaDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def media_update(request: HttpRequest, slug: str, asset_id: Id, payload: MediaPatch) -> MediaDetailOut:
    """Change the title and/or the tags; fields left out stay as they are."""
    membership, asset = _asset(request, slug, asset_id, write=True)
    if payload.title is None and payload.tags is None:
        raise ValidationError(_("Send a title, tags or both."))
    services.media_update(actor=_user(request), asset=asset, title=payload.title, tags=payload.tags)
    return _detail(asset, membership)


@router.delete("/workspaces/{slug}/media/{asset_id}", response={204: None, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def media_delete(request: HttpRequest, slug: str, asset_id: Id) -> Status[None]:
    """Delete an asset and its files; 422 while content items use it (the message names them)."""
    _membership, asset = _asset(request, slug, asset_id, write=True)
    services.media_delete(actor=_user(request), asset=asset)
    return Status(204, None)
