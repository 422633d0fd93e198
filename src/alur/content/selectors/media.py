"""Reads of the media library: search, tags, where an asset is used, and the addresses of its files."""

from __future__ import annotations

from collections import Counter

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse

from alur.accounts.models import Membership, Workspace
from alur.content.models import ContentItem, MediaAsset
from alur.core.policy import scope


def media_visible(membership: Membership) -> QuerySet[MediaAsset]:
    """The team sees the whole library; a contractor what they uploaded and the media of their items;
    a client the media of items shared with clients."""
    return scope(MediaAsset.objects.all(), membership)


def media_asset(membership: Membership, asset_id: int) -> MediaAsset:
    """One asset the member may see; 404 otherwise (another workspace's asset does not exist here)."""
    asset = media_visible(membership).filter(pk=asset_id).select_related("workspace", "uploaded_by").first()
    if asset is None:
        raise Http404("No such media.")
    return asset


def media_search(
    workspace: Workspace, q: str = "", kind: str = "", tag: str = "", *, membership: Membership | None = None
) -> QuerySet[MediaAsset]:
    """Assets whose title or file name contains ``q``, of one ``kind`` (image, video) and carrying ``tag``
    exactly; narrowed to what ``membership`` may see when given. Newest first."""
    assets = media_visible(membership) if membership is not None else MediaAsset.objects.filter(workspace=workspace)
    assets = assets.filter(workspace=workspace)
    # PostgreSQL cannot compare text holding NUL characters: they can match nothing, so drop them.
    q = q.replace("\x00", "").strip()
    if q:
        assets = assets.filter(Q(title__icontains=q) | Q(original_name__icontains=q))
    if kind in MediaAsset.Kind.values:
        assets = assets.filter(kind=kind)
    tag = tag.replace("\x00", "").strip().lower()
    if tag:
        if connection.features.supports_json_field_contains:
            assets = assets.filter(tags__contains=[tag])
        else:  # SQLite: JSON containment is not available; libraries are small enough to filter here
            assets = assets.filter(pk__in=[pk for pk, tags in assets.values_list("pk", "tags") if tag in (tags or [])])
    return assets.select_related("uploaded_by").order_by("-created_at", "-pk")


def media_tags(workspace: Workspace, *, membership: Membership | None = None) -> list[tuple[str, int]]:
    """Every tag in the library with how many assets carry it, most used first."""
    assets = media_visible(membership) if membership is not None else MediaAsset.objects.filter(workspace=workspace)
    counts: Counter[str] = Counter()
    for tags in assets.filter(workspace=workspace).values_list("tags", flat=True):
        counts.update(tags or [])
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def media_usage(asset: MediaAsset, membership: Membership | None = None) -> QuerySet[ContentItem]:
    """The content items with a variant that uses ``asset``; those ``membership`` may see when given."""
    items = ContentItem.objects.filter(workspace_id=asset.workspace_id, variants__media=asset).distinct()
    if membership is not None:
        items = scope(items, membership)
    return items.order_by("title", "pk")


def media_duplicate(workspace: Workspace, sha256: str) -> MediaAsset | None:
    """The asset of ``workspace`` with exactly these bytes, if there is one."""
    return MediaAsset.objects.filter(workspace=workspace, sha256=sha256).order_by("pk").first()


def media_by_path(name: str) -> MediaAsset | None:
    """The asset whose file or thumbnail is stored under ``name`` (a storage path, e.g. media/2026/05/….jpg)."""
    if not name:
        return None
    return MediaAsset.objects.filter(Q(file=name) | Q(thumbnail=name)).select_related("workspace").first()


def media_file_url(asset: MediaAsset) -> str:
    """Alur's own address of the file: it checks membership, then serves the file or sends the browser
    on to the storage's (signed) URL."""
    return reverse("content:media_file", kwargs={"name": asset.file.name})


def media_thumbnail_url(asset: MediaAsset) -> str:
    """The thumbnail's address; empty for videos and images without one."""
    return reverse("content:media_file", kwargs={"name": asset.thumbnail.name}) if asset.thumbnail else ""
