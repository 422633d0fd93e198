"""Reads of content items, scoped to one workspace and to what the member may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from alur.accounts.models import Membership
from alur.content.models import ApprovalDecision, ClientReviewLink, ContentItem, ContentStatus, channel_account_model
from alur.core.policy import scope


def items_visible(membership: Membership) -> QuerySet[ContentItem]:
    """Everything for the team; a contractor sees what they own or created, a client what is shared."""
    return scope(ContentItem.objects.select_related("owner", "campaign"), membership)


def item_visible(membership: Membership, item_id: int) -> ContentItem:
    item = items_visible(membership).filter(pk=item_id).select_related("workspace", "created_by").first()
    if item is None:
        raise Http404("No such content.")
    return item


@dataclass(frozen=True)
class ItemFilter:
    q: str = ""
    status: str = ""
    platform: str = ""
    campaign: int | None = None
    owner: int | None = None


def items_filtered(membership: Membership, filters: ItemFilter) -> QuerySet[ContentItem]:
    items = items_visible(membership).prefetch_related("variants")
    if filters.q:
        items = items.filter(Q(title__icontains=filters.q) | Q(variants__text__icontains=filters.q)).distinct()
    if filters.status in ContentStatus.values:
        items = items.filter(status=filters.status)
    if filters.platform:
        items = items.filter(variants__platform=filters.platform).distinct()
    if filters.campaign:
        items = items.filter(campaign_id=filters.campaign)
    if filters.owner:
        items = items.filter(owner_id=filters.owner)
    return items.order_by("-updated_at", "-pk")


def status_counts(membership: Membership) -> dict[str, int]:
    counts = dict.fromkeys(ContentStatus.values, 0)
    for status in items_visible(membership).values_list("status", flat=True):
        counts[status] += 1
    return counts


def decisions_of(item: ContentItem) -> QuerySet[ApprovalDecision]:
    return ApprovalDecision.objects.filter(item=item).select_related("user").order_by("-created_at", "-pk")


def review_links_of(item: ContentItem) -> QuerySet[ClientReviewLink]:
    return ClientReviewLink.objects.filter(item=item).order_by("-created_at")


def channel_accounts(membership: Membership) -> QuerySet[Any]:
    """The active accounts offered for a variant (publishing's table, reached through the variants'
    foreign key): none for an outside member (accounts are the team's)."""
    return scope(channel_account_model()._default_manager.filter(is_active=True), membership)


def channel_account_names(workspace_id: int, ids: Iterable[Any]) -> dict[int, str]:
    """Names of the workspace's channel accounts among ``ids``, active or not (for history and diffs)."""
    accounts = channel_account_model()._default_manager.filter(workspace_id=workspace_id, pk__in=list(ids))
    return dict(accounts.values_list("pk", "name"))
