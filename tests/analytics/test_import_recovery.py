"""The periodic sweep leaves no import waiting for good: a running import whose worker went silent (with or
without a heartbeat) is queued again, then failed with a reason; a queued import whose task never ran is
queued again a few times, then failed with a reason."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone

from alur.analytics.models import DataSource, Import
from alur.analytics.services import imports, sources
from alur.core import periodic
from alur.core.roles import Role

pytestmark = pytest.mark.django_db

DAILY = "Day,Campaign,Cost,Clicks,Impressions,Currency code\n2026-11-01,kopi susu search,10000,5,100,IDR\n"
AN_HOUR_AGO = dt.timedelta(hours=1)


def _queued(team: Any) -> Import:
    """An upload whose task was never picked up (the test's transaction never commits, so it is not run)."""
    sources.sources_ensure(team.workspace)
    imp = imports.import_start(
        actor=team.members[Role.DATA_ANALYST],
        workspace=team.workspace,
        source=DataSource.objects.get(workspace=team.workspace, key="google_ads"),
        upload=io.BytesIO(DAILY.encode()),
        name="days.csv",
    )
    assert imp.status == Import.Status.QUEUED
    return imp


def test_a_running_import_without_any_heartbeat_is_recovered(
    team: Any, warehouse_url: str, django_capture_on_commit_callbacks: Any
) -> None:
    imp = _queued(team)
    Import.objects.filter(pk=imp.pk).update(
        status=Import.Status.RUNNING, heartbeat_at=None, started_at=timezone.now() - AN_HOUR_AGO, attempts=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert imports.imports_recover() == 1
    imp.refresh_from_db()
    assert imp.status == Import.Status.SUCCEEDED, imp.report  # queued again; the test settings run tasks at once


def test_a_queued_import_whose_task_never_ran_is_queued_again_and_runs(
    team: Any, warehouse_url: str, django_capture_on_commit_callbacks: Any
) -> None:
    imp = _queued(team)
    assert imports.imports_recover() == 0  # just uploaded: the worker may simply be busy
    Import.objects.filter(pk=imp.pk).update(created_at=timezone.now() - AN_HOUR_AGO)
    with django_capture_on_commit_callbacks(execute=True):
        assert periodic.run_all()["analytics_imports_recover"] == 1  # the registered sweep does it
    imp.refresh_from_db()
    assert imp.status == Import.Status.SUCCEEDED, imp.report


def test_a_queued_import_no_worker_ever_takes_is_failed_with_a_reason(team: Any, warehouse_url: str) -> None:
    imp = _queued(team)
    for _ in range(imports.MAX_REQUEUES):
        Import.objects.filter(pk=imp.pk).update(
            created_at=timezone.now() - AN_HOUR_AGO, heartbeat_at=timezone.now() - AN_HOUR_AGO
        )
        assert imports.imports_recover() == 1  # queued again (the task is not run: nothing commits here)
        imp.refresh_from_db()
        assert imp.status == Import.Status.QUEUED
        assert imports.imports_recover() == 0  # and left alone until it has waited long enough again
    Import.objects.filter(pk=imp.pk).update(heartbeat_at=timezone.now() - AN_HOUR_AGO)
    assert imports.imports_recover() == 1
    imp.refresh_from_db()
    assert imp.status == Import.Status.FAILED and imp.finished_at is not None
    assert [p["code"] for p in imp.report["problems"]] == ["never_started"]
