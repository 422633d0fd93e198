"""What each platform allows, as data: the one place a maintainer updates when a platform changes a rule.

Framework-free. :data:`PLATFORM_RULES` is keyed by the values of :class:`alur.content.platforms.Platform`;
:mod:`alur.content.checks` reads it, the guidelines page shows it, the API serves it. Every limit names
its ``source``: the page that documents it and, at the last review, either "(checked 2026-11)" when the
page was read then, or "(best-known public value; the page was not re-read ...)" when it could not be.
Where the value was read on someone else's page (a scheduling tool's documentation, a news report of the
platform's announcement), the source says so ("as documented by ...", "as reported by ...") and names the
platform's own page where there is one. Re-check the not-re-read ones first at the next review.

How a limit reads: ``Limit(maximum=280, ...)`` means 280 passes and 281 breaks it. A limit with
``kinds`` applies only to those content kinds (``ContentKind`` values, e.g. ``"short_video"``), and where
any such kind-specific limit matches an item, the generic limits of that field step aside for it (a
YouTube Short follows the Shorts limit, not the long-video one). A ``severity`` of ``"warning"`` is
advice that does not block submission; ``"error"`` blocks it.

Sizes are in bytes (a platform's "MB" read as 1,048,576 bytes), durations in seconds.

How text is counted (``counting``):

- ``"x_weighted"``: X's weighted length (URLs 23, emoji 2, CJK 2; :func:`alur.content.counting.x_weighted_length`);
- ``"code_points"``: Unicode code points, what a person sees as characters;
- ``"utf16"``: UTF-16 code units (an emoji outside the basic plane counts 2), as TikTok's API counts;
- ``"threads"``: code points, except that each emoji counts as many as its UTF-8 bytes (Threads' rule);
- ``"utf8_bytes"``: UTF-8 bytes, as YouTube's API measures a description.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from .platform_facts import SUNSET_WARNING_DAYS, VERSIONS_IN_USE, ApiVersion  # noqa: F401  (API versions, as data)

Severity = Literal["error", "warning"]
Counting = Literal["x_weighted", "code_points", "utf16", "threads", "utf8_bytes"]

RULES_REVIEWED = dt.date(2026, 11, 23)
"""When a person last went through every value and source below."""

MB = 1024 * 1024
GB = 1024 * MB


@dataclass(frozen=True)
class Limit:
    maximum: int
    source: str
    severity: Severity = "error"
    kinds: frozenset[str] = frozenset()
    note: str = ""
    # A text limit that applies only when the variant carries media (Telegram's caption).
    with_media: bool = False


@dataclass(frozen=True)
class Requirement:
    """A yes/no rule (e.g. "a post needs a photo or video"), with where it is documented."""

    source: str
    severity: Severity = "error"


@dataclass(frozen=True)
class MediaTypes:
    mime_types: frozenset[str]
    source: str


@dataclass(frozen=True)
class CountingRule:
    method: Counting
    source: str


@dataclass(frozen=True)
class PlatformRules:
    label: str
    counting: CountingRule
    text: tuple[Limit, ...] = ()
    text_required: Requirement | None = None
    title: tuple[Limit, ...] = ()
    title_counting: Counting = "code_points"
    title_required: Requirement | None = None
    uses_hashtags: bool = True
    hashtags: tuple[Limit, ...] = ()
    media: tuple[Limit, ...] = ()
    videos: tuple[Limit, ...] = ()
    no_mixed_media: Requirement | None = None
    media_required: Requirement | None = None
    media_types: MediaTypes | None = None
    video_seconds: tuple[Limit, ...] = ()
    # Keyed by a MIME type ("image/gif") or a media kind ("image", "video"); the MIME type wins.
    file_bytes: Mapping[str, tuple[Limit, ...]] = field(default_factory=lambda: MappingProxyType({}))


# Sources, named once ------------------------------------------------------------------------------

_CHECKED = "(checked 2026-11)"
_NOT_RECHECKED = "(best-known public value; the page was not re-read in 2026-11)"


def _source(url: str, says: str = "", *, prefix: str = "", seen: bool = True) -> str:
    """``<prefix> <url> (checked 2026-11): <what the page says>``. ``seen=False`` says honestly that the value
    is the best-known one and the page itself was not re-read at the last review."""
    text = f"{prefix} {url} {_CHECKED if seen else _NOT_RECHECKED}".strip()
    return f"{text}: {says}" if says else text


_MARKETINGSKILLS = "https://github.com/coreyhaines31/marketingskills/blob/main/skills/social/references/platform-limits.md"
_AYRSHARE = "https://www.ayrshare.com/docs/media-guidelines"

_X_COUNTING = _source(
    "https://docs.x.com/fundamentals/counting-characters",
    "twitter-text configuration v3 (github.com/twitter/twitter-text, config/v3.json), as alur.content.counting implements it",
    seen=False,
)
_X_MEDIA = _source(
    "https://docs.x.com/x-api/media/quickstart/best-practices",
    "up to 4 photos, 1 animated GIF or 1 video in a post; images JPG, PNG, GIF, WEBP up to 5 MB, animated GIFs up to 15 MB",
)
_X_VIDEOS = _source(
    "https://xroadstudio.com/platform-specs/x",
    "MP4 and MOV, up to 2 min 20 s and 512 MB for accounts without X Premium (X's help centre: https://help.x.com/en/using-x/x-videos)",
    prefix="as documented by",
)
_X_HASHTAGS = _source(
    "https://help.x.com/en/using-x/how-to-use-hashtags", "X recommends no more than 2 hashtags per post", seen=False
)

_IG_MEDIA = _source(
    f"{_AYRSHARE}/instagram",
    "images up to 8 MB, reels up to 300 MB (Meta's reference: "
    "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media)",
    prefix="as documented by",
)
_IG_CAPTION = _source(
    "https://www.ayrshare.com/docs/apis/post/social-networks/instagram",
    "a caption takes up to 2,200 characters",
    prefix="as documented by",
)
_IG_STORY = _source(
    "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media",
    "a story video lasts at most 60 seconds",
    seen=False,
)
_IG_PUBLISHING = _source(
    "https://developers.facebook.com/docs/instagram-platform/content-publishing/",
    "every post is an image, a video (reel) or a carousel",
)
_IG_HASHTAGS = _source(
    "https://www.socialmediatoday.com/news/instagrams-implementing-new-limits-on-hashtag-use/808309/",
    prefix="Instagram's @creators announcement of 2025-12-18 (5 hashtags per post or reel, down from 30), as reported by",
)
_IG_CAROUSEL = (
    "https://developers.facebook.com/docs/instagram-platform/content-publishing/ (checked 2026-12-07): a carousel "
    "published through the API holds up to 10 images and videos (the app allows 20 since 2024-08, the API does not)"
)
_IG_JPEG = (
    "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media "
    "(checked 2026-12-07): JPEG is the only image format the API takes; videos MP4 or MOV"
)
_IG_REELS = _source(
    "https://www.socialsamosa.com/news-2/instagram-introduces-three-minute-reels-8636683",
    prefix="Instagram's announcement of 2025-01-17 (reels up to 3 minutes), as reported by",
)

_FB_MEDIA = _source(
    f"{_AYRSHARE}/facebook-pages",
    "images JPEG, PNG, GIF up to 10 MB; videos MP4, MOV up to 10 GB and 4 hours (Meta publishes no single page for these)",
    prefix="as documented by",
)
_FB_TEXT = _source(
    _MARKETINGSKILLS,
    "Meta publishes no page for it",
    prefix="the best-known public value (63,206 characters), as listed by",
)

_LI_TEXT = _source(
    "https://www.ayrshare.com/docs/apis/post/social-networks/linkedin",
    "a post takes up to 3,000 characters",
    prefix="as documented by",
)
_LI_HASHTAGS = _source(
    _MARKETINGSKILLS, prefix="LinkedIn sets no hard limit; 3–5 relevant hashtags is the usual advice, as listed by"
)
_LI_IMAGES = _source(
    "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/multiimage-post-api",
    "a multi-image post holds 2 to 20 images; a post carries either images or one video",
    seen=False,
)
_LI_MEDIA = _source(
    f"{_AYRSHARE}/linkedin",
    "images JPG, GIF, PNG up to 5 MB",
    prefix="as documented by",
)
_LI_NO_VIDEO = (
    "Alur's own rule: Alur posts LinkedIn images only (the Videos API upload is not built), so a video is refused here "
    "rather than at publishing"
)

_TT_PHOTO = _source(
    "https://docs.zernio.com/platforms/tiktok",
    "a photo post has up to 35 images, a title of up to 90 and a description of up to 4,000 characters "
    "(TikTok's reference: https://developers.tiktok.com/doc/content-posting-api-reference-photo-post)",
    prefix="as documented by",
)
_TT_VIDEO = _source(
    "https://docs.zernio.com/platforms/tiktok", "a video caption takes up to 2,200 characters", prefix="as documented by"
)
_TT_COUNTING = _source(
    "https://developers.tiktok.com/doc/content-posting-api-reference-direct-post",
    "captions are measured in UTF-16 runes",
    seen=False,
)
_TT_MEDIA = _source(
    "https://docs.getlate.dev/resources/media-guidelines/tiktok",
    "photos JPEG or WEBP up to 20 MB; videos MP4, WebM or MOV up to 4 GB and 10 minutes; photos and a video never mix "
    "(TikTok's guide: https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide)",
    prefix="as documented by",
)
_TT_HASHTAGS = _source(
    _MARKETINGSKILLS, "5 hashtags since August 2025; TikTok's own pages do not state it", prefix="as listed by"
)

_YT_API = _source(
    "https://developers.google.com/youtube/v3/docs/videos",
    "snippet.title is required and at most 100 characters; snippet.description at most 5,000 bytes",
    seen=False,
)
_YT_HASHTAGS = _source(
    "https://support.google.com/youtube/answer/6390658",
    "with more than 60 hashtags YouTube ignores all the hashtags of the video",
    seen=False,
)
_YT_SHORTS = _source("https://support.google.com/youtube/answer/15424877", "Shorts up to 3 minutes since 2024-10-15")
_YT_LENGTH = _source(
    "https://support.google.com/youtube/answer/71673",
    "up to 15 minutes until the channel is verified, then up to 12 hours or 256 GB",
    seen=False,
)
_YT_FORMATS = _source(
    "https://support.google.com/youtube/answer/4603579",
    "a YouTube upload is one video file (MOV, MP4, WebM and others)",
    seen=False,
)

_THREADS = _source(
    "https://developers.facebook.com/docs/threads/posts",
    "text posts are limited to 500 characters; an emoji counts its UTF-8 bytes",
)
_THREADS_TAGS = _source(
    "https://www.socialmediatoday.com/news/instagrams-implementing-new-limits-on-hashtag-use/808309/",
    "Threads takes one topic tag per post; further hashtags stay plain text",
    prefix="as reported by",
)
_THREADS_MEDIA = _source(
    f"{_AYRSHARE}/threads",
    "images JPEG or PNG up to 8 MB; videos MP4 or MOV up to 5 minutes and 1 GB",
    prefix="as documented by",
)
_THREADS_CAROUSEL = _source(
    "https://docs.getlate.dev/resources/media-guidelines/threads", "up to 20 images per post", prefix="as documented by"
)

_MASTODON = _source(
    "https://docs.joinmastodon.org/user/posting/",
    "500 characters by default (an instance may allow more); every link counts as 23; up to 4 images or 1 video "
    "(the defaults: a variant bound to an account is checked against its instance's own limits, read from "
    "https://docs.joinmastodon.org/methods/instance/#v2 when the account is tested, 2026-12-08)",
    prefix="Mastodon's documentation",
)
_MASTODON_MEDIA = _source(
    "https://docs.joinmastodon.org/methods/media/",
    "images JPEG, PNG, GIF, WebP up to 16 MB; videos MP4, WebM, MOV up to 99 MB (instance defaults)",
    prefix="Mastodon's documentation",
)
_TELEGRAM = _source(
    "https://core.telegram.org/bots/api#sendmessage",
    "message text 1-4096 characters; a photo or video caption 0-1024 characters; an album 2-10 items "
    "(re-read 2026-12-08: a longer caption is refused with 400, so the editor refuses it too)",
    prefix="Telegram Bot API",
)
_TELEGRAM_FILES = _source(
    "https://core.telegram.org/bots/api#sending-files",
    "photos up to 10 MB, other files up to 50 MB when uploaded by a bot",
    prefix="Telegram Bot API",
)

_EMAIL_SUBJECT = _source(
    "https://mailchimp.com/help/best-practices-for-email-subject-lines/",
    "60 characters or fewer; longer subjects are cut off in most inboxes",
    prefix="as recommended by",
    seen=False,
)
_EMAIL_RFC = _source(
    "https://www.rfc-editor.org/rfc/rfc5322#section-2.1.1", "a header line must not exceed 998 characters", seen=False
)
_EMAIL_VIDEO = _source(
    "https://www.caniemail.com/features/html-video/",
    "most email clients do not play video; link to it instead",
    seen=False,
)

_BLOG_TITLE = _source(
    "https://moz.com/learn/seo/title-tag",
    "search results show about the first 50–60 characters of a title",
    prefix="as recommended by",
    seen=False,
)

_HOUSE = "Alur's own rule: "
_CODE_POINTS = f"the platform counts characters as a person sees them (Unicode code points) {_CHECKED}"

_IMAGES = frozenset({"image/jpeg", "image/png"})
_VIDEOS = frozenset({"video/mp4", "video/quicktime"})


def _limits(*limits: Limit) -> tuple[Limit, ...]:
    return limits


PLATFORM_RULES: Mapping[str, PlatformRules] = MappingProxyType(
    {
        "instagram": PlatformRules(
            label="Instagram",
            counting=CountingRule("code_points", _IG_CAPTION),
            text=_limits(Limit(2200, _IG_CAPTION)),
            text_required=Requirement(_HOUSE + "a social post needs a caption"),
            hashtags=_limits(Limit(5, _IG_HASHTAGS)),
            media=_limits(Limit(10, _IG_CAROUSEL)),
            media_required=Requirement(_IG_PUBLISHING, severity="warning"),
            media_types=MediaTypes(frozenset({"image/jpeg"}) | _VIDEOS, _IG_JPEG),
            video_seconds=_limits(
                Limit(180, _IG_REELS),
                Limit(60, _IG_STORY, kinds=frozenset({"story"})),
            ),
            file_bytes=MappingProxyType(
                {
                    "image": _limits(Limit(8 * MB, _IG_MEDIA)),
                    "video": _limits(Limit(300 * MB, _IG_MEDIA)),
                }
            ),
        ),
        "facebook": PlatformRules(
            label="Facebook",
            counting=CountingRule("code_points", _CODE_POINTS),
            text=_limits(Limit(63206, _FB_TEXT)),
            text_required=Requirement(_HOUSE + "a social post needs text"),
            media_types=MediaTypes(_IMAGES | {"image/gif"} | _VIDEOS, _FB_MEDIA),
            video_seconds=_limits(Limit(4 * 60 * 60, _FB_MEDIA)),
            file_bytes=MappingProxyType(
                {"image": _limits(Limit(10 * MB, _FB_MEDIA)), "video": _limits(Limit(10 * GB, _FB_MEDIA))}
            ),
        ),
        "x": PlatformRules(
            label="X",
            counting=CountingRule("x_weighted", _X_COUNTING),
            text=_limits(
                Limit(
                    280,
                    f"{_X_COUNTING}: 280 weighted characters",
                    note="X Premium accounts may post longer text; Alur holds every account to 280.",
                )
            ),
            text_required=Requirement(_HOUSE + "a social post needs text"),
            hashtags=_limits(Limit(2, _X_HASHTAGS, severity="warning")),
            media=_limits(Limit(4, _X_MEDIA)),
            videos=_limits(Limit(1, _X_MEDIA)),
            no_mixed_media=Requirement(_X_MEDIA),
            media_types=MediaTypes(_IMAGES | {"image/gif", "image/webp"} | _VIDEOS, f"{_X_MEDIA}; {_X_VIDEOS}"),
            video_seconds=_limits(
                Limit(
                    140,
                    _X_VIDEOS,
                    note="X's API pages now list longer post videos for some accounts; 140 s is what every account may post.",
                )
            ),
            file_bytes=MappingProxyType(
                {
                    "image": _limits(Limit(5 * MB, _X_MEDIA)),
                    "image/gif": _limits(Limit(15 * MB, _X_MEDIA)),
                    "video": _limits(Limit(512 * MB, _X_VIDEOS)),
                }
            ),
        ),
        "linkedin": PlatformRules(
            label="LinkedIn",
            counting=CountingRule("code_points", _CODE_POINTS),
            text=_limits(Limit(3000, _LI_TEXT)),
            text_required=Requirement(_HOUSE + "a social post needs text"),
            hashtags=_limits(Limit(5, _LI_HASHTAGS, severity="warning")),
            media=_limits(Limit(20, _LI_IMAGES)),
            media_types=MediaTypes(_IMAGES | {"image/gif"}, f"{_LI_MEDIA}; {_LI_NO_VIDEO}"),
            file_bytes=MappingProxyType({"image": _limits(Limit(5 * MB, _LI_MEDIA))}),
        ),
        "tiktok": PlatformRules(
            label="TikTok",
            counting=CountingRule("utf16", _TT_COUNTING),
            text=_limits(
                Limit(4000, _TT_PHOTO),
                Limit(2200, _TT_VIDEO, kinds=frozenset({"short_video"})),
            ),
            text_required=Requirement(_HOUSE + "a social post needs a caption"),
            title=_limits(Limit(90, _TT_PHOTO)),
            title_counting="utf16",
            hashtags=_limits(Limit(5, _TT_HASHTAGS, severity="warning")),
            media=_limits(Limit(35, _TT_PHOTO)),
            videos=_limits(Limit(1, _TT_MEDIA)),
            no_mixed_media=Requirement(_TT_MEDIA),
            media_required=Requirement(_TT_MEDIA, severity="warning"),
            media_types=MediaTypes(
                frozenset({"image/jpeg", "image/webp", "video/mp4", "video/webm", "video/quicktime"}), _TT_MEDIA
            ),
            video_seconds=_limits(Limit(10 * 60, _TT_MEDIA)),
            file_bytes=MappingProxyType(
                {"image": _limits(Limit(20 * MB, _TT_MEDIA)), "video": _limits(Limit(4 * GB, _TT_MEDIA))}
            ),
        ),
        "youtube": PlatformRules(
            label="YouTube",
            counting=CountingRule("utf8_bytes", _YT_API),
            text=_limits(Limit(5000, _YT_API)),
            title=_limits(Limit(100, _YT_API)),
            title_required=Requirement(_YT_API),
            hashtags=_limits(Limit(60, _YT_HASHTAGS, severity="warning")),
            media=_limits(Limit(1, _YT_FORMATS)),
            videos=_limits(Limit(1, _YT_FORMATS)),
            media_required=Requirement(_YT_FORMATS, severity="warning"),
            media_types=MediaTypes(frozenset({"video/mp4", "video/quicktime", "video/webm"}), _YT_FORMATS),
            video_seconds=_limits(
                Limit(12 * 60 * 60, _YT_LENGTH),
                Limit(15 * 60, _YT_LENGTH, severity="warning", note="Only until the channel is verified."),
                Limit(3 * 60, _YT_SHORTS, kinds=frozenset({"short_video"})),
            ),
            file_bytes=MappingProxyType({"video": _limits(Limit(256 * GB, _YT_LENGTH))}),
        ),
        "threads": PlatformRules(
            label="Threads",
            counting=CountingRule("threads", _THREADS),
            text=_limits(Limit(500, _THREADS)),
            text_required=Requirement(_HOUSE + "a social post needs text"),
            hashtags=_limits(Limit(1, _THREADS_TAGS, severity="warning")),
            media=_limits(Limit(20, _THREADS_CAROUSEL)),
            media_types=MediaTypes(_IMAGES | _VIDEOS, _THREADS_MEDIA),
            video_seconds=_limits(Limit(5 * 60, _THREADS_MEDIA)),
            file_bytes=MappingProxyType(
                {
                    "image": _limits(Limit(8 * MB, _THREADS_MEDIA)),
                    "video": _limits(Limit(1 * GB, _THREADS_MEDIA)),
                }
            ),
        ),
        "mastodon": PlatformRules(
            label="Mastodon",
            # Code points over-count long links (Mastodon weighs each as 23): a conservative count.
            counting=CountingRule("code_points", _MASTODON),
            text=_limits(Limit(500, _MASTODON)),
            text_required=Requirement(_HOUSE + "a social post needs text"),
            media=_limits(Limit(4, _MASTODON)),
            videos=_limits(Limit(1, _MASTODON)),
            no_mixed_media=Requirement(_MASTODON),
            media_types=MediaTypes(
                frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/webm", "video/quicktime"}),
                _MASTODON_MEDIA,
            ),
            file_bytes=MappingProxyType(
                {"image": _limits(Limit(16 * MB, _MASTODON_MEDIA)), "video": _limits(Limit(99 * MB, _MASTODON_MEDIA))}
            ),
        ),
        "telegram": PlatformRules(
            label="Telegram",
            counting=CountingRule("utf16", _TELEGRAM),
            text=_limits(
                Limit(4096, _TELEGRAM),
                Limit(1024, _TELEGRAM, with_media=True, note="With a photo or video the text is a caption: 1024 at most."),
            ),
            text_required=Requirement(_HOUSE + "a channel message needs text"),
            media=_limits(Limit(10, _TELEGRAM)),
            media_types=MediaTypes(
                frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4"}),
                _TELEGRAM_FILES,
            ),
            file_bytes=MappingProxyType(
                {"image": _limits(Limit(10 * MB, _TELEGRAM_FILES)), "video": _limits(Limit(50 * MB, _TELEGRAM_FILES))}
            ),
        ),
        "email": PlatformRules(
            label="Email",
            counting=CountingRule("code_points", _CODE_POINTS),
            text_required=Requirement(_HOUSE + "an email needs a body"),
            title=_limits(Limit(998, _EMAIL_RFC), Limit(60, _EMAIL_SUBJECT, severity="warning")),
            title_required=Requirement(_HOUSE + "an email needs a subject; most sending services refuse one without"),
            uses_hashtags=False,
            media_types=MediaTypes(frozenset({"image/jpeg", "image/png", "image/gif"}), _EMAIL_VIDEO),
        ),
        "blog": PlatformRules(
            label="Blog",
            counting=CountingRule("code_points", _CODE_POINTS),
            text_required=Requirement(_HOUSE + "an article needs a body"),
            title=_limits(Limit(60, _BLOG_TITLE, severity="warning")),
            title_required=Requirement(_HOUSE + "an article needs a title"),
            uses_hashtags=False,
            media_types=MediaTypes(
                frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/webm"}),
                _HOUSE + "images and videos a web page can show",
            ),
        ),
    }
)


def rules_for(platform: str) -> PlatformRules | None:
    return PLATFORM_RULES.get(platform)


def applicable(limits: tuple[Limit, ...], kind: str) -> tuple[Limit, ...]:
    """The limits that apply to content of ``kind``: its kind-specific ones when it has any, else the
    generic ones."""
    specific = tuple(limit for limit in limits if kind in limit.kinds)
    return specific or tuple(limit for limit in limits if not limit.kinds)


def file_limits(rules: PlatformRules, *, kind: str, mime_type: str) -> tuple[Limit, ...]:
    return rules.file_bytes.get(mime_type) or rules.file_bytes.get(kind) or ()


LIMIT_FIELDS = ("text", "title", "hashtags", "media", "videos", "video_seconds")


def rules_table() -> list[dict[str, object]]:
    """The table as plain data (for the API and the settings page): one row per limit or requirement."""
    rows: list[dict[str, object]] = []
    for platform, rules in PLATFORM_RULES.items():
        rows.append(
            {
                "platform": platform,
                "rule": "counting",
                "value": rules.counting.method,
                "unit": "",
                "severity": "",
                "kinds": [],
                "note": "",
                "source": rules.counting.source,
            }
        )
        for name in LIMIT_FIELDS:
            for limit in getattr(rules, name):
                rows.append(_row(platform, name, limit, "seconds" if name == "video_seconds" else _unit(name, rules)))
        for key, limits in rules.file_bytes.items():
            for limit in limits:
                rows.append(_row(platform, f"file_bytes:{key}", limit, "bytes"))
        for name in ("text_required", "title_required", "no_mixed_media", "media_required"):
            requirement: Requirement | None = getattr(rules, name)
            if requirement is not None:
                rows.append(
                    {
                        "platform": platform,
                        "rule": name,
                        "value": True,
                        "unit": "",
                        "severity": requirement.severity,
                        "kinds": [],
                        "note": "",
                        "source": requirement.source,
                    }
                )
        if rules.media_types is not None:
            rows.append(
                {
                    "platform": platform,
                    "rule": "media_types",
                    "value": sorted(rules.media_types.mime_types),
                    "unit": "",
                    "severity": "error",
                    "kinds": [],
                    "note": "",
                    "source": rules.media_types.source,
                }
            )
    return rows


def _unit(name: str, rules: PlatformRules) -> str:
    if name == "text":
        return rules.counting.method
    if name == "title":
        return rules.title_counting
    return "items"


def _row(platform: str, name: str, limit: Limit, unit: str) -> dict[str, object]:
    return {
        "platform": platform,
        "rule": name,
        "value": limit.maximum,
        "unit": unit,
        "severity": limit.severity,
        "kinds": sorted(limit.kinds),
        "note": limit.note,
        "source": limit.source,
    }
