"""Writes of content items: create, edit (with a version after every change), move through the status
machine, schedule and expire.

An edit that changes what would go out (title, type, any variant) of approved or scheduled content
sends it back to review in a new approval round, when its approval workflow asks for approvals; the
version history keeps both sides so approvers see the diff.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alur.accounts.models import User, Workspace
from alur.accounts.selectors import membership_of
from alur.campaigns.models import Campaign
from alur.content import states
from alur.content.models import (
    ApprovalMode,
    ContentItem,
    ContentStatus,
    ContentVariant,
    ContentVersion,
    MediaAsset,
    channel_account_model,
)
from alur.content.platforms import ContentKind, Platform
from alur.content.signals import schedule_changed as schedule_changed_signal
from alur.core.audit import audit_record, snapshot
from alur.core.policy import Action, require
from alur.core.validation import refuse_nul_characters

ITEM_FIELDS = ("title", "kind", "campaign", "owner", "due_date", "publish_at", "status", "is_shared_with_clients")
VARIANT_KEYS = ("platform", "account_id", "title", "text", "link", "hashtags", "media_ids")
MAX_VARIANTS = 12
MAX_TEXT = 65_000

# Reasons of refused moves, translated where they are shown.
gettext_noop("This content is already %(status)s.")
gettext_noop("Content that is %(current)s cannot become %(target)s.")


def _move_error(current: str, target: str) -> ValidationError:
    labels = dict(ContentStatus.choices)
    move = states.can_move(current, target)
    if move.reason == "already":
        return ValidationError(_("This content is already %(status)s.") % {"status": str(labels[current]).lower()})
    return ValidationError(
        _("Content that is %(current)s cannot become %(target)s.")
        % {"current": str(labels.get(current, current)).lower(), "target": str(labels.get(target, target)).lower()}
    )


def set_status(item: ContentItem, target: str) -> None:
    """Move ``item`` (already locked by the caller) to ``target`` if the status machine has that move."""
    if not states.can_move(item.status, target).allowed:
        raise _move_error(item.status, target)
    item.status = target
    item.updated_at = timezone.now()


# Snapshots and versions ---------------------------------------------------------------------------


def _variant_snapshot(variant: ContentVariant) -> dict[str, Any]:
    return {
        "platform": variant.platform,
        "account_id": variant.account_id,
        "title": variant.title,
        "text": variant.text,
        "link": variant.link,
        "hashtags": list(variant.hashtags),
        "media_ids": sorted(asset.pk for asset in variant.media.all()),
    }


def content_snapshot(item: ContentItem) -> dict[str, Any]:
    """What would go out: the format of :class:`ContentVersion.data`."""
    return {
        "title": item.title,
        "kind": item.kind,
        "variants": [_variant_snapshot(v) for v in item.variants.order_by("pk").prefetch_related("media")],
    }


def wording_of(snapshot_data: dict[str, Any]) -> dict[str, Any]:
    """A content snapshot without the channel accounts: what an approver approves. Choosing the account
    a variant goes out on is not a change of the content."""
    return {
        **snapshot_data,
        "variants": [{k: v for k, v in variant.items() if k != "account_id"} for variant in snapshot_data["variants"]],
    }


def _record_version(item: ContentItem, actor: User | None, note: str) -> ContentVersion:
    item.version += 1
    ContentItem.objects.filter(pk=item.pk).update(version=item.version)
    return ContentVersion.objects.create(
        item=item, number=item.version, data=content_snapshot(item), note=note[:200], created_by=actor
    )


# Validation --------------------------------------------------------------------------------------


def _clean_text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    text = "" if value is None else str(value)
    refuse_nul_characters(**{field: text})
    text = text.strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("Keep this under %(limit)s characters.") % {"limit": limit}})
    return text


def _clean_hashtags(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    raw = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    tags: list[str] = []
    for entry in raw:
        tag = str(entry).strip()
        if not tag:
            continue
        if not tag.startswith("#"):
            tag = "#" + tag
        if len(tag) < 2 or any(ch.isspace() for ch in tag) or "\x00" in tag:
            raise ValidationError({"hashtags": _("“%(tag)s” is not a hashtag.") % {"tag": tag[:40]}})
        if tag.lower() not in {t.lower() for t in tags}:
            tags.append(tag[:100])
    return tags[:60]


def _clean_variants(workspace: Workspace, variants: Any) -> list[dict[str, Any]]:
    if not isinstance(variants, list | tuple):
        raise ValidationError({"variants": _("Give the variants as a list.")})
    if len(variants) > MAX_VARIANTS:
        raise ValidationError({"variants": _("An item can have at most %(n)s variants.") % {"n": MAX_VARIANTS}})
    cleaned: list[dict[str, Any]] = []
    seen: set[tuple[str, Any]] = set()
    for index, raw in enumerate(variants, start=1):
        if not isinstance(raw, dict):
            raise ValidationError({"variants": _("Variant %(n)s is not an object.") % {"n": index}})
        platform = str(raw.get("platform") or "")
        if platform not in Platform.values:
            raise ValidationError(
                {
                    "variants": _("Variant %(n)s: choose a platform (%(choices)s).")
                    % {"n": index, "choices": ", ".join(Platform.values)}
                }
            )
        account_id = raw.get("account_id") or None
        if account_id is not None:
            account: Any = channel_account_model()._default_manager.filter(workspace=workspace, pk=account_id).first()
            if account is None:
                raise ValidationError(
                    {"variants": _("Variant %(n)s: choose a channel account of this workspace.") % {"n": index}}
                )
            if account.platform != platform:
                raise ValidationError(
                    {
                        "variants": _("Variant %(n)s: the account %(account)s is not a %(platform)s account.")
                        % {"n": index, "account": account.name, "platform": Platform(platform).label}
                    }
                )
            account_id = account.pk
        key = (platform, account_id)
        if key in seen:
            raise ValidationError(
                {"variants": _("Variant %(n)s repeats a platform and account; edit the first one instead.") % {"n": index}}
            )
        seen.add(key)
        link = _clean_text(raw.get("link"), "link", 1000)
        if link and not link.lower().startswith(("http://", "https://")):
            raise ValidationError({"link": _("Variant %(n)s: a link starts with https://.") % {"n": index}})
        media_ids = raw.get("media_ids") or []
        try:
            media_ids = sorted({int(m) for m in media_ids})
        except (TypeError, ValueError):
            raise ValidationError({"media": _("Variant %(n)s: media are chosen by their id.") % {"n": index}}) from None
        if media_ids and MediaAsset.objects.filter(workspace=workspace, pk__in=media_ids).count() != len(media_ids):
            raise ValidationError({"media": _("Variant %(n)s: choose media from this workspace's library.") % {"n": index}})
        cleaned.append(
            {
                "platform": platform,
                "account_id": account_id,
                "title": _clean_text(raw.get("title"), "title", 300),
                "text": _clean_text(raw.get("text"), "text", MAX_TEXT),
                "link": link,
                "hashtags": _clean_hashtags(raw.get("hashtags")),
                "media_ids": media_ids,
            }
        )
    return cleaned


def _check_member(workspace: Workspace, user: User, field: str) -> None:
    if membership_of(user, workspace) is None:
        raise ValidationError({field: _("Choose a member of this workspace.")})


def _check_campaign(workspace: Workspace, campaign: Campaign | None) -> None:
    if campaign is not None and campaign.workspace_id != workspace.pk:
        raise ValidationError({"campaign": _("Choose a campaign of this workspace.")})


def _write_variants(item: ContentItem, variants: list[dict[str, Any]]) -> None:
    """Make the item's variants equal ``variants``, updating in place the ones of the same platform (so
    their ids, and links to them, stay stable) and deleting the rest."""
    existing: dict[str, list[ContentVariant]] = {}
    for variant in item.variants.order_by("pk"):
        existing.setdefault(variant.platform, []).append(variant)
    kept: set[int] = set()
    for data in variants:
        candidates = existing.get(data["platform"], [])
        variant = (
            candidates.pop(0)
            if candidates
            else ContentVariant(item=item, workspace_id=item.workspace_id, platform=data["platform"])
        )
        variant.account_id = data["account_id"]
        variant.title = data["title"]
        variant.text = data["text"]
        variant.link = data["link"]
        variant.hashtags = data["hashtags"]
        variant.save()
        variant.media.set(data["media_ids"])
        kept.add(variant.pk)
    item.variants.exclude(pk__in=kept).delete()


# Create and edit ---------------------------------------------------------------------------------


def content_create(
    *,
    actor: User,
    workspace: Workspace,
    title: str,
    kind: str = ContentKind.SOCIAL_POST,
    owner: User | None = None,
    campaign: Campaign | None = None,
    due_date: dt.date | None = None,
    publish_at: dt.datetime | None = None,
    variants: Any = (),
    is_idea: bool = False,
    is_shared_with_clients: bool = False,
) -> ContentItem:
    """A new draft (or idea) with its variants; version 1 is its first snapshot."""
    require(actor, membership_of(actor, workspace), Action.CONTENT_CREATE)
    owner = owner or actor
    clean_title = _clean_text(title, "title", 200, required=True)
    if kind not in ContentKind.values:
        raise ValidationError({"kind": _("Choose a content type.")})
    _check_member(workspace, owner, "owner")
    _check_campaign(workspace, campaign)
    clean_variants = _clean_variants(workspace, variants)
    with transaction.atomic():
        item = ContentItem.objects.create(
            workspace=workspace,
            title=clean_title,
            kind=kind,
            owner=owner,
            created_by=actor,
            campaign=campaign,
            due_date=due_date,
            publish_at=publish_at,
            status=ContentStatus.IDEA if is_idea else ContentStatus.DRAFT,
            is_shared_with_clients=is_shared_with_clients,
            content_changed_by=actor,
        )
        _write_variants(item, clean_variants)
        _record_version(item, actor, _("Created"))
        audit_record(actor=actor, workspace=workspace, action="content.create", obj=item, after=snapshot(item, ITEM_FIELDS))
    return item


_UNSET: Any = object()


def content_update(
    *,
    actor: User,
    item: ContentItem,
    title: str | None = None,
    kind: str | None = None,
    owner: User | None = None,
    campaign: Any = _UNSET,
    due_date: Any = _UNSET,
    publish_at: Any = _UNSET,
    variants: Any = None,
    is_shared_with_clients: bool | None = None,
    note: str = "",
) -> ContentItem:
    """Change an item. A change to what goes out records a version; on approved or scheduled content it
    also starts a new approval round when the item's workflow requires approvals."""
    from alur.content.services import approvals

    require(actor, membership_of(actor, item.workspace), Action.CONTENT_EDIT, item)
    workspace = item.workspace
    clean_variants = _clean_variants(workspace, variants) if variants is not None else None
    clean_title = _clean_text(title, "title", 200, required=True) if title is not None else None
    if kind is not None and kind not in ContentKind.values:
        raise ValidationError({"kind": _("Choose a content type.")})
    if owner is not None:
        _check_member(workspace, owner, "owner")
    if campaign is not _UNSET:
        _check_campaign(workspace, campaign)
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update().get(pk=item.pk)
        if locked.status not in states.EDITABLE:
            raise ValidationError(
                _("%(status)s content cannot be edited; roll it back or duplicate it.") % {"status": locked.get_status_display()}
            )
        before = snapshot(locked, ITEM_FIELDS)
        content_before = content_snapshot(locked)
        if clean_title is not None:
            locked.title = clean_title
        if kind is not None:
            locked.kind = kind
        if owner is not None:
            locked.owner = owner
        if campaign is not _UNSET:
            locked.campaign = campaign
        if due_date is not _UNSET:
            locked.due_date = due_date
        if publish_at is not _UNSET:
            if locked.status == ContentStatus.SCHEDULED and publish_at is None:
                raise ValidationError({"publish_at": _("Scheduled content needs a publish time; unschedule it first.")})
            if locked.status == ContentStatus.SCHEDULED and publish_at is not None and publish_at <= timezone.now():
                raise ValidationError({"publish_at": _("Choose a publish time in the future.")})
            locked.publish_at = publish_at
        if is_shared_with_clients is not None:
            locked.is_shared_with_clients = is_shared_with_clients
        locked.updated_at = timezone.now()
        locked.save()
        if clean_variants is not None:
            _write_variants(locked, clean_variants)
        content_after = content_snapshot(locked)
        if content_after != content_before:
            if wording_of(content_after) != wording_of(content_before):
                locked.content_changed_by = actor
                locked.save(update_fields=["content_changed_by"])
                _record_version(locked, actor, note or _("Edited"))
                approvals.after_content_change(actor=actor, item=locked)
            else:
                _record_version(locked, actor, note or _("Channel account chosen"))
                approvals.after_account_change(actor=actor, item=locked)
        schedule_changed(locked)
        audit_record(
            actor=actor,
            workspace=workspace,
            action="content.update",
            obj=locked,
            before=before,
            after=snapshot(locked, ITEM_FIELDS),
        )
    return locked


def content_to_draft(*, actor: User, item: ContentItem) -> ContentItem:
    """Idea → draft, or back to draft from in review, expired, failed or rolled back (the review round ends)."""
    require(actor, membership_of(actor, item.workspace), Action.CONTENT_EDIT, item)
    return _simple_move(actor, item, ContentStatus.DRAFT)


def content_to_idea(*, actor: User, item: ContentItem) -> ContentItem:
    require(actor, membership_of(actor, item.workspace), Action.CONTENT_EDIT, item)
    return _simple_move(actor, item, ContentStatus.IDEA)


def _simple_move(actor: User | None, item: ContentItem, target: str) -> ContentItem:
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update().get(pk=item.pk)
        before = snapshot(locked, ("status",))
        set_status(locked, target)
        locked.save(update_fields=["status", "updated_at"])
        schedule_changed(locked)
        audit_record(
            actor=actor, workspace=locked.workspace, action="content.status", obj=locked, before=before, after={"status": target}
        )
    return locked


# Scheduling -------------------------------------------------------------------------------------


def schedule_changed(item: ContentItem) -> None:
    """Tell the contexts above (publishing re-plans the item's posts) inside the transaction that
    changed the locked ``item`` (see :mod:`alur.content.signals`)."""
    schedule_changed_signal.send(sender=ContentItem, item=item)


def _needs_approval(mode: str) -> bool:
    return mode in (ApprovalMode.REQUIRED, ApprovalMode.MULTI_LEVEL)


def content_schedule(*, actor: User, item: ContentItem, publish_at: dt.datetime | None = None) -> ContentItem:
    """Approved → scheduled at ``publish_at`` (or the item's publish time). Under the none and optional
    workflows a draft or an item in review may be scheduled directly once it passes the guidelines."""
    from alur.content.services import approvals

    require(actor, membership_of(actor, item.workspace), Action.POST_SCHEDULE, item)
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update().get(pk=item.pk)
        when = publish_at or locked.publish_at
        if when is None:
            raise ValidationError({"publish_at": _("Choose a publish time first.")})
        if when <= timezone.now():
            raise ValidationError({"publish_at": _("Choose a publish time in the future.")})
        mode = locked.approval_mode or approvals.route_for(locked).mode
        if locked.status != ContentStatus.APPROVED:
            if _needs_approval(mode) or locked.status not in (ContentStatus.DRAFT, ContentStatus.IN_REVIEW):
                if locked.status in (ContentStatus.DRAFT, ContentStatus.IN_REVIEW, ContentStatus.IDEA):
                    raise ValidationError(
                        _("This content needs its approvals before it can be scheduled (workflow: %(mode)s).")
                        % {"mode": ApprovalMode(mode).label}
                    )
                raise _move_error(locked.status, ContentStatus.SCHEDULED)
            approvals.require_guidelines_pass(locked)
            locked.approval_mode = mode
        check_campaign_window(locked, when)
        before = snapshot(locked, ("status", "publish_at"))
        set_status(locked, ContentStatus.SCHEDULED)
        locked.publish_at = when
        locked.save()
        schedule_changed(locked)
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="content.schedule",
            obj=locked,
            before=before,
            after=snapshot(locked, ("status", "publish_at")),
        )
    return locked


def content_unschedule(*, actor: User, item: ContentItem) -> ContentItem:
    require(actor, membership_of(actor, item.workspace), Action.POST_SCHEDULE, item)
    return _simple_move(actor, item, ContentStatus.APPROVED)


# What publishing reports back: the one way a publication outcome changes an item.
PUBLICATION_OUTCOMES = {
    ContentStatus.PUBLISHED: (Action.POST_PUBLISH, gettext_noop("all its posts went out")),
    ContentStatus.FAILED: (Action.POST_PUBLISH, gettext_noop("a post could not be published")),
    ContentStatus.ROLLED_BACK: (Action.POST_PUBLISH, gettext_noop("its posts were removed from the platforms")),
    ContentStatus.SCHEDULED: (Action.POST_SCHEDULE, gettext_noop("a failed post was retried")),
}


def content_publication_outcome(
    *, actor: User | None, item: ContentItem, status: str, next_publish_at: dt.datetime | None = None
) -> ContentItem:
    """The item after its posts' outcome, as publishing reports it: *published*, *failed*, *rolled back*,
    or *scheduled* again (a failed post retried; or, with ``next_publish_at``, a repeating item's next
    occurrence). ``actor`` is the person who retried or rolled back, ``None`` for the publishing worker.

    Call inside the caller's transaction; the item's row is locked here. Audited as ``content.status``.
    Publishing keeps its own posts in step, so no ``schedule_changed`` is sent.
    """
    if status not in PUBLICATION_OUTCOMES:
        raise ValueError(f"not a publication outcome: {status}")
    action, reason = PUBLICATION_OUTCOMES[ContentStatus(status)]
    if actor is not None:
        require(actor, membership_of(actor, item.workspace), action, item)
    with transaction.atomic():
        locked = ContentItem.objects.select_for_update().select_related("workspace").get(pk=item.pk)
        before = snapshot(locked, ("status", "publish_at"))
        if next_publish_at is not None:
            if status != ContentStatus.SCHEDULED or locked.status != ContentStatus.SCHEDULED:
                raise _move_error(locked.status, status)
            locked.publish_at = next_publish_at
            locked.updated_at = timezone.now()
            reason = gettext_noop("the next occurrence of its repetition")
        else:
            set_status(locked, status)
        locked.save(update_fields=["status", "publish_at", "updated_at"])
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="content.status",
            obj=locked,
            before=before,
            after={**snapshot(locked, ("status", "publish_at")), "reason": reason},
        )
    return locked


def expire_unapproved(now: dt.datetime | None = None) -> int:
    """The system's sweep: content still waiting for approval at its publish time does not go out; it
    becomes *expired* and its owner is told. Returns how many items expired."""
    from alur.core.notifications import notify

    now = now or timezone.now()
    count = 0
    due = ContentItem.objects.filter(status__in=states.UNAPPROVED - {states.IDEA}, publish_at__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due[:500]):
        with transaction.atomic():
            item = ContentItem.objects.select_for_update().select_related("workspace", "owner").get(pk=pk)
            if (
                item.status not in (ContentStatus.DRAFT, ContentStatus.IN_REVIEW)
                or item.publish_at is None
                or item.publish_at > now
            ):
                continue
            before = snapshot(item, ("status",))
            set_status(item, ContentStatus.EXPIRED)
            item.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=None,
                workspace=item.workspace,
                action="content.expire",
                obj=item,
                before=before,
                after={"status": item.status},
            )
            notify(
                workspace=item.workspace,
                recipients=[item.owner],
                kind="content_expired",
                message=_("“%(title)s” was not approved by its publish time and did not go out.") % {"title": item.title},
                url=item_url(item),
                dedupe_key=f"expired:{item.pk}",
            )
            count += 1
    return count


def item_url(item: ContentItem) -> str:
    from django.urls import reverse

    return reverse("content:item_detail", args=[item.workspace.slug, item.pk])


def check_campaign_window(item: ContentItem, when: dt.datetime) -> None:
    """Refuse a publish time outside the item's campaign dates (compared as dates in the workspace zone)."""
    campaign = item.campaign
    if campaign is None:
        return
    day = timezone.localtime(when, _zone(item.workspace)).date()
    if (campaign.start_date and day < campaign.start_date) or (campaign.end_date and day > campaign.end_date):
        raise ValidationError(
            {
                "publish_at": _("%(day)s is outside the campaign “%(campaign)s” (%(start)s – %(end)s).")
                % {
                    "day": day.isoformat(),
                    "campaign": campaign.name,
                    "start": campaign.start_date.isoformat() if campaign.start_date else "…",
                    "end": campaign.end_date.isoformat() if campaign.end_date else "…",
                }
            }
        )


def _zone(workspace: Workspace) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(workspace.time_zone)
