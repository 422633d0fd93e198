"""Pages of accounts: sign-in, profile and language, workspaces, members, invitations, API tokens.

Views parse and validate, call one service and render; they decide nothing themselves.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alur.accounts import selectors, services
from alur.accounts.forms import (
    InviteForm,
    ProfileForm,
    RoleForm,
    SignupForm,
    TokenForm,
    WorkspaceCreateForm,
    WorkspaceForm,
    add_service_errors,
)
from alur.accounts.models import ApiToken, Language, Membership
from alur.core.htmx import render_page
from alur.core.middleware import LANGUAGE_CODES
from alur.core.policy import Action, decide, decide_workspace_create
from alur.core.tenancy import WorkspaceRequest, request_user, workspace_view


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in user's choice is kept in their profile."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request, "/"))
    if language not in LANGUAGE_CODES:
        return response
    if request.user.is_authenticated:
        user = request_user(request)
        if user.language != language:
            services.user_update_profile(user, full_name=user.full_name, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = ProfileForm(request.POST or None, initial={"full_name": user.full_name, "language": user.language})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user, full_name=form.cleaned_data["full_name"], language=form.cleaned_data["language"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def workspace_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    decision = decide_workspace_create(user, (m.role for m in selectors.memberships_for_user(user)))
    if not decision:
        raise PermissionDenied(decision.message)
    form = WorkspaceCreateForm(request.POST or None, initial={"language": user.language})
    if request.method == "POST" and form.is_valid():
        try:
            workspace = services.workspace_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Workspace %(name)s is ready. Invite your team next.") % {"name": workspace.name})
            return redirect("core:workspace_home", slug=workspace.slug)
    return render(request, "accounts/workspace_create.html", {"form": form})


@workspace_view(Action.WORKSPACE_UPDATE)
def workspace_settings(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    initial = {field: getattr(workspace, field) for field in ("name", "kind", "currency", "time_zone", "language")}
    form = WorkspaceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.workspace_update(actor=request_user(request), workspace=workspace, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Workspace settings saved."))
            return redirect("accounts:workspace_settings", slug=workspace.slug)
    return render(request, "accounts/workspace_settings.html", {"form": form})


# Members and invitations -------------------------------------------------------------------------


def _members_context(request: WorkspaceRequest, invite_form: InviteForm | None = None) -> dict[str, object]:
    workspace = request.workspace
    user = request_user(request)
    can_manage = bool(decide(user, request.membership, Action.MEMBER_CHANGE_ROLE))
    return {
        "members": selectors.workspace_members(workspace),
        "invitations": selectors.invitations_pending(workspace) if can_manage else [],
        "invite_form": invite_form or InviteForm(),
        "can_manage": can_manage,
    }


def _member_row_response(request: WorkspaceRequest, membership: Membership, error_message: str) -> HttpResponse:
    """The updated table row for htmx (422 with the error shown in the row); a redirect otherwise."""
    if not request.htmx:  # type: ignore[attr-defined]
        if error_message:
            messages.error(request, error_message)
        return redirect("accounts:members", slug=request.workspace.slug)
    context = {"member": membership, "can_manage": True, "row_error": error_message}
    return render_page(request, "accounts/_member_row.html", context, status=422 if error_message else 200)


@workspace_view(Action.MEMBER_VIEW)
def members(request: WorkspaceRequest) -> HttpResponse:
    return render(request, "accounts/members.html", _members_context(request))


@workspace_view(Action.MEMBER_INVITE)
def invitation_create(request: WorkspaceRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request_user(request),
                workspace=request.workspace,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:members", slug=request.workspace.slug)
    if request.method != "POST":
        return redirect("accounts:members", slug=request.workspace.slug)
    return render(request, "accounts/members.html", _members_context(request, form), status=422)


@require_POST
@workspace_view(Action.MEMBER_INVITE)
def invitation_revoke(request: WorkspaceRequest, invitation_id: int) -> HttpResponse:
    invitation = selectors.workspace_invitation(request.workspace, invitation_id)
    try:
        services.invitation_revoke(actor=request_user(request), invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Invitation for %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("accounts:members", slug=request.workspace.slug)


@require_POST
@workspace_view(Action.MEMBER_CHANGE_ROLE)
def member_change_role(request: WorkspaceRequest, membership_id: int) -> HttpResponse:
    membership = selectors.workspace_member(request.workspace, membership_id)
    form = RoleForm(request.POST)
    error_message = ""
    if form.is_valid():
        try:
            membership = services.membership_change_role(
                actor=request_user(request), membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            error_message = " ".join(error.messages)
    else:
        error_message = _("Choose one of the listed roles.")
    return _member_row_response(request, membership, error_message)


@require_POST
@workspace_view(Action.MEMBER_CHANGE_ROLE)
def member_capacity(request: WorkspaceRequest, membership_id: int) -> HttpResponse:
    """Set a member's weekly hours, which capacity planning compares with assigned work."""
    membership = selectors.workspace_member(request.workspace, membership_id)
    error_message = ""
    try:
        hours = Decimal(request.POST.get("weekly_capacity_hours", "").replace(",", "."))
    except InvalidOperation:
        error_message = _("Weekly capacity must be a number of hours, such as 32 or 37.5.")
    else:
        try:
            membership = services.membership_update_capacity(
                actor=request_user(request), membership=membership, weekly_capacity_hours=hours
            )
        except ValidationError as error:
            error_message = " ".join(error.messages)
    return _member_row_response(request, membership, error_message)


@require_POST
@workspace_view(Action.WORKSPACE_VIEW)
def member_remove(request: WorkspaceRequest, membership_id: int) -> HttpResponse:
    """Remove a member (managers) or leave the workspace (anyone, for themselves)."""
    membership = selectors.workspace_member(request.workspace, membership_id)
    user = request_user(request)
    leaving = membership.user_id == user.pk
    try:
        services.membership_remove(actor=user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:members", slug=request.workspace.slug)
    if leaving:
        messages.success(request, _("You have left %(name)s.") % {"name": request.workspace.name})
        return redirect("core:start")
    messages.success(request, _("%(name)s has been removed from the workspace.") % {"name": membership.user.display_name})
    return redirect("accounts:members", slug=request.workspace.slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind an invitation link: accept when signed in, or create an account first."""
    try:
        invitation = services.invitation_from_token(token)
    except ValidationError as error:
        return render(request, "accounts/invitation_invalid.html", {"message": " ".join(error.messages)}, status=410)
    existing = selectors.user_by_email(invitation.email)
    form = SignupForm(request.POST or None) if existing is None and not request.user.is_authenticated else None
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                membership = services.invitation_accept(token=token, user=request_user(request))
            elif form is not None and form.is_valid():
                user = services.user_create(
                    email=invitation.email,
                    password=form.cleaned_data["password1"],
                    full_name=form.cleaned_data["full_name"],
                    language=invitation.workspace.language or Language.INDONESIAN,
                )
                membership = services.invitation_accept(token=token, user=user)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                return render(
                    request,
                    "accounts/invitation_accept.html",
                    {"invitation": invitation, "form": form, "existing": existing},
                    status=422,
                )
        except ValidationError as error:
            if form is not None:
                add_service_errors(form, error)
                return render(
                    request,
                    "accounts/invitation_accept.html",
                    {"invitation": invitation, "form": form, "existing": existing},
                    status=422,
                )
            return render(request, "accounts/invitation_invalid.html", {"message": " ".join(error.messages)}, status=410)
        except PermissionDenied as denied:
            return render(request, "accounts/invitation_invalid.html", {"message": str(denied)}, status=403)
        messages.success(request, _("Welcome to %(name)s.") % {"name": membership.workspace.name})
        return redirect("core:workspace_home", slug=membership.workspace.slug)
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form, "existing": existing})


# API tokens --------------------------------------------------------------------------------------


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    memberships = list(selectors.memberships_for_user(user))
    choices = [(m.workspace.slug, m.workspace.name) for m in memberships]
    form = TokenForm(request.POST or None, workspaces=choices, initial={"workspace": request.GET.get("workspace", "")})
    created_plaintext = ""
    if request.method == "POST" and form.is_valid():
        membership = next(m for m in memberships if m.workspace.slug == form.cleaned_data["workspace"])
        try:
            _token, created_plaintext = services.api_token_create(
                actor=user,
                workspace=membership.workspace,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = TokenForm(workspaces=choices)
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": selectors.api_tokens_of(user),
            "created_plaintext": created_plaintext,
            "has_workspaces": bool(choices),
        },
    )


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request_user(request))
    services.api_token_revoke(actor=request_user(request), token=token)
    messages.success(request, _("Token %(name)s revoked; tools using it are cut off now.") % {"name": token.name})
    return redirect(reverse("accounts:tokens"))
