"""Analytics writes that change what people see are audited, in the same transaction as the change:
acknowledging an alert, saving the alert settings, trying a failed import again."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from alur.analytics.models import AnalyticsSettings, AnomalyAlert, DataSource, Import
from alur.analytics.services import alerts, imports, sources
from alur.core.models import AuditEvent
from alur.core.roles import Role

pytestmark = pytest.mark.django_db


class AuditDown(Exception):
    pass


def _audit_fails(monkeypatch: pytest.MonkeyPatch, module: Any) -> None:
    def refuse(**_: Any) -> None:
        raise AuditDown

    monkeypatch.setattr(module, "audit_record", refuse)


def _alert(team: Any) -> AnomalyAlert:
    return AnomalyAlert.objects.create(
        workspace=team.workspace, kpi="ctr", dimension="channel", dimension_value="instagram", day=dt.date(2026, 11, 20),
        value=0.1, expected=0.02, low=0.01, high=0.03, score=6.0, direction="up", severity="high", dedupe_key="k",
    )  # fmt: skip


def test_acknowledging_an_alert_is_audited(team: Any) -> None:
    analyst = team.members[Role.DATA_ANALYST]
    alert = alerts.alert_acknowledge(actor=analyst, alert=_alert(team))
    event = AuditEvent.objects.get(action="analytics.alert_ack", object_id=str(alert.pk))
    assert event.actor == analyst and event.workspace == team.workspace
    assert event.before == {"status": "open"} and event.after == {"status": "acknowledged"}


def test_an_acknowledgement_without_its_audit_record_is_not_kept(team: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    alert = _alert(team)
    _audit_fails(monkeypatch, alerts)
    with pytest.raises(AuditDown):
        alerts.alert_acknowledge(actor=team.members[Role.DATA_ANALYST], alert=alert)
    alert.refresh_from_db()
    assert alert.status == AnomalyAlert.Status.OPEN and alert.acknowledged_by is None


def test_saving_alert_settings_is_audited_without_the_secret(team: Any) -> None:
    analyst = team.members[Role.DATA_ANALYST]
    config = alerts.analytics_settings_save(
        actor=analyst, workspace=team.workspace, alert_email=False, alert_webhook_url="https://hooks.example/x",
        alert_webhook_secret="s3cret-value", anomaly_threshold=4,
    )  # fmt: skip
    event = AuditEvent.objects.get(action="analytics.settings", object_id=str(config.pk))
    assert event.actor == analyst and event.workspace == team.workspace
    assert event.before == {"alert_email": True, "webhook": False, "anomaly_threshold": 3.5}
    assert event.after == {"alert_email": False, "webhook": True, "anomaly_threshold": 4}
    assert "s3cret-value" not in str(event.before) + str(event.after)


def test_settings_without_their_audit_record_are_not_kept(team: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _audit_fails(monkeypatch, alerts)
    with pytest.raises(AuditDown):
        alerts.analytics_settings_save(
            actor=team.members[Role.DATA_ANALYST], workspace=team.workspace, alert_email=False, anomaly_threshold=4
        )
    assert not AnalyticsSettings.objects.filter(workspace=team.workspace, alert_email=False).exists()


def _failed_import(team: Any) -> Import:
    sources.sources_ensure(team.workspace)
    imp = imports.import_start(
        actor=team.members[Role.DATA_ANALYST],
        workspace=team.workspace,
        source=DataSource.objects.get(workspace=team.workspace, key="meta_ads"),
        upload=io.BytesIO(b"nothing,useful\n1,2\n"),
        name="broken.csv",
        run_now=True,
    )
    assert imp.status == Import.Status.FAILED, imp.report
    return imp


def test_trying_an_import_again_is_audited(team: Any, warehouse_url: str) -> None:
    imp = _failed_import(team)
    analyst = team.members[Role.DATA_ANALYST]
    imports.import_retry(actor=analyst, imp=imp)
    event = AuditEvent.objects.get(action="analytics.import_retry", object_id=str(imp.pk))
    assert event.actor == analyst and event.workspace == team.workspace
    assert event.before == {"status": "failed"}


def test_a_retry_without_its_audit_record_is_not_kept(team: Any, warehouse_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    imp = _failed_import(team)
    _audit_fails(monkeypatch, imports)
    with pytest.raises(AuditDown):
        imports.import_retry(actor=team.members[Role.DATA_ANALYST], imp=imp)
    imp.refresh_from_db()
    assert imp.status == Import.Status.FAILED


def test_a_retry_of_an_import_no_longer_failed_is_refused(team: Any, warehouse_url: str) -> None:
    imp = _failed_import(team)
    stale = Import.objects.get(pk=imp.pk)
    Import.objects.filter(pk=imp.pk).update(status=Import.Status.QUEUED)  # someone else already retried it
    with pytest.raises(Exception, match="failed import"):
        imports.import_retry(actor=team.members[Role.DATA_ANALYST], imp=stale)
    assert not AuditEvent.objects.filter(action="analytics.import_retry").exists()
