"""Notifications: the email beside each notice, the page across workspaces, marking read, the navbar bell
and the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from alur.accounts import services as accounts
from alur.accounts.models import ApiToken, User
from alur.core.models import Notification
from alur.core.notifications import notify, unread_count
from alur.core.roles import Role
from tests.conftest import Team

R = Role
Login = Callable[[User], Client]
TokenMaker = Callable[..., tuple[ApiToken, str]]


def _notice(
    team: Team, user: User, message: str = "Budi mentioned you", url: str = "/w/kopi/content/1/#comments", **kwargs: Any
) -> Notification:
    (notice,) = notify(
        workspace=team.workspace, recipients=[user], kind=kwargs.pop("kind", "mention"), message=message, url=url, **kwargs
    )
    return notice


def test_a_notice_is_emailed_once_the_transaction_commits(team: Team, django_capture_on_commit_callbacks: Any) -> None:
    designer = team.user(R.DESIGNER)
    with django_capture_on_commit_callbacks(execute=True):
        _notice(team, designer, "Manager mentioned you on “Es kopi”")
        # The same unread key again: no second notice, no second email.
        assert notify(workspace=team.workspace, recipients=[designer], kind="mention", message="x", dedupe_key="k") != []
        assert notify(workspace=team.workspace, recipients=[designer], kind="mention", message="x", dedupe_key="k") == []
    assert len(mail.outbox) == 2
    first = mail.outbox[0]
    assert first.to == ["designer@kopi.id"] and "Manager mentioned you" in first.subject
    assert first.body.rstrip().endswith("/w/kopi/content/1/#comments")


def test_the_bell_counts_unread_notices(team: Team, login: Login) -> None:
    designer = team.user(R.DESIGNER)
    client = login(designer)
    home = reverse("core:workspace_home", args=["kopi"])
    response = client.get(home)
    assert response.context["unread_notifications"] == 0
    assert 'data-testid="notification-bell"' in response.content.decode()
    assert 'data-testid="notification-count"' not in response.content.decode()
    for n in range(3):
        _notice(team, designer, f"notice {n}")
    _notice(team, team.user(R.MANAGER), "not for the designer")
    response = client.get(home)
    assert response.context["unread_notifications"] == 3
    assert 'data-testid="notification-count" aria-hidden="true">3</span>' in response.content.decode()


def test_the_bell_shows_99_plus(team: Team, login: Login) -> None:
    designer = team.user(R.DESIGNER)
    Notification.objects.bulk_create(
        Notification(workspace=team.workspace, recipient=designer, kind="x", message="m") for _ in range(120)
    )
    html = login(designer).get(reverse("content:notifications")).content.decode()
    assert ">99+</span>" in html


def test_the_page_lists_notices_of_every_workspace_unread_first(team: Team, other_team: Team, login: Login) -> None:
    designer = team.user(R.DESIGNER)
    accounts.membership_add(actor=other_team.user(R.MANAGER), workspace=other_team.workspace, user=designer, role=R.DESIGNER)
    old = _notice(team, designer, "older, already read")
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)
    notify(workspace=other_team.workspace, recipients=[designer], kind="comment", message="from Batik", url="/w/batik/")
    _notice(team, designer, "newest in Kopi")
    designer.language = "en"
    designer.save(update_fields=["language"])
    response = login(designer).get(reverse("content:notifications"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("newest in Kopi") < html.index("from Batik") < html.index("older, already read")
    assert "Batik Jaya" in html and "Kopi Kita" in html
    assert html.count('data-unread="true"') == 2


def test_mark_one_and_all_read_with_htmx_updates_the_bell(team: Team, login: Login) -> None:
    designer = team.user(R.DESIGNER)
    first, second = _notice(team, designer, "one"), _notice(team, designer, "two")
    client = login(designer)
    response = client.post(reverse("content:notifications_read"), {"id": first.pk}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'hx-swap-oob="true"' in html and 'data-unread="1"' in html
    assert Notification.objects.get(pk=first.pk).read_at is not None and unread_count(designer) == 1
    response = client.post(reverse("content:notifications_read"))
    assert response.status_code == 302 and unread_count(designer) == 0
    assert Notification.objects.get(pk=second.pk).read_at is not None


def test_marking_read_touches_only_your_own_notices(team: Team, login: Login) -> None:
    others = _notice(team, team.user(R.MANAGER), "manager's")
    login(team.user(R.DESIGNER)).post(reverse("content:notifications_read"), {"id": others.pk})
    assert Notification.objects.get(pk=others.pk).read_at is None


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(team: Team, login: Login) -> None:
    designer = team.user(R.DESIGNER)
    notice = _notice(team, designer, url="/w/kopi/content/7/#comments")
    client = login(designer)
    response = client.get(reverse("content:notification_open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/w/kopi/content/7/#comments"
    assert unread_count(designer) == 0
    outside = _notice(team, designer, url="//evil.example/")
    assert client.get(reverse("content:notification_open", args=[outside.pk]))["Location"] == reverse("content:notifications")
    assert login(team.user(R.MANAGER)).get(reverse("content:notification_open", args=[notice.pk])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(db: None) -> None:
    response = Client().get(reverse("content:notifications"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_empty_page_says_what_will_appear(team: Team, login: Login) -> None:
    html = login(team.user(R.DESIGNER)).get(reverse("content:notifications")).content.decode()
    assert 'data-testid="notifications-empty"' in html


def test_the_api_lists_and_marks_read_within_the_token_workspace(team: Team, other_team: Team, make_token: TokenMaker) -> None:
    designer = team.user(R.DESIGNER)
    accounts.membership_add(actor=other_team.user(R.MANAGER), workspace=other_team.workspace, user=designer, role=R.DESIGNER)
    kopi = _notice(team, designer, "kopi notice")
    (batik,) = notify(workspace=other_team.workspace, recipients=[designer], kind="comment", message="batik notice")
    _, token = make_token(designer, team.workspace, scope="write")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = Client().get("/api/v1/notifications", **headers).json()
    assert [n["id"] for n in listed] == [kopi.pk] and listed[0]["workspace"] == "kopi" and listed[0]["read"] is False
    marked = Client().post("/api/v1/notifications", data=json.dumps({}), content_type="application/json", **headers).json()
    assert marked == {"marked": 1, "unread": 1}
    assert Notification.objects.get(pk=batik.pk).read_at is None
    assert Client().get("/api/v1/notifications?unread=true", **headers).json() == []
    _, read_only = make_token(designer, team.workspace)
    denied = Client().post(
        "/api/v1/notifications",
        data=json.dumps({"ids": [batik.pk]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {read_only}",
    )
    assert denied.status_code == 403
