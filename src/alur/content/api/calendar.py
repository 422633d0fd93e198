"""API endpoints of the calendar: items, holidays and team events in a range; rescheduling; events; feeds."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from alur.accounts.api import ErrorOut, api_membership, require_write_scope
from alur.accounts.models import User
from alur.content.api.items import ANSWERS, ItemOut, _item, item_out
from alur.content.selectors import calendar as selectors
from alur.content.selectors.items import ItemFilter
from alur.content.services import calendar as services
from alur.core.policy import Action, require
from alur.core.validation import Id

router = Router(tags=["content"])


class HolidayOut(Schema):
    date: dt.date
    name: str


class EventIO(Schema):
    id: int | None = None
    title: str = Field(..., max_length=150)
    start_date: dt.date
    end_date: dt.date | None = None
    note: str = Field("", max_length=2000)


class CalendarOut(Schema):
    start: dt.date
    end: dt.date
    items: list[ItemOut]
    holidays: list[HolidayOut]
    events: list[EventIO]


class RescheduleIn(Schema):
    publish_at: dt.datetime


class FeedIn(Schema):
    label: str = Field("", max_length=80)


class FeedOut(Schema):
    id: int
    label: str
    revoked: bool
    url: str | None = Field(None, description="Only in the answer that creates the feed.")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _event_out(event: object) -> EventIO:
    return EventIO(
        id=event.pk,  # type: ignore[attr-defined]
        title=event.title,  # type: ignore[attr-defined]
        start_date=event.start_date,  # type: ignore[attr-defined]
        end_date=event.end_date,  # type: ignore[attr-defined]
        note=event.note,  # type: ignore[attr-defined]
    )


@router.get("/workspaces/{slug}/calendar", response={200: CalendarOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def calendar_range(
    request: HttpRequest,
    slug: str,
    start: dt.date,
    end: dt.date,
    platform: str = "",
    campaign: Id | None = None,
    owner: Id | None = None,
    status: str = "",
) -> CalendarOut:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CONTENT_VIEW)
    if end < start or (end - start).days > 400:
        from django.core.exceptions import ValidationError

        raise ValidationError({"end": "Choose an end on or after the start, at most 400 days later."})
    filters = ItemFilter(status=status, platform=platform, campaign=campaign, owner=owner)
    found = selectors.items_in_range(membership, start, end, filters).prefetch_related("variants")
    return CalendarOut(
        start=start,
        end=end,
        items=[item_out(item) for item in found],
        holidays=[HolidayOut(date=day, name=name) for day, name in selectors.holidays_in_range(start, end).items()],
        events=[_event_out(event) for event in selectors.events_in_range(membership, start, end)],
    )


@router.post("/workspaces/{slug}/content/{item_id}/reschedule", response=ANSWERS)
def reschedule(request: HttpRequest, slug: str, item_id: Id, payload: RescheduleIn) -> ItemOut:
    _membership, item = _item(request, slug, item_id, write=True)
    return item_out(services.content_reschedule(actor=_user(request), item=item, publish_at=payload.publish_at))


@router.post("/workspaces/{slug}/calendar/events", response={201: EventIO, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def event_create(request: HttpRequest, slug: str, payload: EventIO) -> Status[EventIO]:
    membership = api_membership(request, slug)
    require_write_scope(request)
    event = services.calendar_event_create(
        actor=_user(request),
        workspace=membership.workspace,
        title=payload.title,
        start_date=payload.start_date,
        end_date=payload.end_date,
        note=payload.note,
    )
    return Status(201, _event_out(event))


@router.post("/workspaces/{slug}/calendar/feeds", response={201: FeedOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def feed_create(request: HttpRequest, slug: str, payload: FeedIn) -> Status[FeedOut]:
    membership = api_membership(request, slug)
    require_write_scope(request)
    feed, token = services.calendar_feed_create(actor=_user(request), workspace=membership.workspace, label=payload.label)
    url = settings.ALUR_BASE_URL.rstrip("/") + reverse("content:ics_feed", args=[token])
    return Status(201, FeedOut(id=feed.pk, label=feed.label, revoked=False, url=url))


@router.post(
    "/workspaces/{slug}/calendar/feeds/{feed_id}/revoke", response={200: FeedOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def feed_revoke(request: HttpRequest, slug: str, feed_id: Id) -> FeedOut:
    membership = api_membership(request, slug)
    require_write_scope(request)
    feed = selectors.feeds_of(membership.workspace).filter(pk=feed_id).first()
    if feed is None:
        raise Http404
    feed = services.calendar_feed_revoke(actor=_user(request), feed=feed)
    return FeedOut(id=feed.pk, label=feed.label, revoked=True, url=None)
