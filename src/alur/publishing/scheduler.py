"""The scheduler: from approved, scheduled content to posts on the platforms, each exactly once.

The :class:`~alur.publishing.models.Post` row is the truth. The life of one post:

1. **Sync.** Scheduling an item creates one ``pending`` post per variant that has a channel account
   (:func:`sync_item_posts`); unscheduling, editing back into review, or rescheduling updates those rows
   in the same transaction and bumps ``generation``, so the old time never fires.
2. **Claim.** A worker takes due posts with a compare-and-set ``UPDATE … WHERE status/lease/generation
   still as read`` (:func:`claim_due`). Two workers never hold the same post; a lease that expires
   (a worker died) lets another worker take it over.
3. **Guard.** Before anything goes out: the item must still be scheduled and fully approved, the account
   active and connected; a post that waited past the late window is *missed*; an account over its
   platform's rate limit holds its posts, in order, until the quota frees (the expected time is shown).
4. **Record, then call.** ``needs_reconcile`` is set and an attempt row ``sending`` is committed with a
   generation check *before* the outside call; the idempotency key (fixed at creation) goes with the call
   where the platform takes one.
5. **Reconcile.** A post whose earlier attempt may have reached the platform (worker killed, timeout) is
   first looked up with ``connector.find``; found → published; not found → sent; a connector that
   cannot look (and has no platform-side idempotency) fails the post with a reason instead of risking a
   second post.
6. **Outcome.** Success → ``published`` (with external id and URL); transient errors → retry with
   exponential backoff and jitter; permanent errors and expired tokens → ``failed`` at once; after the
   last attempt → ``failed``; the owner is notified; a person may retry from the UI.

A cancel that arrives while the outside call is already in flight cannot stop that call; the post is
then recorded as published (it is) and can be rolled back where the platform allows.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from alur.content.models import ContentItem, ContentStatus, MediaAsset
from alur.content.selectors.approvals import approved_for_publishing
from alur.content.services.items import content_publication_outcome
from alur.publishing import crypto, timing, utm
from alur.publishing.connectors import connector_class
from alur.publishing.connectors.base import (
    DEFAULT_TIMEOUT,
    USER_AGENT,
    AccountConfig,
    AuthError,
    Connector,
    ConnectorError,
    MediaFile,
    OutcomeUnknown,
    Payload,
    PermanentError,
    Published,
    RateLimited,
    SharedQuota,
)
from alur.publishing.models import ChannelAccount, Post, PublishAttempt, PublishingSettings, Recurrence, WorkerHeartbeat

logger = logging.getLogger("alur.publishing")

ACTIVE = (Post.Status.PENDING, Post.Status.PUBLISHING)
ConnectorFactory = Callable[[ChannelAccount], Connector]


def new_key() -> str:
    return uuid.uuid4().hex


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


# ----------------------------------------------------------------------------------- connectors
def account_connector(account: ChannelAccount) -> Connector:
    """The account's connector with its decrypted credentials."""
    if not account.connector:
        raise PermanentError("This channel account has no connector; choose one in the account settings.")
    try:
        cls = connector_class(account.connector)
    except (KeyError, ModuleNotFoundError) as error:
        raise PermanentError(f"The connector {account.connector!r} is not available in this installation.") from error
    try:
        credentials = crypto.decrypt(account.credentials_encrypted, settings.ALUR_CREDENTIALS_KEYS)
    except crypto.CredentialsError as error:
        raise AuthError(str(error)) from error
    config = account.config or {}
    return cls(
        AccountConfig(config=config, credentials=credentials, token_expires_at=account.token_expires_at),
        client=_http_client(float(config.get("timeout_seconds") or 0)),
    )


_local = threading.local()


def _http_client(timeout_seconds: float) -> httpx.Client:
    """One keep-alive HTTP client per thread and timeout: connections to a platform are reused."""
    clients: dict[float, httpx.Client] = getattr(_local, "clients", None) or {}
    _local.clients = clients
    client = clients.get(timeout_seconds)
    if client is None:
        timeout = DEFAULT_TIMEOUT if not timeout_seconds else httpx.Timeout(timeout_seconds, connect=min(5.0, timeout_seconds))
        client = httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT})
        clients[timeout_seconds] = client
    return client


# ------------------------------------------------------------------------------------------ sync
def on_schedule_changed(sender: Any, item: ContentItem, **kwargs: Any) -> None:
    """Receiver of :data:`alur.content.signals.schedule_changed` (connected in PublishingConfig.ready)."""
    sync_item_posts(item)


def sync_item_posts(item: ContentItem) -> None:
    """Make the item's posts match it. Call inside the transaction that changed the item (locked).

    Scheduled → one pending post per variant with an active account for the current occurrence, at the
    item's publish time; anything else → pending posts cancelled. Published posts are never touched.
    """
    now = timezone.now()
    current = (Post.objects.filter(item=item).order_by("-occurrence").values_list("occurrence", flat=True).first()) or 1
    posts = {post.variant_id: post for post in Post.objects.select_for_update().filter(item=item, occurrence=current)}
    if item.status != ContentStatus.SCHEDULED or item.publish_at is None:
        for post in posts.values():
            if post.status in ACTIVE:
                Post.objects.filter(pk=post.pk).update(
                    status=Post.Status.CANCELLED, generation=F("generation") + 1, lease_owner="", lease_until=None, updated_at=now
                )
        return
    variants = list(item.variants.select_related("account").all())
    # Only accounts with a connector publish automatically; the rest are posted by hand (the item card says so).
    wanted = {v.pk for v in variants if v.account is not None and v.account.is_active and v.account.connector}
    for variant in variants:
        if variant.pk not in wanted:
            continue
        existing = posts.get(variant.pk)
        assert variant.account is not None
        if existing is None:
            Post.objects.create(
                workspace_id=item.workspace_id,
                item=item,
                variant=variant,
                account=variant.account,
                platform=variant.platform,
                publish_at=item.publish_at,
                next_attempt_at=item.publish_at,
                idempotency_key=new_key(),
                max_attempts=settings.ALUR_PUBLISH_MAX_ATTEMPTS,
                occurrence=current,
            )
        elif existing.status in (Post.Status.PENDING, Post.Status.PUBLISHING, Post.Status.CANCELLED, Post.Status.MISSED):
            Post.objects.filter(pk=existing.pk).update(
                status=Post.Status.PENDING,
                account_id=variant.account_id,
                publish_at=item.publish_at,
                next_attempt_at=item.publish_at,
                hold_reason="",
                generation=F("generation") + 1,
                lease_owner="",
                lease_until=None,
                updated_at=now,
            )
    for variant_id, post in posts.items():
        if variant_id not in wanted and post.status in ACTIVE:
            Post.objects.filter(pk=post.pk).update(status=Post.Status.CANCELLED, generation=F("generation") + 1, updated_at=now)


# ----------------------------------------------------------------------------------------- claim
def claim_due(worker: str, limit: int, now: dt.datetime | None = None) -> list[int]:
    """Take up to ``limit`` due posts for ``worker`` by compare-and-set; return their ids."""
    now = now or timezone.now()
    lease_until = now + dt.timedelta(seconds=settings.ALUR_PUBLISH_LEASE_SECONDS)
    if connection.vendor == "postgresql":
        return _claim_due_postgres(worker, limit, now, lease_until)
    candidates = list(
        Post.objects.filter(
            Q(status=Post.Status.PENDING, next_attempt_at__lte=now) | Q(status=Post.Status.PUBLISHING, lease_until__lt=now)
        )
        .order_by("next_attempt_at", "pk")
        .values("pk", "status", "lease_owner", "generation", "attempts")[: limit * 3]
    )
    claimed: list[int] = []
    for row in candidates:
        if len(claimed) >= limit:
            break
        won = Post.objects.filter(
            pk=row["pk"],
            status=row["status"],
            lease_owner=row["lease_owner"],
            generation=row["generation"],
            attempts=row["attempts"],
        ).update(
            status=Post.Status.PUBLISHING,
            lease_owner=worker,
            lease_until=lease_until,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        if won:
            claimed.append(row["pk"])
    return claimed


def _claim_due_postgres(worker: str, limit: int, now: dt.datetime, lease_until: dt.datetime) -> list[int]:
    """One statement: lock up to ``limit`` due rows nobody else holds (SKIP LOCKED, materialised so the
    LIMIT holds), take them, return their ids. The row locks make the read and the write one step."""
    table = Post._meta.db_table
    sql = f"""
        WITH picked AS MATERIALIZED (
            SELECT id FROM {table}
            WHERE (status = %s AND next_attempt_at <= %s) OR (status = %s AND lease_until < %s)
            ORDER BY next_attempt_at, id LIMIT %s
            FOR UPDATE SKIP LOCKED
        )
        UPDATE {table} AS post SET status = %s, lease_owner = %s, lease_until = %s, attempts = post.attempts + 1, updated_at = %s
        FROM picked WHERE post.id = picked.id
        RETURNING post.id
    """  # noqa: S608 - the table name is ours; every value is a parameter
    due = (Post.Status.PENDING, now, Post.Status.PUBLISHING, now)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*due, limit, Post.Status.PUBLISHING, worker, lease_until, now))
        return [row[0] for row in cursor.fetchall()]


# -------------------------------------------------------------------------------------- payloads
def _media_url(asset: MediaAsset) -> str:
    url = asset.file.url
    if url.startswith("/"):
        url = settings.ALUR_BASE_URL.rstrip("/") + url
    return url


def _media_path(asset: MediaAsset) -> str:
    try:
        return asset.file.path
    except NotImplementedError:  # remote storage: connectors that upload read through the URL
        return ""


_SETTINGS_CACHE: dict[int, tuple[float, PublishingSettings | None]] = {}
SETTINGS_TTL = 30.0


def _settings_of(workspace_id: int) -> PublishingSettings | None:
    """The workspace's UTM rules, cached for 30 seconds per process (a change applies within that)."""
    import time

    cached = _SETTINGS_CACHE.get(workspace_id)
    if cached is not None and time.monotonic() - cached[0] < SETTINGS_TTL:
        return cached[1]
    row = PublishingSettings.objects.filter(workspace_id=workspace_id).first()
    _SETTINGS_CACHE[workspace_id] = (time.monotonic(), row)
    return row


def build_payload(post: Post) -> Payload:
    """The variant as it goes out, links tagged by the workspace's UTM rules."""
    variant = post.variant
    item = post.item
    if variant is None:
        raise PermanentError("The channel version of this post was deleted; nothing to publish.")
    rules = _settings_of(post.workspace_id)
    rule = utm.UtmRule(
        enabled=rules.utm_enabled if rules else True,
        medium=(rules.utm_medium if rules else "") or "social",
        mediums={**utm.DEFAULT_MEDIUMS, **(rules.utm_mediums if rules else {})},
        only_domains=tuple(rules.utm_only_domains) if rules else (),
    )
    campaign = item.campaign.name if item.campaign_id and item.campaign else ""
    text, link = variant.text, variant.link
    if rule.enabled:
        params = utm.utm_params(
            rule, platform=variant.platform, campaign=campaign or "alur", content=f"{item.pk}-{variant.platform}"
        )
        text = utm.tag_text(text, params, only_domains=rule.only_domains)
        link = utm.tag_url(link, params, only_domains=rule.only_domains) if link else ""
    media = tuple(
        MediaFile(
            name=asset.original_name,
            mime_type=asset.mime_type,
            url=_media_url(asset),
            path=_media_path(asset),
            size=asset.size_bytes,
        )
        for asset in variant.media.all().order_by("pk")
    )
    return Payload(
        idempotency_key=post.idempotency_key,
        text=text,
        title=variant.title,
        link=link,
        hashtags=tuple(variant.hashtags or ()),
        media=media,
        publish_at=post.publish_at,
        item_id=item.pk,
        variant_id=variant.pk,
        platform=variant.platform,
        campaign=utm.slugify_value(campaign),
    )


def _summary(payload: Payload) -> dict[str, Any]:
    return {
        "idempotency_key": payload.idempotency_key,
        "platform": payload.platform,
        "text": payload.text[:280],
        "link": payload.link,
        "media": [m.name for m in payload.media],
    }


# --------------------------------------------------------------------------------------- process
@dataclass
class Outcome:
    status: str
    message: str = ""


def _finish(post: Post, worker: str, **fields: Any) -> bool:
    """Write the post's end state if this worker still holds it."""
    fields.setdefault("lease_owner", "")
    fields.setdefault("lease_until", None)
    fields["updated_at"] = timezone.now()
    return bool(Post.objects.filter(pk=post.pk, lease_owner=worker).update(**fields))


def _log(
    post: Post, worker: str, outcome: str, *, summary: dict[str, Any] | None = None, response: str = "", error: str = ""
) -> None:
    PublishAttempt.objects.create(
        post=post,
        number=post.attempts,
        worker=worker,
        outcome=outcome,
        request_summary=summary or {},
        response_summary=response[:4000],
        error=error[:4000],
        finished_at=timezone.now(),
    )


def _item_after_post(item_id: int) -> None:
    """Item status follows its posts: all published → published (or the next occurrence), one failed →
    failed. The item changes through content's one audited service for publication outcomes."""
    with transaction.atomic():
        item = ContentItem.objects.select_for_update().select_related("workspace").get(pk=item_id)
        if item.status != ContentStatus.SCHEDULED:
            return
        every = list(Post.objects.filter(item=item).exclude(status=Post.Status.CANCELLED))
        occurrence = max((p.occurrence for p in every), default=1)
        posts = [p for p in every if p.occurrence == occurrence]
        if not posts or any(p.status in ACTIVE for p in posts):
            return
        if any(p.status in (Post.Status.FAILED, Post.Status.MISSED) for p in posts):
            content_publication_outcome(actor=None, item=item, status=ContentStatus.FAILED)
            return
        recurrence = Recurrence.objects.filter(item=item).first()
        if recurrence is not None:
            number, when = timing.next_occurrence(
                recurrence.anchor,
                recurrence.kind,
                recurrence.interval,
                occurrence,
                item.workspace.time_zone,
                not_before=timezone.now(),
            )
            local_day = when.astimezone(ZoneInfo(item.workspace.time_zone)).date()
            if recurrence.until is None or local_day <= recurrence.until:
                item = content_publication_outcome(actor=None, item=item, status=ContentStatus.SCHEDULED, next_publish_at=when)
                for post in posts:
                    if post.variant_id is None:
                        continue
                    Post.objects.get_or_create(
                        variant_id=post.variant_id,
                        occurrence=number,
                        defaults={
                            "workspace_id": item.workspace_id,
                            "item": item,
                            "account_id": post.account_id,
                            "platform": post.platform,
                            "publish_at": when,
                            "next_attempt_at": when,
                            "idempotency_key": new_key(),
                            "max_attempts": post.max_attempts,
                        },
                    )
                return
        content_publication_outcome(actor=None, item=item, status=ContentStatus.PUBLISHED)


def _notify_owner(post: Post, kind: str, message: str) -> None:
    from alur.content.services.items import item_url
    from alur.core.notifications import notify

    notify(
        workspace=post.workspace,
        recipients=[post.item.owner],
        kind=kind,
        message=message,
        url=item_url(post.item),
        dedupe_key=f"{kind}:{post.pk}:{post.attempts}",
    )


def _fail(
    post: Post, worker: str, kind: str, message: str, *, summary: dict[str, Any] | None = None, detail: str = ""
) -> Outcome:
    if _finish(post, worker, status=Post.Status.FAILED, last_error=message, error_kind=kind, needs_reconcile=False):
        _log(post, worker, PublishAttempt.Outcome.FAILED, summary=summary, response=detail, error=message)
        with override(post.item.owner.language or None):
            _notify_owner(
                post,
                "post_failed",
                _("“%(title)s” was not published on %(account)s: %(reason)s")
                % {"title": post.item.title, "account": post.account.name, "reason": message},
            )
        _item_after_post(post.item_id)
    return Outcome(Post.Status.FAILED, message)


def _rate_hold(post: Post, connector: Connector, now: dt.datetime) -> dt.datetime | None:
    """When the account is over one of its platform's quotas: the moment the oldest post leaves the window."""
    for limit in connector.capabilities.rate_limits:
        since = now - dt.timedelta(seconds=limit.seconds)
        recent = list(
            Post.objects.filter(account_id=post.account_id, published_at__gte=since)
            .order_by("published_at")
            .values_list("published_at", flat=True)[: limit.count]
        )
        if len(recent) >= limit.count and recent[0] is not None:
            return recent[0] + dt.timedelta(seconds=limit.seconds)
    return None


def _quota_hold(
    post: Post, connector: Connector, now: dt.datetime, factory: ConnectorFactory
) -> tuple[dt.datetime, SharedQuota, int] | None:
    """When a daily quota the account shares with others (a YouTube project's upload bucket) is used up today:
    (when it resets, the quota, how many accounts share it). Every attempt that reached the platform counts,
    a failed one too (the platform charges invalid calls as well)."""
    quota = connector.shared_quota()
    if quota is None:
        return None
    zone = ZoneInfo(quota.timezone)
    local = now.astimezone(zone)
    day_start = dt.datetime.combine(local.date(), dt.time(), tzinfo=zone)
    resets_at = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    sharing = [post.account_id]
    if quota.group:
        for other in ChannelAccount.objects.filter(connector=post.account.connector).exclude(pk=post.account_id):
            try:
                other_quota = factory(other).shared_quota()
            except ConnectorError:
                continue
            if other_quota is not None and other_quota.group == quota.group:
                sharing.append(other.pk)
    used = (
        PublishAttempt.objects.filter(post__account_id__in=sharing, started_at__gte=day_start)
        .exclude(
            outcome__in=[
                PublishAttempt.Outcome.HELD,
                PublishAttempt.Outcome.CANCELLED,
                PublishAttempt.Outcome.FOUND,
                PublishAttempt.Outcome.DELETED,
            ]
        )
        .count()
    )
    if used >= quota.count:
        return resets_at, quota, len(sharing)
    return None


def process(post_id: int, worker: str, *, factory: ConnectorFactory = account_connector) -> Outcome:
    """Run one claimed post to its next state. Safe to call from several threads and processes."""
    now = timezone.now()
    post = (
        Post.objects.select_related("item", "item__owner", "item__workspace", "item__campaign", "variant", "account", "workspace")
        .filter(pk=post_id, lease_owner=worker, status=Post.Status.PUBLISHING)
        .first()
    )
    if post is None:
        return Outcome("lost")
    item = post.item
    if item.status != ContentStatus.SCHEDULED or not approved_for_publishing(item):
        _finish(post, worker, status=Post.Status.CANCELLED, needs_reconcile=False)
        _log(post, worker, PublishAttempt.Outcome.CANCELLED, error="The content is no longer scheduled and approved.")
        return Outcome(Post.Status.CANCELLED)
    account = post.account
    if not account.is_active:
        return _fail(post, worker, "account", _("The channel account %(name)s is switched off.") % {"name": account.name})
    if account.health == ChannelAccount.Health.NEEDS_RECONNECT:
        return _fail(post, worker, "auth", _("The channel account %(name)s must be reconnected.") % {"name": account.name})
    if (
        post.attempts == 1
        and not post.needs_reconcile
        and timing.is_missed(post.publish_at, now, settings.ALUR_PUBLISH_LATE_WINDOW_MINUTES)
    ):
        message = _("Missed: no worker was running at the publish time and it is now more than %(minutes)s minutes late.") % {
            "minutes": settings.ALUR_PUBLISH_LATE_WINDOW_MINUTES
        }
        if _finish(post, worker, status=Post.Status.MISSED, last_error=message, error_kind="missed"):
            _log(post, worker, PublishAttempt.Outcome.FAILED, error=message)
            _notify_owner(
                post, "post_missed", _("“%(title)s” missed its time: %(reason)s") % {"title": item.title, "reason": message}
            )
            _item_after_post(item.pk)
        return Outcome(Post.Status.MISSED, message)
    try:
        connector = factory(account)
        payload = build_payload(post)
    except ConnectorError as error:
        return _fail(post, worker, "auth" if isinstance(error, AuthError) else "permanent", error.message, detail=error.detail)
    summary = _summary(payload)

    hold_until = _rate_hold(post, connector, now)
    if hold_until is not None:
        reason = _("Held for %(platform)s's rate limit; expected to go out at %(when)s.") % {
            "platform": post.get_platform_display(),
            "when": timezone.localtime(hold_until).strftime("%Y-%m-%d %H:%M"),
        }
        if _finish(
            post, worker, status=Post.Status.PENDING, next_attempt_at=hold_until, hold_reason=reason, attempts=F("attempts") - 1
        ):
            _log(post, worker, PublishAttempt.Outcome.HELD, summary=summary, error=reason)
        return Outcome("held", reason)

    quota_hold = _quota_hold(post, connector, now, factory)
    if quota_hold is not None:
        resets_at, quota, accounts = quota_hold
        reason = _(
            "Held: the daily %(platform)s quota of %(count)s calls, shared by %(accounts)s connected account(s) of "
            "the same project, is used up; it resets at midnight (%(zone)s) and the post is expected to go out at "
            "%(when)s."
        ) % {
            "platform": post.get_platform_display(),
            "count": quota.count,
            "accounts": accounts,
            "zone": quota.timezone,
            "when": timezone.localtime(resets_at).strftime("%Y-%m-%d %H:%M"),
        }
        if _finish(
            post, worker, status=Post.Status.PENDING, next_attempt_at=resets_at, hold_reason=reason, attempts=F("attempts") - 1
        ):
            _log(post, worker, PublishAttempt.Outcome.HELD, summary=summary, error=reason)
        return Outcome("held", reason)

    if post.needs_reconcile:
        if connector.can_find():
            try:
                found = connector.find(payload)
            except ConnectorError as error:
                return _retry_or_fail(post, worker, error, summary, can_find=True)
            if found is not None:
                return _published(post, worker, found, summary, PublishAttempt.Outcome.FOUND)
            Post.objects.filter(pk=post.pk, lease_owner=worker).update(needs_reconcile=False)
            post.needs_reconcile = False
            if post.attempts > post.max_attempts:
                return _fail(
                    post,
                    worker,
                    "exhausted",
                    _("Gave up after %(count)s attempts: %(reason)s") % {"count": post.max_attempts, "reason": post.last_error},
                    summary=summary,
                )
        elif not connector.capabilities.idempotency_key:
            return _fail(
                post,
                worker,
                "unknown",
                _(
                    "An earlier attempt may have reached %(platform)s and it cannot be checked automatically; "
                    "look at the channel and retry only if the post is not there."
                )
                % {"platform": post.get_platform_display()},
                summary=summary,
            )

    # Record before the call: from here on an interruption means "maybe sent".
    with transaction.atomic():
        marked = Post.objects.filter(
            pk=post.pk, lease_owner=worker, status=Post.Status.PUBLISHING, generation=post.generation
        ).update(needs_reconcile=True, updated_at=timezone.now())
        if not marked:
            return Outcome("lost")
        attempt = PublishAttempt.objects.create(post=post, number=post.attempts, worker=worker, request_summary=summary)
    try:
        published = _publish_refreshing_once(account, connector, payload, factory)
    except ConnectorError as error:
        attempt.outcome = PublishAttempt.Outcome.RETRY if error.retryable else PublishAttempt.Outcome.FAILED
        attempt.error = error.message[:4000]
        attempt.response_summary = error.detail[:4000]
        attempt.finished_at = timezone.now()
        attempt.save(update_fields=["outcome", "error", "response_summary", "finished_at"])
        if not isinstance(error, OutcomeUnknown):
            Post.objects.filter(pk=post.pk, lease_owner=worker).update(needs_reconcile=False)
            post.needs_reconcile = False
        if isinstance(error, AuthError):
            ChannelAccount.objects.filter(pk=account.pk).update(
                health=ChannelAccount.Health.NEEDS_RECONNECT, health_message=error.message[:500], checked_at=timezone.now()
            )
        return _retry_or_fail(post, worker, error, summary, logged=True, can_find=connector.can_find())
    with transaction.atomic():
        PublishAttempt.objects.filter(pk=attempt.pk).update(
            outcome=PublishAttempt.Outcome.PUBLISHED,
            response_summary=f"{published.external_id} {published.url}"[:4000],
            finished_at=timezone.now(),
        )
        return _published(post, worker, published, summary, None)


def _publish_refreshing_once(
    account: ChannelAccount, connector: Connector, payload: Payload, factory: ConnectorFactory
) -> Published:
    """Publish; when the platform answers 401 (the access token expired early or was rotated) and the account
    can refresh, refresh the token once and send once more before the account is marked "reconnect". A 401
    means the request was refused, so the second call cannot make a duplicate."""
    from alur.publishing.services import refresh_account_token

    try:
        return connector.publish(payload)
    except AuthError as error:
        if error.status != 401 or not connector.capabilities.refreshes_tokens:
            raise
        refused = str(connector.account.credentials.get("access_token") or "")
        try:
            refreshed = refresh_account_token(account, reason="401", stale_token=refused)
        except ConnectorError:
            raise error from None  # recorded in the account's log by the refresh; the post keeps the 401
        if refreshed is None:
            raise
        return factory(refreshed).publish(payload)


def _published(post: Post, worker: str, published: Published, summary: dict[str, Any], log_outcome: str | None) -> Outcome:
    now = timezone.now()
    # Truth wins: it is out there, so it is published, even if a cancel or a lease takeover came meanwhile.
    Post.objects.filter(pk=post.pk).update(
        status=Post.Status.PUBLISHED,
        external_id=published.external_id[:300],
        external_url=published.url[:1000],
        published_at=now,
        needs_reconcile=False,
        last_error="",
        error_kind="",
        hold_reason="",
        lease_owner="",
        lease_until=None,
        updated_at=now,
    )
    if log_outcome:
        _log(post, worker, log_outcome, summary=summary, response=f"{published.external_id} {published.url}")
    _item_after_post(post.item_id)
    return Outcome(Post.Status.PUBLISHED)


def _retry_or_fail(
    post: Post, worker: str, error: ConnectorError, summary: dict[str, Any], *, logged: bool = False, can_find: bool = False
) -> Outcome:
    # An unknown outcome is always followed by one more claim that only reconciles (see process()).
    # (bounded: three extra passes at most, after which the post fails with the reason).
    reconcile_next = (
        can_find and (isinstance(error, OutcomeUnknown) or post.needs_reconcile) and post.attempts < post.max_attempts + 3
    )
    if error.retryable and (post.attempts < post.max_attempts or reconcile_next):
        delay = timing.backoff_seconds(
            post.attempts, retry_after=getattr(error, "retry_after", None), base=settings.ALUR_PUBLISH_BACKOFF_SECONDS
        )
        when = timezone.now() + dt.timedelta(seconds=delay)
        _finish(
            post,
            worker,
            status=Post.Status.PENDING,
            next_attempt_at=when,
            last_error=error.message[:2000],
            error_kind="rate_limit" if isinstance(error, RateLimited) else "transient",
        )
        if not logged:
            _log(post, worker, PublishAttempt.Outcome.RETRY, summary=summary, response=error.detail, error=error.message)
        return Outcome("retry", error.message)
    kind = "auth" if isinstance(error, AuthError) else ("permanent" if not error.retryable else "exhausted")
    message = error.message
    if error.retryable:
        message = _("Gave up after %(count)s attempts: %(reason)s") % {"count": post.attempts, "reason": error.message}
    return _fail(post, worker, kind, message, summary=None if logged else summary, detail="" if logged else error.detail)


# ---------------------------------------------------------------------------------------- worker
def heartbeat(worker: str, *, started: bool = False) -> None:
    now = timezone.now()
    defaults: dict[str, Any] = {"seen_at": now, "hostname": socket.gethostname()[:200], "pid": os.getpid()}
    if started:
        defaults["started_at"] = now
    WorkerHeartbeat.objects.update_or_create(worker=worker, defaults=defaults)


def prune_heartbeats(now: dt.datetime | None = None) -> int:
    """Periodic job: forget workers not seen for a week (each start of a worker has its own row)."""
    now = now or timezone.now()
    deleted, _ = WorkerHeartbeat.objects.filter(seen_at__lt=now - dt.timedelta(days=7)).delete()
    return deleted


def run_once(worker: str, *, limit: int = 10, factory: ConnectorFactory = account_connector) -> int:
    """Claim and process up to ``limit`` due posts; return how many were processed."""
    processed = 0
    for post_id in claim_due(worker, limit):
        try:
            process(post_id, worker, factory=factory)
        except Exception:
            logger.exception("publishing post %s failed unexpectedly; its lease will expire and it is retried", post_id)
        processed += 1
    return processed


def run_forever(
    *, worker: str | None = None, concurrency: int = 4, poll_interval: float = 1.0, stop: Any = None, max_idle_passes: int = 0
) -> None:
    """The publisher loop of ``alur worker`` / ``alur publisher``: heartbeat, claim, publish in
    ``concurrency`` threads, sleep ``poll_interval`` when nothing is due. ``stop`` is a threading.Event."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import close_old_connections

    worker = worker or worker_name()
    stop = stop or threading.Event()
    heartbeat(worker, started=True)
    idle = 0

    def one(post_id: int) -> bool:
        try:
            return process(post_id, worker).status == Post.Status.PUBLISHED
        except Exception:
            logger.exception("publishing post %s failed unexpectedly; its lease will expire and it is retried", post_id)
            connection.close()  # a broken connection is not reused by this thread
            return False

    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="alur-publish") as pool:
        while not stop.is_set():
            close_old_connections()
            heartbeat(worker)
            claimed = claim_due(worker, max(1, concurrency) * 2)
            if claimed:
                idle = 0
                done = sum(1 for outcome in pool.map(one, claimed) if outcome)
                if done:
                    WorkerHeartbeat.objects.filter(worker=worker).update(published=F("published") + done)
                continue
            idle += 1
            if max_idle_passes and idle >= max_idle_passes:
                break
            stop.wait(poll_interval)
