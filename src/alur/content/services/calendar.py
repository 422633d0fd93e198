"""Writes of the calendar: moving content to another day (drag and drop), team events, and the secret
iCalendar feeds (only the SHA-256 of a feed token is stored; revoking closes it for good)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alur.accounts.models import User, Workspace
from alur.accounts.selectors import membership_of
from alur.content import states
from alur.content.models import CalendarEvent, CalendarFeed, ContentItem, ContentStatus
from alur.content.services.items import check_campaign_window, schedule_changed
from alur.core.audit import audit_record, snapshot
from alur.core.policy import Action, require
from alur.core.validation import refuse_nul_characters

FEED_PREFIX = "alurcal_"


def feed_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def content_reschedule(*, actor: User, item: ContentItem, publish_at: dt.datetime) -> ContentItem:
    """Move an item to a new publish time. Scheduled content needs the scheduling right, the rest the
    editing right; the past, a day outside the item's campaign, and published content are refused."""
    action = Action.POST_SCHEDULE if item.status == ContentStatus.SCHEDULED else Action.CONTENT_EDIT
    require(actor, membership_of(actor, item.workspace), action, item)
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update(of=("self",)).select_related("workspace", "campaign").get(pk=item.pk)
        if locked.status in states.FINAL:
            raise ValidationError(_("Published content stays where it went out; it cannot be moved."))
        if publish_at <= timezone.now():
            raise ValidationError(
                {
                    "publish_at": _("Choose a time in the future; %(when)s has passed.")
                    % {"when": timezone.localtime(publish_at).strftime("%Y-%m-%d %H:%M")}
                }
            )
        check_campaign_window(locked, publish_at)
        before = snapshot(locked, ("publish_at",))
        locked.publish_at = publish_at
        locked.updated_at = timezone.now()
        locked.save(update_fields=["publish_at", "updated_at"])
        schedule_changed(locked)
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="content.reschedule",
            obj=locked,
            before=before,
            after=snapshot(locked, ("publish_at",)),
        )
    return locked


def calendar_event_create(
    *, actor: User, workspace: Workspace, title: str, start_date: dt.date, end_date: dt.date | None = None, note: str = ""
) -> CalendarEvent:
    require(actor, membership_of(actor, workspace), Action.CALENDAR_MANAGE)
    title = (title or "").strip()
    refuse_nul_characters(title=title, note=note)
    if not title:
        raise ValidationError({"title": _("Give the event a title.")})
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    with transaction.atomic():
        event = CalendarEvent.objects.create(
            workspace=workspace,
            title=title[:150],
            start_date=start_date,
            end_date=end_date,
            note=note.strip()[:2000],
            created_by=actor,
        )
        audit_record(
            actor=actor,
            workspace=workspace,
            action="calendar.event",
            obj=event,
            after=snapshot(event, ("title", "start_date", "end_date")),
        )
    return event


def calendar_event_delete(*, actor: User, event: CalendarEvent) -> None:
    require(actor, membership_of(actor, event.workspace), Action.CALENDAR_MANAGE, event)
    with transaction.atomic():
        audit_record(
            actor=actor,
            workspace=event.workspace,
            action="calendar.event",
            obj=event,
            before=snapshot(event, ("title", "start_date")),
        )
        event.delete()


def calendar_feed_create(*, actor: User, workspace: Workspace, label: str = "") -> tuple[CalendarFeed, str]:
    """A new feed; the token is returned once and never stored."""
    require(actor, membership_of(actor, workspace), Action.CALENDAR_MANAGE)
    refuse_nul_characters(label=label)
    token = FEED_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        feed = CalendarFeed.objects.create(
            workspace=workspace, token_hash=feed_digest(token), label=label.strip()[:80], created_by=actor
        )
        audit_record(actor=actor, workspace=workspace, action="calendar.feed", obj=feed, after={"label": feed.label})
    return feed, token


def calendar_feed_revoke(*, actor: User, feed: CalendarFeed) -> CalendarFeed:
    require(actor, membership_of(actor, feed.workspace), Action.CALENDAR_MANAGE, feed)
    with transaction.atomic():
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        audit_record(actor=actor, workspace=feed.workspace, action="calendar.feed_revoke", obj=feed, after={"label": feed.label})
    return feed
