"""What every page's layout needs: the current workspace, the switcher's list and the allowed actions.

It reads accounts and publishing, so it lives in ``config`` (on top of every context), not in ``core``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from alur.accounts.selectors import memberships_for_user
from alur.core.notifications import unread_count
from alur.core.policy import allowed_actions, decide_workspace_create
from alur.core.roles import OUTSIDE_ROLES

NATIVE_LANGUAGE_NAMES = [("id", "Bahasa Indonesia"), ("en", "English")]


def shell(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    memberships = list(memberships_for_user(user)) if user is not None and user.is_authenticated else []
    return {
        "current_membership": membership,
        # Clients and contractors: links to the team's own pages (settings, playbooks...) stay hidden.
        "is_outside_member": membership is not None and membership.role in OUTSIDE_ROLES,
        "current_workspace": membership.workspace if membership is not None else None,
        "my_memberships": memberships,
        "may_create_workspace": bool(decide_workspace_create(user, (m.role for m in memberships))),
        "can": {action.value.replace(".", "_") for action in allowed_actions(membership)},
        # Each language in its own name, so a person can find theirs whatever the page's language.
        "alur_languages": NATIVE_LANGUAGE_NAMES,
        # The navbar bell: the signed-in person's unread notices across all their workspaces.
        "unread_notifications": unread_count(user) if user is not None and user.is_authenticated else 0,
        # Loud when posts of this workspace are due and no publishing worker runs (alur.publishing.selectors).
        "publishing_alarm": _publishing_alarm(membership),
    }


def _publishing_alarm(membership: Any) -> bool:
    if membership is None:
        return False
    from alur.publishing.selectors import worker_health

    health = worker_health(membership.workspace_id)
    return not health.running and health.due_posts > 0
