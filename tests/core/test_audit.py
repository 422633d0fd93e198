"""The audit log records every service write and cannot be changed afterwards."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from alur.accounts import services
from alur.core.models import AppendOnlyError, AuditEvent
from alur.core.roles import Role
from tests.conftest import Team


def test_service_writes_record_actor_workspace_action_and_before_after(team: Team) -> None:
    manager = team.user(Role.MANAGER)
    services.workspace_update(actor=manager, workspace=team.workspace, name="Kopi Kita Nusantara", currency="usd")
    event = AuditEvent.objects.filter(action="workspace.update").get()
    assert event.actor == manager
    assert event.actor_label == manager.email
    assert event.workspace == team.workspace
    assert event.object_type == "accounts.workspace"
    assert event.object_id == str(team.workspace.pk)
    assert event.before["name"] == "Kopi Kita" and event.after["name"] == "Kopi Kita Nusantara"
    assert event.before["currency"] == "IDR" and event.after["currency"] == "USD"
    assert event.changed_fields == ["currency", "name"]


def test_role_changes_and_removals_are_audited(team: Team) -> None:
    manager = team.user(Role.MANAGER)
    designer = team.membership(Role.DESIGNER)
    services.membership_change_role(actor=manager, membership=designer, role=Role.CONTENT_CREATOR)
    services.membership_remove(actor=manager, membership=designer)
    actions = list(
        AuditEvent.objects.filter(object_type="accounts.membership", object_id=str(designer.pk)).values_list("action", flat=True)
    )
    assert actions == ["membership.remove", "membership.change_role", "membership.create"]
    change = AuditEvent.objects.get(action="membership.change_role")
    assert (change.before["role"], change.after["role"]) == ("designer", "content_creator")


def test_audit_records_cannot_be_changed_or_deleted_through_the_orm(team: Team) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_postgresql_refuses_changes_to_audit_records_even_in_raw_sql(team: Team) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the database trigger exists on PostgreSQL only")
    event = AuditEvent.objects.first()
    assert event is not None
    for statement in ("UPDATE core_auditevent SET action = 'forged' WHERE id = %s", "DELETE FROM core_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == event.action
