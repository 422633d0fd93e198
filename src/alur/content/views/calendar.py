"""The content calendar (month, week and list views with filters, holidays, team events and free
slots), drag-and-drop rescheduling, team events, and the secret iCalendar feed."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alur.content import calendar_grid
from alur.content.ics import build_feed
from alur.content.models import CalendarEvent, ContentItem, ContentStatus
from alur.content.platforms import Platform
from alur.content.selectors import calendar as selectors
from alur.content.selectors.items import ItemFilter, item_visible
from alur.content.services import calendar as services
from alur.content.views.items import PLATFORM_ICONS, STATUS_BADGES, _campaigns, _members
from alur.core.policy import Action, decide
from alur.core.tenancy import WorkspaceRequest, request_user, workspace_view


def _parse_date(value: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return default


def _filters(request: WorkspaceRequest) -> ItemFilter:
    campaign, owner = request.GET.get("campaign", ""), request.GET.get("owner", "")
    return ItemFilter(
        status=request.GET.get("status", ""),
        platform=request.GET.get("platform", "") if request.GET.get("platform", "") in Platform.values else "",
        campaign=int(campaign) if campaign.isdigit() else None,
        owner=int(owner) if owner.isdigit() else None,
    )


@workspace_view(Action.CONTENT_VIEW)
def calendar(request: WorkspaceRequest) -> HttpResponse:
    today = timezone.localdate()
    view = request.GET.get("view", "month")
    view = view if view in ("month", "week", "list") else "month"
    anchor = _parse_date(request.GET.get("date", ""), today)
    if view == "week":
        start, end = calendar_grid.week_range(anchor)
        weeks = [[calendar_grid.Day(start + dt.timedelta(days=i), True) for i in range(7)]]
        previous, following = anchor - dt.timedelta(days=7), anchor + dt.timedelta(days=7)
    else:
        weeks = calendar_grid.month_grid(anchor.year, anchor.month)
        start, end = weeks[0][0].date, weeks[-1][-1].date
        first = anchor.replace(day=1)
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        if view == "list":
            start, end = first, following - dt.timedelta(days=1)
    filters = _filters(request)
    found = list(selectors.items_in_range(request.membership, start, end, filters).prefetch_related("variants"))
    by_day: dict[dt.date, list[ContentItem]] = defaultdict(list)
    for item in found:
        by_day[timezone.localtime(item.publish_at).date()].append(item)
    events = selectors.events_in_range(request.membership, start, end)
    events_by_day: dict[dt.date, list[CalendarEvent]] = defaultdict(list)
    for event in events:
        day = max(event.start_date, start)
        while day <= min(event.end_date or event.start_date, end):
            events_by_day[day].append(event)
            day += dt.timedelta(days=1)
    week_start, week_end = calendar_grid.week_range(
        anchor if view == "week" else max(today, start) if start <= today <= end else start
    )
    week_items = [i for i in found if week_start <= timezone.localtime(i.publish_at).date() <= week_end]
    can_manage = bool(decide(request_user(request), request.membership, Action.CALENDAR_MANAGE))
    context: dict[str, Any] = {
        "view": view,
        "anchor": anchor,
        "today": today,
        "weeks": weeks,
        "start": start,
        "end": end,
        "previous": previous,
        "following": following,
        "by_day": dict(by_day),
        "list_days": sorted(by_day.items()),
        "holidays": selectors.holidays_in_range(start, end),
        "events_by_day": dict(events_by_day),
        "events": events,
        "free": sorted(selectors.week_free_slots(request.workspace, week_items).items()),
        "week_start": week_start,
        "week_end": week_end,
        "filters": filters,
        "platforms": Platform.choices,
        "statuses": ContentStatus.choices,
        "campaigns": _campaigns(request),
        "members": _members(request),
        "icons": PLATFORM_ICONS,
        "badges": STATUS_BADGES,
        "can_manage": can_manage,
        "feeds": list(selectors.feeds_of(request.workspace)) if can_manage else [],
        "query": request.GET.urlencode(),
    }
    return render(request, "content/calendar.html", context)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def item_move(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    """Drag and drop: the item keeps its time of day (09:00 when it had none) on the dropped date."""
    item = item_visible(request.membership, item_id)
    try:
        day = dt.date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        return JsonResponse({"ok": False, "message": _("Drop the item on a day of the calendar.")}, status=422)
    zone = zoneinfo.ZoneInfo(request.workspace.time_zone)
    clock = timezone.localtime(item.publish_at, zone).time() if item.publish_at else dt.time(9, 0)
    publish_at = dt.datetime.combine(day, clock, tzinfo=zone)
    try:
        services.content_reschedule(actor=request_user(request), item=item, publish_at=publish_at)
    except ValidationError as error:
        return JsonResponse({"ok": False, "message": " ".join(error.messages)}, status=422)
    return JsonResponse(
        {
            "ok": True,
            "message": _("“%(title)s” moved to %(when)s.") % {"title": item.title, "when": publish_at.strftime("%Y-%m-%d %H:%M")},
        }
    )


def _back(request: WorkspaceRequest) -> HttpResponse:
    return redirect(reverse("content:calendar", args=[request.workspace.slug]) + "?" + request.POST.get("query", ""))


@require_POST
@workspace_view(Action.CALENDAR_MANAGE)
def event_create(request: WorkspaceRequest) -> HttpResponse:
    try:
        start = dt.date.fromisoformat(request.POST.get("start_date", ""))
        end_text = request.POST.get("end_date", "")
        end = dt.date.fromisoformat(end_text) if end_text else None
    except ValueError:
        messages.error(request, _("Give the event's dates as day, month and year."))
        return _back(request)
    try:
        services.calendar_event_create(
            actor=request_user(request),
            workspace=request.workspace,
            title=request.POST.get("title", ""),
            start_date=start,
            end_date=end,
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Event added to the calendar."))
    return _back(request)


@require_POST
@workspace_view(Action.CALENDAR_MANAGE)
def event_delete(request: WorkspaceRequest, event_id: int) -> HttpResponse:
    event = CalendarEvent.objects.filter(workspace=request.workspace, pk=event_id).first()
    if event is None:
        raise Http404
    services.calendar_event_delete(actor=request_user(request), event=event)
    messages.success(request, _("Event removed."))
    return _back(request)


@require_POST
@workspace_view(Action.CALENDAR_MANAGE)
def feed_create(request: WorkspaceRequest) -> HttpResponse:
    _feed, token = services.calendar_feed_create(
        actor=request_user(request), workspace=request.workspace, label=request.POST.get("label", "")
    )
    url = settings.ALUR_BASE_URL.rstrip("/") + reverse("content:ics_feed", args=[token])
    messages.success(request, _("Calendar feed created. Copy this address now; it is shown only once: %(url)s") % {"url": url})
    return _back(request)


@require_POST
@workspace_view(Action.CALENDAR_MANAGE)
def feed_revoke(request: WorkspaceRequest, feed_id: int) -> HttpResponse:
    feed = selectors.feeds_of(request.workspace).filter(pk=feed_id).first()
    if feed is None:
        raise Http404
    services.calendar_feed_revoke(actor=request_user(request), feed=feed)
    messages.success(request, _("Calendar feed revoked; subscriptions to it stop updating."))
    return _back(request)


def ics_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Read-only, no sign-in: the token is the key. Unknown or revoked tokens answer 404."""
    feed = selectors.feed_for_token(token)
    if feed is None:
        raise Http404
    workspace = feed.workspace
    since = timezone.now() - dt.timedelta(days=90)
    found = (
        ContentItem.objects.filter(workspace=workspace, publish_at__gte=since)
        .prefetch_related("variants")
        .select_related("workspace")
    )
    events = CalendarEvent.objects.filter(workspace=workspace, start_date__gte=since.date())
    base = settings.ALUR_BASE_URL.rstrip("/")
    body = build_feed(
        name=workspace.name,
        time_zone=workspace.time_zone,
        host=request.get_host().split(":")[0],
        base_url=base,
        items=found,
        events=events,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{workspace.slug}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


P = "w/<slug:slug>/content/"
urlpatterns: list[URLPattern] = [
    path(P + "calendar/", calendar, name="calendar"),
    path(P + "<int:item_id>/move/", item_move, name="item_move"),
    path(P + "calendar/events/", event_create, name="calendar_event_create"),
    path(P + "calendar/events/<int:event_id>/delete/", event_delete, name="calendar_event_delete"),
    path(P + "calendar/feeds/", feed_create, name="calendar_feed_create"),
    path(P + "calendar/feeds/<int:feed_id>/revoke/", feed_revoke, name="calendar_feed_revoke"),
    path("ics/<str:token>.ics", ics_feed, name="ics_feed"),
]
