"""Resolving the workspace of a request. Every workspace page goes through :func:`workspace_view`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from alur.core.policy import Action, decide, require

if TYPE_CHECKING:  # types only: core imports no context at run time
    from alur.accounts.models import Membership, User, Workspace

P = ParamSpec("P")
SESSION_WORKSPACE_KEY = "alur_workspace"

# How a workspace slug becomes the signed-in user's membership (404 when they have none). Workspaces and
# memberships belong to accounts, which registers its resolver in AccountsConfig.ready().
MembershipResolver = Callable[[Any, str], "Membership"]
_resolvers: list[MembershipResolver] = []


def register_membership_resolver(resolver: MembershipResolver) -> None:
    _resolvers[:] = [resolver]


def _membership(user: Any, slug: str) -> Membership:
    if not _resolvers:
        raise ImproperlyConfigured("No membership resolver is registered (the accounts app registers it).")
    return _resolvers[0](user, slug)


class WorkspaceRequest(HttpRequest):
    """An HttpRequest after :func:`workspace_view` has resolved its workspace (for type checkers)."""

    workspace: Workspace
    membership: Membership


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a request that passed ``login_required``."""
    return cast("User", request.user)


def can(request: WorkspaceRequest, action: Action, obj: object | None = None) -> bool:
    """Whether the signed-in member may take ``action`` (on ``obj``) in the request's workspace, as the
    policy decides: for showing or hiding buttons; the services still check every write."""
    return bool(decide(request_user(request), request.membership, action, obj))


def workspace_view(
    action: Action,
) -> Callable[[Callable[Concatenate[WorkspaceRequest, P], HttpResponse]], Callable[..., HttpResponse]]:
    """Resolve ``slug`` to the user's membership (404 when not a member), check ``action`` with the
    policy (403 with the reason), remember the workspace for the switcher, and render times in the
    workspace's time zone."""

    def decorator(view: Callable[Concatenate[WorkspaceRequest, P], HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request_user(request)
            membership = _membership(user, slug)
            require(user, membership, action)
            workspace_request: WorkspaceRequest = request  # type: ignore[assignment]
            workspace_request.membership = membership
            workspace_request.workspace = membership.workspace
            if request.session.get(SESSION_WORKSPACE_KEY) != slug:
                request.session[SESSION_WORKSPACE_KEY] = slug
            with timezone.override(membership.workspace.time_zone):
                return view(workspace_request, *args, **kwargs)

        return wrapper

    return decorator
