"""Sign-in throttling that capitals cannot dodge, and API tokens that die with the password they came with."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core import mail
from django.test import Client
from django.urls import reverse

from alur.accounts import services
from alur.accounts.models import ApiToken, User
from alur.core.models import AuditEvent
from alur.core.roles import Role
from tests.conftest import PASSWORD, Team

LOGIN = "accounts:login"
DELETE_URL = "{base}/media/1"


def _fail(client: Client, username: str) -> None:
    client.post(reverse(LOGIN), {"username": username, "password": "wrong-password"})


def test_changing_capitals_between_failures_does_not_dodge_the_lock(client: Client, team: Team) -> None:
    email = team.user(Role.MANAGER).email  # manager@kopi.id
    spellings = [email, email.upper(), "Manager@kopi.id", "mAnager@KOPI.id", " manager@kopi.ID "]
    for spelling in spellings:
        _fail(client, spelling)
    response = client.post(reverse(LOGIN), {"username": email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_locked_account_cannot_sign_in_with_other_capitals(client: Client, team: Team) -> None:
    email = team.user(Role.STRATEGIST).email
    for _ in range(5):
        _fail(client, email)
    for spelling in (email.upper(), email.capitalize(), "  " + email.title() + " "):
        response = client.post(reverse(LOGIN), {"username": spelling, "password": PASSWORD})
        assert response.status_code == 429, spelling
        assert "_auth_user_id" not in client.session


def test_capitals_still_sign_in_when_nothing_is_locked(client: Client, team: Team) -> None:
    email = team.user(Role.STRATEGIST).email
    _fail(client, email.upper())
    response = client.post(reverse(LOGIN), {"username": email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(team.user(Role.STRATEGIST).pk)


# API tokens and passwords ------------------------------------------------------------------------


def _token(team: Team, role: Role = Role.MANAGER) -> tuple[ApiToken, str]:
    return services.api_token_create(actor=team.user(role), workspace=team.workspace, name="cli", scope="write")


def _api_get(plaintext: str) -> int:
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}").status_code


def test_a_password_reset_revokes_the_accounts_api_tokens_and_audits_it(client: Client, team: Team) -> None:
    manager = team.user(Role.MANAGER)
    token, plaintext = _token(team)
    other_token, other_plaintext = _token(team, Role.STRATEGIST)
    assert _api_get(plaintext) == 200
    client.post(reverse("accounts:password_reset"), {"email": manager.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body)
    assert link
    page = client.get(link.group(1), follow=True)
    new_password = "teh-manis-dingin-42"
    client.post(page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    manager.refresh_from_db()
    assert manager.check_password(new_password)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _api_get(plaintext) == 401
    assert _api_get(other_plaintext) == 200  # someone else's token is untouched
    event = AuditEvent.objects.get(action="api_token.revoke", object_id=str(token.pk))
    assert event.actor == manager
    assert event.after["reason"] == "password_changed"
    assert AuditEvent.objects.filter(action="user.set_password", object_id=str(manager.pk)).exists()
    other_token.refresh_from_db()
    assert other_token.revoked_at is None


def test_setting_a_password_revokes_every_token_of_the_account(team: Team, make_user: Callable[..., User]) -> None:
    manager = team.user(Role.MANAGER)
    first, first_plain = _token(team)
    second, second_plain = _token(team)
    services.user_set_password(manager, password="teh-manis-dingin-42", actor=manager)
    assert _api_get(first_plain) == 401 and _api_get(second_plain) == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", object_id__in=[str(first.pk), str(second.pk)]).count() == 2


def test_a_revoked_or_unknown_token_gets_401_on_every_method(team: Team) -> None:
    token, plaintext = _token(team)
    services.api_token_revoke(actor=team.user(Role.MANAGER), token=token)
    client = Client(enforce_csrf_checks=True)
    base = f"/api/v1/workspaces/{team.workspace.slug}"
    calls = [
        ("get", f"{base}/campaigns"),
        ("post", f"{base}/campaigns"),
        ("put", f"{base}/campaigns/1/budget"),
        ("patch", f"{base}/campaigns/1/brief"),
        ("delete", DELETE_URL.format(base=base)),
    ]
    for header in (f"Bearer {plaintext}", "Bearer alur_not-a-real-token", "Bearer garbage", "Bearer ", "Basic eDp5"):
        headers = {"HTTP_AUTHORIZATION": header}
        for method, url in calls:
            if method == "get":
                response = client.get(url, **headers)
            else:
                response = getattr(client, method)(url, data="{}", content_type="application/json", **headers)
            assert response.status_code == 401, (method, url, header, response.content)
            assert "token" in response.json()["detail"]
