"""Template helpers for media assets: ``{% load alur_media %}`` then ``{{ asset|media_src }}``,
``{{ asset|media_thumb }}`` and ``{{ asset.duration_seconds|duration }}``. Other pages of the content
studio (the item editor, the client review) use them to show attached media."""

from __future__ import annotations

from django import template

from alur.content.models import MediaAsset
from alur.content.selectors.media import media_file_url, media_thumbnail_url

register = template.Library()


@register.filter
def media_src(asset: MediaAsset) -> str:
    """Alur's address of the asset's file (members of its workspace only)."""
    return media_file_url(asset) if asset and asset.file else ""


@register.filter
def media_thumb(asset: MediaAsset) -> str:
    """The thumbnail's address; empty when there is none (videos show an icon instead)."""
    return media_thumbnail_url(asset) if asset else ""


@register.filter
def duration(seconds: float | None) -> str:
    """``75.4`` → ``1:15``; ``3725`` → ``1:02:05``; nothing for an unknown length."""
    if seconds is None or seconds < 0:
        return ""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
