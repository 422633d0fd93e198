"""Writes of anomaly alerts: the scan after each import that raises new alerts (in-app, email, webhook),
their acknowledgement, and the alert settings."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

import httpx
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from alur.accounts.models import Membership, User, Workspace
from alur.accounts.selectors import membership_of
from alur.analytics.models import AnalyticsSettings, AnomalyAlert
from alur.analytics.selectors import alerts as selectors
from alur.core.audit import audit_record
from alur.core.notifications import notify
from alur.core.policy import Action, require
from alur.core.roles import Role

log = logging.getLogger(__name__)
ALERT_RECIPIENT_ROLES = (Role.MANAGER, Role.PERFORMANCE_MARKETER, Role.DATA_ANALYST)


def anomalies_scan(workspace: Workspace, *, recent_days: int = 30) -> list[AnomalyAlert]:
    """Scan the daily series (per channel and per campaign) for anomalies within the last ``recent_days`` of
    data; new ones become alerts (in-app, email, webhook), known ones are not raised again."""
    config, _created = AnalyticsSettings.objects.get_or_create(workspace=workspace)
    found = selectors.anomalies(workspace, threshold=config.anomaly_threshold, recent_days=recent_days)
    created: list[AnomalyAlert] = []
    for item in found:
        alert, is_new = AnomalyAlert.objects.get_or_create(
            workspace=workspace,
            dedupe_key=item["dedupe_key"],
            defaults={k: v for k, v in item.items() if k != "dedupe_key"},
        )
        if is_new:
            created.append(alert)
    if created:
        _announce(workspace, config, created)
    return created


def _announce(workspace: Workspace, config: AnalyticsSettings, alerts: list[AnomalyAlert]) -> None:
    recipients = [
        m.user for m in Membership.objects.filter(workspace=workspace, role__in=ALERT_RECIPIENT_ROLES).select_related("user")
    ]
    for alert in alerts:
        notify(
            workspace=workspace,
            recipients=recipients,
            kind="analytics.anomaly",
            message=selectors.alert_sentence(alert),
            url=reverse("analytics:alerts", kwargs={"slug": workspace.slug}) + f"#alert-{alert.pk}",
            dedupe_key=f"anomaly:{alert.dedupe_key}",
            email=config.alert_email,
        )
    if config.alert_webhook_url:
        payload = {
            "event": "analytics.anomalies",
            "workspace": workspace.slug,
            "alerts": [
                {
                    "id": a.pk, "kpi": a.kpi, "dimension": a.dimension, "value_of_dimension": a.dimension_value,
                    "day": a.day.isoformat(), "value": a.value, "expected": a.expected, "low": a.low, "high": a.high,
                    "score": a.score, "direction": a.direction, "severity": a.severity,
                }
                for a in alerts
            ],
        }  # fmt: skip
        body = json.dumps(payload, sort_keys=True).encode()
        headers = {"Content-Type": "application/json"}
        if config.alert_webhook_secret:
            signature = hmac.new(config.alert_webhook_secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Alur-Signature"] = f"sha256={signature}"
        try:
            httpx.post(config.alert_webhook_url, content=body, headers=headers, timeout=10)
        except httpx.HTTPError:
            log.warning("anomaly webhook to %s failed", config.alert_webhook_url, exc_info=True)


def alert_acknowledge(*, actor: User, alert: AnomalyAlert) -> AnomalyAlert:
    require(actor, membership_of(actor, alert.workspace), Action.ANALYTICS_VIEW, alert)
    with transaction.atomic():
        locked = AnomalyAlert.objects.select_for_update().get(pk=alert.pk)
        before = {"status": locked.status}
        locked.status, locked.acknowledged_by = AnomalyAlert.Status.ACKNOWLEDGED, actor
        locked.save(update_fields=["status", "acknowledged_by"])
        audit_record(
            actor=actor,
            workspace=alert.workspace,
            action="analytics.alert_ack",
            obj=locked,
            before=before,
            after={"status": locked.status},
        )
    alert.status, alert.acknowledged_by = locked.status, locked.acknowledged_by
    return alert


def _settings_snapshot(config: AnalyticsSettings) -> dict[str, Any]:
    """What the audit keeps of the settings: never the webhook's address or secret, only whether there is one."""
    return {
        "alert_email": config.alert_email,
        "webhook": bool(config.alert_webhook_url),
        "anomaly_threshold": float(config.anomaly_threshold),
    }


def analytics_settings_save(*, actor: User, workspace: Workspace, **values: Any) -> AnalyticsSettings:
    require(actor, membership_of(actor, workspace), Action.ANALYTICS_IMPORT, None)
    with transaction.atomic():
        AnalyticsSettings.objects.get_or_create(workspace=workspace)
        config = AnalyticsSettings.objects.select_for_update().get(workspace=workspace)
        before = _settings_snapshot(config)
        for name in ("alert_email", "alert_webhook_url", "alert_webhook_secret", "anomaly_threshold"):
            if name in values:
                setattr(config, name, values[name])
        if not 2.0 <= float(config.anomaly_threshold) <= 10.0:
            raise ValidationError({"anomaly_threshold": _("Choose a threshold between 2 and 10 (3.5 is the usual rule).")})
        config.full_clean(exclude=["workspace"])
        config.save()
        audit_record(
            actor=actor,
            workspace=workspace,
            action="analytics.settings",
            obj=config,
            before=before,
            after=_settings_snapshot(config),
        )
    return config
