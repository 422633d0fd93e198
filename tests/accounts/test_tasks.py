"""Invitation emails go through the background worker (`alur worker`) with the database queue."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail

from alur.accounts import services
from alur.config.cli import main
from alur.core.roles import Role
from tests.conftest import Team


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_queued_invitation_emails(team: Team, settings: object) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # type: ignore[attr-defined]
    services.invitation_create(actor=team.user(Role.MANAGER), workspace=team.workspace, email="nadia@example.id", role="designer")
    assert mail.outbox == []  # queued, not sent inline
    assert main(["worker", "--batch", "--interval", "0"]) == 0
    assert [message.to for message in mail.outbox] == [["nadia@example.id"]]
    assert "/invitations/" in mail.outbox[0].body


def test_an_invitation_withdrawn_before_the_worker_runs_is_not_sent(
    team: Team, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    from alur.accounts.tasks import invitation_email_send

    invitation = services.invitation_create(
        actor=team.user(Role.MANAGER), workspace=team.workspace, email="nadia@example.id", role="designer"
    )
    services.invitation_revoke(actor=team.user(Role.MANAGER), invitation=invitation)
    invitation_email_send.call(invitation.pk)
    assert mail.outbox == []
