"""Content studio: items and their per-channel variants, the media library, posting guidelines and brand
rules, approval routes and decisions, client review links, comments, versions, calendar events and
the iCalendar feed.

Status changes go only through :mod:`alur.content.services`; the allowed moves are the pure table in
:mod:`alur.content.states`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alur.content.platforms import ContentKind, Platform


class ApprovalMode(models.TextChoices):
    """Seed 003's four approval workflows."""

    NONE = "none", _("None: content goes straight to approved")
    OPTIONAL = "optional", _("Optional: review can be asked for, scheduling does not wait")
    REQUIRED = "required", _("Required: one approval before scheduling")
    MULTI_LEVEL = "multi_level", _("Multi-level: ordered levels must all approve")


class ContentStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    ROLLED_BACK = "rolled_back", _("Rolled back")
    EXPIRED = "expired", _("Expired (not approved in time)")


class ContentSettings(models.Model):
    """A workspace's posting guidelines, brand rules and approval settings (one row per workspace)."""

    workspace = models.OneToOneField("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    # Posting guidelines
    voice_tone = models.TextField(_("voice and tone"), blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    content_types = models.JSONField(_("content types"), default=list, blank=True)
    posting_frequency = models.JSONField(_("posts per week per channel"), default=dict, blank=True)
    # Brand rules
    banned_words = models.JSONField(_("banned words"), default=list, blank=True)
    required_hashtags = models.JSONField(_("required hashtags"), default=list, blank=True)
    required_disclaimer = models.CharField(_("required disclaimer"), max_length=300, blank=True)
    disclaimer_kinds = models.JSONField(_("content types that need the disclaimer"), default=list, blank=True)
    allowed_link_domains = models.JSONField(_("allowed link domains"), default=list, blank=True)
    require_https = models.BooleanField(_("links must use https"), default=True)
    # Approvals
    remind_after_hours = models.PositiveIntegerField(_("remind approvers after (hours)"), default=24)
    escalate_after_hours = models.PositiveIntegerField(_("escalate to managers after (hours)"), default=48)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Content settings of {self.workspace_id}"


class ApprovalRoute(models.Model):
    """The approval workflow of a workspace (``account`` empty) or the override of one channel account."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    account = models.OneToOneField(
        "publishing.ChannelAccount", on_delete=models.CASCADE, null=True, blank=True, related_name="approval_route"
    )
    mode = models.CharField(_("approval workflow"), max_length=20, choices=ApprovalMode.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"], condition=models.Q(account__isnull=True), name="approval_route_one_default"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mode} ({self.account or 'workspace'})"


class ApprovalLevel(models.Model):
    """One ordered level of a route: who may approve (roles and/or people, or the client) and whether
    any one of them or all of them must."""

    route = models.ForeignKey(ApprovalRoute, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("level name"), max_length=80)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("people"))
    require_all = models.BooleanField(_("all of them must approve"), default=False)
    is_client = models.BooleanField(_("the client approves this level"), default=False)

    class Meta:
        ordering = ["route", "position"]
        constraints = [models.UniqueConstraint(fields=["route", "position"], name="approval_level_unique_position")]

    def __str__(self) -> str:
        return self.name


class MediaAsset(models.Model):
    """An uploaded image or video. ``mime_type`` comes from the file's bytes, never from its name."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="media/%Y/%m/")
    thumbnail = models.FileField(upload_to="thumbs/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    title = models.CharField(_("title"), max_length=200, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    mime_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    # Set (not stored) by services.media.media_upload when the same bytes were already in the library.
    is_duplicate: bool = False

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title or self.original_name

    # For the policy (alur.core.policy): a contractor reaches what they uploaded and the media of items
    # assigned to them; a client the media of items shared with clients.
    def is_assigned_to(self, user: Any) -> bool:
        if self.uploaded_by_id == user.pk:
            return True
        return self.variants.filter(models.Q(item__owner_id=user.pk) | models.Q(item__created_by_id=user.pk)).exists()

    def is_shared_with(self, user: Any) -> bool:
        return self.variants.filter(item__is_shared_with_clients=True).exists()


class ContentItem(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("working title"), max_length=200)
    kind = models.CharField(_("content type"), max_length=20, choices=ContentKind.choices, default=ContentKind.SOCIAL_POST)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="content_items",
        verbose_name=_("campaign"),
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Who last changed what goes out (title, type, a variant's words or media): they do not approve it.
    content_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    publish_at = models.DateTimeField(_("publish time"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ContentStatus.choices, default=ContentStatus.DRAFT)
    approval_mode = models.CharField(max_length=20, choices=ApprovalMode.choices, blank=True)
    approval_round = models.PositiveIntegerField(default=0)
    review_requested_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    is_shared_with_clients = models.BooleanField(_("shared with clients"), default=False)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["publish_at", "pk"]
        indexes = [
            models.Index(fields=["workspace", "status"]),
            models.Index(fields=["workspace", "publish_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def is_shared_with(self, user: Any) -> bool:
        return self.is_shared_with_clients

    def is_assigned_to(self, user: Any) -> bool:
        return self.owner_id == user.pk or self.created_by_id == user.pk

    def authored_by(self, user: Any) -> bool:
        """For the policy's ``forbid_own``: the item's creator, its owner and whoever last changed its content."""
        return user.pk is not None and user.pk in (self.created_by_id, self.owner_id, self.content_changed_by_id)


class ContentVariant(models.Model):
    """The item as it goes out on one platform (and, optionally, one channel account)."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="variants")
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    account = models.ForeignKey(
        "publishing.ChannelAccount", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("account")
    )
    title = models.CharField(_("title or subject"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    link = models.URLField(_("link"), max_length=1000, blank=True)
    hashtags = models.JSONField(_("hashtags"), default=list, blank=True)
    media = models.ManyToManyField(MediaAsset, blank=True, related_name="variants", verbose_name=_("media"))

    class Meta:
        ordering = ["item", "platform", "pk"]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_platform_display()}"


def channel_account_model() -> type[models.Model]:
    """The channel account model a variant's ``account`` points to. It belongs to publishing (above
    content); content reaches it only through its own foreign key, never by importing publishing."""
    model = ContentVariant._meta.get_field("account").related_model
    assert isinstance(model, type) and issubclass(model, models.Model)
    return model


class ContentVersion(models.Model):
    """A snapshot of an item (title and every variant) after each change; versions are never edited."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "-number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="content_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"


class ClientReviewLink(models.Model):
    """A signed, expiring link through which a client without an account reviews one item."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="review_links")
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    reviewer_name = models.CharField(_("reviewer name"), max_length=120)
    reviewer_email = models.EmailField(_("reviewer email"))
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reviewer_name} <{self.reviewer_email}>"


class ApprovalDecision(models.Model):
    class Verdict(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        CHANGES = "changes", _("Changes requested")

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="decisions")
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    round = models.PositiveIntegerField()
    level_position = models.PositiveSmallIntegerField(default=0)
    level_name = models.CharField(max_length=80, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    client_link = models.ForeignKey(ClientReviewLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reviewer_label = models.CharField(max_length=200)
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.reviewer_label}: {self.verdict}"


class Comment(models.Model):
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="comments")
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    client_link = models.ForeignKey(ClientReviewLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    author_label = models.CharField(max_length=200)
    body = models.TextField(_("comment"))
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    is_resolved = models.BooleanField(default=False)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Internal comments are the team's talk; clients see only the others: their own, replies in their
    # threads and what the team wrote for them.
    is_internal = models.BooleanField(_("internal (team only)"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author_label}: {self.body[:40]}"


class CommentAttachment(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=255)
    mime_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.original_name


class CalendarEvent(models.Model):
    """A team-defined day on the content calendar (a launch, a webinar, a company holiday)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=150)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start_date", "pk"]

    def __str__(self) -> str:
        return self.title


class CalendarFeed(models.Model):
    """A secret iCalendar feed URL. Only the SHA-256 of its token is stored; revoking closes it for good."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label or f"feed {self.pk}"
