"""Imports through the service: a Google Ads report lands in the warehouse, validated, all-or-nothing and
idempotent, on the engine of the run (DuckDB, or PostgreSQL on the PostgreSQL run)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from alur.accounts.models import Workspace
from alur.analytics.models import DataSource, Import
from alur.analytics.selectors import dashboards, facts
from alur.analytics.services import imports, sources
from alur.core.roles import Role
from tests.analytics.factrows import stored_facts

pytestmark = pytest.mark.django_db

GOOGLE_ADS = """Campaign report
"November 1, 2026 - November 3, 2026"
Day,Campaign,Campaign type,Currency code,Clicks,Impr.,CTR,Avg. CPC,Cost,Conversions,Conv. value
2026-11-01,Kopi Susu Search,Search,IDR,120,"4,000",3.00%,"1,250.00","150,000.00",6.00,"900,000.00"
2026-11-01,Kopi Susu Display,Display,IDR,30,"12,000",0.25%,"1,000.00","30,000.00",0.00,0.00
2026-11-02,Kopi Susu Search,Search,IDR,80,"4,000",2.00%,"1,500.00","120,000.00",4.00,"600,000.00"
Total: Account,--,--,IDR,230,"20,000",1.15%,"1,304.35","300,000.00",10.00,"1,500,000.00"
"""


def _facts(url: str) -> list[dict[str, Any]]:
    return [row for workspace in Workspace.objects.all() for row in stored_facts(workspace.pk)]


def _import(team: Any, text: str | bytes, source_key: str = "google_ads", name: str = "report.csv") -> Import:
    sources.sources_ensure(team.workspace)
    source = DataSource.objects.get(workspace=team.workspace, key=source_key)
    data = text.encode() if isinstance(text, str) else text
    return imports.import_start(
        actor=team.members[Role.DATA_ANALYST],
        workspace=team.workspace,
        source=source,
        upload=io.BytesIO(data),
        name=name,
        run_now=True,
    )


def test_a_google_ads_report_is_imported_without_its_totals(team: Any, warehouse_url: str) -> None:
    imp = _import(team, GOOGLE_ADS)
    assert imp.status == Import.Status.SUCCEEDED, imp.report
    assert imp.rows == 3
    assert str(imp.date_from) == "2026-11-01" and str(imp.date_to) == "2026-11-02"
    rows = _facts(warehouse_url)
    assert len(rows) == 3
    search = [r for r in rows if r["campaign"] == "Kopi Susu Search"]
    assert sum(r["clicks"] for r in search) == 200
    assert sum(float(r["spend"]) for r in rows) == 300_000.0
    assert {r["currency"] for r in rows} == {"IDR"}
    assert {r["workspace_id"] for r in rows} == {team.workspace.pk}
    assert "CTR" in imp.report["ignored_columns"]


def test_the_same_file_twice_changes_nothing(team: Any, warehouse_url: str) -> None:
    first = _import(team, GOOGLE_ADS)
    second = _import(team, GOOGLE_ADS)
    assert first.status == Import.Status.SUCCEEDED
    assert second.status == Import.Status.UNCHANGED
    assert len(_facts(warehouse_url)) == 3


def test_an_overlapping_export_replaces_the_days_it_covers(team: Any, warehouse_url: str) -> None:
    _import(team, GOOGLE_ADS)
    corrected = GOOGLE_ADS.replace("2026-11-02,Kopi Susu Search,Search,IDR,80", "2026-11-02,Kopi Susu Search,Search,IDR,90")
    imp = _import(team, corrected, name="corrected.csv")
    assert imp.status == Import.Status.SUCCEEDED
    assert imp.replaced == 3
    rows = _facts(warehouse_url)
    assert len(rows) == 3
    assert sum(r["clicks"] for r in rows) == 240


def test_a_bad_number_late_in_the_file_leaves_nothing_behind(team: Any, warehouse_url: str) -> None:
    lines = [GOOGLE_ADS.splitlines()[2]]
    for day in range(1, 29):
        lines.append(f'2026-11-{day:02d},Kopi Susu Search,Search,IDR,{day},1000,1%,1,"1,000.00",1,10')
    lines.append('2026-11-29,Kopi Susu Search,Search,IDR,12x,1000,1%,1,"1,000.00",1,10')
    imp = _import(team, "\n".join(lines) + "\n")
    assert imp.status == Import.Status.FAILED
    problems = imp.report["problems"]
    assert problems[0]["row"] == 30
    assert problems[0]["column"] == "Clicks"
    assert problems[0]["value"] == "12x"
    assert "Row 30" in problems[0]["message"]
    assert _facts(warehouse_url) == []


def test_a_row_repeated_word_for_word_is_stored_and_named_in_the_receipt(team: Any, warehouse_url: str) -> None:
    """Two paused ads with one name and all-zero figures are word-for-word alike in a real export: nothing is
    refused or dropped, and the receipt points at the rows in case one is an accidental copy."""
    lines = GOOGLE_ADS.splitlines()
    text = "\n".join([*lines[:4], lines[3], *lines[4:]]) + "\n"
    imp = _import(team, text)
    assert imp.status == Import.Status.SUCCEEDED, imp.report
    assert imp.rows == 4 and len(_facts(warehouse_url)) == 4
    codes = {w["code"]: w for w in imp.report["warnings"]}
    assert codes["identical_rows"]["params"]["rows"] == "4, 5"


def test_an_empty_file_is_refused_with_a_clear_message(team: Any, warehouse_url: str) -> None:
    sources.sources_ensure(team.workspace)
    source = DataSource.objects.get(workspace=team.workspace, key="google_ads")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="empty"):
        imports.import_start(
            actor=team.members[Role.DATA_ANALYST], workspace=team.workspace, source=source, upload=io.BytesIO(b""), name="x.csv"
        )


def test_a_creator_cannot_import(team: Any, warehouse_url: str) -> None:
    from django.core.exceptions import PermissionDenied

    sources.sources_ensure(team.workspace)
    source = DataSource.objects.get(workspace=team.workspace, key="google_ads")
    with pytest.raises(PermissionDenied):
        imports.import_start(
            actor=team.members[Role.CONTENT_CREATOR],
            workspace=team.workspace,
            source=source,
            upload=io.BytesIO(GOOGLE_ADS.encode()),
            name="x.csv",
        )


def test_kpis_per_channel_after_import(team: Any, warehouse_url: str) -> None:
    import datetime as dt

    _import(team, GOOGLE_ADS)
    window = facts.Filters(dt.date(2026, 11, 1), dt.date(2026, 11, 2), {})
    rows = {r["channel"]: r for r in dashboards.by_dimension(team.workspace.pk, window, "channel")}
    assert rows["Search"]["clicks"] == 200
    assert rows["Search"]["ctr"] == pytest.approx(200 / 8000 * 100)
    assert rows["Search"]["cpa"] == pytest.approx(270_000 / 10)
    assert rows["Display"]["cpa"] is None  # no conversions: "—", not an error


def test_api_metric_rows(team: Any, warehouse_url: str, make_token: Any) -> None:
    from django.test import Client

    _token, secret = make_token(team.members[Role.DATA_ANALYST], team.workspace, scope="write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = f"/api/v1/workspaces/{team.workspace.slug}/analytics/metrics"
    rows = [
        {"date": "2026-11-01", "channel": "instagram", "followers": 120, "engagements": 900, "currency": "IDR"},
        {"date": "2026-11-02", "channel": "instagram", "followers": 80, "engagements": 700, "currency": "IDR"},
    ]
    response = client.post(url, {"source": "meta_ads", "rows": rows}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["rows"] == 2
    bad = client.post(
        url, {"source": "meta_ads", "rows": [{"date": "2026-11-03", "followers": "banyak"}]}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert "banyak" in bad.json()["problems"][0]["message"]
    assert len(_facts(warehouse_url)) == 2
