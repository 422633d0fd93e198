"""Writes of publishing: channel accounts (with encrypted credentials), retries, "post now", rollback,
UTM rules, recurrence and the queue. The scheduler itself lives in :mod:`alur.publishing.scheduler`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from alur.accounts.models import User, Workspace
from alur.accounts.selectors import membership_of
from alur.content.models import ContentItem, ContentStatus
from alur.content.platforms import Platform
from alur.content.services.items import content_publication_outcome
from alur.core.audit import audit_record, snapshot
from alur.core.notifications import notify
from alur.core.policy import Action, require
from alur.core.validation import refuse_nul_characters
from alur.publishing import crypto, timing
from alur.publishing.connectors import REGISTRY, connector_class
from alur.publishing.connectors.base import AuthError, ConnectorError, TokenSet
from alur.publishing.models import ChannelAccount, Post, PublishAttempt, PublishingSettings, Recurrence

ACCOUNT_FIELDS = ("platform", "name", "handle", "is_active", "connector", "config", "token_expires_at", "health")

# Which connectors can carry which platform's posts (the webhook carries any).
CONNECTORS_FOR: dict[str, tuple[str, ...]] = {
    Platform.INSTAGRAM: ("instagram", "webhook"),
    Platform.FACEBOOK: ("facebook", "webhook"),
    Platform.X: ("x", "webhook"),
    Platform.LINKEDIN: ("linkedin", "webhook"),
    Platform.TIKTOK: ("tiktok", "webhook"),
    Platform.YOUTUBE: ("youtube", "webhook"),
    Platform.THREADS: ("webhook",),
    Platform.EMAIL: ("email", "webhook"),
    Platform.MASTODON: ("mastodon", "webhook"),
    Platform.TELEGRAM: ("telegram", "webhook"),
    Platform.BLOG: ("wordpress", "webhook"),
}


def _clean_connector(platform: str, connector: str, config: dict[str, Any], credentials: dict[str, Any], *, new: bool) -> None:
    if not connector:
        return
    if connector not in REGISTRY or connector not in CONNECTORS_FOR.get(platform, ()):
        raise ValidationError(
            {
                "connector": _("Choose how Alur publishes to %(platform)s: %(choices)s.")
                % {"platform": Platform(platform).label, "choices": ", ".join(CONNECTORS_FOR.get(platform, ()))}
            }
        )
    try:
        cls = connector_class(connector)
    except ModuleNotFoundError:
        raise ValidationError({"connector": _("This connector is not installed.")}) from None
    for name, label, secret, required in cls.fields:
        value = (credentials if secret else config).get(name)
        if required and new and not str(value or "").strip():
            raise ValidationError({name: _("Fill in “%(label)s”.") % {"label": _(label)}})


def _clean_mapping(value: Any, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError({field: _("Give the settings as name/value pairs.")})
    cleaned: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or len(key) > 60:
            raise ValidationError({field: _("Setting names are short words.")})
        if isinstance(item, str):
            refuse_nul_characters(**{key: item})
            item = item.strip()[:2000]
        elif not isinstance(item, int | float | bool | list) and item is not None:
            raise ValidationError({field: _("The setting %(name)s has a value Alur cannot store.") % {"name": key}})
        cleaned[key] = item
    return cleaned


def _name_taken(platform: str, name: str) -> ValidationError:
    return ValidationError(
        {
            "name": _("This workspace already has a %(platform)s account called %(name)s.")
            % {"platform": Platform(platform).label, "name": name}
        }
    )


def _check_name_free(account: ChannelAccount) -> None:
    """Names are unique per workspace and platform, whatever their case."""
    clash = ChannelAccount.objects.filter(
        workspace_id=account.workspace_id, platform=account.platform, name__iexact=account.name
    ).exclude(pk=account.pk)
    if clash.exists():
        raise _name_taken(account.platform, account.name)


def channel_account_create(
    *,
    actor: User,
    workspace: Workspace,
    platform: str,
    name: str,
    handle: str = "",
    connector: str = "",
    config: dict[str, Any] | None = None,
    credentials: dict[str, Any] | None = None,
) -> ChannelAccount:
    """Add an account. The token's expiry is never typed in: the refresh job learns it from the platform's
    ``expires_in`` (an account whose expiry is unknown is refreshed on the job's next run)."""
    require(actor, membership_of(actor, workspace), Action.CHANNEL_MANAGE)
    if platform not in Platform.values:
        raise ValidationError({"platform": _("Choose a platform.")})
    name = (name or "").strip()
    handle = (handle or "").strip()
    refuse_nul_characters(name=name, handle=handle)
    if not name:
        raise ValidationError({"name": _("Give the account a name, e.g. the page or profile name.")})
    if ChannelAccount.objects.filter(workspace=workspace, platform=platform, name__iexact=name).exists():
        raise _name_taken(platform, name)
    clean_config = _clean_mapping(config, "config")
    clean_credentials = {k: v for k, v in _clean_mapping(credentials, "credentials").items() if v not in ("", None)}
    # Settings given at creation (API) must be complete; the page adds an account first and its settings next.
    _clean_connector(platform, connector, clean_config, clean_credentials, new=bool(clean_config or clean_credentials))
    with transaction.atomic():
        account = ChannelAccount.objects.create(
            workspace=workspace,
            platform=platform,
            name=name[:120],
            handle=handle[:200],
            connector=connector,
            config=clean_config,
            credentials_encrypted=crypto.encrypt(clean_credentials, settings.ALUR_CREDENTIALS_KEYS),
            created_by=actor,
        )
        audit_record(
            actor=actor, workspace=workspace, action="channel.create", obj=account, after=snapshot(account, ACCOUNT_FIELDS)
        )
    return account


def channel_account_update(
    *,
    actor: User,
    account: ChannelAccount,
    name: str | None = None,
    handle: str | None = None,
    is_active: bool | None = None,
    connector: str | None = None,
    config: dict[str, Any] | None = None,
    credentials: dict[str, Any] | None = None,
    queue_slots: list[dict[str, Any]] | None = None,
) -> ChannelAccount:
    """Change an account. Credentials are merged: a field left empty keeps its stored value, so a
    reconnect that brings only a new access token never wipes a working refresh token."""
    require(actor, membership_of(actor, account.workspace), Action.CHANNEL_MANAGE, account)
    clean_config = _clean_mapping(config, "config") if config is not None else None
    new_credentials = _clean_mapping(credentials, "credentials") if credentials is not None else None
    if queue_slots is not None:
        if not isinstance(queue_slots, list) or len(queue_slots) > 50:
            raise ValidationError({"queue_slots": _("Give at most 50 posting slots.")})
        for index, slot in enumerate(queue_slots, start=1):
            try:
                timing.parse_slot(dict(slot))
            except (TypeError, ValueError):
                raise ValidationError(
                    {
                        "queue_slots": _("Slot %(n)s: give a weekday (0 = Monday … 6 = Sunday) and a time like 09:30.")
                        % {"n": index}
                    }
                ) from None
    with transaction.atomic():
        locked = ChannelAccount.objects.select_for_update().get(pk=account.pk)
        before = snapshot(locked, ACCOUNT_FIELDS)
        if name is not None:
            refuse_nul_characters(name=name)
            if not name.strip():
                raise ValidationError({"name": _("Give the account a name, e.g. the page or profile name.")})
            locked.name = name.strip()[:120]
            _check_name_free(locked)
        if handle is not None:
            refuse_nul_characters(handle=handle)
            locked.handle = handle.strip()[:200]
        if is_active is not None:
            locked.is_active = is_active
        if connector is not None:
            locked.connector = connector
        if clean_config is not None:
            locked.config = {**(locked.config or {}), **clean_config}
        stored = crypto.decrypt(locked.credentials_encrypted, settings.ALUR_CREDENTIALS_KEYS)
        if new_credentials is not None:
            stored.update({k: v for k, v in new_credentials.items() if v not in ("", None)})
            locked.credentials_encrypted = crypto.encrypt(stored, settings.ALUR_CREDENTIALS_KEYS)
            locked.health = ChannelAccount.Health.UNTESTED
            locked.health_message = ""
            if new_credentials.get("access_token") or new_credentials.get("refresh_token"):
                # A pasted token's age is unknown: the refresh job refreshes it next and stores the platform's expiry.
                locked.token_expires_at = None
                locked.refreshed_at = None
        if queue_slots is not None:
            locked.queue_slots = [{"weekday": int(s["weekday"]), "time": str(s["time"])} for s in queue_slots]
        _clean_connector(locked.platform, locked.connector, locked.config, stored, new=connector is not None)
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:  # a rename raced another account to the same name
            raise _name_taken(locked.platform, locked.name) from None
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="channel.update",
            obj=locked,
            before=before,
            after=snapshot(locked, ACCOUNT_FIELDS),
        )
    return locked


def channel_account_test(*, actor: User, account: ChannelAccount) -> ChannelAccount:
    """Ask the platform whether the credentials work; the answer is stored as the account's health."""
    from alur.publishing.scheduler import account_connector

    require(actor, membership_of(actor, account.workspace), Action.CHANNEL_MANAGE, account)
    now = timezone.now()
    # The outside call runs outside any transaction (no row stays locked while a platform answers slowly).
    learned: dict[str, Any] = {}
    try:
        connector = account_connector(account)
        described = connector.test_connection()
        learned = dict(connector.learned)  # e.g. a Mastodon instance's limits, kept in the settings
    except AuthError as error:
        health, message = ChannelAccount.Health.NEEDS_RECONNECT, error.message
    except ConnectorError as error:
        health, message = ChannelAccount.Health.ERROR, error.message
    else:
        health, message = ChannelAccount.Health.CONNECTED, _("Connected as %(who)s.") % {"who": described}
        if account.token_expires_at and account.token_expires_at - now < dt.timedelta(days=settings.ALUR_TOKEN_WARNING_DAYS):
            health = ChannelAccount.Health.EXPIRING
    tested_fields = ("health", "health_message", "checked_at", "config")
    with transaction.atomic():
        locked = ChannelAccount.objects.select_for_update().get(pk=account.pk)
        before = snapshot(locked, tested_fields)
        locked.health, locked.health_message, locked.checked_at = health, message[:500], now
        locked.config = {**(locked.config or {}), **learned}
        locked.save(update_fields=["health", "health_message", "checked_at", "config"])
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="channel.test",
            obj=locked,
            before=before,
            after=snapshot(locked, tested_fields),
        )
    return locked


# A token is refreshed when less than this much of its life is left: 10 % of its lifetime (the time from the
# last refresh to the expiry the platform gave), and never less than 10 minutes. X (2 hours), YouTube (1 hour)
# and TikTok (24 hours) tokens are so refreshed about once per lifetime, the job itself runs every minute.
REFRESH_MARGIN_MIN = dt.timedelta(minutes=10)
REFRESH_MARGIN_SHARE = 0.10


def token_refresh_due(account: ChannelAccount, now: dt.datetime) -> bool:
    """Whether the account's token should be refreshed now. An unknown expiry (a token just pasted in) is due,
    so the expiry is learned from the platform's ``expires_in`` at once."""
    if account.token_expires_at is None:
        return True
    margin = REFRESH_MARGIN_MIN
    if account.refreshed_at is not None and account.token_expires_at > account.refreshed_at:
        margin = max(margin, (account.token_expires_at - account.refreshed_at) * REFRESH_MARGIN_SHARE)
    return account.token_expires_at - now <= margin


def _token_event(account: ChannelAccount, action: str, **after: Any) -> None:
    audit_record(actor=None, workspace=account.workspace, action=action, obj=account, after=after)


def refresh_account_token(
    account: ChannelAccount,
    *,
    now: dt.datetime | None = None,
    reason: str = "expiry",
    force: bool = False,
    stale_token: str = "",
) -> ChannelAccount | None:
    """Refresh one account's token and store the new pair; ``None`` when the platform has no refresh.

    Rotation safety (X and TikTok issue a new refresh token and the used one stops working): the account row is
    locked (``select_for_update``) for the whole exchange and the credentials are re-read under the lock, so two
    workers never spend the same refresh token; the second one sees the first one's fresh token and skips. The new
    access and refresh token and the expiry are written in the same transaction. ``stale_token`` (after a 401):
    skip when the stored access token already differs from the one the platform refused.

    Every outcome is written to the audit log: ``channel.token_refreshed``, ``channel.token_refresh_failed``
    and ``channel.token_reconnect`` (the platform refused the refresh token; a person must reconnect).
    Raises the connector's error after recording it."""
    from alur.publishing.scheduler import account_connector

    now = now or timezone.now()
    failure: ConnectorError | None = None
    with transaction.atomic():  # the failure is recorded and committed, then raised
        locked = ChannelAccount.objects.select_for_update().select_related("workspace").get(pk=account.pk)
        stored = crypto.decrypt(locked.credentials_encrypted, settings.ALUR_CREDENTIALS_KEYS)
        if stale_token and stored.get("access_token") != stale_token:
            return locked  # another worker refreshed meanwhile: use its token
        if not force and not stale_token and not token_refresh_due(locked, now):
            return locked  # another worker refreshed meanwhile
        tokens = None
        try:
            tokens = account_connector(locked).refresh()
        except AuthError as error:
            failure = error
            locked.health = ChannelAccount.Health.NEEDS_RECONNECT
            locked.health_message = error.message[:500]
            locked.checked_at = now
            locked.save(update_fields=["health", "health_message", "checked_at"])
            _token_event(locked, "channel.token_reconnect", reason=reason, error=error.message[:500])
        except ConnectorError as error:
            failure = error
            _token_event(locked, "channel.token_refresh_failed", reason=reason, error=error.message[:500])
        if failure is None and tokens is not None:
            _store_tokens(locked, stored, tokens, now, reason)
    if failure is not None:
        raise failure
    return locked if tokens is not None else None


def _store_tokens(locked: ChannelAccount, stored: dict[str, Any], tokens: TokenSet, now: dt.datetime, reason: str) -> None:
    """Write the new access token, the rotated refresh token and the expiry together (one row, one save)."""
    stored["access_token"] = tokens.access_token
    if tokens.refresh_token:  # never replace a working refresh token with nothing
        stored["refresh_token"] = tokens.refresh_token
    locked.credentials_encrypted = crypto.encrypt(stored, settings.ALUR_CREDENTIALS_KEYS)
    locked.token_expires_at = now + dt.timedelta(seconds=tokens.expires_in) if tokens.expires_in else tokens.expires_at
    locked.refreshed_at = now
    locked.health = ChannelAccount.Health.CONNECTED
    locked.health_message = ""
    locked.checked_at = now
    locked.save()
    _token_event(
        locked,
        "channel.token_refreshed",
        reason=reason,
        expires_at=locked.token_expires_at.isoformat() if locked.token_expires_at else None,
        refresh_token_rotated=bool(tokens.refresh_token),
    )


def refresh_tokens(now: dt.datetime | None = None) -> dict[str, int]:
    """Periodic job: refresh each token shortly before it expires (see :func:`token_refresh_due`), and learn
    unknown expiries; mark and tell the owner of accounts whose token cannot be refreshed, before their next
    post is due."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=settings.ALUR_TOKEN_WARNING_DAYS)
    refreshing = [key for key in REGISTRY if _refreshes(key)]
    counts = {"refreshed": 0, "warned": 0}
    candidates = ChannelAccount.objects.filter(is_active=True).filter(
        Q(token_expires_at__lte=horizon) | Q(token_expires_at__isnull=True, connector__in=refreshing)
    )
    for account in candidates.select_related("workspace", "created_by"):
        if account.connector in refreshing and not token_refresh_due(account, now):
            continue
        message = ""
        try:
            # Connectors without refresh tokens are still asked (Meta extends long-lived tokens, or says it cannot).
            force = account.connector not in refreshing
            refreshed = refresh_account_token(account, now=now, force=force) if account.connector else None
        except AuthError as error:
            refreshed, message, health = None, error.message, ChannelAccount.Health.NEEDS_RECONNECT
        except ConnectorError as error:
            refreshed, message, health = None, error.message, ChannelAccount.Health.EXPIRING
        if refreshed is not None:
            if refreshed.refreshed_at == now:
                counts["refreshed"] += 1
            continue
        if account.token_expires_at is None and not message:
            continue  # no expiry known and nothing to refresh with: nothing to warn about
        if not message:
            message = _("The token of %(name)s expires on %(when)s and cannot be refreshed automatically; reconnect it.") % {
                "name": account.name,
                "when": timezone.localtime(account.token_expires_at).strftime("%Y-%m-%d %H:%M")
                if account.token_expires_at
                else "?",
            }
            health = ChannelAccount.Health.EXPIRING
        if account.token_expires_at is not None and account.token_expires_at <= now:
            health = ChannelAccount.Health.NEEDS_RECONNECT
        ChannelAccount.objects.filter(pk=account.pk).update(health=health, health_message=message[:500], checked_at=now)
        managers = [account.created_by] if account.created_by else []
        owners = {
            p.item.owner
            for p in Post.objects.filter(account=account, status=Post.Status.PENDING).select_related("item__owner")[:20]
        }
        notify(
            workspace=account.workspace,
            recipients=[*managers, *owners],
            kind="token_expiring",
            message=message,
            url=f"/w/{account.workspace.slug}/publishing/accounts/",
            dedupe_key=f"token:{account.pk}:{health}",
        )
        counts["warned"] += 1
    return counts


def _refreshes(key: str) -> bool:
    try:
        return connector_class(key).capabilities.refreshes_tokens
    except (KeyError, ModuleNotFoundError):
        return False


def check_accounts_before_posts(now: dt.datetime | None = None) -> dict[str, int]:
    """Periodic job: accounts with a post due in the next 24 hours are tested (at most every 6 hours);
    a revoked or broken token is marked and the people whose posts wait are told before the time comes."""
    from alur.publishing.scheduler import account_connector

    now = now or timezone.now()
    counts = {"checked": 0, "broken": 0}
    soon = Post.objects.filter(status=Post.Status.PENDING, next_attempt_at__lte=now + dt.timedelta(hours=24)).values_list(
        "account_id", flat=True
    )
    stale = Q(checked_at__isnull=True) | Q(checked_at__lt=now - dt.timedelta(hours=6))
    for account in (
        ChannelAccount.objects.filter(stale, pk__in=soon, is_active=True).exclude(connector="").select_related("workspace")[:50]
    ):
        counts["checked"] += 1
        try:
            account_connector(account).test_connection()
        except ConnectorError as error:
            health = ChannelAccount.Health.NEEDS_RECONNECT if isinstance(error, AuthError) else ChannelAccount.Health.ERROR
            ChannelAccount.objects.filter(pk=account.pk).update(health=health, health_message=error.message[:500], checked_at=now)
            if health == ChannelAccount.Health.NEEDS_RECONNECT:
                counts["broken"] += 1
                owners = {
                    p.item.owner
                    for p in Post.objects.filter(account=account, status=Post.Status.PENDING).select_related("item__owner")[:50]
                }
                notify(
                    workspace=account.workspace,
                    recipients=[*owners, *([account.created_by] if account.created_by else [])],
                    kind="account_broken",
                    message=_("%(name)s must be reconnected before its next post: %(reason)s")
                    % {"name": account.name, "reason": error.message},
                    url=f"/w/{account.workspace.slug}/publishing/accounts/{account.pk}/",
                    dedupe_key=f"account_broken:{account.pk}",
                )
        else:
            ChannelAccount.objects.filter(pk=account.pk).exclude(health=ChannelAccount.Health.EXPIRING).update(
                health=ChannelAccount.Health.CONNECTED, checked_at=now
            )
    return counts


def _item_of(post: Post) -> ContentItem:
    return ContentItem.objects.select_related("workspace").get(pk=post.item_id)


def post_retry(*, actor: User, post: Post) -> Post:
    """A failed or missed post goes back to the queue now, with fresh attempts (same idempotency key)."""
    require(actor, membership_of(actor, post.workspace), Action.POST_SCHEDULE, _item_of(post))
    with transaction.atomic():
        item = ContentItem.objects.select_for_update().get(pk=post.item_id)
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.status not in (Post.Status.FAILED, Post.Status.MISSED):
            raise ValidationError(
                _("Only a failed or missed post can be retried; this one is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        if locked.needs_reconcile or locked.error_kind == "unknown":
            locked.needs_reconcile = False  # the person checked the channel and says it is not there
        if item.status == ContentStatus.FAILED:
            item = content_publication_outcome(actor=actor, item=item, status=ContentStatus.SCHEDULED)
        elif item.status != ContentStatus.SCHEDULED:
            raise ValidationError(
                _("The content is %(status)s; schedule it again first.") % {"status": item.get_status_display()}
            )
        now = timezone.now()
        locked.status = Post.Status.PENDING
        locked.attempts = 0
        locked.next_attempt_at = now
        locked.publish_at = max(locked.publish_at, now - dt.timedelta(minutes=1))
        locked.lease_owner = ""
        locked.lease_until = None
        locked.generation += 1
        locked.updated_at = now
        locked.save()
        audit_record(actor=actor, workspace=post.workspace, action="post.retry", obj=locked, after={"status": locked.status})
    return locked


def post_now(*, actor: User, item: ContentItem) -> ContentItem:
    """Publish a scheduled (approved) item at once instead of at its time."""
    from alur.publishing.scheduler import sync_item_posts

    require(actor, membership_of(actor, item.workspace), Action.POST_PUBLISH, item)
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update().get(pk=item.pk)
        if locked.status != ContentStatus.SCHEDULED:
            raise ValidationError(_("Schedule the content first; only scheduled (approved) content can be posted now."))
        before = snapshot(locked, ("publish_at",))
        locked.publish_at = timezone.now()
        locked.save(update_fields=["publish_at", "updated_at"])
        sync_item_posts(locked)
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="post.now",
            obj=locked,
            before=before,
            after=snapshot(locked, ("publish_at",)),
        )
    return locked


def post_rollback(*, actor: User, post: Post) -> Post:
    """Remove a published post from the platform where its API allows it."""
    from alur.publishing.scheduler import account_connector

    require(actor, membership_of(actor, post.workspace), Action.POST_PUBLISH, _item_of(post))
    if post.status != Post.Status.PUBLISHED:
        raise ValidationError(_("Only a published post can be rolled back."))
    if not post.account.connector:
        raise ValidationError(
            _("The channel account %(name)s has no connector, so Alur cannot remove the post; delete it on the platform itself.")
            % {"name": post.account.name}
        )
    try:
        connector = account_connector(post.account)
    except ConnectorError as error:
        raise ValidationError(_("The platform refused the removal: %(reason)s") % {"reason": error.message}) from error
    if not connector.capabilities.can_delete:
        raise ValidationError(
            _("%(platform)s does not let apps remove posts; delete it on the platform itself.")
            % {"platform": post.get_platform_display()}
        )
    try:
        connector.delete(post.external_id)
    except ConnectorError as error:
        raise ValidationError(_("The platform refused the removal: %(reason)s") % {"reason": error.message}) from error
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(status=Post.Status.ROLLED_BACK, updated_at=timezone.now())
        PublishAttempt.objects.create(
            post=post,
            number=post.attempts,
            worker=f"user:{actor.pk}",
            outcome=PublishAttempt.Outcome.DELETED,
            finished_at=timezone.now(),
        )
        item = ContentItem.objects.select_for_update().get(pk=post.item_id)
        if item.status == ContentStatus.PUBLISHED and not Post.objects.filter(item=item, status=Post.Status.PUBLISHED).exists():
            content_publication_outcome(actor=actor, item=item, status=ContentStatus.ROLLED_BACK)
        audit_record(actor=actor, workspace=post.workspace, action="post.rollback", obj=post, after={"status": "rolled_back"})
    post.refresh_from_db()
    return post


def recurrence_set(
    *, actor: User, item: ContentItem, kind: str, interval: int = 1, until: dt.date | None = None
) -> Recurrence | None:
    """Make an item repeat (weekly, monthly, every N days) from its publish time; ``kind`` "" stops it."""
    require(actor, membership_of(actor, item.workspace), Action.POST_SCHEDULE, item)
    with transaction.atomic():
        if not kind:
            Recurrence.objects.filter(item=item).delete()
            audit_record(actor=actor, workspace=item.workspace, action="post.recurrence", obj=item, after={"repeat": ""})
            return None
        if kind not in Recurrence.Kind.values:
            raise ValidationError({"kind": _("Choose weekly, monthly or every N days.")})
        if not 1 <= int(interval) <= 365:
            raise ValidationError({"interval": _("Repeat every 1 to 365 days, weeks or months.")})
        if item.publish_at is None:
            raise ValidationError({"publish_at": _("Choose the first publish time first.")})
        if until is not None and until < timezone.localtime(item.publish_at).date():
            raise ValidationError({"until": _("The end date is before the first publish time.")})
        recurrence, _created = Recurrence.objects.update_or_create(
            item=item, defaults={"kind": kind, "interval": int(interval), "until": until, "anchor": item.publish_at}
        )
        audit_record(
            actor=actor,
            workspace=item.workspace,
            action="post.recurrence",
            obj=item,
            after={"repeat": kind, "interval": interval},
        )
    return recurrence


def next_queue_slot(item: ContentItem, *, after: dt.datetime | None = None) -> dt.datetime | None:
    """The next free posting slot shared by the accounts of the item's variants."""
    after = after or timezone.now()
    accounts = [v.account for v in item.variants.select_related("account") if v.account is not None and v.account.queue_slots]
    best: dt.datetime | None = None
    for account in accounts:
        taken = Post.objects.filter(
            account=account, status__in=(Post.Status.PENDING, Post.Status.PUBLISHING, Post.Status.PUBLISHED)
        ).values_list("publish_at", flat=True)
        slot = timing.next_free_slot(account.queue_slots, taken, after=after, zone=item.workspace.time_zone)
        if slot is not None and (best is None or slot > best):
            best = slot
    return best


def add_to_queue(*, actor: User, item: ContentItem) -> ContentItem:
    """Schedule the item at the next free posting slot of its accounts."""
    from alur.content.services.items import content_schedule

    slot = next_queue_slot(item)
    if slot is None:
        raise ValidationError(_("None of this content's channel accounts has posting slots; add slots in the account settings."))
    return content_schedule(actor=actor, item=item, publish_at=slot)


def publishing_settings_set(
    *, actor: User, workspace: Workspace, utm_enabled: bool, utm_medium: str = "social", utm_only_domains: list[str] | None = None
) -> PublishingSettings:
    require(actor, membership_of(actor, workspace), Action.CHANNEL_MANAGE)
    medium = (utm_medium or "").strip()
    refuse_nul_characters(utm_medium=medium)
    if not medium:
        raise ValidationError({"utm_medium": _("Give a UTM medium, e.g. social.")})
    domains = [d.strip().lower() for d in (utm_only_domains or []) if d and d.strip()]
    with transaction.atomic():
        row, _created = PublishingSettings.objects.select_for_update().get_or_create(workspace=workspace)
        before = snapshot(row, ("utm_enabled", "utm_medium", "utm_only_domains"))
        row.utm_enabled = bool(utm_enabled)
        row.utm_medium = medium[:50]
        row.utm_only_domains = domains[:50]
        row.updated_at = timezone.now()
        row.save()
        audit_record(
            actor=actor,
            workspace=workspace,
            action="publishing.settings",
            obj=row,
            before=before,
            after=snapshot(row, ("utm_enabled", "utm_medium", "utm_only_domains")),
        )
    return row
