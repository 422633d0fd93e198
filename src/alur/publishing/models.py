"""Publishing: channel accounts, the posts the scheduler publishes, and the log of every attempt.

The :class:`Post` row is the truth about one variant going out on one account: its status, its publish
time in UTC, its attempt count, its lease and its idempotency key. Workers claim due posts with a
compare-and-set update (see :mod:`alur.publishing.scheduler`), so two workers never take the same post.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alur.content.platforms import Platform


class ChannelAccount(models.Model):
    class Health(models.TextChoices):
        UNTESTED = "untested", _("Not tested yet")
        CONNECTED = "connected", _("Connected")
        EXPIRING = "expiring", _("Token expires soon")
        NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnecting")
        ERROR = "error", _("Connection failed")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=120)
    handle = models.CharField(_("handle or address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    connector = models.CharField(_("connector"), max_length=20, blank=True)
    config = models.JSONField(_("settings"), default=dict, blank=True)
    # Fernet token of the JSON credentials (alur.publishing.crypto); never shown back in full.
    credentials_encrypted = models.TextField(blank=True)
    token_expires_at = models.DateTimeField(_("token expires"), null=True, blank=True)
    health = models.CharField(_("connection"), max_length=20, choices=Health.choices, default=Health.UNTESTED)
    health_message = models.CharField(max_length=500, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # Posting slots for "add to queue": [{"weekday": 0-6 (Monday 0), "time": "HH:MM"}] in the workspace zone.
    queue_slots = models.JSONField(_("queue slots"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["platform", "name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "platform", "name"], name="channel_account_unique_name")]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} · {self.name}"


class Recurrence(models.Model):
    """A content item that goes out again and again (weekly, monthly, every N days) until a date."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        MONTHLY = "monthly", _("Every month")
        EVERY_N_DAYS = "days", _("Every N days")

    item = models.OneToOneField("content.ContentItem", on_delete=models.CASCADE, related_name="recurrence")
    kind = models.CharField(_("repeat"), max_length=10, choices=Kind.choices)
    interval = models.PositiveIntegerField(_("every"), default=1)
    until = models.DateField(_("until"), null=True, blank=True)
    # The first occurrence's local wall-clock time anchors the series (kept across DST).
    anchor = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.item} · {self.get_kind_display()}"


class Post(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        PUBLISHING = "publishing", _("Publishing")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        MISSED = "missed", _("Missed")
        ROLLED_BACK = "rolled_back", _("Rolled back")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey("content.ContentItem", on_delete=models.CASCADE, related_name="posts")
    variant = models.ForeignKey("content.ContentVariant", on_delete=models.SET_NULL, null=True, blank=True, related_name="posts")
    account = models.ForeignKey(ChannelAccount, on_delete=models.PROTECT, related_name="posts")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    publish_at = models.DateTimeField()  # UTC; the time the person chose
    next_attempt_at = models.DateTimeField()  # when it is due next (publish_at, a backoff, or a rate-limit hold)
    hold_reason = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    lease_owner = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    generation = models.PositiveIntegerField(default=0)  # bumped by every cancel/reschedule: a stale claim loses
    needs_reconcile = models.BooleanField(default=False)  # an attempt may have reached the platform
    external_id = models.CharField(max_length=300, blank=True)
    external_url = models.URLField(max_length=1000, blank=True)
    last_error = models.TextField(blank=True)
    error_kind = models.CharField(max_length=20, blank=True)
    occurrence = models.PositiveIntegerField(default=1)  # 1, 2, 3... for recurring items
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["publish_at", "pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["account", "published_at"]),
            models.Index(fields=["workspace", "status"]),
        ]
        constraints = [models.UniqueConstraint(fields=["variant", "occurrence"], name="post_one_per_variant_occurrence")]

    def __str__(self) -> str:
        return f"{self.item} → {self.account} ({self.status})"


class PublishAttempt(models.Model):
    """One try at one post. Written *before* the outside call (outcome "sending") and completed after,
    so a worker that dies mid-call leaves a trace the next worker reconciles."""

    class Outcome(models.TextChoices):
        SENDING = "sending", _("Sending")
        PUBLISHED = "published", _("Published")
        FOUND = "found", _("Found already published")
        RETRY = "retry", _("Will retry")
        FAILED = "failed", _("Failed")
        HELD = "held", _("Held for rate limit")
        CANCELLED = "cancelled", _("Cancelled")
        DELETED = "deleted", _("Removed from the platform")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attempts_log")
    number = models.PositiveIntegerField()
    worker = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.SENDING)
    request_summary = models.JSONField(default=dict, blank=True)
    response_summary = models.TextField(blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["post", "started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.post_id} #{self.number} {self.outcome}"


class WorkerHeartbeat(models.Model):
    """Each publisher loop writes here every pass; the UI warns when none is recent and posts are due."""

    worker = models.CharField(max_length=100, unique=True)
    hostname = models.CharField(max_length=200, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)
    published = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return self.worker


class PublishingSettings(models.Model):
    """A workspace's UTM rules (alur.publishing.utm): one row per workspace, created on first save."""

    workspace = models.OneToOneField("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    utm_enabled = models.BooleanField(_("add UTM tags to links"), default=True)
    utm_medium = models.CharField(_("UTM medium for social posts"), max_length=50, default="social")
    utm_mediums = models.JSONField(_("UTM medium per platform"), default=dict, blank=True)
    utm_only_domains = models.JSONField(_("tag only links to these domains"), default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Publishing settings of {self.workspace_id}"
