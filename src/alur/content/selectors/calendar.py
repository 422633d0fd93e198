"""Reads of the calendar: items, holidays, team events and free slots in a date range."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict

import holidays
from django.db.models import QuerySet
from django.utils.translation import get_language

from alur.accounts.models import Membership, Workspace
from alur.content.calendar_grid import free_slots
from alur.content.models import CalendarEvent, CalendarFeed, ContentItem, ContentSettings
from alur.content.selectors.items import ItemFilter, items_filtered
from alur.content.services.calendar import feed_digest
from alur.core.policy import scope


def _utc_bounds(workspace: Workspace, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = zoneinfo.ZoneInfo(workspace.time_zone)
    low = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return low, high


def items_in_range(membership: Membership, start: dt.date, end: dt.date, filters: ItemFilter) -> QuerySet[ContentItem]:
    low, high = _utc_bounds(membership.workspace, start, end)
    return items_filtered(membership, filters).filter(publish_at__gte=low, publish_at__lt=high).order_by("publish_at", "pk")


def holidays_in_range(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Indonesian public holidays (the ``holidays`` package), named in the active language."""
    language = "id" if (get_language() or "en").startswith("id") else "en_US"
    calendar = holidays.country_holidays("ID", years=range(start.year, end.year + 1), language=language)
    return {day: name for day, name in sorted(calendar.items()) if start <= day <= end}


def events_in_range(membership: Membership, start: dt.date, end: dt.date) -> list[CalendarEvent]:
    """The team's days overlapping the range; none for an outside member (see ``content.CalendarEvent``)."""
    return [
        event
        for event in scope(CalendarEvent.objects.filter(start_date__lte=end), membership).order_by("start_date")
        if (event.end_date or event.start_date) >= start
    ]


def week_free_slots(workspace: Workspace, items: list[ContentItem]) -> dict[str, tuple[int, int, int]]:
    settings_row = ContentSettings.objects.filter(workspace=workspace).first()
    per_week = {k: int(v) for k, v in (settings_row.posting_frequency if settings_row else {}).items() if str(v).isdigit()}
    planned: dict[str, int] = defaultdict(int)
    for item in items:
        for variant in item.variants.all():
            planned[variant.platform] += 1
    return free_slots(per_week, planned)


def feeds_of(workspace: Workspace) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(workspace=workspace).order_by("-created_at")


def feed_for_token(token: str) -> CalendarFeed | None:
    if not token.startswith("alurcal_") or len(token) > 100:
        return None
    return CalendarFeed.objects.select_related("workspace").filter(token_hash=feed_digest(token), revoked_at__isnull=True).first()
