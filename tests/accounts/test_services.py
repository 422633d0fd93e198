"""Writes to users, workspaces, memberships, invitations and tokens: rules, denials and clear errors."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alur.accounts import selectors, services
from alur.accounts.models import ApiToken, Invitation, Membership, User, Workspace
from alur.core.roles import Role
from tests.conftest import PASSWORD, Team


def test_creating_a_workspace_makes_its_creator_manager(make_user: Callable[..., User]) -> None:
    user = make_user()
    workspace = services.workspace_create(actor=user, name="Warung Digital")
    assert workspace.slug == "warung-digital"
    assert (workspace.currency, workspace.time_zone, workspace.language) == ("IDR", "Asia/Jakarta", "id")
    assert Membership.objects.get(workspace=workspace, user=user).role == Role.MANAGER


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "This field cannot be blank."),
        ({"name": "X", "slug": "Bad Slug!"}, "slug", "lowercase letters"),
        ({"name": "X", "currency": "RUPIAH"}, "currency", "three-letter ISO 4217"),
        ({"name": "X", "time_zone": "Jakarta"}, "time_zone", "not a known time zone"),
    ],
)
def test_bad_workspace_input_names_the_field_and_writes_nothing(
    make_user: Callable[..., User], fields: dict[str, str], field: str, message: str
) -> None:
    user = make_user()
    with pytest.raises(ValidationError) as error:
        services.workspace_create(actor=user, **fields)
    assert any(message in text for text in error.value.message_dict[field])
    assert not Workspace.objects.exists()


def test_a_taken_address_is_refused(team: Team, make_user: Callable[..., User]) -> None:
    with pytest.raises(ValidationError) as error:
        services.workspace_create(actor=make_user(), name="Another", slug=team.workspace.slug)
    assert "slug" in error.value.message_dict


def test_only_managers_change_workspace_settings(team: Team) -> None:
    with pytest.raises(PermissionDenied, match="may not"):
        services.workspace_update(actor=team.user(Role.STRATEGIST), workspace=team.workspace, name="Hacked")
    team.workspace.refresh_from_db()
    assert team.workspace.name == "Kopi Kita"


def test_the_last_manager_cannot_be_demoted_or_removed(team: Team) -> None:
    manager = team.user(Role.MANAGER)
    own = team.membership(Role.MANAGER)
    with pytest.raises(ValidationError, match="only manager"):
        services.membership_change_role(actor=manager, membership=own, role=Role.DESIGNER)
    with pytest.raises(ValidationError, match="only manager"):
        services.membership_remove(actor=manager, membership=own)
    services.membership_change_role(actor=manager, membership=team.membership(Role.STRATEGIST), role=Role.MANAGER)
    services.membership_change_role(actor=manager, membership=own, role=Role.DESIGNER)
    assert team.membership(Role.MANAGER).role == Role.DESIGNER


def test_members_can_leave_but_not_remove_others(team: Team) -> None:
    designer = team.user(Role.DESIGNER)
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=designer, membership=team.membership(Role.APPROVER))
    services.membership_remove(actor=designer, membership=team.membership(Role.DESIGNER))
    assert selectors.membership_of(designer, team.workspace) is None


def test_an_unknown_role_is_refused_with_the_list_of_roles(team: Team) -> None:
    with pytest.raises(ValidationError, match="is not a role; use one of: manager"):
        services.membership_change_role(actor=team.user(Role.MANAGER), membership=team.membership(Role.DESIGNER), role="boss")


def test_removing_a_member_revokes_their_tokens_for_that_workspace(
    team: Team, make_token: Callable[..., tuple[ApiToken, str]]
) -> None:
    analyst = team.user(Role.DATA_ANALYST)
    token, plaintext = make_token(analyst, team.workspace)
    services.membership_remove(actor=team.user(Role.MANAGER), membership=team.membership(Role.DATA_ANALYST))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert selectors.api_token_for_plaintext(plaintext) is None


# Invitations -------------------------------------------------------------------------------------


def _link_token(body: str) -> str:
    match = re.search(r"/invitations/([^/\s]+)/", body)
    assert match, body
    return match.group(1)


def test_an_invitation_emails_a_link_that_joins_the_workspace(
    team: Team, make_user: Callable[..., User], django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        invitation = services.invitation_create(
            actor=team.user(Role.MANAGER), workspace=team.workspace, email=" Nadia@Example.ID ", role="designer"
        )
    assert invitation.email == "nadia@example.id"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nadia@example.id"]
    assert "Kopi Kita" in message.subject
    nadia = make_user("nadia@example.id")
    membership = services.invitation_accept(token=_link_token(message.body), user=nadia)
    assert (membership.workspace, membership.role) == (team.workspace, Role.DESIGNER)
    with pytest.raises(ValidationError, match="already been accepted"):
        services.invitation_accept(token=_link_token(message.body), user=nadia)


def test_an_invitation_is_for_its_address_only(team: Team, make_user: Callable[..., User]) -> None:
    invitation = services.invitation_create(
        actor=team.user(Role.MANAGER), workspace=team.workspace, email="nadia@example.id", role="designer"
    )
    with pytest.raises(PermissionDenied, match=r"nadia@example\.id"):
        services.invitation_accept(token=services.invitation_token(invitation), user=make_user("someone@example.id"))


def test_withdrawn_expired_and_tampered_invitations_do_not_work(team: Team, make_user: Callable[..., User]) -> None:
    manager = team.user(Role.MANAGER)
    nadia = make_user("nadia@example.id")
    withdrawn = services.invitation_create(actor=manager, workspace=team.workspace, email="nadia@example.id", role="designer")
    services.invitation_revoke(actor=manager, invitation=withdrawn)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.invitation_accept(token=services.invitation_token(withdrawn), user=nadia)
    expired = services.invitation_create(actor=manager, workspace=team.workspace, email="nadia@example.id", role="designer")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="expired"):
        services.invitation_accept(token=services.invitation_token(expired), user=nadia)
    with pytest.raises(ValidationError, match="not valid"):
        services.invitation_accept(token=services.invitation_token(expired)[:-3] + "xyz", user=nadia)
    assert selectors.membership_of(nadia, team.workspace) is None


def test_only_managers_invite_and_members_cannot_be_invited_twice(team: Team) -> None:
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=team.user(Role.CONTENT_CREATOR), workspace=team.workspace, email="x@example.id", role="designer"
        )
    with pytest.raises(ValidationError, match="already a member"):
        services.invitation_create(
            actor=team.user(Role.MANAGER), workspace=team.workspace, email=team.user(Role.DESIGNER).email, role="designer"
        )
    with pytest.raises(ValidationError, match="not a valid email"):
        services.invitation_create(actor=team.user(Role.MANAGER), workspace=team.workspace, email="not-an-email", role="designer")
    assert not Invitation.objects.exists()


def test_a_new_invitation_replaces_the_pending_one_for_the_same_address(team: Team) -> None:
    manager = team.user(Role.MANAGER)
    first = services.invitation_create(actor=manager, workspace=team.workspace, email="nadia@example.id", role="designer")
    second = services.invitation_create(actor=manager, workspace=team.workspace, email="nadia@example.id", role="approver")
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert list(selectors.invitations_pending(team.workspace)) == [second]


# Users and tokens --------------------------------------------------------------------------------


def test_user_creation_validates_email_password_and_uniqueness(make_user: Callable[..., User]) -> None:
    with pytest.raises(ValidationError) as error:
        services.user_create(email="nope", password=PASSWORD)
    assert "email" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.user_create(email="a@example.id", password="123")
    assert "password" in error.value.message_dict
    make_user("a@example.id")
    with pytest.raises(ValidationError, match="already exists"):
        services.user_create(email="A@Example.id", password=PASSWORD)


def test_api_tokens_are_stored_hashed_and_shown_once(team: Team, make_token: Callable[..., tuple[ApiToken, str]]) -> None:
    token, plaintext = make_token(team.user(Role.DATA_ANALYST), team.workspace)
    assert plaintext.startswith("alur_") and len(plaintext) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert plaintext not in (stored.token_hash, stored.prefix)
    assert plaintext.startswith(stored.prefix)
    assert selectors.api_token_for_plaintext(plaintext) == stored


def test_revoked_and_expired_tokens_stop_working(team: Team, make_token: Callable[..., tuple[ApiToken, str]]) -> None:
    analyst = team.user(Role.DATA_ANALYST)
    revoked, revoked_text = make_token(analyst, team.workspace)
    services.api_token_revoke(actor=analyst, token=revoked)
    assert selectors.api_token_for_plaintext(revoked_text) is None
    expired, expired_text = make_token(analyst, team.workspace, expires_in_days=1)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert selectors.api_token_for_plaintext(expired_text) is None


def test_someone_elses_token_can_be_revoked_only_by_a_manager(
    team: Team, make_token: Callable[..., tuple[ApiToken, str]]
) -> None:
    token, _ = make_token(team.user(Role.DATA_ANALYST), team.workspace)
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=team.user(Role.DESIGNER), token=token)
    services.api_token_revoke(actor=team.user(Role.MANAGER), token=token)


def test_a_token_needs_a_name_and_a_sane_lifetime(team: Team) -> None:
    user = team.user(Role.DESIGNER)
    with pytest.raises(ValidationError, match="name"):
        services.api_token_create(actor=user, workspace=team.workspace, name="  ")
    with pytest.raises(ValidationError, match="3650"):
        services.api_token_create(actor=user, workspace=team.workspace, name="x", expires_in_days=0)
    with pytest.raises(ValidationError, match="scope"):
        services.api_token_create(actor=user, workspace=team.workspace, name="x", scope="admin")


def test_a_token_cannot_be_made_for_a_workspace_one_is_not_in(team: Team, other_team: Team) -> None:
    with pytest.raises(PermissionDenied, match="not a member"):
        services.api_token_create(actor=team.user(Role.MANAGER), workspace=other_team.workspace, name="x")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.one_of(st.text(max_size=140), st.just("Kopi\x00Kita")),
    slug=st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    currency=st.text(max_size=5),
    time_zone=st.sampled_from(["Asia/Jakarta", "UTC", "", "Jakarta", "../../etc/passwd", "Asia/Makassar "]),
)
def test_any_workspace_input_is_either_created_or_refused_with_field_errors(
    make_user: Callable[..., User], name: str, slug: str, currency: str, time_zone: str
) -> None:
    user = User.objects.filter(email="fuzz@example.id").first() or make_user("fuzz@example.id")
    before = Workspace.objects.count()
    try:
        workspace = services.workspace_create(actor=user, name=name, slug=slug, currency=currency, time_zone=time_zone)
    except ValidationError as error:
        assert error.message_dict, "a refusal names the fields"
        assert Workspace.objects.count() == before
    else:
        assert Workspace.objects.count() == before + 1
        assert Membership.objects.get(workspace=workspace, user=user).role == Role.MANAGER


def test_invisible_nul_characters_are_refused_by_field_on_every_database(make_user: Callable[..., User], team: Team) -> None:
    with pytest.raises(ValidationError) as error:
        services.workspace_create(actor=make_user(), name="Kopi\x00Kita")
    assert "NUL" in error.value.message_dict["name"][0]
    with pytest.raises(ValidationError, match="NUL"):
        services.workspace_update(actor=team.user(Role.MANAGER), workspace=team.workspace, name="Kopi\x00")
    with pytest.raises(ValidationError, match="NUL"):
        services.user_create(email="nul@example.id", password=PASSWORD, full_name="A\x00B")
