"""Checking one content variant against its platform's rules (:mod:`alur.content.rules`) and the
workspace's brand rules. Framework-free and total: any text gives a list of violations, never an error.

Positions (``start``/``end``) are code-point offsets into the field they name (Python string indices);
a violation about a whole field or a media file has none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, Literal
from urllib.parse import urlsplit

from alur.content import counting
from alur.content.rules import Counting, Limit, PlatformRules, applicable, file_limits, rules_for

Severity = Literal["error", "warning"]
Field = Literal["text", "title", "hashtags", "media", "link"]


@dataclass(frozen=True)
class MediaInfo:
    kind: str  # "image", "video" or "document"
    mime_type: str
    size_bytes: int = 0
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None


@dataclass(frozen=True)
class VariantInput:
    platform: str
    kind: str = "social_post"
    text: str = ""
    title: str = ""
    link: str = ""
    hashtags: tuple[str, ...] = ()
    media: tuple[MediaInfo, ...] = ()
    # The channel account's own limits where its platform reports them (a Mastodon instance's
    # ``configuration.statuses``, stored in the account's settings when it was tested); they replace the
    # platform's default error limits on text length and number of media.
    max_text: int | None = None
    max_media: int | None = None


ACCOUNT_LIMIT_SOURCE = "the channel account's own limit, as its platform reported it when the account was last tested"


def _with_account_limit(limits: tuple[Limit, ...], maximum: int | None) -> tuple[Limit, ...]:
    """``limits`` with their generic error limits replaced by the account's ``maximum`` (when it has one)."""
    if not maximum:
        return limits
    kept = tuple(limit for limit in limits if limit.severity != "error" or limit.kinds or limit.with_media)
    return (*kept, Limit(maximum, ACCOUNT_LIMIT_SOURCE))


@dataclass(frozen=True)
class Guidelines:
    banned_words: tuple[str, ...] = ()
    required_hashtags: tuple[str, ...] = ()
    required_disclaimer: str = ""
    # Content kinds that need the disclaimer; empty means every kind.
    disclaimer_kinds: tuple[str, ...] = ()
    allowed_link_domains: tuple[str, ...] = ()
    require_https: bool = True


@dataclass(frozen=True)
class Violation:
    code: str
    severity: Severity
    field: Field
    params: dict[str, Any] = dataclass_field(default_factory=dict, hash=False, compare=True)
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Counter:
    """What the editor shows under the text: "123 / 280" counted the platform's way."""

    length: int
    maximum: int | None
    method: Counting

    @property
    def is_over(self) -> bool:
        return self.maximum is not None and self.length > self.maximum


# Counting, with the position where a limit is passed ---------------------------------------------


def _x_weight(character: str) -> int:
    code = ord(character)
    for start, end, weight in counting.X_LIGHT_RANGES:
        if start <= code <= end:
            return weight // counting.X_SCALE
    return counting.X_DEFAULT_WEIGHT // counting.X_SCALE


def _emoji_segments(text: str, offset: int, character_weight: Any, emoji_weight: Any) -> Iterator[tuple[int, int, int]]:
    position = 0
    for match in counting.EMOJI_PATTERN.finditer(text):
        for index in range(position, match.start()):
            yield offset + index, offset + index + 1, character_weight(text[index])
        yield offset + match.start(), offset + match.end(), emoji_weight(match.group(0))
        position = match.end()
    for index in range(position, len(text)):
        yield offset + index, offset + index + 1, character_weight(text[index])


def segments(text: str, method: Counting) -> Iterator[tuple[int, int, int]]:
    """``(start, end, weight)`` for each unit the platform counts, in order; the weights sum to
    :func:`length`."""
    if method == "x_weighted":
        position = 0
        for match in counting.URL_PATTERN.finditer(text):
            yield from _emoji_segments(text[position : match.start()], position, _x_weight, lambda _e: 2)
            yield match.start(), match.end(), counting.X_URL_LENGTH
            position = match.end()
        yield from _emoji_segments(text[position:], position, _x_weight, lambda _e: 2)
    elif method == "threads":
        yield from _emoji_segments(text, 0, lambda _c: 1, lambda e: len(e.encode("utf-8", "surrogatepass")))
    elif method == "utf16":
        for index, character in enumerate(text):
            yield index, index + 1, 2 if ord(character) > 0xFFFF else 1
    elif method == "utf8_bytes":
        for index, character in enumerate(text):
            yield index, index + 1, len(character.encode("utf-8", "surrogatepass"))
    else:
        for index in range(len(text)):
            yield index, index + 1, 1


def length(text: str, method: Counting) -> int:
    """``text``'s length as the platform counts it."""
    if method == "x_weighted":
        return counting.x_weighted_length(text)
    if method == "code_points":
        return len(text)
    return sum(weight for _start, _end, weight in segments(text, method))


def overflow_start(text: str, method: Counting, maximum: int) -> int | None:
    """Where ``text`` passes ``maximum``: the index of the first unit that does not fit; None if it fits."""
    if method == "code_points":
        return maximum if len(text) > maximum else None
    total = 0
    for start, _end, weight in segments(text, method):
        total += weight
        if total > maximum:
            return start
    return None


def text_counter(variant: VariantInput) -> Counter:
    rules = rules_for(variant.platform)
    if rules is None:
        return Counter(len(variant.text), None, "code_points")
    text_limits = _text_limits(rules, variant)
    errors = [limit for limit in text_limits if limit.severity == "error"]
    limits = errors or list(text_limits)
    maximum = min((limit.maximum for limit in limits), default=None)
    return Counter(length(variant.text, rules.counting.method), maximum, rules.counting.method)


# Hashtags, words and links -----------------------------------------------------------------------


def _tag_key(tag: str) -> str:
    return tag.strip().lstrip("#").casefold()


def distinct_hashtags(variant: VariantInput) -> list[str]:
    """The variant's hashtags (text and hashtags field), each once whatever its case, as first written."""
    seen: dict[str, str] = {}
    for tag in [*counting.hashtags(variant.text), *variant.hashtags]:
        key = _tag_key(str(tag))
        if key and key not in seen:
            seen[key] = "#" + str(tag).strip().lstrip("#")
    return list(seen.values())


def _phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    words = phrase.split()
    if not words:
        return None
    body = r"\s+".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def banned_word_hits(text: str, banned_words: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """Every whole-word occurrence of a banned word or phrase: ``(word, start, end)``, in text order."""
    hits: list[tuple[str, int, int]] = []
    for word in banned_words:
        pattern = _phrase_pattern(word)
        if pattern is None:
            continue
        hits.extend((word.strip(), match.start(), match.end()) for match in pattern.finditer(text))
    return sorted(hits, key=lambda hit: (hit[1], hit[2]))


_TRAILING = ".,;:!?)"


def links_in(text: str) -> list[tuple[str, int, int]]:
    """``(url, start, end)`` of each link in the text (trailing punctuation is not part of it)."""
    found = []
    for match in counting.URL_PATTERN.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        if url:
            found.append((url, match.start(), match.start() + len(url)))
    return found


def link_host(url: str) -> str | None:
    """The host of ``url`` in lower case, or None when it has none a browser could open."""
    candidate = url if "://" in url else "http://" + url
    try:
        host = urlsplit(candidate).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.rstrip(".").lower() or None


def normalise_domain(domain: str) -> str:
    value = domain.strip().lower()
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value)
    value = value.split("/", 1)[0].split(":", 1)[0]
    value = value.removeprefix("*.").strip(".")
    return value


def domain_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    for domain in allowed:
        clean = normalise_domain(domain)
        if clean and (host == clean or host.endswith("." + clean)):
            return True
    return False


# The check ---------------------------------------------------------------------------------------


def _over(
    code: str, limit: Limit, field_name: Field, value: int, start: int | None = None, end: int | None = None, **params: Any
) -> Violation:
    return Violation(
        code=code,
        severity=limit.severity,
        field=field_name,
        params={"limit": limit.maximum, "count": value, "over": value - limit.maximum, **params},
        start=start,
        end=end,
    )


def check_variant(v: VariantInput, g: Guidelines | None = None) -> list[Violation]:
    """Every way the variant breaks its platform's limits or the workspace's brand rules."""
    g = g or Guidelines()
    rules = rules_for(v.platform)
    if rules is None:
        return [Violation("platform_unknown", "error", "text", {"platform": v.platform})]
    found: list[Violation] = []
    found += _check_text(v, rules)
    found += _check_title(v, rules)
    found += _check_hashtags(v, rules, g)
    found += _check_media(v, rules)
    found += _check_words(v, g)
    found += _check_disclaimer(v, g)
    found += _check_links(v, g)
    return found


def _check_text(v: VariantInput, rules: PlatformRules) -> list[Violation]:
    found = []
    if rules.text_required is not None and not v.text.strip():
        found.append(Violation("text_empty", rules.text_required.severity, "text", {"platform": v.platform}))
    method = rules.counting.method
    size = length(v.text, method)
    for limit in _text_limits(rules, v):
        if size > limit.maximum:
            start = overflow_start(v.text, method, limit.maximum)
            found.append(_over("text_too_long", limit, "text", size, start, len(v.text), platform=v.platform, unit=method))
    return found


def _text_limits(rules: PlatformRules, v: VariantInput) -> tuple[Limit, ...]:
    """The text limits for the variant; a ``with_media`` one (a caption) only when it carries media."""
    limits = tuple(limit for limit in applicable(rules.text, v.kind) if v.media or not limit.with_media)
    return _with_account_limit(limits, v.max_text)


def _check_title(v: VariantInput, rules: PlatformRules) -> list[Violation]:
    found = []
    if rules.title_required is not None and not v.title.strip():
        found.append(Violation("title_missing", rules.title_required.severity, "title", {"platform": v.platform}))
    size = length(v.title, rules.title_counting)
    for limit in applicable(rules.title, v.kind):
        if size > limit.maximum:
            start = overflow_start(v.title, rules.title_counting, limit.maximum)
            found.append(
                _over("title_too_long", limit, "title", size, start, len(v.title), platform=v.platform, unit=rules.title_counting)
            )
    return found


def _check_hashtags(v: VariantInput, rules: PlatformRules, g: Guidelines) -> list[Violation]:
    found = []
    tags = distinct_hashtags(v)
    for limit in applicable(rules.hashtags, v.kind):
        if len(tags) > limit.maximum:
            found.append(_over("hashtags_too_many", limit, "hashtags", len(tags), platform=v.platform))
    if rules.uses_hashtags:
        present = {_tag_key(tag) for tag in tags}
        for required in g.required_hashtags:
            key = _tag_key(required)
            if key and key not in present:
                found.append(Violation("hashtag_missing", "error", "hashtags", {"tag": "#" + required.strip().lstrip("#")}))
    return found


def _check_media(v: VariantInput, rules: PlatformRules) -> list[Violation]:
    found = []
    media = v.media
    if rules.media_required is not None and not media:
        found.append(Violation("media_missing", rules.media_required.severity, "media", {"platform": v.platform}))
    for limit in _with_account_limit(applicable(rules.media, v.kind), v.max_media):
        if len(media) > limit.maximum:
            found.append(_over("media_too_many", limit, "media", len(media), platform=v.platform))
    videos = [m for m in media if m.kind == "video"]
    for limit in applicable(rules.videos, v.kind):
        if len(videos) > limit.maximum:
            found.append(_over("videos_too_many", limit, "media", len(videos), platform=v.platform))
    if rules.no_mixed_media is not None and videos and any(m.kind == "image" for m in media):
        found.append(Violation("media_mixed", rules.no_mixed_media.severity, "media", {"platform": v.platform}))
    for number, item in enumerate(media, start=1):
        if rules.media_types is not None and item.mime_type not in rules.media_types.mime_types:
            found.append(
                Violation(
                    "media_type",
                    "error",
                    "media",
                    {
                        "platform": v.platform,
                        "number": number,
                        "mime_type": item.mime_type,
                        "allowed": sorted(rules.media_types.mime_types),
                    },
                )
            )
        if item.kind == "video" and item.duration_seconds is not None:
            for limit in applicable(rules.video_seconds, v.kind):
                if item.duration_seconds > limit.maximum:
                    found.append(
                        Violation(
                            "video_too_long",
                            limit.severity,
                            "media",
                            {"platform": v.platform, "number": number, "limit": limit.maximum, "count": item.duration_seconds},
                        )
                    )
        for limit in file_limits(rules, kind=item.kind, mime_type=item.mime_type):
            if item.size_bytes > limit.maximum:
                found.append(
                    Violation(
                        "file_too_large",
                        limit.severity,
                        "media",
                        {
                            "platform": v.platform,
                            "number": number,
                            "limit": limit.maximum,
                            "count": item.size_bytes,
                            "kind": item.kind,
                        },
                    )
                )
    return found


def _check_words(v: VariantInput, g: Guidelines) -> list[Violation]:
    if not g.banned_words:
        return []
    found = []
    for field_name, text in (("title", v.title), ("text", v.text)):
        for word, start, end in banned_word_hits(text, g.banned_words):
            found.append(Violation("banned_word", "error", field_name, {"word": word, "found": text[start:end]}, start, end))  # type: ignore[arg-type]
    tag_words = " ".join(tag.lstrip("#") for tag in v.hashtags)
    for word, _start, _end in banned_word_hits(tag_words, g.banned_words):
        found.append(Violation("banned_word", "error", "hashtags", {"word": word, "found": word}))
    return found


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _check_disclaimer(v: VariantInput, g: Guidelines) -> list[Violation]:
    disclaimer = _squash(g.required_disclaimer)
    if not disclaimer or (g.disclaimer_kinds and v.kind not in g.disclaimer_kinds):
        return []
    if disclaimer in _squash(v.text):
        return []
    return [Violation("disclaimer_missing", "error", "text", {"disclaimer": g.required_disclaimer.strip(), "kind": v.kind})]


def _check_links(v: VariantInput, g: Guidelines) -> list[Violation]:
    links: list[tuple[Field, str, int | None, int | None]] = [("text", url, start, end) for url, start, end in links_in(v.text)]
    if v.link.strip():
        links.append(("link", v.link.strip(), None, None))
    found = []
    for field_name, url, start, end in links:
        host = link_host(url)
        if host is None:
            found.append(Violation("link_invalid", "warning", field_name, {"url": url}, start, end))
            continue
        if g.require_https and url.lower().startswith("http://"):
            found.append(Violation("link_not_https", "error", field_name, {"url": url}, start, end))
        if g.allowed_link_domains and not domain_allowed(host, g.allowed_link_domains):
            found.append(
                Violation(
                    "link_domain",
                    "warning",
                    field_name,
                    {"url": url, "domain": host, "allowed": list(g.allowed_link_domains)},
                    start,
                    end,
                )
            )
    return found
