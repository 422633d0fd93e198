"""The iCalendar (RFC 5545) feed of a workspace, built with the ``icalendar`` package: one event per
content item with a publish time (in UTC), team events as all-day events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event

from alur.content.models import CalendarEvent, ContentItem


def build_feed(
    *, name: str, time_zone: str, host: str, base_url: str, items: Iterable[ContentItem], events: Iterable[CalendarEvent]
) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Alur//Content calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{name} · Alur")
    cal.add("x-wr-timezone", time_zone)
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for item in items:
        if item.publish_at is None:
            continue
        platforms = ", ".join(v.get_platform_display() for v in item.variants.all())
        start = item.publish_at.astimezone(dt.UTC)
        event = Event()
        event.add("uid", f"content-{item.pk}@{host}")
        event.add("dtstamp", item.updated_at.astimezone(dt.UTC))
        event.add("last-modified", item.updated_at.astimezone(dt.UTC))
        event.add("sequence", item.version)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=30))
        event.add("summary", f"[{platforms}] {item.title} ({item.get_status_display()})")
        first = next(iter(item.variants.all()), None)
        url = f"{base_url}/w/{item.workspace.slug}/content/{item.pk}/"
        event.add("description", ((first.text if first else "") + "\n\n" + url).strip())
        event.add("url", url)
        cal.add_component(event)
    for team_event in events:
        event = Event()
        event.add("uid", f"event-{team_event.pk}@{host}")
        event.add("dtstamp", team_event.created_at.astimezone(dt.UTC))
        event.add("dtstart", team_event.start_date)
        event.add("dtend", (team_event.end_date or team_event.start_date) + dt.timedelta(days=1))
        event.add("summary", team_event.title)
        if team_event.note:
            event.add("description", team_event.note)
        cal.add_component(event)
    return cal.to_ical()
