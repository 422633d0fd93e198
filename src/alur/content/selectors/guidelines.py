"""Reads of the posting guidelines and brand rules, the checks of an item's variants, and each
violation said in plain language (what is wrong, where, and what to do)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alur.accounts.models import Workspace
from alur.content import checks
from alur.content.models import ContentItem, ContentSettings, MediaAsset
from alur.content.platforms import ContentKind
from alur.content.rules import PLATFORM_RULES


def content_settings(workspace: Workspace) -> ContentSettings:
    """The workspace's guidelines row, created with the defaults the first time it is asked for."""
    row, _created = ContentSettings.objects.get_or_create(workspace=workspace)
    return row


def guidelines_of(row: ContentSettings | None) -> checks.Guidelines:
    if row is None:
        return checks.Guidelines()
    return checks.Guidelines(
        banned_words=tuple(str(word) for word in row.banned_words or ()),
        required_hashtags=tuple(str(tag) for tag in row.required_hashtags or ()),
        required_disclaimer=row.required_disclaimer or "",
        disclaimer_kinds=tuple(str(kind) for kind in row.disclaimer_kinds or ()),
        allowed_link_domains=tuple(str(domain) for domain in row.allowed_link_domains or ()),
        require_https=row.require_https,
    )


def guidelines_for(workspace: Workspace) -> checks.Guidelines:
    """The brand rules the checks apply (the defaults when the workspace never set any; nothing is written)."""
    return guidelines_of(ContentSettings.objects.filter(workspace=workspace).first())


def media_info(asset: MediaAsset) -> checks.MediaInfo:
    return checks.MediaInfo(
        kind=asset.kind,
        mime_type=asset.mime_type,
        size_bytes=asset.size_bytes or 0,
        width=asset.width,
        height=asset.height,
        duration_seconds=asset.duration_seconds,
    )


def variant_input(
    *,
    platform: str,
    kind: str,
    text: str = "",
    title: str = "",
    link: str = "",
    hashtags: Iterable[str] = (),
    media: Iterable[MediaAsset] = (),
    account_config: Mapping[str, Any] | None = None,
) -> checks.VariantInput:
    """The variant as the checks see it; ``account_config`` is the settings of its channel account, whose
    limits learned from the platform (``max_characters``, ``max_media_attachments``) replace the defaults."""
    config = account_config or {}
    return checks.VariantInput(
        platform=platform,
        kind=kind,
        text=text or "",
        title=title or "",
        link=link or "",
        hashtags=tuple(str(tag) for tag in hashtags),
        media=tuple(media_info(asset) for asset in media),
        max_text=_positive(config.get("max_characters")),
        max_media=_positive(config.get("max_media_attachments")),
    )


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def variant_checks(item: ContentItem) -> dict[int, tuple[checks.VariantInput, list[checks.Violation]]]:
    """Each stored variant of the item as the checks see it, with its violations, by variant id."""
    guidelines = guidelines_for(item.workspace)
    result: dict[int, tuple[checks.VariantInput, list[checks.Violation]]] = {}
    for variant in item.variants.select_related("account").prefetch_related("media"):
        data = variant_input(
            platform=variant.platform,
            kind=item.kind,
            text=variant.text,
            title=variant.title,
            link=variant.link,
            hashtags=variant.hashtags or (),
            media=variant.media.all(),
            account_config=getattr(variant.account, "config", None),
        )
        result[variant.pk] = (data, checks.check_variant(data, guidelines))
    return result


def check_item(item: ContentItem) -> dict[int, list[checks.Violation]]:
    """The violations of each of the item's variants, by variant id (an empty list when it passes)."""
    return {pk: violations for pk, (_data, violations) in variant_checks(item).items()}


# Saying it in plain language ---------------------------------------------------------------------


def platform_label(platform: str) -> str:
    rules = PLATFORM_RULES.get(platform)
    return rules.label if rules else platform


def _kind_label(kind: str) -> str:
    try:
        return str(ContentKind(kind).label)
    except ValueError:
        return kind


def duration_label(seconds: float) -> str:
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def _unit(method: str, count: int) -> str:
    if method == "utf8_bytes":
        return ngettext("byte", "bytes", count)
    return ngettext("character", "characters", count)


def _numbers(params: dict[str, Any]) -> dict[str, Any]:
    """Counts written the way the reader's language writes numbers (2,200 or 2.200)."""
    return {
        key: intcomma(value) if isinstance(value, int) and not isinstance(value, bool) else value for key, value in params.items()
    }


def violation_message(v: checks.Violation) -> str:
    """One sentence a marketer understands: what is wrong and what to do about it."""
    raw = v.params
    p = _numbers(raw)
    platform = platform_label(str(p.get("platform", "")))
    warning = v.severity == "warning"
    if v.code == "text_too_long":
        values = {
            "platform": platform,
            "limit": p["limit"],
            "count": p["count"],
            "over": p["over"],
            "unit": _unit(raw.get("unit", ""), raw["limit"]),
        }
        if warning:
            message = (
                _("%(platform)s recommends at most %(limit)s %(unit)s; this text has %(count)s. Consider cutting %(over)s.")
                % values
            )
        else:
            message = (
                _("%(platform)s allows at most %(limit)s %(unit)s; this text has %(count)s. Shorten it by %(over)s.") % values
            )
        if raw.get("unit") == "x_weighted":
            message += " " + _("(X counts every link as 23 and an emoji as 2.)")
        return message
    if v.code == "text_empty":
        return _("Write the text for %(platform)s; it is empty.") % {"platform": platform}
    if v.code == "title_too_long":
        values = {
            "platform": platform,
            "limit": p["limit"],
            "count": p["count"],
            "over": p["over"],
            "unit": _unit(raw.get("unit", ""), raw["limit"]),
        }
        if warning:
            return (
                _("Keep the %(platform)s title within %(limit)s %(unit)s so it is not cut off; this one has %(count)s.") % values
            )
        return (
            _("%(platform)s allows a title of at most %(limit)s %(unit)s; this one has %(count)s. Shorten it by %(over)s.")
            % values
        )
    if v.code == "title_missing":
        return _("Give this %(platform)s version a title or subject.") % {"platform": platform}
    if v.code == "hashtags_too_many":
        values = {"platform": platform, "limit": p["limit"], "count": p["count"], "over": p["over"]}
        if warning:
            return (
                _("%(platform)s recommends at most %(limit)s hashtags; this has %(count)s. Consider removing %(over)s.") % values
            )
        return _("%(platform)s allows at most %(limit)s hashtags; this has %(count)s. Remove %(over)s.") % values
    if v.code == "hashtag_missing":
        return _("Add the required hashtag %(tag)s.") % {"tag": p["tag"]}
    if v.code == "media_too_many":
        values = {"platform": platform, "limit": p["limit"], "count": p["count"], "over": p["over"]}
        return (
            _("%(platform)s allows at most %(limit)s photos or videos in one post; this has %(count)s. Remove %(over)s.") % values
        )
    if v.code == "videos_too_many":
        values = {"platform": platform, "limit": p["limit"], "count": p["count"], "over": p["over"]}
        return _("%(platform)s allows at most %(limit)s video per post; this has %(count)s. Remove %(over)s.") % values
    if v.code == "media_mixed":
        return _("%(platform)s does not mix photos and videos in one post; keep either the photos or the video.") % {
            "platform": platform
        }
    if v.code == "media_missing":
        return _("%(platform)s posts need a photo or video; add one before publishing.") % {"platform": platform}
    if v.code == "media_type":
        allowed = ", ".join(str(t).split("/")[-1].upper().replace("QUICKTIME", "MOV") for t in p.get("allowed", ()))
        kind = str(p["mime_type"]).split("/")[-1].upper() or _("this kind of")
        return _("%(platform)s does not take %(type)s files (file %(number)s); use %(allowed)s.") % {
            "platform": platform,
            "type": kind,
            "number": p["number"],
            "allowed": allowed,
        }
    if v.code == "video_too_long":
        values = {
            "platform": platform,
            "number": p["number"],
            "duration": duration_label(float(raw["count"])),
            "limit": duration_label(float(raw["limit"])),
        }
        if warning:
            return _("Video %(number)s lasts %(duration)s; some %(platform)s accounts may post only up to %(limit)s.") % values
        return _("Video %(number)s lasts %(duration)s; %(platform)s allows up to %(limit)s. Trim it.") % values
    if v.code == "file_too_large":
        values = {
            "platform": platform,
            "number": p["number"],
            "size": filesizeformat(raw["count"]),
            "limit": filesizeformat(raw["limit"]),
        }
        return (
            _("File %(number)s is %(size)s; %(platform)s takes files of this type up to %(limit)s. Use a smaller file.") % values
        )
    if v.code == "banned_word":
        if v.start is None:
            return _("“%(word)s” is a banned word (in the hashtags). Remove it.") % {"word": p["word"]}
        values = {"word": p.get("found") or p["word"], "position": v.start + 1}
        if v.field == "title":
            return _("“%(word)s” is a banned word (title, position %(position)s). Rephrase without it.") % values
        return _("“%(word)s” is a banned word (position %(position)s). Rephrase without it.") % values
    if v.code == "disclaimer_missing":
        return _("This %(kind)s needs the disclaimer “%(disclaimer)s”; add it to the text.") % {
            "kind": _kind_label(str(p["kind"])).lower(),
            "disclaimer": p["disclaimer"],
        }
    if v.code == "link_not_https":
        return _("The link %(url)s is not secure; change it to start with https://.") % {"url": p["url"]}
    if v.code == "link_domain":
        return _(
            "%(domain)s is not one of the workspace's allowed link domains; check the link, or ask a manager to allow the domain."
        ) % {"domain": p["domain"]}
    if v.code == "link_invalid":
        return _("“%(url)s” does not look like a web address; check the link.") % {"url": p["url"]}
    if v.code == "platform_unknown":
        return _("Choose the platform this version is for.")
    return v.code


def violation_where(v: checks.Violation) -> str:
    """Where the problem is, for people: "Text, position 34" (positions count from 1)."""
    labels = {
        "text": _("Text"),
        "title": _("Title"),
        "hashtags": _("Hashtags"),
        "media": _("Media"),
        "link": _("Link"),
    }
    label = labels.get(v.field, v.field)
    if v.start is None:
        return str(label)
    if v.end is not None and v.end - v.start > 1:
        return _("%(field)s, position %(start)s–%(end)s") % {"field": label, "start": v.start + 1, "end": v.end}
    return _("%(field)s, position %(start)s") % {"field": label, "start": v.start + 1}


__all__ = [
    "check_item",
    "content_settings",
    "duration_label",
    "guidelines_for",
    "guidelines_of",
    "media_info",
    "platform_label",
    "variant_input",
    "violation_message",
    "violation_where",
]
