"""The guideline checks: every limit of the table at its boundary (limit passes, limit + 1 fails), counting
as each platform counts, brand rules with positions, and a checker that never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alur.content.checks import (
    Guidelines,
    MediaInfo,
    VariantInput,
    Violation,
    banned_word_hits,
    check_variant,
    distinct_hashtags,
    length,
    overflow_start,
    segments,
    text_counter,
)
from alur.content.counting import x_weighted_length
from alur.content.platforms import ContentKind, Platform
from alur.content.rules import LIMIT_FIELDS, PLATFORM_RULES, Limit, PlatformRules

CODES = {
    "text": "text_too_long",
    "title": "title_too_long",
    "hashtags": "hashtags_too_many",
    "media": "media_too_many",
    "videos": "videos_too_many",
    "video_seconds": "video_too_long",
    "file_bytes": "file_too_large",
}


def _mime(rules: PlatformRules, kind: str, *, gif: bool = False) -> str:
    allowed = sorted(rules.media_types.mime_types) if rules.media_types else ["image/jpeg", "image/gif", "video/mp4"]
    if gif:
        return "image/gif"
    preferred = [m for m in allowed if m.startswith(kind + "/") and m != "image/gif"]
    return (preferred or [m for m in allowed if m.startswith(kind + "/")] or [f"{kind}/mp4"])[0]


def _limit_cases() -> list[object]:
    cases = []
    for platform, rules in PLATFORM_RULES.items():
        for name in LIMIT_FIELDS:
            for limit in getattr(rules, name):
                cases.append(pytest.param(platform, name, limit, id=f"{platform}-{name}-{limit.maximum}-{limit.severity}"))
        for key, limits in rules.file_bytes.items():
            for limit in limits:
                cases.append(
                    pytest.param(platform, f"file_bytes:{key}", limit, id=f"{platform}-file_bytes:{key}-{limit.maximum}")
                )
    return cases


def _variant(platform: str, name: str, limit: Limit, n: int) -> VariantInput:
    rules = PLATFORM_RULES[platform]
    if limit.kinds:
        kind = sorted(limit.kinds)[0]
    else:
        kind = "social_post"
        field = name.split(":")[0]
        specific = getattr(rules, field) if field in LIMIT_FIELDS else ()
        assert all(kind not in other.kinds for other in specific), "the generic case must not hit a kind-specific limit"
    base = VariantInput(platform=platform, kind=kind, text="Halo", title="Judul")
    image, video = _mime(rules, "image"), _mime(rules, "video")
    if name == "text":
        with_media = (MediaInfo("image", image, 1000),) if limit.with_media else ()
        return VariantInput(platform=platform, kind=kind, text="a" * n, media=with_media)
    if name == "title":
        return VariantInput(platform=platform, kind=kind, text="Halo", title="a" * n)
    if name == "hashtags":
        return VariantInput(platform=platform, kind=kind, text="Halo", hashtags=tuple(f"#tag{i}" for i in range(n)))
    if name == "media":
        media_kind, mime = ("image", image) if image.startswith("image/") else ("video", video)
        return VariantInput(
            platform=platform, kind=kind, text="Halo", media=tuple(MediaInfo(media_kind, mime, 1000) for _ in range(n))
        )
    if name == "videos":
        return VariantInput(
            platform=platform,
            kind=kind,
            text="Halo",
            media=tuple(MediaInfo("video", video, 1000, duration_seconds=5) for _ in range(n)),
        )
    if name == "video_seconds":
        return VariantInput(
            platform=platform, kind=kind, text="Halo", media=(MediaInfo("video", video, 1000, duration_seconds=n),)
        )
    key = name.split(":", 1)[1]
    if key == "video":
        return VariantInput(platform=platform, kind=kind, text="Halo", media=(MediaInfo("video", video, n, duration_seconds=5),))
    mime = key if "/" in key else image
    return VariantInput(platform=platform, kind=kind, text=base.text, media=(MediaInfo("image", mime, n),))


def _hits(violations: list[Violation], code: str, limit: Limit) -> list[Violation]:
    return [v for v in violations if v.code == code and v.params.get("limit") == limit.maximum]


@pytest.mark.parametrize(("platform", "name", "limit"), _limit_cases())
def test_every_limit_passes_at_the_limit_and_fails_one_above(platform: str, name: str, limit: Limit) -> None:
    code = CODES[name.split(":")[0]]
    at_limit = check_variant(_variant(platform, name, limit, limit.maximum))
    assert not _hits(at_limit, code, limit), f"{platform} {name}: exactly {limit.maximum} must pass"
    over = _hits(check_variant(_variant(platform, name, limit, limit.maximum + 1)), code, limit)
    assert len(over) == 1, f"{platform} {name}: {limit.maximum + 1} must fail once"
    assert over[0].severity == limit.severity
    if name in ("text", "title"):
        assert over[0].start == limit.maximum and over[0].end == limit.maximum + 1  # where it passes the limit
        assert over[0].params["over"] == 1


def test_the_table_covers_all_the_limit_kinds() -> None:
    names = {str(case.values[1]).split(":")[0] for case in _limit_cases()}  # type: ignore[attr-defined]
    assert names == set(CODES)


# Counting the platform's way -----------------------------------------------------------------------


def test_x_counts_a_link_as_23_and_an_emoji_as_2() -> None:
    url = "https://kopinusantara.id/promo/ramadan/sangat-panjang-sekali-sampai-lebih-dari-dua-puluh-tiga"
    text = "a" * 256 + " " + url  # 256 + 1 + 23 = 280
    assert length(text, "x_weighted") == 280
    assert not [v for v in check_variant(VariantInput("x", text=text)) if v.code == "text_too_long"]
    over = [v for v in check_variant(VariantInput("x", text="a" + text)) if v.code == "text_too_long"]
    assert over and over[0].params["count"] == 281 and over[0].start == 258  # the link is what no longer fits
    emoji = "a" * 278 + "☕"
    assert length(emoji, "x_weighted") == 280
    assert not [v for v in check_variant(VariantInput("x", text=emoji)) if v.code == "text_too_long"]
    longer = "a" * 279 + "☕"
    violation = next(v for v in check_variant(VariantInput("x", text=longer)) if v.code == "text_too_long")
    assert violation.params["count"] == 281 and violation.start == 279  # the emoji (weight 2) is what passes 280
    assert text_counter(VariantInput("x", text="☕ https://kopi.id")).length == 26


def test_other_platforms_count_their_own_way() -> None:
    family = "👨‍👩‍👧"  # one emoji of 5 code points, 8 UTF-16 units, 18 UTF-8 bytes
    assert length(family, "code_points") == 5
    assert length(family, "utf16") == 8
    assert length(family, "utf8_bytes") == 18
    assert length(family, "threads") == 18
    assert length("kopi " + family, "threads") == 5 + 18
    assert overflow_start("ab☕", "utf16", 3) is None and overflow_start("ab😀", "utf16", 3) == 2
    assert overflow_start("abc", "code_points", 3) is None and overflow_start("abcd", "code_points", 3) == 3


@given(st.text(max_size=300))
def test_the_segments_add_up_to_x_weighted_length(text: str) -> None:
    units = list(segments(text, "x_weighted"))
    assert sum(weight for _s, _e, weight in units) == x_weighted_length(text)
    assert all(start < end for start, end, _w in units)
    assert [start for start, _e, _w in units] == sorted(start for start, _e, _w in units)


@given(
    st.text(max_size=200), st.sampled_from(["x_weighted", "code_points", "utf16", "threads", "utf8_bytes"]), st.integers(0, 300)
)
def test_overflow_is_reported_exactly_when_the_text_is_too_long(text: str, method: str, maximum: int) -> None:
    start = overflow_start(text, method, maximum)  # type: ignore[arg-type]
    assert (start is None) == (length(text, method) <= maximum)  # type: ignore[arg-type]
    if start is not None:
        assert 0 <= start < len(text)


# Hashtags ----------------------------------------------------------------------------------------


def test_hashtags_are_counted_once_whatever_their_case_across_text_and_field() -> None:
    variant = VariantInput("instagram", text="Pagi! #Kopi #kopi #Gayo", hashtags=("#KOPI", "gayo", "#Aceh"))
    assert distinct_hashtags(variant) == ["#Kopi", "#Gayo", "#Aceh"]
    six = VariantInput("instagram", text="#a1 #b1 #c1", hashtags=("#d1", "#e1", "#f1"))
    violation = next(v for v in check_variant(six) if v.code == "hashtags_too_many")
    assert violation.params == {"limit": 5, "count": 6, "over": 1, "platform": "instagram"} and violation.severity == "error"


def test_x_warns_above_two_hashtags_and_linkedin_above_five() -> None:
    x = [v for v in check_variant(VariantInput("x", text="Pagi #a #b #c")) if v.code == "hashtags_too_many"]
    assert [v.severity for v in x] == ["warning"]
    linkedin = VariantInput("linkedin", text="Lowongan", hashtags=tuple(f"#t{c}" for c in "abcdef"))
    assert [v.severity for v in check_variant(linkedin) if v.code == "hashtags_too_many"] == ["warning"]


def test_required_hashtags_are_errors_where_hashtags_are_used() -> None:
    rules = Guidelines(required_hashtags=("#KopiNusantara", "NgopiPagi"))
    missing = [
        v for v in check_variant(VariantInput("instagram", text="Pagi #kopinusantara"), rules) if v.code == "hashtag_missing"
    ]
    assert [(v.params["tag"], v.severity) for v in missing] == [("#NgopiPagi", "error")]
    fine = VariantInput("instagram", text="Pagi", hashtags=("#ngopipagi", "#KOPINUSANTARA"))
    assert not [v for v in check_variant(fine, rules) if v.code == "hashtag_missing"]
    email = VariantInput("email", text="Halo", title="Newsletter")
    assert not [v for v in check_variant(email, rules) if v.code == "hashtag_missing"]  # an email has no hashtags


# Banned words ------------------------------------------------------------------------------------


def test_banned_words_are_found_as_whole_words_in_any_case_with_positions() -> None:
    text = "Harga Murah banget! Kemurahan hati kami… pokoknya murah   BANGET."
    hits = banned_word_hits(text, ("murah banget", "gratis"))
    assert [(start, end) for _w, start, end in hits] == [(6, 18), (50, 64)]
    assert text[6:18] == "Murah banget"
    violations = [
        v
        for v in check_variant(VariantInput("facebook", text=text), Guidelines(banned_words=("murah banget",)))
        if v.code == "banned_word"
    ]
    assert [(v.field, v.start, v.end, v.severity) for v in violations] == [("text", 6, 18, "error"), ("text", 50, 64, "error")]
    assert not banned_word_hits("kemurahan hati", ("murah",))
    assert banned_word_hits("murah!", ("murah",)) == [("murah", 0, 5)]


def test_banned_words_in_the_title_and_hashtags_count_too() -> None:
    rules = Guidelines(banned_words=("termurah",))
    found = check_variant(VariantInput("youtube", text="ok", title="Kopi TERMURAH", hashtags=("#termurah",)), rules)
    assert {(v.field, v.start) for v in found if v.code == "banned_word"} == {("title", 5), ("hashtags", None)}


# Disclaimer --------------------------------------------------------------------------------------


def test_the_disclaimer_is_required_for_the_listed_kinds() -> None:
    rules = Guidelines(required_disclaimer="Syarat & ketentuan berlaku.", disclaimer_kinds=("ad",))
    ad = VariantInput("instagram", kind="ad", text="Diskon 15%!")
    missing = [v for v in check_variant(ad, rules) if v.code == "disclaimer_missing"]
    assert len(missing) == 1 and missing[0].severity == "error" and missing[0].params["kind"] == "ad"
    with_it = VariantInput("instagram", kind="ad", text="Diskon 15%! syarat &  ketentuan\nberlaku.")
    assert not [v for v in check_variant(with_it, rules) if v.code == "disclaimer_missing"]
    post = VariantInput("instagram", kind="social_post", text="Selamat pagi")
    assert not [v for v in check_variant(post, rules) if v.code == "disclaimer_missing"]
    every_kind = Guidelines(required_disclaimer="#iklan")
    assert [v.code for v in check_variant(post, every_kind) if v.code == "disclaimer_missing"] == ["disclaimer_missing"]


# Links -------------------------------------------------------------------------------------------


def test_links_must_use_https_when_the_workspace_says_so() -> None:
    text = "Cek http://kopinusantara.id/promo, atau https://kopinusantara.id."
    found = check_variant(VariantInput("x", text=text, link="http://kopinusantara.id/a"), Guidelines(require_https=True))
    not_https = [(v.field, v.start, v.end) for v in found if v.code == "link_not_https"]
    assert not_https == [("text", 4, 33), ("link", None, None)]
    assert text[4:33] == "http://kopinusantara.id/promo"
    assert all(v.severity == "error" for v in found if v.code == "link_not_https")
    relaxed = check_variant(VariantInput("x", text=text), Guidelines(require_https=False))
    assert not [v for v in relaxed if v.code == "link_not_https"]


def test_links_outside_the_allowed_domains_are_warnings_and_subdomains_pass() -> None:
    rules = Guidelines(allowed_link_domains=("kopinusantara.id", "https://Tokopedia.com/"))
    text = "https://shop.kopinusantara.id/a https://www.tokopedia.com/kopi https://evil-kopinusantara.id https://bit.ly/x"
    found = [v for v in check_variant(VariantInput("threads", text=text), rules) if v.code == "link_domain"]
    assert [(v.params["domain"], v.severity) for v in found] == [("evil-kopinusantara.id", "warning"), ("bit.ly", "warning")]
    assert not [
        v for v in check_variant(VariantInput("threads", text="https://bit.ly/x"), Guidelines()) if v.code == "link_domain"
    ]
    link_field = check_variant(VariantInput("blog", text="a", title="t", link="https://bit.ly/x"), rules)
    assert [(v.code, v.field) for v in link_field if v.code == "link_domain"] == [("link_domain", "link")]


def test_a_link_that_is_no_web_address_is_a_warning_not_a_crash() -> None:
    found = check_variant(VariantInput("x", text="lihat http://[kopi"), Guidelines(allowed_link_domains=("kopi.id",)))
    assert [v.code for v in found if v.code.startswith("link")] == ["link_invalid"]


# Text, titles and media --------------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["instagram", "facebook", "x", "linkedin", "tiktok", "threads"])
def test_empty_text_on_a_social_platform_is_an_error(platform: str) -> None:
    found = [v for v in check_variant(VariantInput(platform, text="  \n ")) if v.code == "text_empty"]
    assert [(v.severity, v.field) for v in found] == [("error", "text")]


def test_youtube_needs_a_title_and_email_a_subject() -> None:
    assert [v.code for v in check_variant(VariantInput("youtube", text="")) if v.severity == "error"] == ["title_missing"]
    assert "title_missing" in {v.code for v in check_variant(VariantInput("email", text="Halo"))}


def test_media_types_mixing_and_missing_media() -> None:
    pdf = MediaInfo("document", "application/pdf", 1000)
    found = check_variant(VariantInput("instagram", text="Halo", media=(pdf,)))
    assert [(v.code, v.params.get("number")) for v in found] == [("media_type", 1)]
    photo, clip = MediaInfo("image", "image/jpeg", 1000), MediaInfo("video", "video/mp4", 1000, duration_seconds=10)
    assert "media_mixed" in {v.code for v in check_variant(VariantInput("x", text="Halo", media=(photo, clip)))}
    assert "media_mixed" not in {v.code for v in check_variant(VariantInput("instagram", text="Halo", media=(photo, clip)))}
    missing = [v for v in check_variant(VariantInput("tiktok", text="Halo")) if v.code == "media_missing"]
    assert [v.severity for v in missing] == ["warning"]  # warnings never block review
    email = check_variant(VariantInput("email", text="Halo", title="Hi", media=(clip,)))
    assert [v.code for v in email] == ["media_type"]


def test_a_good_post_passes_everywhere() -> None:
    photo = MediaInfo("image", "image/jpeg", 200_000, 1080, 1080)
    clip = MediaInfo("video", "video/mp4", 2_000_000, 1080, 1920, 30)
    for platform in Platform.values:
        media = (clip,) if platform == "youtube" else (photo,)
        variant = VariantInput(
            platform, kind="social_post", text="Selamat pagi ☕ #KopiNusantara", title="Selamat pagi", media=media
        )
        assert check_variant(variant, Guidelines(required_hashtags=("#KopiNusantara",))) == [], platform


def test_an_unknown_platform_is_a_violation_not_an_exception() -> None:
    assert [v.code for v in check_variant(VariantInput("myspace", text="x"))] == ["platform_unknown"]


_guidelines = st.builds(
    Guidelines,
    banned_words=st.lists(st.text(max_size=12), max_size=4).map(tuple),
    required_hashtags=st.lists(st.text(max_size=12), max_size=3).map(tuple),
    required_disclaimer=st.text(max_size=20),
    disclaimer_kinds=st.lists(st.sampled_from(ContentKind.values), max_size=3).map(tuple),
    allowed_link_domains=st.lists(st.text(max_size=20), max_size=3).map(tuple),
    require_https=st.booleans(),
)
_media = st.builds(
    MediaInfo,
    kind=st.sampled_from(["image", "video", "document", "?"]),
    mime_type=st.text(max_size=20),
    size_bytes=st.integers(0, 10**12),
    duration_seconds=st.none() | st.floats(allow_nan=True, allow_infinity=True),
)


@settings(max_examples=150)
@given(
    platform=st.sampled_from([*Platform.values, "", "myspace"]),
    kind=st.sampled_from([*ContentKind.values, "", "?"]),
    text=st.text(max_size=400) | st.text(alphabet="ab #@:/.hwtps☕😀‍\u200d", max_size=300),
    title=st.text(max_size=120),
    link=st.text(max_size=60) | st.just("http://[::1"),
    hashtags=st.lists(st.text(max_size=15), max_size=8).map(tuple),
    media=st.lists(_media, max_size=5).map(tuple),
    rules=_guidelines,
)
def test_the_checker_never_raises_on_arbitrary_input(
    platform: str,
    kind: str,
    text: str,
    title: str,
    link: str,
    hashtags: tuple[str, ...],
    media: tuple[MediaInfo, ...],
    rules: Guidelines,
) -> None:
    variant = VariantInput(platform, kind, text, title, link, hashtags, media)
    found = check_variant(variant, rules)
    for violation in found:
        assert violation.severity in ("error", "warning")
        assert violation.field in ("text", "title", "hashtags", "media", "link")
        if violation.start is not None:
            source = {"text": text, "title": title}[violation.field]
            assert 0 <= violation.start <= (violation.end or 0) <= len(source)
    text_counter(variant)
