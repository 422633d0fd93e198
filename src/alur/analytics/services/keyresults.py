"""Writes of key results linked to data: the link to a KPI and a filter, the refresh that turns a value that
moved into an automatic check-in, and a diagnosis recorded in the campaign's Optimization stage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alur.accounts.models import User, Workspace
from alur.accounts.selectors import membership_of
from alur.analytics import kpis
from alur.analytics.models import KeyResultMetric
from alur.analytics.selectors import facts
from alur.analytics.selectors import keyresults as selectors
from alur.campaigns.services import kpi_review
from alur.core.audit import audit_record
from alur.core.policy import Action, require
from alur.strategy.services import key_result_record_automatic


def key_result_link(
    *, actor: User, key_result: Any, kpi: str, mode: str = "period", filters: Mapping[str, Any] | None = None
) -> KeyResultMetric | None:
    """Link a key result to a KPI and a filter (``kpi=""`` unlinks); its value is computed at once.

    The link (or its removal) and its audit record are written in one transaction, the audit saying what the
    link was before; the value is computed after, from the committed link."""
    require(actor, membership_of(actor, key_result.workspace), Action.OBJECTIVE_MANAGE, key_result)
    if kpi and kpi not in kpis.KPIS:
        raise ValidationError({"kpi": _("Choose one of the KPIs Alur computes.")})
    if kpi and mode not in KeyResultMetric.Mode.values:
        raise ValidationError({"mode": _("Choose how the value is counted.")})
    clean_filters = {k: v for k, v in (filters or {}).items() if k in facts.FILTER_FIELDS and v not in (None, "", [])}
    with transaction.atomic():
        current = KeyResultMetric.objects.select_for_update().filter(key_result=key_result).first()
        before = {"kpi": current.kpi, "mode": current.mode, "filters": current.filters} if current is not None else None
        if not kpi:
            KeyResultMetric.objects.filter(key_result=key_result).delete()
            audit_record(actor=actor, workspace=key_result.workspace, action="analytics.kr_unlink", obj=key_result, before=before)
            return None
        link, _created = KeyResultMetric.objects.update_or_create(
            key_result=key_result,
            defaults={"workspace": key_result.workspace, "kpi": kpi, "mode": mode, "filters": clean_filters},
        )
        audit_record(
            actor=actor,
            workspace=key_result.workspace,
            action="analytics.kr_link",
            obj=key_result,
            before=before,
            after={"kpi": kpi, "mode": mode, "filters": clean_filters},
        )
    key_results_refresh(key_result.workspace, only=[link.pk])
    link.refresh_from_db()
    return link


def key_results_refresh(workspace: Workspace, *, only: list[int] | None = None, today: dt.date | None = None) -> int:
    """Recompute every linked key result; a value that moved becomes an automatic check-in. Returns how many moved."""
    links = KeyResultMetric.objects.filter(workspace=workspace).select_related("key_result__objective__period")
    if only is not None:
        links = links.filter(pk__in=only)
    moved = 0
    for link in links:
        reading = selectors.key_result_value(link, today=today)
        link.last_refreshed_at = timezone.now()
        if reading is None:
            link.save(update_fields=["last_refreshed_at"])
            continue
        number = Decimal(str(round(reading.value, 4)))
        changed = link.last_value is None or number != link.last_value or link.key_result.current_value != number
        link.last_value = number
        link.save(update_fields=["last_value", "last_refreshed_at"])
        if changed:
            key_result_record_automatic(key_result=link.key_result, value=number, comment=_automatic_comment(link, reading))
            moved += 1
    return moved


def _automatic_comment(link: KeyResultMetric, reading: selectors.KeyResultReading) -> str:
    kpi = _(kpis.KPIS[link.kpi].label)
    if reading.is_estimate:
        return _(
            "Automatic: %(kpi)s from imported data, estimated: a report for a whole period that reaches beyond "
            "the key result's dates counts by its days within them, spread evenly."
        ) % {"kpi": kpi}
    return _("Automatic: %(kpi)s from imported data.") % {"kpi": kpi}


def diagnosis_record(*, actor: User, campaign: Any, problem: str, optimisation: str) -> Any:
    """Record a diagnosis in the campaign's Optimization stage ("problem identified → strategy optimised")."""
    return kpi_review(actor=actor, campaign=campaign, is_achieved=False, problem=problem, optimisation=optimisation)
