"""Writing the audit log. Every service write calls :func:`audit_record` inside its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.functional import Promise

from alur.core.models import AuditEvent

ACTION_LABELS: dict[str, str | Promise] = {}


def register_action_labels(labels: dict[str, str | Promise]) -> None:
    """Each context names its audit actions for people (``"workspace.update"`` → "Workspace changed")."""
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of ``instance`` as JSON-safe values (foreign keys by id)."""
    result: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attribute = field.attname if isinstance(field, models.ForeignKey) else name
        result[name] = _json_value(getattr(instance, attribute))
    return result


def audit_record(
    *,
    actor: Any,
    workspace: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one record. ``actor`` is a user or ``None`` for the system (the worker, the demo seeder)."""
    return AuditEvent.objects.create(
        workspace=workspace,
        actor=actor,
        actor_label=actor.email if actor is not None else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
    )
