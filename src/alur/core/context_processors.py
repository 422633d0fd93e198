"""What every page's layout needs: the current workspace, the switcher's list and the allowed actions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from alur.accounts.selectors import memberships_for_user
from alur.core.policy import allowed_actions


def shell(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    memberships = list(memberships_for_user(user)) if user is not None and user.is_authenticated else []  # type: ignore[arg-type]
    return {
        "current_membership": membership,
        "current_workspace": membership.workspace if membership is not None else None,
        "my_memberships": memberships,
        "can": {action.value.replace(".", "_") for action in allowed_actions(membership)},
        "alur_languages": settings.LANGUAGES,
    }
