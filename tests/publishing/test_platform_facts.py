"""The platform facts the connectors use: a version near its sunset fails here, and what the editor allows
(alur.content.rules) the connectors can send."""

from __future__ import annotations

import datetime as dt

import pytest

from alur.content import platform_facts
from alur.content.platform_facts import SUNSET_WARNING_DAYS, VERSIONS_IN_USE, ApiVersion, sunset_warning
from alur.content.rules import PLATFORM_RULES
from alur.publishing.connectors.linkedin import DEFAULT_VERSION, LinkedInConnector
from alur.publishing.connectors.meta import API_VERSION, InstagramConnector
from alur.publishing.connectors.tiktok import TikTokConnector


def test_no_api_version_in_use_is_within_sixty_days_of_its_sunset() -> None:
    """Fails SUNSET_WARNING_DAYS days before any version Alur speaks is sunset: update platform_facts then."""
    today = dt.date.today()
    for version in VERSIONS_IN_USE:
        assert not version.near_sunset(today), (
            f"{version.platform} API version {version.version} is sunset on {version.sunset} "
            f"({version.days_left(today)} days left); move to a current version ({version.source})"
        )


def test_the_connectors_send_the_versions_in_the_facts() -> None:
    assert DEFAULT_VERSION == platform_facts.LINKEDIN_VERSION
    assert platform_facts.META_VERSION.version == API_VERSION
    assert platform_facts.LINKEDIN_VERSIONS[DEFAULT_VERSION] in VERSIONS_IN_USE


def test_the_sunset_check_counts_sixty_days() -> None:
    version = ApiVersion("linkedin", "202510", dt.date(2025, 10, 1), dt.date(2026, 10, 15), "page")
    assert not version.near_sunset(dt.date(2026, 8, 15))
    assert version.near_sunset(dt.date(2026, 8, 16))
    assert version.is_sunset(dt.date(2026, 10, 15)) and not version.is_sunset(dt.date(2026, 10, 14))
    assert SUNSET_WARNING_DAYS == 60


def test_the_old_linkedin_default_is_flagged_and_the_current_one_is_not() -> None:
    today = dt.date(2026, 12, 7)
    warned = sunset_warning("linkedin", "202510", today)
    assert warned is not None and warned.is_sunset(today)
    assert sunset_warning("linkedin", DEFAULT_VERSION, today) is None
    assert sunset_warning("linkedin", "202601", today) is not None  # 2027-01-15: within 60 days


@pytest.mark.parametrize(
    ("platform", "connector"),
    [("linkedin", LinkedInConnector), ("instagram", InstagramConnector), ("tiktok", TikTokConnector)],
)
def test_what_the_editor_allows_the_connector_can_send(platform: str, connector: type) -> None:
    rules = PLATFORM_RULES[platform]
    assert rules.media_types is not None
    kinds = {mime.split("/")[0] for mime in rules.media_types.mime_types}
    assert kinds <= set(connector.capabilities.media_types), f"{platform}: the editor allows {kinds}"
    for limit in rules.media:
        assert limit.maximum <= connector.capabilities.max_media, f"{platform}: {limit.maximum} media items"


def test_instagram_takes_jpeg_only_and_ten_carousel_items() -> None:
    rules = PLATFORM_RULES["instagram"]
    assert rules.media_types is not None
    images = {mime for mime in rules.media_types.mime_types if mime.startswith("image/")}
    assert images == {"image/jpeg"}
    assert max(limit.maximum for limit in rules.media) == 10


def test_linkedin_video_is_refused_in_the_editor() -> None:
    rules = PLATFORM_RULES["linkedin"]
    assert rules.media_types is not None
    assert not any(mime.startswith("video/") for mime in rules.media_types.mime_types)
