"""Notifications: an in-app notice per recipient and, beside it, an email sent by the worker.

``dedupe_key`` makes repeated triggers (a reminder sweep that runs every minute, a mention edited twice)
land once: a recipient never holds two unread notices with the same key.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from alur.core.models import Notification


def notify(
    *,
    workspace: Any,
    recipients: Iterable[Any],
    kind: str,
    message: str,
    url: str = "",
    dedupe_key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Create one unread notice per distinct active recipient (skipping duplicates of an unread notice
    with the same ``dedupe_key``) and queue their emails once the transaction commits."""
    created: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen or not getattr(user, "is_active", False):
            continue
        seen.add(user.pk)
        if dedupe_key and Notification.objects.filter(recipient=user, dedupe_key=dedupe_key, read_at__isnull=True).exists():
            continue
        created.append(
            Notification.objects.create(
                workspace=workspace, recipient=user, kind=kind, message=message[:300], url=url[:300], dedupe_key=dedupe_key[:120]
            )
        )
    if email and created:
        from alur.core.tasks import notification_email_send

        ids = [n.pk for n in created]
        transaction.on_commit(lambda: [notification_email_send.enqueue(pk) for pk in ids])
    return created


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read (all of them when ``ids`` is None); returns how many changed."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())
