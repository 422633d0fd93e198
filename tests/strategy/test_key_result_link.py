"""Linking a key result to a KPI writes the link and its audit record together, or neither."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from alur.analytics.models import KeyResultMetric
from alur.analytics.services import keyresults
from alur.core.models import AuditEvent
from alur.core.roles import Role
from alur.strategy import services
from alur.strategy.models import KeyResult, Objective
from tests.conftest import Team


@pytest.fixture
def key_result(team: Team, objective: Objective) -> KeyResult:
    return services.key_result_create(
        actor=team.user(Role.STRATEGIST),
        objective=objective,
        title="Meningkatkan kunjungan website sebesar 50% dalam 6 bulan",
        metric="Sesi website",
        unit="sesi",
        direction="increase_to",
        start_value="10000",
        target_change_percent="50",
        deadline=dt.date(2026, 12, 31),
        owner=team.user(Role.STRATEGIST),
    )


class AuditDown(Exception):
    pass


def _failing_audit(*args: Any, **kwargs: Any) -> None:
    raise AuditDown


def test_a_link_whose_audit_fails_is_not_kept(team: Team, key_result: KeyResult, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyresults, "audit_record", _failing_audit)
    with pytest.raises(AuditDown):
        keyresults.key_result_link(actor=team.user(Role.STRATEGIST), key_result=key_result, kpi="sessions")
    assert not KeyResultMetric.objects.exists()


def test_an_unlink_whose_audit_fails_keeps_the_link(
    team: Team, key_result: KeyResult, warehouse_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    strategist = team.user(Role.STRATEGIST)
    keyresults.key_result_link(actor=strategist, key_result=key_result, kpi="sessions", mode="trailing_30")
    monkeypatch.setattr(keyresults, "audit_record", _failing_audit)
    with pytest.raises(AuditDown):
        keyresults.key_result_link(actor=strategist, key_result=key_result, kpi="")
    assert KeyResultMetric.objects.filter(key_result=key_result, kpi="sessions").exists()


def test_relinking_records_what_the_link_was(team: Team, key_result: KeyResult, warehouse_url: str) -> None:
    strategist = team.user(Role.STRATEGIST)
    keyresults.key_result_link(actor=strategist, key_result=key_result, kpi="sessions", mode="trailing_30")
    keyresults.key_result_link(actor=strategist, key_result=key_result, kpi="clicks", mode="period")
    last = AuditEvent.objects.filter(action="analytics.kr_link").latest("pk")
    assert last.before == {"kpi": "sessions", "mode": "trailing_30", "filters": {}}
    assert last.after == {"kpi": "clicks", "mode": "period", "filters": {}}
    keyresults.key_result_link(actor=strategist, key_result=key_result, kpi="")
    unlink = AuditEvent.objects.get(action="analytics.kr_unlink")
    assert unlink.before == {"kpi": "clicks", "mode": "period", "filters": {}}
    assert not KeyResultMetric.objects.exists()
