"""Reads for approvals: the "My approvals" queue and the settings page."""

from __future__ import annotations

from dataclasses import dataclass

from alur.accounts.models import Membership, User
from alur.content.models import ApprovalDecision, ApprovalMode, ApprovalRoute, ContentItem, ContentSettings, ContentStatus
from alur.content.selectors.items import items_visible
from alur.content.services.approvals import ApprovalState, RouteSpec, approval_state, can_approve, route_for
from alur.core.policy import scope


@dataclass
class QueueEntry:
    item: ContentItem
    state: ApprovalState
    level_name: str


def my_approvals(membership: Membership, user: User) -> list[QueueEntry]:
    """Items in review whose current level names ``user`` (oldest wait first)."""
    entries = []
    waiting = items_visible(membership).filter(status=ContentStatus.IN_REVIEW).order_by("review_requested_at", "pk")
    for item in waiting.prefetch_related("variants")[:200]:
        if not can_approve(user, item):
            continue
        state = approval_state(item)
        current = state.current
        entries.append(QueueEntry(item, state, current.spec.name if current else ""))
    return entries


def waiting_count(membership: Membership, user: User) -> int:
    return len(my_approvals(membership, user))


def approved_for_publishing(item: ContentItem, route: RouteSpec | None = None) -> bool:
    """Whether the item may go out: every level of its workflow has an approval in the current round
    (always under the none and optional workflows, whose round was fixed when it was submitted or
    scheduled). The publishing scheduler asks this just before each post."""
    if item.approval_mode in (ApprovalMode.NONE, ApprovalMode.OPTIONAL):
        return True
    route = route or route_for(item)
    mode = item.approval_mode or route.mode
    if mode not in (ApprovalMode.REQUIRED, ApprovalMode.MULTI_LEVEL):
        return True
    approved_levels = set(
        ApprovalDecision.objects.filter(
            item=item, round=item.approval_round, verdict=ApprovalDecision.Verdict.APPROVE
        ).values_list("level_position", flat=True)
    )
    return bool(route.levels) and all(level.position in approved_levels for level in route.levels)


def routes_of(membership: Membership) -> list[ApprovalRoute]:
    """The workspace's approval routes; none for an outside member (routes are the team's settings)."""
    return list(scope(ApprovalRoute.objects.select_related("account").prefetch_related("levels__people"), membership))


def content_settings_row(workspace_id: int) -> ContentSettings:
    row, _created = ContentSettings.objects.get_or_create(workspace_id=workspace_id)
    return row


__all__ = [
    "QueueEntry",
    "approved_for_publishing",
    "content_settings_row",
    "my_approvals",
    "route_for",
    "routes_of",
    "waiting_count",
]
