"""Reads of users, workspaces and memberships. Every workspace read starts from the user's memberships,
so a workspace the user does not belong to cannot be reached, whatever id or slug is guessed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from alur.accounts.models import ApiToken, Invitation, Membership, User, Workspace, hash_token
from alur.core.models import AuditEvent
from alur.core.policy import scope
from alur.core.roles import Role

TOKEN_PREFIX = "alur_"


def memberships_for_user(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name")


def membership_of(user: User, workspace: Workspace) -> Membership | None:
    return Membership.objects.filter(user=user, workspace=workspace).first()


def workspace_membership(user: User, slug: str) -> Membership:
    """The user's membership of the workspace with this slug; 404 (never 403) when there is none,
    so that the answer does not reveal whether the workspace exists."""
    membership = Membership.objects.filter(user=user, workspace__slug=slug).select_related("workspace").first()
    if membership is None:
        raise Http404("No such workspace.")
    return membership


def workspace_members(workspace: Workspace) -> QuerySet[Membership]:
    return Membership.objects.filter(workspace=workspace).select_related("user").order_by("user__full_name", "user__email")


def members_visible(membership: Membership) -> QuerySet[Membership]:
    """The members ``membership`` may see named in lists and dropdowns: everyone for the team, only
    themselves for an outside member (see ``Reach`` of ``accounts.Membership``)."""
    return scope(Membership.objects.select_related("user"), membership).order_by("user__full_name", "user__email")


def workspace_member(workspace: Workspace, membership_id: int) -> Membership:
    membership = Membership.objects.filter(workspace=workspace, pk=membership_id).select_related("user").first()
    if membership is None:
        raise Http404("No such member.")
    return membership


def manager_count(workspace: Workspace) -> int:
    return Membership.objects.filter(workspace=workspace, role=Role.MANAGER).count()


def invitations_pending(workspace: Workspace) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        workspace=workspace, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")


def workspace_invitation(workspace: Workspace, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(workspace=workspace, pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("workspace")


def api_token_for_plaintext(plaintext: str) -> ApiToken | None:
    """The usable token with this value, or ``None``. Unknown, revoked and expired tokens look alike."""
    if not plaintext.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.filter(token_hash=hash_token(plaintext)).select_related("user", "workspace").first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    return token


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    action: str = ""
    object_type: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def audit_events(workspace: Workspace, filters: AuditFilter) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(workspace=workspace).select_related("actor")
    if filters.actor_id:
        events = events.filter(actor_id=filters.actor_id)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    zone = timezone.get_current_timezone()
    if filters.since:
        events = events.filter(created_at__gte=dt.datetime.combine(filters.since, dt.time.min, tzinfo=zone))
    if filters.until:
        events = events.filter(created_at__lt=dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time.min, tzinfo=zone))
    return events


def audit_facets(workspace: Workspace) -> tuple[list[str], list[str]]:
    """The distinct actions and object types in a workspace's log, for the filter drop-downs."""
    base = AuditEvent.objects.filter(workspace=workspace)
    actions = sorted(set(base.order_by().values_list("action", flat=True).distinct()))
    object_types = sorted(set(base.order_by().values_list("object_type", flat=True).distinct()))
    return actions, object_types


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email=email.strip().lower()).first()
