"""UTM tagging of outgoing links. Framework-free.

Parameters follow Google Analytics' campaign URL conventions
(https://support.google.com/analytics/answer/10917952): ``utm_source`` = the platform,
``utm_medium`` = the workspace's medium for that platform (``social`` by default, ``email`` for the
newsletter), ``utm_campaign`` = the campaign slug, ``utm_content`` = the variant. Existing query
parameters stay in place and in order; UTM values already present on a link are kept (a person who
tagged a link by hand meant it). Links to domains outside ``only_domains`` (when given) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

URL_IN_TEXT = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
TRAILING = ".,;:!?"

DEFAULT_MEDIUMS: Mapping[str, str] = {"email": "email", "blog": "referral"}


@dataclass(frozen=True)
class UtmRule:
    enabled: bool = True
    medium: str = "social"
    mediums: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_MEDIUMS))
    only_domains: tuple[str, ...] = ()  # empty: tag every link

    def medium_for(self, platform: str) -> str:
        return self.mediums.get(platform, self.medium)


def slugify_value(value: str) -> str:
    value = re.sub(r"[^\w.-]+", "-", value.strip().lower(), flags=re.UNICODE)
    return value.strip("-")[:100]


def tag_url(url: str, params: Mapping[str, str], *, only_domains: Iterable[str] = ()) -> str:
    """``url`` with ``params`` added; existing parameters (UTM or not) and the fragment are kept."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return url
    host = (parts.hostname or "").lower()
    domains = [d.lower().lstrip(".") for d in only_domains]
    if domains and not any(host == d or host.endswith("." + d) for d in domains):
        return url
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {name for name, _ in query}
    additions = [(name, value) for name, value in params.items() if value and name not in present]
    if not additions:
        return url
    return urlunsplit(parts._replace(query=urlencode(query + additions, doseq=True)))


def utm_params(rule: UtmRule, *, platform: str, campaign: str, content: str) -> dict[str, str]:
    return {
        "utm_source": slugify_value(platform),
        "utm_medium": slugify_value(rule.medium_for(platform)),
        "utm_campaign": slugify_value(campaign),
        "utm_content": slugify_value(content),
    }


def tag_text(text: str, params: Mapping[str, str], *, only_domains: Iterable[str] = ()) -> str:
    """Every http(s) link inside ``text`` tagged; punctuation that ends a sentence stays outside the link."""
    domains = tuple(only_domains)

    def replace(match: re.Match[str]) -> str:
        raw = match.group(0)
        stripped = raw.rstrip(TRAILING)
        return tag_url(stripped, params, only_domains=domains) + raw[len(stripped) :]

    return URL_IN_TEXT.sub(replace, text)
