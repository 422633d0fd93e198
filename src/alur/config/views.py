"""Workspace-wide pages: the start redirect, the workspace home, the audit log and the health check."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from alur.accounts import selectors
from alur.campaigns.selectors import campaigns_visible
from alur.content.selectors.items import items_visible
from alur.core.htmx import render_page
from alur.core.policy import Action, decide
from alur.core.roles import OUTSIDE_ROLES, Role
from alur.core.tenancy import SESSION_WORKSPACE_KEY, WorkspaceRequest, request_user, workspace_view


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Open the last workspace used in this session, else the one the user joined first, else the page
    to create one."""
    memberships = list(selectors.memberships_for_user(request_user(request)))
    if not memberships:
        return redirect("accounts:workspace_create")
    remembered = request.session.get(SESSION_WORKSPACE_KEY)
    chosen = next((m for m in memberships if m.workspace.slug == remembered), None) or min(
        memberships, key=lambda m: (m.created_at, m.pk)
    )
    return redirect("core:workspace_home", slug=chosen.workspace.slug)


@workspace_view(Action.WORKSPACE_VIEW)
def workspace_home(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    user = request_user(request)
    can_see_members = bool(decide(user, request.membership, Action.MEMBER_VIEW))
    members = list(selectors.workspace_members(workspace)) if can_see_members else []
    can_invite = bool(decide(user, request.membership, Action.MEMBER_INVITE))
    pending = selectors.invitations_pending(workspace).count() if can_invite else 0
    can_audit = bool(decide(user, request.membership, Action.AUDIT_VIEW))
    recent = list(selectors.audit_events(workspace, selectors.AuditFilter())[:8]) if can_audit else []
    checklist = [
        {"done": len(members) > 1 or pending > 0, "label": _("Invite your team"), "url": "accounts:members", "show": can_invite},
        {
            "done": bool(selectors.api_tokens_of(user).filter(workspace=workspace).exists()),
            "label": _("Create an API token for your tools"),
            "url": "accounts:tokens",
            "show": True,
        },
    ]
    is_outside = Role(request.membership.role) in OUTSIDE_ROLES
    # An outside member's home is what has been shared with or assigned to them (the policy's scope).
    shared_campaigns = list(campaigns_visible(request.membership).order_by("-pk")[:10]) if is_outside else []
    shared_items = list(items_visible(request.membership).order_by("-updated_at", "-pk")[:10]) if is_outside else []
    return render(
        request,
        "core/workspace_home.html",
        {
            "is_outside": is_outside,
            "shared_campaigns": shared_campaigns,
            "shared_items": shared_items,
            "members": members,
            "pending_invitations": pending,
            "recent_events": recent,
            "checklist": [item for item in checklist if item["show"]],
        },
    )


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@workspace_view(Action.AUDIT_VIEW)
def audit_log(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    actor_raw = request.GET.get("actor", "")
    filters = selectors.AuditFilter(
        actor_id=int(actor_raw) if actor_raw.isdigit() else None,
        action=request.GET.get("action", ""),
        object_type=request.GET.get("object_type", ""),
        since=_parse_date(request.GET.get("since")),
        until=_parse_date(request.GET.get("until")),
    )
    bad_dates = [name for name in ("since", "until") if request.GET.get(name) and _parse_date(request.GET.get(name)) is None]
    page = Paginator(selectors.audit_events(workspace, filters), settings.ALUR_PAGE_SIZE).get_page(request.GET.get("page"))
    actions, object_types = selectors.audit_facets(workspace)
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "filters": filters,
            "actions": actions,
            "object_types": object_types,
            "members": selectors.workspace_members(workspace),
            "bad_dates": bad_dates,
            "query": query.urlencode(),
        },
        partial="core/_audit_table.html",
    )


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
