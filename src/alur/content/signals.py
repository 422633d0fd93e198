"""What the content studio tells the contexts above it, without knowing them.

``schedule_changed`` is sent inside the transaction that changed an item's status or publish time (the
item's row is locked): scheduled, unscheduled, moved on the calendar, edited back into review. Publishing
connects its receiver in ``PublishingConfig.ready()`` and re-plans the item's posts in that same
transaction, so an old publish time never fires. Content never imports publishing.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``sender=ContentItem`` and ``item=<the locked ContentItem>``.
schedule_changed = Signal()
