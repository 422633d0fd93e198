"""The way into a workspace's facts: :func:`_facts` is the only one, filtered to one workspace first (and
shared by a page's queries within :func:`facts_shared`). Beside it what every reader of the facts needs:
which Alur campaign a platform's campaign is, the budget channel a fact's channel counts towards, the
first and last day with data, and a dashboard's date range and filters (:class:`Filters`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import ibis

from alur.analytics import factstore, kpis
from alur.analytics.models import CampaignMapping
from alur.campaigns.models import Campaign
from alur.publishing.utm import slugify_value

FILTER_FIELDS = ("source", "channel", "campaign", "campaign_id", "region", "device", "account")

# Facts' channels → the channel keys budget lines use (campaigns.templates_data.CHANNELS). Google Ads
# search campaigns are SEM; every other paid placement (display, video, social ads) is "ads". A channel that
# already is a budget key (generic sources) stays itself.
BUDGET_CHANNELS = ("seo", "sem", "social", "email", "content", "ads", "influencer", "offline")
_SEARCH_WORDS = ("search", "penelusuran", "sem")


def channel_key(channel: str, source: str = "") -> str:
    """The budget channel a fact's channel counts towards (see :data:`BUDGET_CHANNELS`)."""
    name = (channel or "").strip().lower()
    if name in BUDGET_CHANNELS:
        return name
    if source == "google_ads" and any(word in name for word in _SEARCH_WORDS):
        return "sem"
    if source in ("google_ads", "meta_ads", "tiktok_ads", "linkedin_ads"):
        return "ads"
    return name


def campaign_ids(workspace_id: int) -> dict[str, int]:
    """Platform campaign name (lower case) → Alur campaign: explicit mappings first, then the campaign's UTM
    slug and its name."""
    found: dict[str, int] = {}
    for campaign_id, name in Campaign.objects.filter(workspace_id=workspace_id).values_list("id", "name"):
        found.setdefault(slugify_value(name).lower(), campaign_id)
        found.setdefault(name.lower(), campaign_id)
    for platform_campaign, campaign_id in CampaignMapping.objects.filter(workspace_id=workspace_id).values_list(
        "platform_campaign", "campaign_id"
    ):
        found[platform_campaign.lower()] = campaign_id
    return found


_SHARED_FACTS: ContextVar[tuple[contextlib.ExitStack, dict[int, ibis.Table]] | None] = ContextVar("_shared_facts", default=None)


@contextlib.contextmanager
def facts_shared() -> Iterator[None]:
    """Within this block every read of a workspace's facts shares one open table: a page's dozen queries open
    the fact files and look up the campaigns once."""
    with contextlib.ExitStack() as stack:
        token = _SHARED_FACTS.set((stack, {}))
        try:
            yield
        finally:
            _SHARED_FACTS.reset(token)


@contextlib.contextmanager
def _facts(workspace_id: int) -> Iterator[ibis.Table]:
    shared = _SHARED_FACTS.get()
    if shared is None:
        with factstore.facts_table(int(workspace_id), campaign_ids(workspace_id)) as table:
            yield table
        return
    stack, tables = shared
    if workspace_id not in tables:
        tables[workspace_id] = stack.enter_context(factstore.facts_table(int(workspace_id), campaign_ids(workspace_id)))
    yield tables[workspace_id]


@dataclass(frozen=True)
class Filters:
    """A dashboard's date range and filters (end inclusive)."""

    start: dt.date
    end: dt.date
    values: Mapping[str, Any]

    @property
    def previous(self) -> tuple[dt.date, dt.date]:
        days = (self.end - self.start).days + 1
        return self.start - dt.timedelta(days=days), self.start - dt.timedelta(days=1)


def data_range(workspace_id: int) -> tuple[dt.date, dt.date] | None:
    """The first and last day with data (of daily and whole-period facts), or None when nothing was imported."""
    with _facts(workspace_id) as facts:
        return _first_and_last(facts)


def _first_and_last(facts: ibis.Table) -> tuple[dt.date, dt.date] | None:
    row = kpis.execute(facts.aggregate(first=facts.date.min(), last=facts.date_end.max()))
    if not row or row[0]["first"] is None:
        return None
    return row[0]["first"], row[0]["last"]


def filter_options(workspace_id: int) -> dict[str, list[str]]:
    """Distinct values of each filterable dimension (for the filter controls)."""
    options: dict[str, list[str]] = {}
    with _facts(workspace_id) as facts:
        for name in ("source", "channel", "campaign", "region", "device", "currency"):
            rows = kpis.execute(facts.select(value=facts[name]).distinct().order_by("value"))
            options[name] = [r["value"] for r in rows if r["value"]][:500]
    return options


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
