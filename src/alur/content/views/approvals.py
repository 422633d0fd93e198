"""Pages of approvals: "My approvals", the approval settings (workflow, levels, per-account overrides,
reminders; channel accounts are added under Publishing) and the client review page reached through a signed link."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from alur.accounts.forms import add_service_errors
from alur.accounts.selectors import workspace_members
from alur.content.editor_forms import ReminderForm
from alur.content.models import ApprovalMode, ApprovalRoute
from alur.content.selectors import approvals as selectors
from alur.content.selectors.items import channel_accounts
from alur.content.services import approvals
from alur.content.views.items import PLATFORM_ICONS, STATUS_BADGES
from alur.core.policy import Action, decide, require_kind
from alur.core.roles import Role
from alur.core.tenancy import WorkspaceRequest, request_user, workspace_view

MAX_LEVEL_ROWS = 10


@workspace_view(Action.CONTENT_VIEW)
def my_approvals(request: WorkspaceRequest) -> HttpResponse:
    entries = selectors.my_approvals(request.membership, request_user(request))
    return render(request, "content/approvals.html", {"entries": entries, "icons": PLATFORM_ICONS, "badges": STATUS_BADGES})


def _levels_from_post(request: HttpRequest) -> list[dict[str, Any]]:
    levels = []
    for index in range(MAX_LEVEL_ROWS):
        prefix = f"levels-{index}-"
        name = request.POST.get(prefix + "name", "").strip()
        if not name:
            continue
        levels.append(
            {
                "name": name,
                "roles": request.POST.getlist(prefix + "roles"),
                "people": [p for p in request.POST.getlist(prefix + "people") if p.isdigit()],
                "require_all": request.POST.get(prefix + "require_all") == "on",
                "is_client": request.POST.get(prefix + "is_client") == "on",
            }
        )
    return levels


def _level_rows(route: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if route is not None:
        for level in route.levels.all():
            rows.append(
                {
                    "name": level.name,
                    "roles": list(level.roles),
                    "people": [p.pk for p in level.people.all()],
                    "require_all": level.require_all,
                    "is_client": level.is_client,
                }
            )
    while len(rows) < max(4, len(rows) + 1) and len(rows) < MAX_LEVEL_ROWS:
        rows.append({"name": "", "roles": [], "people": [], "require_all": False, "is_client": False})
    return [dict(row, index=i) for i, row in enumerate(rows)]


@workspace_view(Action.CONTENT_VIEW)
def approval_settings(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    require_kind(request_user(request), request.membership, ApprovalRoute)
    can_manage = bool(decide(request_user(request), request.membership, Action.APPROVAL_SETTINGS))
    routes = selectors.routes_of(request.membership)
    default_route = next((r for r in routes if r.account_id is None), None)
    overrides = {r.account_id: r for r in routes if r.account_id is not None}
    settings_row = selectors.content_settings_row(workspace.pk)
    reminder_form = ReminderForm(
        request.POST if request.POST.get("form") == "reminders" else None,
        initial={
            "remind_after_hours": settings_row.remind_after_hours,
            "escalate_after_hours": settings_row.escalate_after_hours,
        },
    )
    if request.method == "POST":
        form_name = request.POST.get("form")
        try:
            if form_name == "route":
                account = None
                account_id = request.POST.get("account", "")
                if account_id:
                    account = channel_accounts(request.membership).filter(pk=account_id if account_id.isdigit() else 0).first()
                    if account is None:
                        raise ValidationError(_("Choose a channel account of this workspace."))
                mode = request.POST.get("mode", "")
                if account is not None and mode == "inherit":
                    approvals.approval_route_clear(actor=request_user(request), workspace=workspace, account=account)
                else:
                    levels = (
                        _levels_from_post(request) if account is None else _levels_for_account(request, overrides.get(account.pk))
                    )
                    approvals.approval_route_set(
                        actor=request_user(request), workspace=workspace, mode=mode, levels=levels, account=account
                    )
                messages.success(request, _("Approval workflow saved."))
                return redirect("content:approval_settings", slug=workspace.slug)
            if form_name == "reminders" and reminder_form.is_valid():
                approvals.reminder_settings_set(actor=request_user(request), workspace=workspace, **reminder_form.cleaned_data)
                messages.success(request, _("Reminder times saved."))
                return redirect("content:approval_settings", slug=workspace.slug)
        except ValidationError as error:
            if form_name == "reminders":
                add_service_errors(reminder_form, error)
            else:
                for message in error.messages:
                    messages.error(request, message)
    context = {
        "can_manage": can_manage,
        "default_route": default_route,
        "current_mode": default_route.mode if default_route else ApprovalMode.REQUIRED,
        "modes": ApprovalMode.choices,
        "level_rows": _level_rows(default_route),
        "roles": [(r.value, r.label) for r in Role if r != Role.CONTRACTOR],
        "members": [(m.user_id, m.user.display_name, m.get_role_display()) for m in workspace_members(workspace)],
        "accounts": [(a, overrides.get(a.pk)) for a in channel_accounts(request.membership)],
        "reminder_form": reminder_form,
        "can_manage_channels": bool(decide(request_user(request), request.membership, Action.CHANNEL_MANAGE)),
        "icons": PLATFORM_ICONS,
    }
    return render(request, "content/approval_settings.html", context, status=422 if request.method == "POST" else 200)


def _levels_for_account(request: HttpRequest, existing: Any) -> list[dict[str, Any]]:
    """An account override keeps the workspace's level editor simple: its levels are copied from the
    workspace's route when it switches to multi-level, or its own kept when it already has them."""
    if existing is not None and existing.levels.exists():
        return [
            {
                "name": lv.name,
                "roles": lv.roles,
                "people": [p.pk for p in lv.people.all()],
                "require_all": lv.require_all,
                "is_client": lv.is_client,
            }
            for lv in existing.levels.all()
        ]
    workspace_route = approvals.workspace_route(request.workspace)  # type: ignore[attr-defined]
    if workspace_route is not None and workspace_route.levels.exists():
        return [
            {
                "name": lv.name,
                "roles": lv.roles,
                "people": [p.pk for p in lv.people.all()],
                "require_all": lv.require_all,
                "is_client": lv.is_client,
            }
            for lv in workspace_route.levels.all()
        ]
    return [{"name": _("Approver"), "roles": approvals.DEFAULT_APPROVER_ROLES}]


# Client review through a signed link (no account) -------------------------------------------------


def client_review(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = approvals.review_link_resolve(token)
    except PermissionDenied as denied:
        return render(request, "content/client_review_denied.html", {"reason": str(denied)}, status=403)
    item = link.item
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "comment":
                from alur.content.services.collab import comment_add_from_link

                comment_add_from_link(link=link, body=request.POST.get("body", ""))
                messages.success(request, _("Thank you, your comment was added."))
            elif action in ("approve", "reject", "changes"):
                approvals.approval_decide_by_link(token=token, verdict=action, reason=request.POST.get("reason", ""))
                messages.success(request, _("Thank you, your decision is recorded."))
            return redirect("content:client_review", token=token)
        except (ValidationError, PermissionDenied) as error:
            for message in getattr(error, "messages", [str(error)]):
                messages.error(request, message)
    from alur.content.selectors.collab import comment_threads

    context = {
        "link": link,
        "item": item,
        "workspace": item.workspace,
        "variants": list(item.variants.prefetch_related("media").order_by("pk")),
        # The reviewer is a client: the team's internal comments are not theirs to read.
        "comments": comment_threads(item, order="chronological", membership=None),
        "may_decide": approvals.link_may_decide(link),
        "icons": PLATFORM_ICONS,
    }
    response = render(request, "content/client_review.html", context)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


urlpatterns: list[URLPattern] = [
    path("w/<slug:slug>/content/approvals/", my_approvals, name="approvals"),
    path("w/<slug:slug>/content/approval-settings/", approval_settings, name="approval_settings"),
    path("review/<str:token>/", client_review, name="client_review"),
]
