"""Every write to users, workspaces, memberships, invitations and API tokens.

Each service takes plain arguments, asks the policy in :mod:`alur.core.policy`, runs in one
transaction and appends an audit record. Input errors are ``ValidationError`` keyed by field, with
sentences a person can act on; denials are ``PermissionDenied`` with the policy's reason.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from alur.accounts import selectors
from alur.accounts.models import (
    ApiToken,
    ApiTokenScope,
    Invitation,
    Language,
    Membership,
    User,
    Workspace,
    hash_token,
    normalize_email,
)
from alur.core.audit import audit_record, snapshot
from alur.core.policy import Action, decide_workspace_create, require
from alur.core.roles import Role
from alur.core.validation import refuse_nul_characters

WORKSPACE_FIELDS = ("name", "slug", "kind", "currency", "time_zone", "language")
MEMBERSHIP_FIELDS = ("user", "role", "weekly_capacity_hours")
INVITATION_SALT = "alur.accounts.invitation"


def _validated_email(email: str, *, field: str = "email") -> str:
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({field: _("%(email)s is not a valid email address.") % {"email": email or "''"}}) from None
    return email


def _validated_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise ValidationError(
            {"role": _("%(role)s is not a role; use one of: %(choices)s.") % {"role": role, "choices": choices}}
        ) from None


def _full_clean(instance: Any, *, exclude: list[str] | None = None) -> None:
    instance.full_clean(exclude=exclude, validate_unique=True)


# Users -------------------------------------------------------------------------------------------


def user_create(*, email: str, password: str, full_name: str = "", language: str = Language.INDONESIAN) -> User:
    """A new account. The password must pass Django's validators (length, common, numeric, similarity)."""
    refuse_nul_characters(full_name=full_name)
    email = _validated_email(email)
    if language not in Language.values:
        raise ValidationError({"language": _("Choose Indonesian (id) or English (en).")})
    user = User(email=email, full_name=full_name.strip(), language=language)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    with transaction.atomic():
        if User.objects.filter(email=email).exists():
            raise ValidationError({"email": _("An account with %(email)s already exists.") % {"email": email}})
        user.set_password(password)
        user.save()
        audit_record(
            actor=None, workspace=None, action="user.create", obj=user, after={"email": email, "full_name": user.full_name}
        )
    return user


def user_update_profile(user: User, *, full_name: str, language: str) -> User:
    refuse_nul_characters(full_name=full_name)
    if language not in Language.values:
        raise ValidationError({"language": _("Choose Indonesian (id) or English (en).")})
    with transaction.atomic():
        before = snapshot(user, ("full_name", "language"))
        user.full_name = full_name.strip()[:150]
        user.language = language
        user.save(update_fields=["full_name", "language"])
        audit_record(
            actor=user,
            workspace=None,
            action="user.update",
            obj=user,
            before=before,
            after=snapshot(user, ("full_name", "language")),
        )
    return user


def user_set_password(user: User, *, password: str, actor: User | None = None) -> None:
    """Set a new password (a reset link, the CLI or the demo); audited without the password itself.

    Every API token of the account is revoked with it (each revocation audited): a token made by whoever
    knew the old password must not outlive it."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=actor, workspace=None, action="user.set_password", obj=user)
        _revoke_tokens(user, actor=actor, reason="password_changed")


def _revoke_tokens(user: User, *, actor: User | None, reason: str) -> int:
    """Revoke the user's live tokens inside the caller's transaction, one audit record each."""
    now = timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).select_related("workspace"))
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            workspace=token.workspace,
            action="api_token.revoke",
            obj=token,
            after={"name": token.name, "prefix": token.prefix, "reason": reason},
        )
    return len(tokens)


# Workspaces --------------------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40].strip("-") or "workspace"
    slug = base
    while Workspace.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


def workspace_create(
    *,
    actor: User,
    name: str,
    slug: str = "",
    kind: str = Workspace.Kind.BRAND,
    currency: str = "IDR",
    time_zone: str = "Asia/Jakarta",
    language: str = Language.INDONESIAN,
) -> Workspace:
    """A new workspace; its creator becomes its manager. Any signed-in user may create one, except a
    person who is only a client or contractor elsewhere (:func:`alur.core.policy.decide_workspace_create`)."""
    decision = decide_workspace_create(actor, Membership.objects.filter(user=actor).values_list("role", flat=True))
    if not decision:
        raise PermissionDenied(decision.message)
    refuse_nul_characters(name=name, slug=slug, currency=currency, time_zone=time_zone)
    name = name.strip()
    workspace = Workspace(
        name=name,
        slug=slug.strip().lower() or _unique_slug(name),
        kind=kind,
        currency=currency.strip().upper(),
        time_zone=time_zone.strip(),
        language=language,
    )
    _full_clean(workspace)
    with transaction.atomic():
        try:
            with transaction.atomic():
                workspace.save()
        except IntegrityError:
            raise ValidationError(
                {"slug": _("The address %(slug)s is taken; choose another.") % {"slug": workspace.slug}}
            ) from None
        membership = Membership.objects.create(workspace=workspace, user=actor, role=Role.MANAGER)
        audit_record(
            actor=actor,
            workspace=workspace,
            action="workspace.create",
            obj=workspace,
            after=snapshot(workspace, WORKSPACE_FIELDS),
        )
        audit_record(
            actor=actor,
            workspace=workspace,
            action="membership.create",
            obj=membership,
            after=snapshot(membership, MEMBERSHIP_FIELDS),
        )
    return workspace


def workspace_update(*, actor: User, workspace: Workspace, **changes: Any) -> Workspace:
    """Change a workspace's name, kind, currency, time zone or language (managers only)."""
    require(actor, selectors.membership_of(actor, workspace), Action.WORKSPACE_UPDATE)
    unknown = set(changes) - {"name", "kind", "currency", "time_zone", "language"}
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    refuse_nul_characters(**{field: value for field, value in changes.items() if isinstance(value, str)})
    with transaction.atomic():
        locked = Workspace.objects.select_for_update().get(pk=workspace.pk)
        before = snapshot(locked, WORKSPACE_FIELDS)
        for field, value in changes.items():
            if isinstance(value, str):
                value = value.strip().upper() if field == "currency" else value.strip()
            setattr(locked, field, value)
        _full_clean(locked)
        locked.save()
        audit_record(
            actor=actor,
            workspace=locked,
            action="workspace.update",
            obj=locked,
            before=before,
            after=snapshot(locked, WORKSPACE_FIELDS),
        )
    return locked


# Memberships -------------------------------------------------------------------------------------


def _refuse_losing_last_manager(membership: Membership) -> None:
    if membership.role == Role.MANAGER and selectors.manager_count(membership.workspace) <= 1:
        raise ValidationError(
            {"role": _("%(name)s is the only manager; make someone else manager first.") % {"name": membership.user.display_name}}
        )


def membership_add(*, actor: User | None, workspace: Workspace, user: User, role: str) -> Membership:
    """Add an existing account to a workspace directly. ``actor=None`` is the system operator (the
    ``alur`` command and the demo seeder), who has shell access and so is not asked by the policy."""
    new_role = _validated_role(role)
    if actor is not None:
        require(actor, selectors.membership_of(actor, workspace), Action.MEMBER_INVITE)
    with transaction.atomic():
        if Membership.objects.filter(workspace=workspace, user=user).exists():
            raise ValidationError({"email": _("%(email)s is already a member of this workspace.") % {"email": user.email}})
        membership = Membership.objects.create(workspace=workspace, user=user, role=new_role)
        audit_record(
            actor=actor,
            workspace=workspace,
            action="membership.create",
            obj=membership,
            after=snapshot(membership, MEMBERSHIP_FIELDS),
        )
    return membership


def membership_change_role(*, actor: User | None, membership: Membership, role: str) -> Membership:
    """Give a member another role (managers; ``actor=None`` is the system operator). A workspace
    always keeps at least one manager."""
    new_role = _validated_role(role)
    if actor is not None:
        require(actor, selectors.membership_of(actor, membership.workspace), Action.MEMBER_CHANGE_ROLE, membership)
    with transaction.atomic():
        # Lock the workspace's managers so two demotions at once cannot leave it without one.
        list(Membership.objects.select_for_update().filter(workspace=membership.workspace, role=Role.MANAGER))
        locked = Membership.objects.select_for_update().select_related("user", "workspace").get(pk=membership.pk)
        if locked.role == new_role:
            return locked
        if new_role != Role.MANAGER:
            _refuse_losing_last_manager(locked)
        before = snapshot(locked, MEMBERSHIP_FIELDS)
        locked.role = new_role
        locked.save(update_fields=["role"])
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="membership.change_role",
            obj=locked,
            before=before,
            after=snapshot(locked, MEMBERSHIP_FIELDS),
        )
    return locked


def membership_update_capacity(*, actor: User, membership: Membership, weekly_capacity_hours: Any) -> Membership:
    require(actor, selectors.membership_of(actor, membership.workspace), Action.MEMBER_CHANGE_ROLE, membership)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("user", "workspace").get(pk=membership.pk)
        before = snapshot(locked, MEMBERSHIP_FIELDS)
        locked.weekly_capacity_hours = weekly_capacity_hours
        _full_clean(locked)
        if not 0 <= locked.weekly_capacity_hours <= 168:
            raise ValidationError({"weekly_capacity_hours": _("Weekly capacity must be between 0 and 168 hours.")})
        locked.save(update_fields=["weekly_capacity_hours"])
        audit_record(
            actor=actor,
            workspace=locked.workspace,
            action="membership.update_capacity",
            obj=locked,
            before=before,
            after=snapshot(locked, MEMBERSHIP_FIELDS),
        )
    return locked


def membership_remove(*, actor: User, membership: Membership) -> None:
    """Remove a member (managers), or leave a workspace (anyone, for themselves)."""
    if membership.user_id != actor.pk:
        require(actor, selectors.membership_of(actor, membership.workspace), Action.MEMBER_REMOVE, membership)
    with transaction.atomic():
        list(Membership.objects.select_for_update().filter(workspace=membership.workspace, role=Role.MANAGER))
        locked = Membership.objects.select_for_update().select_related("user", "workspace").get(pk=membership.pk)
        _refuse_losing_last_manager(locked)
        before = snapshot(locked, MEMBERSHIP_FIELDS)
        audit_record(actor=actor, workspace=locked.workspace, action="membership.remove", obj=locked, before=before)
        ApiToken.objects.filter(user=locked.user, workspace=locked.workspace, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        locked.delete()


# Invitations -------------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """The signed value in an invitation link; nothing secret is stored in the database."""
    return signing.dumps({"invitation": invitation.pk, "nonce": invitation.nonce}, salt=INVITATION_SALT)


def invitation_create(*, actor: User, workspace: Workspace, email: str, role: str) -> Invitation:
    """Invite someone by email; the email is sent by the worker once the invitation is saved."""
    require(actor, selectors.membership_of(actor, workspace), Action.MEMBER_INVITE)
    email = _validated_email(email)
    new_role = _validated_role(role)
    with transaction.atomic():
        if Membership.objects.filter(workspace=workspace, user__email=email).exists():
            raise ValidationError({"email": _("%(email)s is already a member of this workspace.") % {"email": email}})
        # A fresh invitation replaces any pending one for the same address.
        for pending in selectors.invitations_pending(workspace).filter(email=email).select_for_update():
            pending.revoked_at = timezone.now()
            pending.save(update_fields=["revoked_at"])
        invitation = Invitation.objects.create(
            workspace=workspace,
            email=email,
            role=new_role,
            nonce=secrets.token_hex(16),
            invited_by=actor,
            expires_at=timezone.now() + dt.timedelta(days=settings.ALUR_INVITATION_DAYS),
        )
        audit_record(
            actor=actor,
            workspace=workspace,
            action="invitation.create",
            obj=invitation,
            after={"email": email, "role": new_role.value},
        )
        from alur.accounts.tasks import invitation_email_send

        transaction.on_commit(lambda: invitation_email_send.enqueue(invitation.pk))
    return invitation


def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    require(actor, selectors.membership_of(actor, invitation.workspace), Action.MEMBER_INVITE, invitation)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_pending:
            raise ValidationError(_("This invitation is no longer pending."))
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, workspace=locked.workspace, action="invitation.revoke", obj=locked, after={"email": locked.email}
        )
    return locked


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation behind a link, or a ValidationError saying why the link no longer works."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=dt.timedelta(days=settings.ALUR_INVITATION_DAYS))
    except signing.SignatureExpired:
        raise ValidationError(_("This invitation link has expired; ask for a new one.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This invitation link is not valid; check that you copied all of it.")) from None
    invitation = (
        Invitation.objects.filter(pk=payload.get("invitation"), nonce=payload.get("nonce")).select_related("workspace").first()
    )
    if invitation is None or invitation.revoked_at is not None:
        raise ValidationError(_("This invitation has been withdrawn; ask for a new one."))
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation link has expired; ask for a new one."))
    return invitation


def invitation_accept(*, token: str, user: User) -> Membership:
    """Join the workspace of an invitation. The signed-in account must have the invited address."""
    invitation = invitation_from_token(token)
    if normalize_email(user.email) != invitation.email:
        raise PermissionDenied(
            _("This invitation is for %(email)s; sign in with that address to accept it.") % {"email": invitation.email}
        )
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().select_related("workspace").get(pk=invitation.pk)
        if not locked.is_pending:
            raise ValidationError(_("This invitation has already been used or withdrawn."))
        membership, created = Membership.objects.get_or_create(
            workspace=locked.workspace, user=user, defaults={"role": locked.role}
        )
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(
            actor=user, workspace=locked.workspace, action="invitation.accept", obj=locked, after={"email": locked.email}
        )
        if created:
            audit_record(
                actor=user,
                workspace=locked.workspace,
                action="membership.create",
                obj=membership,
                after=snapshot(membership, MEMBERSHIP_FIELDS),
            )
    return membership


# API tokens --------------------------------------------------------------------------------------


def api_token_create(
    *, actor: User, workspace: Workspace, name: str, scope: str = ApiTokenScope.READ, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """A personal token for one workspace. Returns the token and its plaintext, which is shown once."""
    require(actor, selectors.membership_of(actor, workspace), Action.TOKEN_CREATE)
    refuse_nul_characters(name=name)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, such as the tool that will use it.")})
    if scope not in ApiTokenScope.values:
        raise ValidationError({"scope": _("Choose the scope read or write.")})
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise ValidationError({"expires_in_days": _("A token lasts from 1 to 3650 days, or leave it empty for no expiry.")})
    plaintext = selectors.TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            workspace=workspace,
            name=name[:80],
            scope=scope,
            prefix=plaintext[: len(selectors.TOKEN_PREFIX) + 6],
            token_hash=hash_token(plaintext),
            expires_at=timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None,
        )
        audit_record(
            actor=actor,
            workspace=workspace,
            action="api_token.create",
            obj=token,
            after={"name": token.name, "scope": scope, "prefix": token.prefix},
        )
    return token, plaintext


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one's own token; managers may also revoke any token of their workspace."""
    if token.user_id != actor.pk:
        require(actor, selectors.membership_of(actor, token.workspace), Action.MEMBER_REMOVE, token)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                workspace=locked.workspace,
                action="api_token.revoke",
                obj=locked,
                after={"name": locked.name, "prefix": locked.prefix},
            )
    return locked


def api_token_touch(token: ApiToken) -> None:
    """Record when a token was last used, at most once a minute (not audited: it is not a change)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
