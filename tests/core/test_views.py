"""Workspace pages: isolation between workspaces, role denials with reasons, the audit log page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from alur.accounts import services
from alur.accounts.models import User
from alur.core.roles import Role
from tests.conftest import Team


def _workspace_urls(team: Team) -> list[tuple[str, str]]:
    slug = team.workspace.slug
    member = team.membership(Role.DESIGNER).pk
    invitation = services.invitation_create(
        actor=team.user(Role.MANAGER), workspace=team.workspace, email="x@example.id", role="designer"
    ).pk
    return [
        ("get", reverse("core:workspace_home", args=[slug])),
        ("get", reverse("core:audit_log", args=[slug])),
        ("get", reverse("accounts:members", args=[slug])),
        ("get", reverse("accounts:workspace_settings", args=[slug])),
        ("post", reverse("accounts:workspace_settings", args=[slug])),
        ("post", reverse("accounts:invitation_create", args=[slug])),
        ("post", reverse("accounts:member_change_role", args=[slug, member])),
        ("post", reverse("accounts:member_remove", args=[slug, member])),
        ("post", reverse("accounts:invitation_revoke", args=[slug, invitation])),
    ]


def test_another_workspace_is_unreachable_by_url_and_answers_404(
    team: Team, other_team: Team, login: Callable[[User], Client]
) -> None:
    outsider = login(other_team.user(Role.MANAGER))
    for method, url in _workspace_urls(team):
        response = getattr(outsider, method)(url, {"role": "manager", "name": "x", "email": "y@example.id"})
        assert response.status_code == 404, (method, url)
    team.workspace.refresh_from_db()
    assert team.workspace.name == "Kopi Kita"
    assert team.membership(Role.DESIGNER).role == Role.DESIGNER


def test_guessing_a_member_id_of_another_workspace_inside_ones_own_answers_404(
    team: Team, other_team: Team, login: Callable[[User], Client]
) -> None:
    client = login(team.user(Role.MANAGER))
    foreign_member = other_team.membership(Role.DESIGNER).pk
    response = client.post(reverse("accounts:member_change_role", args=[team.workspace.slug, foreign_member]), {"role": "client"})
    assert response.status_code == 404
    assert other_team.membership(Role.DESIGNER).role == Role.DESIGNER


def test_a_nonexistent_workspace_looks_the_same_as_a_forbidden_one(team: Team, login: Callable[[User], Client]) -> None:
    client = login(team.user(Role.MANAGER))
    assert client.get("/w/does-not-exist/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(team: Team, client: Client) -> None:
    response = client.get(reverse("core:workspace_home", args=[team.workspace.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.MANAGER, 200), (Role.STRATEGIST, 403), (Role.DESIGNER, 403), (Role.CLIENT, 403), (Role.CONTRACTOR, 403)],
)
def test_the_audit_log_is_for_managers(team: Team, login: Callable[[User], Client], role: Role, status: int) -> None:
    response = login(team.user(role)).get(reverse("core:audit_log", args=[team.workspace.slug]))
    assert response.status_code == status
    if status == 403:
        assert 'data-testid="error-reason"' in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [(Role.MANAGER, 200), (Role.APPROVER, 200), (Role.CLIENT, 403), (Role.CONTRACTOR, 403)]
)
def test_outside_roles_do_not_see_the_team(team: Team, login: Callable[[User], Client], role: Role, status: int) -> None:
    assert login(team.user(role)).get(reverse("accounts:members", args=[team.workspace.slug])).status_code == status


def test_every_role_reaches_the_workspace_home_and_sees_only_its_links(team: Team, login: Callable[[User], Client]) -> None:
    home = reverse("core:workspace_home", args=[team.workspace.slug])
    audit = reverse("core:audit_log", args=[team.workspace.slug])
    for role in Role:
        page = login(team.user(role)).get(home)
        assert page.status_code == 200, role
        assert (audit in page.content.decode()) is (role == Role.MANAGER), role


def test_the_start_page_opens_the_last_workspace_used(team: Team, other_team: Team, login: Callable[[User], Client]) -> None:
    manager = team.user(Role.MANAGER)
    services.membership_add(actor=None, workspace=other_team.workspace, user=manager, role=Role.STRATEGIST)
    client = login(manager)
    client.get(reverse("core:workspace_home", args=[other_team.workspace.slug]))
    assert client.get("/")["Location"] == reverse("core:workspace_home", args=[other_team.workspace.slug])
    page = client.get(reverse("core:workspace_home", args=[other_team.workspace.slug])).content.decode()
    assert team.workspace.name in page and other_team.workspace.name in page  # both in the switcher


def test_a_user_without_workspaces_is_asked_to_create_one(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    assert login(make_user()).get("/")["Location"] == reverse("accounts:workspace_create")


def test_the_audit_log_filters_by_action_and_date_and_ignores_bad_dates(team: Team, login: Callable[[User], Client]) -> None:
    client = login(team.user(Role.MANAGER))
    url = reverse("core:audit_log", args=[team.workspace.slug])
    services.workspace_update(actor=team.user(Role.MANAGER), workspace=team.workspace, name="Kopi Baru")
    filtered = client.get(url, {"action": "workspace.update"}).content.decode()
    assert "Kopi Baru" in filtered and "membership.create</code>" not in filtered
    partial = client.get(url, {"action": "workspace.update"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "workspace.update" in partial
    response = client.get(url, {"since": "kemarin", "until": "2026-13-45", "actor": "abc", "page": "zzz"})
    assert response.status_code == 200
    assert "alert-warning" in response.content.decode()
    empty = client.get(url, {"since": "2099-01-01"}).content.decode()
    assert "bi-journal" in empty


def test_pages_carry_a_strict_content_security_policy(team: Team, login: Callable[[User], Client]) -> None:
    response = login(team.user(Role.MANAGER)).get(reverse("core:workspace_home", args=[team.workspace.slug]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_the_health_check_answers(client: Client, db: None) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_without_a_remembered_workspace_the_first_joined_opens(
    team: Team, other_team: Team, login: Callable[[User], Client]
) -> None:
    manager = team.user(Role.MANAGER)
    services.membership_add(actor=None, workspace=other_team.workspace, user=manager, role=Role.STRATEGIST)
    # "Batik Jaya" sorts before "Kopi Kita", but Kopi Kita was joined first.
    assert login(manager).get("/")["Location"] == reverse("core:workspace_home", args=[team.workspace.slug])
