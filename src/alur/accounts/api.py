"""API endpoints of accounts: the caller, their workspaces, members, invitations and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from alur.accounts import selectors, services
from alur.accounts.models import Membership, User
from alur.core.policy import Action, require
from alur.core.roles import Role

router = Router(tags=["workspaces"])

RoleName = Literal[
    "manager",
    "strategist",
    "campaign_manager",
    "content_creator",
    "designer",
    "social_media_specialist",
    "community_manager",
    "performance_marketer",
    "data_analyst",
    "approver",
    "client",
    "contractor",
]
assert set(RoleName.__args__) == set(Role.values)  # type: ignore[attr-defined]


class MeOut(Schema):
    email: str
    full_name: str
    language: str
    token_workspace: str | None = Field(None, description="The workspace the token is scoped to; null for a browser session.")
    token_scope: str | None = None


class WorkspaceOut(Schema):
    slug: str
    name: str
    kind: str
    currency: str
    time_zone: str
    language: str
    role: str = Field(description="The caller's role in this workspace.")


class WorkspacePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    kind: Literal["brand", "client"] | None = None
    currency: str | None = Field(None, pattern=r"^[A-Za-z]{3}$")
    time_zone: str | None = None
    language: Literal["id", "en"] | None = None


class MemberOut(Schema):
    id: int
    email: str
    full_name: str
    role: str
    weekly_capacity_hours: float


class InvitationIn(Schema):
    email: str = Field(max_length=254)
    role: RoleName


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    expires_at: dt.datetime


class AuditEventOut(Schema):
    id: int
    created_at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class ErrorOut(Schema):
    detail: Any


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def api_membership(request: HttpRequest, slug: str) -> Membership:
    """The caller's membership of ``slug``. A token reaches only its own workspace; anything else is 404."""
    token = getattr(request, "api_token", None)
    if token is not None and token.workspace.slug != slug:
        raise Http404
    return selectors.workspace_membership(_user(request), slug)


def require_write_scope(request: HttpRequest) -> None:
    token = getattr(request, "api_token", None)
    if token is not None and not token.can_write:
        raise PermissionDenied("This API token is read-only; create a token with the write scope.")


def _workspace_out(membership: Membership) -> WorkspaceOut:
    w = membership.workspace
    return WorkspaceOut(
        slug=w.slug,
        name=w.name,
        kind=w.kind,
        currency=w.currency,
        time_zone=w.time_zone,
        language=w.language,
        role=membership.role,
    )


@router.get("/me", response=MeOut, tags=["me"])
def me(request: HttpRequest) -> MeOut:
    user = _user(request)
    token = getattr(request, "api_token", None)
    return MeOut(
        email=user.email,
        full_name=user.full_name,
        language=user.language,
        token_workspace=token.workspace.slug if token else None,
        token_scope=token.scope if token else None,
    )


@router.get("/workspaces", response=list[WorkspaceOut])
def workspace_list(request: HttpRequest) -> list[WorkspaceOut]:
    memberships = selectors.memberships_for_user(_user(request))
    token = getattr(request, "api_token", None)
    if token is not None:
        memberships = memberships.filter(workspace=token.workspace)
    return [_workspace_out(m) for m in memberships]


@router.get("/workspaces/{slug}", response={200: WorkspaceOut, 404: ErrorOut})
def workspace_detail(request: HttpRequest, slug: str) -> WorkspaceOut:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.WORKSPACE_VIEW)
    return _workspace_out(membership)


@router.patch("/workspaces/{slug}", response={200: WorkspaceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def workspace_update(request: HttpRequest, slug: str, payload: WorkspacePatch) -> WorkspaceOut:
    membership = api_membership(request, slug)
    require_write_scope(request)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    workspace = services.workspace_update(actor=_user(request), workspace=membership.workspace, **changes)
    membership.workspace = workspace
    return _workspace_out(membership)


@router.get("/workspaces/{slug}/members", response={200: list[MemberOut], 403: ErrorOut, 404: ErrorOut})
def member_list(request: HttpRequest, slug: str) -> list[MemberOut]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.MEMBER_VIEW)
    return [
        MemberOut(
            id=m.pk,
            email=m.user.email,
            full_name=m.user.full_name,
            role=m.role,
            weekly_capacity_hours=float(m.weekly_capacity_hours),
        )
        for m in selectors.workspace_members(membership.workspace)
    ]


@router.post("/workspaces/{slug}/invitations", response={201: InvitationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def invitation_create(request: HttpRequest, slug: str, payload: InvitationIn) -> Status[InvitationOut]:
    membership = api_membership(request, slug)
    require_write_scope(request)
    invitation = services.invitation_create(
        actor=_user(request), workspace=membership.workspace, email=payload.email, role=payload.role
    )
    return Status(
        201, InvitationOut(id=invitation.pk, email=invitation.email, role=invitation.role, expires_at=invitation.expires_at)
    )


@router.get("/workspaces/{slug}/audit", response={200: list[AuditEventOut], 403: ErrorOut, 404: ErrorOut})
def audit_list(
    request: HttpRequest, slug: str, action: str = "", object_type: str = "", limit: int = Query(100, ge=1, le=1000)
) -> list[AuditEventOut]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.AUDIT_VIEW)
    events = selectors.audit_events(membership.workspace, selectors.AuditFilter(action=action, object_type=object_type))[:limit]
    return [
        AuditEventOut(
            id=e.pk,
            created_at=e.created_at,
            actor=e.actor_label,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            object_repr=e.object_repr,
            before=e.before,
            after=e.after,
        )
        for e in events
    ]
