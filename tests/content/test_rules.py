"""The platform rules table: one entry per platform, every limit with a source, the values the issue names."""

from __future__ import annotations

import datetime as dt
import typing

import pytest

from alur.content.api import guidelines as guidelines_api
from alur.content.platforms import ContentKind, Platform
from alur.content.rules import (
    LIMIT_FIELDS,
    PLATFORM_RULES,
    RULES_REVIEWED,
    Limit,
    applicable,
    file_limits,
    rules_for,
    rules_table,
)


def _all_limits() -> list[tuple[str, str, Limit]]:
    found = []
    for platform, rules in PLATFORM_RULES.items():
        for name in LIMIT_FIELDS:
            found += [(platform, name, limit) for limit in getattr(rules, name)]
        for key, limits in rules.file_bytes.items():
            found += [(platform, f"file_bytes:{key}", limit) for limit in limits]
    return found


def test_the_table_has_exactly_the_platforms_of_the_model() -> None:
    assert set(PLATFORM_RULES) == set(Platform.values)


def test_the_api_takes_exactly_the_platform_and_kind_values() -> None:
    assert set(typing.get_args(guidelines_api.PlatformName)) == set(Platform.values)
    assert set(typing.get_args(guidelines_api.KindName)) == set(ContentKind.values)


@pytest.mark.parametrize(("platform", "rule", "limit"), _all_limits(), ids=lambda value: str(getattr(value, "maximum", value)))
def test_every_limit_names_its_source_and_when_it_was_checked(platform: str, rule: str, limit: Limit) -> None:
    assert "https://" in limit.source, (platform, rule)
    checked = ("(checked 2026-11)", "not re-read in 2026-11", "(checked 2026-12-07)")
    assert any(mark in limit.source for mark in checked), (platform, rule)
    assert limit.maximum > 0
    assert limit.severity in ("error", "warning")
    assert limit.kinds <= set(ContentKind.values), "kind-specific limits name real content kinds"


def test_every_requirement_type_list_and_counting_rule_has_a_source() -> None:
    for platform, rules in PLATFORM_RULES.items():
        assert rules.counting.source, platform
        assert rules.counting.method in ("x_weighted", "code_points", "utf16", "threads", "utf8_bytes")
        for requirement in (rules.text_required, rules.title_required, rules.no_mixed_media, rules.media_required):
            if requirement is not None:
                assert requirement.source, platform
        if rules.media_types is not None:
            assert rules.media_types.source and rules.media_types.mime_types, platform


def test_most_limits_were_read_on_a_page_at_the_last_review() -> None:
    limits = [limit for _p, _r, limit in _all_limits()]
    checked = [limit for limit in limits if "(checked 2026-11)" in limit.source]
    assert len(checked) >= len(limits) * 0.6


def test_the_review_date_is_a_date_and_not_in_the_future() -> None:
    assert isinstance(RULES_REVIEWED, dt.date)
    assert dt.date(2026, 1, 1) <= RULES_REVIEWED <= dt.date.today()


def _only(platform: str, field: str, severity: str = "error", kind: str = "social_post") -> int:
    rules = rules_for(platform)
    assert rules is not None
    return next(limit.maximum for limit in applicable(getattr(rules, field), kind) if limit.severity == severity)


def test_the_values_the_issue_names() -> None:
    assert _only("instagram", "hashtags") == 5  # since December 2025, an error above 5
    assert _only("x", "hashtags", "warning") == 2
    assert _only("linkedin", "hashtags", "warning") == 5
    assert _only("x", "text") == 280 and PLATFORM_RULES["x"].counting.method == "x_weighted"
    assert _only("instagram", "media") == 10  # the API: 10 (the app has allowed 20 since 2024)
    assert _only("x", "media") == 4 and _only("x", "videos") == 1
    assert _only("linkedin", "media") == 20
    assert _only("threads", "media") == 20
    assert _only("tiktok", "media") == 35 and _only("tiktok", "videos") == 1
    assert _only("tiktok", "text") == 4000
    assert _only("youtube", "title") == 100
    assert _only("email", "title", "warning") == 60
    assert _only("blog", "title", "warning") == 60
    assert _only("x", "video_seconds") == 140
    assert _only("instagram", "video_seconds") == 180
    assert _only("tiktok", "video_seconds") == 600
    assert _only("youtube", "video_seconds", kind="short_video") == 180


def test_kind_specific_limits_replace_the_generic_ones_for_that_kind() -> None:
    youtube = PLATFORM_RULES["youtube"]
    assert [limit.maximum for limit in applicable(youtube.video_seconds, "short_video")] == [180]
    assert sorted(limit.maximum for limit in applicable(youtube.video_seconds, "social_post")) == [900, 43200]
    tiktok = PLATFORM_RULES["tiktok"]
    assert [limit.maximum for limit in applicable(tiktok.text, "short_video")] == [2200]
    assert [limit.maximum for limit in applicable(tiktok.text, "social_post")] == [4000]


def test_a_mime_type_limit_wins_over_its_kind() -> None:
    x = PLATFORM_RULES["x"]
    assert file_limits(x, kind="image", mime_type="image/gif")[0].maximum == 15 * 1024 * 1024
    assert file_limits(x, kind="image", mime_type="image/png")[0].maximum == 5 * 1024 * 1024
    assert file_limits(PLATFORM_RULES["blog"], kind="image", mime_type="image/png") == ()


def test_the_plain_table_lists_every_limit_with_its_source() -> None:
    rows = rules_table()
    limit_rows = [row for row in rows if row["rule"] in LIMIT_FIELDS or str(row["rule"]).startswith("file_bytes:")]
    assert len(limit_rows) == len(_all_limits())
    assert all(row["source"] for row in rows)
    assert {row["platform"] for row in rows} == set(Platform.values)
    counting_rows = [row for row in rows if row["rule"] == "counting"]
    assert len(counting_rows) == len(PLATFORM_RULES)
