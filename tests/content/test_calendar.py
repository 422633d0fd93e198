"""The content calendar: grid arithmetic, moving content, holidays, team events and the iCalendar feed."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from alur.accounts.models import User
from alur.campaigns.services import campaign_create
from alur.content import calendar_grid
from alur.content.models import ContentItem
from alur.content.services import approvals, calendar, items
from alur.core.models import AuditEvent
from alur.core.roles import Role
from tests.conftest import Team

R = Role
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def _item(team: Team, when: dt.datetime, **kwargs: object) -> ContentItem:
    return items.content_create(
        actor=team.user(R.CONTENT_CREATOR),
        workspace=team.workspace,
        title="Promo Jumat",
        publish_at=when,
        variants=[{"platform": "instagram", "text": "Jumat berkah ☕"}],
        **kwargs,  # type: ignore[arg-type]
    )


def _soon(days: int = 5, hour: int = 10) -> dt.datetime:
    day = timezone.localtime(timezone.now(), JAKARTA).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 30), tzinfo=JAKARTA)


def test_month_grid_starts_on_monday_and_covers_the_month() -> None:
    weeks = calendar_grid.month_grid(2026, 12)
    assert weeks[0][0].date == dt.date(2026, 11, 30) and not weeks[0][0].in_month
    assert all(len(week) == 7 for week in weeks)
    assert weeks[-1][-1].date >= dt.date(2026, 12, 31)
    assert sum(day.in_month for week in weeks for day in week) == 31
    assert calendar_grid.week_range(dt.date(2026, 11, 26)) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert calendar_grid.free_slots({"instagram": 4, "x": 0}, {"instagram": 6, "tiktok": 2}) == {"instagram": (6, 4, 0)}


def test_rescheduling_keeps_the_audit_and_refuses_the_past_and_published_content(team: Team) -> None:
    item = _item(team, _soon())
    moved = calendar.content_reschedule(actor=team.user(R.CONTENT_CREATOR), item=item, publish_at=_soon(7))
    assert moved.publish_at == _soon(7)
    assert AuditEvent.objects.filter(action="content.reschedule", object_id=str(item.pk)).exists()
    with pytest.raises(ValidationError, match="future"):
        calendar.content_reschedule(actor=team.user(R.CONTENT_CREATOR), item=item, publish_at=_soon(-2))
    ContentItem.objects.filter(pk=item.pk).update(status="published")
    with pytest.raises(ValidationError, match="Published"):
        calendar.content_reschedule(actor=team.user(R.MANAGER), item=ContentItem.objects.get(pk=item.pk), publish_at=_soon(9))
    with pytest.raises(PermissionDenied):
        calendar.content_reschedule(actor=team.user(R.CLIENT), item=_item(team, _soon()), publish_at=_soon(3))


def test_a_move_outside_the_campaign_names_its_dates(team: Team) -> None:
    start = timezone.localdate() + dt.timedelta(days=1)
    campaign = campaign_create(
        actor=team.user(R.MANAGER),
        workspace=team.workspace,
        name="Harbolnas",
        owner=team.user(R.MANAGER),
        start_date=start,
        end_date=start + dt.timedelta(days=6),
    )
    item = _item(team, _soon(3), campaign=campaign)
    with pytest.raises(ValidationError) as refused:
        calendar.content_reschedule(actor=team.user(R.CONTENT_CREATOR), item=item, publish_at=_soon(20))
    assert start.isoformat() in str(refused.value) and "Harbolnas" in str(refused.value)


def test_the_move_view_keeps_the_time_of_day(team: Team, other_team: Team, login: Callable[[User], Client]) -> None:
    item = _item(team, _soon(4, hour=14))
    target = (timezone.localdate() + dt.timedelta(days=6)).isoformat()
    response = login(team.user(R.CONTENT_CREATOR)).post(f"/w/kopi/content/{item.pk}/move/", {"date": target})
    assert response.status_code == 200 and response.json()["ok"]
    item.refresh_from_db()
    local = timezone.localtime(item.publish_at, JAKARTA)
    assert local.date().isoformat() == target and (local.hour, local.minute) == (14, 30)
    past = login(team.user(R.CONTENT_CREATOR)).post(f"/w/kopi/content/{item.pk}/move/", {"date": "2020-01-01"})
    assert past.status_code == 422 and past.json()["message"]
    assert login(other_team.user(R.MANAGER)).post(f"/w/batik/content/{item.pk}/move/", {"date": target}).status_code == 404


def test_the_calendar_page_shows_items_holidays_and_events(team: Team, login: Callable[[User], Client]) -> None:
    _item(team, _soon(2))
    calendar.calendar_event_create(
        actor=team.user(R.MANAGER),
        workspace=team.workspace,
        title="Rapat konten",
        start_date=timezone.localdate() + dt.timedelta(days=1),
    )
    page = login(team.user(R.CONTENT_CREATOR)).get("/w/kopi/content/calendar/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Promo Jumat" in html and "Rapat konten" in html
    august = login(team.user(R.CONTENT_CREATOR)).get("/w/kopi/content/calendar/?date=2027-08-10").content.decode()
    assert "Kemerdekaan" in august  # 17 August, in Indonesian for an Indonesian-speaking member
    for view in ("week", "list"):
        assert login(team.user(R.CONTENT_CREATOR)).get(f"/w/kopi/content/calendar/?view={view}&date=bad").status_code == 200
    with pytest.raises(PermissionDenied):
        calendar.calendar_event_create(
            actor=team.user(R.CONTENT_CREATOR), workspace=team.workspace, title="X", start_date=timezone.localdate()
        )


def test_a_client_sees_only_shared_items_on_the_calendar(team: Team, login: Callable[[User], Client]) -> None:
    _item(team, _soon(2))
    shared = _item(team, _soon(3), is_shared_with_clients=True)
    shared.title = "Untuk klien"
    ContentItem.objects.filter(pk=shared.pk).update(title="Untuk klien")
    html = login(team.user(R.CLIENT)).get("/w/kopi/content/calendar/").content.decode()
    if timezone.localtime(_soon(3), JAKARTA).month == timezone.localtime(timezone.now(), JAKARTA).month:
        assert "Untuk klien" in html
    assert "Promo Jumat" not in html


def test_the_ics_feed_is_parsed_by_an_icalendar_parser_and_follows_moves(team: Team, other_team: Team) -> None:
    approvals.approval_route_set(actor=team.user(R.MANAGER), workspace=team.workspace, mode="none")
    item = _item(team, _soon(3, hour=9))
    _item(other_team, _soon(3, hour=9)).title  # noqa: B018 - another workspace's item must not leak
    feed, token = calendar.calendar_feed_create(actor=team.user(R.MANAGER), workspace=team.workspace, label="Google")
    assert token not in feed.token_hash
    response = Client().get(f"/ics/{token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    parsed = Calendar.from_ical(response.content)
    events = list(parsed.walk("VEVENT"))
    assert len(events) == 1
    start = events[0].decoded("dtstart")
    assert start == _soon(3, hour=9) and start.utcoffset() == dt.timedelta(0)
    assert "Promo Jumat" in str(events[0]["summary"])
    calendar.content_reschedule(actor=team.user(R.CONTENT_CREATOR), item=item, publish_at=_soon(6, hour=9))
    moved = Calendar.from_ical(Client().get(f"/ics/{token}.ics").content)
    assert next(iter(moved.walk("VEVENT"))).decoded("dtstart") == _soon(6, hour=9)
    calendar.calendar_feed_revoke(actor=team.user(R.MANAGER), feed=feed)
    assert Client().get(f"/ics/{token}.ics").status_code == 404
    assert Client().get("/ics/alurcal_guess.ics").status_code == 404


def test_the_calendar_api(team: Team, make_token: Callable[..., object]) -> None:
    _, token = make_token(team.user(R.MANAGER), team.workspace, scope="write")  # type: ignore[misc]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    item = _item(team, _soon(2))
    start, end = timezone.localdate(), timezone.localdate() + dt.timedelta(days=40)
    answer = Client().get(f"/api/v1/workspaces/kopi/calendar?start={start}&end={end}", **headers)
    assert answer.status_code == 200 and [i["id"] for i in answer.json()["items"]] == [item.pk]
    assert Client().get(f"/api/v1/workspaces/kopi/calendar?start={end}&end={start}", **headers).status_code == 422
    moved = Client().post(
        f"/api/v1/workspaces/kopi/content/{item.pk}/reschedule",
        data={"publish_at": "2020-01-01T10:00:00+07:00"},
        content_type="application/json",
        **headers,
    )
    assert moved.status_code == 422
    feed = Client().post(
        "/api/v1/workspaces/kopi/calendar/feeds", data={"label": "Outlook"}, content_type="application/json", **headers
    )
    assert feed.status_code == 201 and "/ics/alurcal_" in feed.json()["url"]
