"""The REST API: token authentication, scoping to one workspace, scopes, policy denials, errors."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from alur.accounts import services
from alur.accounts.models import ApiToken, User
from alur.api.openapi import SNAPSHOT, current_schema_text
from alur.core.roles import Role
from tests.conftest import Team

TokenMaker = Callable[..., tuple[ApiToken, str]]


def call(method: str, path: str, token: str | None = None, body: dict[str, Any] | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    client = Client()
    kwargs: dict[str, Any] = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    return getattr(client, method)(f"/api/v1{path}", **kwargs, **headers)


def test_the_openapi_snapshot_matches_the_api() -> None:
    assert SNAPSHOT.read_text() == current_schema_text(), (
        "The API changed: run 'make openapi' and commit src/alur/api/openapi.json"
    )


def test_the_schema_is_served(db: None) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Alur API"
    assert "/api/v1/workspaces/{slug}/members" in schema["paths"]


def test_without_a_valid_token_the_api_answers_401(team: Team, make_token: TokenMaker) -> None:
    assert call("get", "/workspaces").status_code == 401
    assert call("get", "/workspaces", token="alur_made-up-token").status_code == 401
    token, plaintext = make_token(team.user(Role.DATA_ANALYST), team.workspace)
    services.api_token_revoke(actor=team.user(Role.DATA_ANALYST), token=token)
    response = call("get", "/workspaces", token=plaintext)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_an_expired_token_answers_401(team: Team, make_token: TokenMaker) -> None:
    token, plaintext = make_token(team.user(Role.DATA_ANALYST), team.workspace, expires_in_days=5)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert call("get", "/me", token=plaintext).status_code == 401


def test_a_token_of_a_removed_member_stops_working(team: Team, make_token: TokenMaker) -> None:
    _, plaintext = make_token(team.user(Role.DATA_ANALYST), team.workspace)
    services.membership_remove(actor=team.user(Role.MANAGER), membership=team.membership(Role.DATA_ANALYST))
    assert call("get", f"/workspaces/{team.workspace.slug}", token=plaintext).status_code == 401


def test_a_token_sees_only_its_own_workspace(team: Team, other_team: Team, make_token: TokenMaker) -> None:
    analyst = team.user(Role.DATA_ANALYST)
    services.membership_add(actor=None, workspace=other_team.workspace, user=analyst, role=Role.MANAGER)
    _, plaintext = make_token(analyst, team.workspace)
    listed = call("get", "/workspaces", token=plaintext).json()
    assert [w["slug"] for w in listed] == [team.workspace.slug]
    # Even though the user is a manager there, this token is not for that workspace.
    assert call("get", f"/workspaces/{other_team.workspace.slug}", token=plaintext).status_code == 404
    assert call("get", f"/workspaces/{other_team.workspace.slug}/members", token=plaintext).status_code == 404
    me = call("get", "/me", token=plaintext).json()
    assert me == {
        "email": analyst.email,
        "full_name": analyst.full_name,
        "language": "id",
        "token_workspace": team.workspace.slug,
        "token_scope": "read",
    }


def test_guessing_another_workspace_answers_404_not_403(team: Team, other_team: Team, make_token: TokenMaker) -> None:
    _, plaintext = make_token(team.user(Role.MANAGER), team.workspace, scope="write")
    for method, path, body in [
        ("get", f"/workspaces/{other_team.workspace.slug}", None),
        ("patch", f"/workspaces/{other_team.workspace.slug}", {"name": "pwned"}),
        ("get", f"/workspaces/{other_team.workspace.slug}/audit", None),
        ("post", f"/workspaces/{other_team.workspace.slug}/invitations", {"email": "a@example.id", "role": "manager"}),
        ("get", "/workspaces/no-such-workspace", None),
    ]:
        assert call(method, path, plaintext, body).status_code == 404, path
    other_team.workspace.refresh_from_db()
    assert other_team.workspace.name == "Batik Jaya"


def test_members_are_listed_for_internal_roles_only(team: Team, make_token: TokenMaker) -> None:
    _, analyst_token = make_token(team.user(Role.DATA_ANALYST), team.workspace)
    members = call("get", f"/workspaces/{team.workspace.slug}/members", analyst_token).json()
    assert len(members) == len(Role)
    assert {m["role"] for m in members} == {r.value for r in Role}
    _, client_token = make_token(team.user(Role.CLIENT), team.workspace)
    denied = call("get", f"/workspaces/{team.workspace.slug}/members", client_token)
    assert denied.status_code == 403
    assert denied.json()["detail"]


def test_a_read_token_cannot_write_even_for_a_manager(team: Team, make_token: TokenMaker) -> None:
    _, plaintext = make_token(team.user(Role.MANAGER), team.workspace, scope="read")
    response = call("patch", f"/workspaces/{team.workspace.slug}", plaintext, {"name": "Baru"})
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


def test_a_write_token_never_exceeds_the_role(team: Team, make_token: TokenMaker) -> None:
    _, plaintext = make_token(team.user(Role.DESIGNER), team.workspace, scope="write")
    assert call("patch", f"/workspaces/{team.workspace.slug}", plaintext, {"name": "Baru"}).status_code == 403
    assert (
        call(
            "post", f"/workspaces/{team.workspace.slug}/invitations", plaintext, {"email": "a@example.id", "role": "manager"}
        ).status_code
        == 403
    )
    assert call("get", f"/workspaces/{team.workspace.slug}/audit", plaintext).status_code == 403


def test_a_manager_updates_the_workspace_and_it_is_audited(team: Team, make_token: TokenMaker) -> None:
    _, plaintext = make_token(team.user(Role.MANAGER), team.workspace, scope="write")
    response = call("patch", f"/workspaces/{team.workspace.slug}", plaintext, {"name": "Kopi Kita Jaya", "currency": "usd"})
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["currency"]) == ("Kopi Kita Jaya", "USD")
    audit = call("get", f"/workspaces/{team.workspace.slug}/audit?action=workspace.update", plaintext).json()
    assert audit[0]["after"]["name"] == "Kopi Kita Jaya"
    assert audit[0]["actor"] == team.user(Role.MANAGER).email


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"currency": "RUPIAH"}, "currency"),
        ({"time_zone": "Bulan/Purnama"}, "time_zone"),
        ({"language": "jv"}, "language"),
    ],
)
def test_bad_input_gets_422_naming_the_field(team: Team, make_token: TokenMaker, body: dict[str, str], field: str) -> None:
    _, plaintext = make_token(team.user(Role.MANAGER), team.workspace, scope="write")
    response = call("patch", f"/workspaces/{team.workspace.slug}", plaintext, body)
    assert response.status_code == 422
    assert any(error["field"] == field and error["message"] for error in response.json()["detail"])
    team.workspace.refresh_from_db()
    assert team.workspace.name == "Kopi Kita"


def test_invitations_through_the_api(team: Team, make_token: TokenMaker) -> None:
    _, plaintext = make_token(team.user(Role.MANAGER), team.workspace, scope="write")
    created = call(
        "post", f"/workspaces/{team.workspace.slug}/invitations", plaintext, {"email": "Nadia@Example.id", "role": "approver"}
    )
    assert created.status_code == 201
    assert created.json()["email"] == "nadia@example.id"
    bad = call("post", f"/workspaces/{team.workspace.slug}/invitations", plaintext, {"email": "nope", "role": "approver"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "email"
    bad_role = call(
        "post", f"/workspaces/{team.workspace.slug}/invitations", plaintext, {"email": "a@example.id", "role": "raja"}
    )
    assert bad_role.status_code == 422


def test_malformed_json_gets_a_clear_error(team: Team, make_token: TokenMaker) -> None:
    _, plaintext = make_token(team.user(Role.MANAGER), team.workspace, scope="write")
    response = Client().patch(
        f"/api/v1/workspaces/{team.workspace.slug}",
        data="{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plaintext}",
    )
    assert response.status_code in (400, 422)


def test_the_browser_session_works_with_csrf(team: Team, login: Callable[[User], Client]) -> None:
    client = login(team.user(Role.DESIGNER))
    assert client.get("/api/v1/workspaces").status_code == 200
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(team.user(Role.MANAGER))
    assert (
        csrf_client.patch(f"/api/v1/workspaces/{team.workspace.slug}", data="{}", content_type="application/json").status_code
        == 403
    )


def test_using_a_token_records_when_it_was_last_used(team: Team, make_token: TokenMaker) -> None:
    token, plaintext = make_token(team.user(Role.DATA_ANALYST), team.workspace)
    assert token.last_used_at is None
    call("get", "/me", plaintext)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_unknown_api_addresses_answer_json_404(db: None) -> None:
    response = Client().get("/api/v1/no/such/thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    wrong_method = Client().delete("/api/v1/workspaces")
    assert wrong_method.status_code == 405 and wrong_method.json() == {"detail": "Method Not Allowed"}
