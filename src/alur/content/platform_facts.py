"""Platform API facts, as data with sources: which API version Alur speaks to each platform and when it dies.

Framework-free, read by :mod:`alur.content.rules` (which re-exports it), by the connectors (the version
they send) and by the channel accounts page (the sunset warning). A maintainer updates this file when a
platform releases or sunsets a version; ``tests/publishing/test_platform_facts.py`` fails
:data:`SUNSET_WARNING_DAYS` days before the sunset of any version in use, so the update cannot be missed.

Each :class:`ApiVersion` names the page that gives its sunset date and the day that page was read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

SUNSET_WARNING_DAYS = 60
"""How long before a version's sunset the tests fail and the accounts page warns."""

CHECKED = dt.date(2026, 12, 7)

LINKEDIN_VERSIONING = "https://learn.microsoft.com/en-us/linkedin/marketing/versioning"
LINKEDIN_MIGRATIONS = "https://learn.microsoft.com/en-us/linkedin/marketing/integrations/migrations"
_LINKEDIN_RULE = (
    f"{LINKEDIN_VERSIONING}: monthly versions, each supported for at least one year, then sunset; a sunset "
    f"version answers HTTP 426 on every call. Sunset dates as listed on {LINKEDIN_MIGRATIONS}"
)
META_CHANGELOG = "https://developers.facebook.com/docs/graph-api/changelog/versions"
TIKTOK_POSTING = "https://developers.tiktok.com/doc/content-posting-api-reference-direct-post"


@dataclass(frozen=True)
class ApiVersion:
    platform: str
    version: str
    released: dt.date
    sunset: dt.date | None  # None: the platform has announced no sunset for it (unversioned or open-ended)
    source: str
    checked: dt.date = CHECKED
    estimated: bool = False  # True: the platform has not published the date yet; the earliest its rule allows

    def days_left(self, today: dt.date) -> int | None:
        return None if self.sunset is None else (self.sunset - today).days

    def is_sunset(self, today: dt.date) -> bool:
        return self.sunset is not None and today >= self.sunset

    def near_sunset(self, today: dt.date, days: int = SUNSET_WARNING_DAYS) -> bool:
        left = self.days_left(today)
        return left is not None and left <= days


# LinkedIn's Marketing / Community Management versions. A version YYYYMM is sunset about a year after its
# release, mid-month (202410 on 2025-10-15, 202411 on 2025-11-17, per the migrations table); 202510 is sunset
# on 2026-10-15. Versions released after 202510 have no published date yet: the sunset below is the earliest
# the one-year rule allows (the 15th of the release month one year on) and is re-read at each review.
LINKEDIN_VERSIONS: Mapping[str, ApiVersion] = MappingProxyType(
    {
        v.version: v
        for v in (
            ApiVersion("linkedin", "202410", dt.date(2024, 10, 1), dt.date(2025, 10, 15), _LINKEDIN_RULE),
            ApiVersion("linkedin", "202411", dt.date(2024, 11, 1), dt.date(2025, 11, 17), _LINKEDIN_RULE),
            ApiVersion("linkedin", "202510", dt.date(2025, 10, 1), dt.date(2026, 10, 15), _LINKEDIN_RULE),
            ApiVersion("linkedin", "202601", dt.date(2026, 1, 1), dt.date(2027, 1, 15), _LINKEDIN_RULE, estimated=True),
            ApiVersion("linkedin", "202603", dt.date(2026, 3, 1), dt.date(2027, 3, 15), _LINKEDIN_RULE, estimated=True),
            ApiVersion("linkedin", "202607", dt.date(2026, 7, 1), dt.date(2027, 7, 15), _LINKEDIN_RULE, estimated=True),
        )
    }
)

LINKEDIN_VERSION = "202607"
"""The version the LinkedIn connector sends (the newest one the versioning pages named when last read)."""

# Meta Graph API: each version lives at least two years from the next version's release; v23.0 (released
# 2025-05-29) has no announced end date on the changelog page when last read.
META_VERSION = ApiVersion(
    "meta",
    "v23.0",
    dt.date(2025, 5, 29),
    None,
    f"{META_CHANGELOG}: a Graph API version is available for at least two years after the next one is released",
)
# TikTok's Content Posting API is unversioned under /v2/ and announces no sunset.
TIKTOK_VERSION = ApiVersion("tiktok", "v2", dt.date(2023, 1, 1), None, f"{TIKTOK_POSTING}: the /v2/ endpoints")

VERSIONS_IN_USE: tuple[ApiVersion, ...] = (LINKEDIN_VERSIONS[LINKEDIN_VERSION], META_VERSION, TIKTOK_VERSION)


def linkedin_version(version: str) -> ApiVersion | None:
    return LINKEDIN_VERSIONS.get(version)


def sunset_warning(platform: str, version: str, today: dt.date) -> ApiVersion | None:
    """The version's facts when it is sunset or within :data:`SUNSET_WARNING_DAYS` of its sunset; None when
    it is safe or unknown to this table."""
    if platform == "linkedin":
        facts = LINKEDIN_VERSIONS.get(version)
        if facts is not None and facts.near_sunset(today):
            return facts
    return None
