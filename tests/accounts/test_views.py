"""The pages of accounts, through HTTP: sign-in, throttling, password reset, members, invitations, tokens."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.core import mail
from django.test import Client
from django.urls import reverse

from alur.accounts.models import ApiToken, Invitation, Membership, User, Workspace
from alur.core.models import AuditEvent
from alur.core.roles import Role
from tests.conftest import PASSWORD, Team


def test_the_login_page_speaks_indonesian_by_default(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert response["Content-Language"] == "id"
    assert '<html lang="id">' in response.content.decode()
    assert "Masuk" in response.content.decode()


def test_signing_in_lands_on_the_workspace_home(client: Client, team: Team) -> None:
    manager = team.user(Role.MANAGER)
    response = client.post(reverse("accounts:login"), {"username": manager.email.upper(), "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:workspace_home", args=[team.workspace.slug])
    assert team.workspace.name in response.content.decode()


def test_a_wrong_password_gets_a_clear_message(client: Client, team: Team) -> None:
    response = client.post(
        reverse("accounts:login"),
        {"username": team.user(Role.MANAGER).email, "password": "wrong"},
        HTTP_COOKIE="alur_language=en",
    )
    client.cookies["alur_language"] = "en"
    response = client.post(reverse("accounts:login"), {"username": team.user(Role.MANAGER).email, "password": "wrong"})
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_repeated_failures_lock_the_account_for_that_address(client: Client, team: Team) -> None:
    email = team.user(Role.MANAGER).email
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": email, "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


class RecordingHandler(Message):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[object] = []

    def handle_message(self, message: object) -> None:
        self.messages.append(message)


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, RecordingHandler]]:
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()


def test_password_reset_sends_a_working_link_over_smtp(
    client: Client, team: Team, settings: object, smtp_server: tuple[int, RecordingHandler]
) -> None:
    port, handler = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port  # type: ignore[attr-defined]
    manager = team.user(Role.MANAGER)
    response = client.post(reverse("accounts:password_reset"), {"email": manager.email})
    assert response.status_code == 302
    assert len(handler.messages) == 1
    body = handler.messages[0].get_payload(decode=True).decode()  # type: ignore[attr-defined]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", body)
    assert link, body
    page = client.get(link.group(1), follow=True)
    new_password = "teh-manis-dingin-42"
    client.post(page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    manager.refresh_from_db()
    assert manager.check_password(new_password)


def test_password_reset_for_an_unknown_address_reveals_nothing(client: Client, db: None) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.id"})
    assert response.status_code == 302
    assert mail.outbox == []


# Members -----------------------------------------------------------------------------------------


def test_a_manager_changes_a_role_inline_with_htmx(team: Team, login: Callable[[User], Client]) -> None:
    client = login(team.user(Role.MANAGER))
    designer = team.membership(Role.DESIGNER)
    url = reverse("accounts:member_change_role", args=[team.workspace.slug, designer.pk])
    response = client.post(url, {"role": "approver"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="member-{designer.pk}"' in response.content.decode()
    designer.refresh_from_db()
    assert designer.role == Role.APPROVER


def test_demoting_the_last_manager_is_refused_inline(team: Team, login: Callable[[User], Client]) -> None:
    client = login(team.user(Role.MANAGER))
    client.cookies["alur_language"] = "en"
    own = team.membership(Role.MANAGER)
    response = client.post(
        reverse("accounts:member_change_role", args=[team.workspace.slug, own.pk]), {"role": "designer"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert "only manager" in response.content.decode() or "satu-satunya" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.MANAGER


def test_a_non_manager_cannot_change_roles_and_is_told_why(team: Team, login: Callable[[User], Client]) -> None:
    creator = team.user(Role.CONTENT_CREATOR)
    client = login(creator)
    designer = team.membership(Role.DESIGNER)
    response = client.post(reverse("accounts:member_change_role", args=[team.workspace.slug, designer.pk]), {"role": "manager"})
    assert response.status_code == 403
    assert "error-reason" in response.content.decode()
    designer.refresh_from_db()
    assert designer.role == Role.DESIGNER


def test_inviting_through_the_page_sends_mail_and_lists_the_invitation(
    team: Team, login: Callable[[User], Client], django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    client = login(team.user(Role.MANAGER))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(
            reverse("accounts:invitation_create", args=[team.workspace.slug]),
            {"email": "nadia@example.id", "role": "designer"},
            follow=True,
        )
    assert "nadia@example.id" in response.content.decode()
    assert len(mail.outbox) == 1


def test_a_bad_invitation_form_shows_errors_and_writes_nothing(team: Team, login: Callable[[User], Client]) -> None:
    client = login(team.user(Role.MANAGER))
    response = client.post(
        reverse("accounts:invitation_create", args=[team.workspace.slug]), {"email": "bukan-email", "role": "raja"}
    )
    assert response.status_code == 422
    assert response.content.decode().count("invalid-feedback") >= 2
    assert not Invitation.objects.exists()


def test_an_invited_person_without_an_account_signs_up_and_joins(
    team: Team, client: Client, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    manager_client = Client()
    manager_client.force_login(team.user(Role.MANAGER))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        manager_client.post(
            reverse("accounts:invitation_create", args=[team.workspace.slug]), {"email": "nadia@example.id", "role": "contractor"}
        )
    path = re.search(r"http://[^/]+(/invitations/\S+/)", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    assert client.get(path).status_code == 200
    mismatch = client.post(path, {"full_name": "Nadia", "password1": "kopi-tubruk-77", "password2": "kopi-tubruk-78"})
    assert mismatch.status_code == 422
    assert not User.objects.filter(email="nadia@example.id").exists()
    response = client.post(
        path, {"full_name": "Nadia Putri", "password1": "kopi-tubruk-77", "password2": "kopi-tubruk-77"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("core:workspace_home", args=[team.workspace.slug])
    nadia = User.objects.get(email="nadia@example.id")
    assert Membership.objects.get(user=nadia, workspace=team.workspace).role == Role.CONTRACTOR
    assert client.get(path).status_code == 410


def test_an_invitation_link_opened_by_another_account_is_refused(
    team: Team, login: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    from alur.accounts import services

    invitation = services.invitation_create(
        actor=team.user(Role.MANAGER), workspace=team.workspace, email="nadia@example.id", role="designer"
    )
    stranger = login(make_user("stranger@example.id"))
    response = stranger.post(reverse("accounts:invitation_accept", args=[services.invitation_token(invitation)]))
    assert response.status_code == 403
    assert "nadia@example.id" in response.content.decode()


def test_a_garbled_invitation_link_gets_a_page_not_an_error(client: Client, db: None) -> None:
    response = client.get("/invitations/not-a-real-token/")
    assert response.status_code == 410


# Workspaces, profile, language, tokens ------------------------------------------------------------


def test_creating_a_workspace_from_the_form(make_user: Callable[..., User], login: Callable[[User], Client]) -> None:
    client = login(make_user())
    response = client.post(
        reverse("accounts:workspace_create"),
        {
            "name": "Sambal Bu Rudy",
            "slug": "",
            "kind": "client",
            "currency": "IDR",
            "time_zone": "Asia/Makassar",
            "language": "id",
        },
        follow=True,
    )
    workspace = Workspace.objects.get(slug="sambal-bu-rudy")
    assert workspace.time_zone == "Asia/Makassar"
    assert response.redirect_chain[-1][0] == reverse("core:workspace_home", args=["sambal-bu-rudy"])


def test_a_bad_workspace_form_keeps_the_input_and_explains(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    client = login(make_user())
    response = client.post(
        reverse("accounts:workspace_create"),
        {"name": "", "slug": "Nope!", "kind": "x", "currency": "XXX", "time_zone": "Mars", "language": "fr"},
    )
    assert response.status_code == 200
    assert response.content.decode().count("invalid-feedback") >= 5
    assert not Workspace.objects.exists()


def test_switching_language_is_kept_in_the_profile(team: Team, login: Callable[[User], Client]) -> None:
    designer = team.user(Role.DESIGNER)
    client = login(designer)
    home = reverse("core:workspace_home", args=[team.workspace.slug])
    response = client.post(reverse("accounts:language_set"), {"language": "en", "next": home}, follow=True)
    assert response["Content-Language"] == "en"
    designer.refresh_from_db()
    assert designer.language == "en"
    assert client.post(reverse("accounts:language_set"), {"language": "en", "next": "https://evil.example/"})["Location"] == "/"


def test_an_unknown_language_changes_nothing(team: Team, login: Callable[[User], Client]) -> None:
    designer = team.user(Role.DESIGNER)
    response = login(designer).post(reverse("accounts:language_set"), {"language": "xx"})
    assert response.status_code == 302
    designer.refresh_from_db()
    assert designer.language == "id"


def test_a_token_is_shown_once_then_only_its_prefix(team: Team, login: Callable[[User], Client]) -> None:
    client = login(team.user(Role.DATA_ANALYST))
    response = client.post(
        reverse("accounts:tokens"),
        {"name": "Looker Studio", "workspace": team.workspace.slug, "scope": "read", "expires_in_days": "90"},
    )
    plaintext = re.search(r"alur_[A-Za-z0-9_-]{40,}", response.content.decode()).group(0)  # type: ignore[union-attr]
    token = ApiToken.objects.get()
    assert token.expires_at is not None
    again = client.get(reverse("accounts:tokens")).content.decode()
    assert plaintext not in again and token.prefix in again
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_token_for_a_workspace_one_is_not_in_cannot_be_requested(
    team: Team, other_team: Team, login: Callable[[User], Client]
) -> None:
    client = login(team.user(Role.DATA_ANALYST))
    response = client.post(reverse("accounts:tokens"), {"name": "x", "workspace": other_team.workspace.slug, "scope": "write"})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_someone_elses_token_cannot_be_revoked_by_url(
    team: Team, login: Callable[[User], Client], make_token: Callable[..., tuple[ApiToken, str]]
) -> None:
    token, _ = make_token(team.user(Role.DATA_ANALYST), team.workspace)
    response = login(team.user(Role.DESIGNER)).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_profile_changes_are_saved_and_audited(team: Team, login: Callable[[User], Client]) -> None:
    designer = team.user(Role.DESIGNER)
    login(designer).post(reverse("accounts:profile"), {"full_name": "Putri Maharani", "language": "en"})
    designer.refresh_from_db()
    assert (designer.full_name, designer.language) == ("Putri Maharani", "en")
    assert AuditEvent.objects.filter(action="user.update", object_id=str(designer.pk)).exists()


def test_a_manager_sets_weekly_capacity_inline_and_bad_numbers_are_explained(team: Team, login: Callable[[User], Client]) -> None:
    client = login(team.user(Role.MANAGER))
    client.cookies["alur_language"] = "en"
    designer = team.membership(Role.DESIGNER)
    url = reverse("accounts:member_capacity", args=[team.workspace.slug, designer.pk])
    assert client.post(url, {"weekly_capacity_hours": "32,5"}, HTTP_HX_REQUEST="true").status_code == 200
    designer.refresh_from_db()
    assert str(designer.weekly_capacity_hours) == "32.5"
    for bad in ("banyak", "200", "-1", "NaN", "Infinity", "1e999", ""):
        response = client.post(url, {"weekly_capacity_hours": bad}, HTTP_HX_REQUEST="true")
        assert response.status_code == 422, bad
        assert "invalid-feedback" in response.content.decode()
    designer.refresh_from_db()
    assert str(designer.weekly_capacity_hours) == "32.5"
    assert login(team.user(Role.DESIGNER)).post(url, {"weekly_capacity_hours": "10"}).status_code == 403
