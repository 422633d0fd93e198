"""The fact store: the newest import of a source wins for the days it covers, so daily and whole-period files of
the same source, account and days never both count; campaign mappings apply to facts already imported; a
stopped import is recovered or failed, never left running. On DuckDB (per-import Parquet files) and on
PostgreSQL (rows of performance_facts), by the run's engine."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from alur.analytics import factstore
from alur.analytics.models import DataSource, FactFile, Import
from alur.analytics.services import imports, sources
from alur.core.roles import Role
from tests.analytics.factrows import stored_facts

pytestmark = pytest.mark.django_db
D = dt.date

DAILY = """Campaign report
"November 1, 2026 - November 3, 2026"
Day,Campaign,Campaign type,Currency code,Clicks,Impr.,Cost
2026-11-01,Kopi Susu Search,Search,IDR,100,"4,000","150,000.00"
2026-11-02,Kopi Susu Search,Search,IDR,80,"3,000","120,000.00"
2026-11-03,Kopi Susu Search,Search,IDR,60,"2,000","90,000.00"
Total: Campaigns,--,--,IDR,240,"9,000","360,000.00"
"""

WHOLE = """Campaign report
"November 1, 2026 - November 30, 2026"
Campaign status,Campaign,Campaign type,Currency code,Clicks,Impr.,Cost
Enabled,Kopi Susu Search,Search,IDR,900,"30,000","1,350,000.00"
Total: Campaigns,--,--,IDR,900,"30,000","1,350,000.00"
"""


def _import(
    team: Any, text: str, name: str, *, source: str = "google_ads", period: tuple[dt.date, dt.date] | None = None
) -> Import:
    sources.sources_ensure(team.workspace)
    return imports.import_start(
        actor=team.members[Role.DATA_ANALYST],
        workspace=team.workspace,
        source=DataSource.objects.get(workspace=team.workspace, key=source),
        upload=io.BytesIO(text.encode()),
        name=name,
        run_now=True,
        period=period,
    )


def _clicks(team: Any) -> int:
    return sum(row["clicks"] for row in stored_facts(team.workspace.pk))


def test_a_whole_month_imported_after_its_days_replaces_them_and_never_counts_twice(team: Any, warehouse_url: str) -> None:
    daily = _import(team, DAILY, "days.csv")
    assert daily.status == Import.Status.SUCCEEDED and _clicks(team) == 240
    month = _import(team, WHOLE, "month.csv")
    assert month.status == Import.Status.SUCCEEDED, month.report
    assert month.replaced == 3
    rows = stored_facts(team.workspace.pk)
    assert [(r["date"], r["date_end"], r["clicks"]) for r in rows] == [(D(2026, 11, 1), D(2026, 11, 30), 900)]
    assert any(w["code"] == "replaced_earlier" for w in month.report["warnings"])


def test_days_imported_after_a_whole_period_replace_it_and_say_which_days_are_no_longer_counted(
    team: Any, warehouse_url: str
) -> None:
    _import(team, WHOLE, "month.csv")
    days = _import(team, DAILY, "days.csv")
    assert days.status == Import.Status.SUCCEEDED
    assert _clicks(team) == 240  # the month is gone whole: never 900 + 240
    lost = [w for w in days.report["warnings"] if w["code"] == "replaced_period"]
    assert lost and lost[0]["params"]["file"] == "month.csv" and "2026-11-30" in lost[0]["params"]["period"]


def test_other_sources_and_accounts_are_never_replaced(team: Any, warehouse_url: str) -> None:
    _import(team, DAILY, "days.csv")
    sources.sources_ensure(team.workspace)
    DataSource.objects.filter(workspace=team.workspace, key="google_ads").update(account="Toko Kedua")
    _import(team, WHOLE, "other-account.csv")
    assert _clicks(team) == 240 + 900
    tiktok = '="Nama kampanye"\t="Biaya"\t="Jumlah klik iklan produk"\t="Mata uang"\n="A"\t="10000.000"\t="5"\t="IDR"\n'
    imp = _import(team, tiktok, "tiktok.tsv", source="tiktok_ads", period=(D(2026, 11, 1), D(2026, 11, 30)))
    assert imp.status == Import.Status.SUCCEEDED, imp.report
    assert _clicks(team) == 240 + 900 + 5


def test_the_same_file_with_another_period_is_a_new_import(team: Any, warehouse_url: str) -> None:
    tiktok = '="Nama kampanye"\t="Biaya"\t="Jumlah klik iklan produk"\t="Mata uang"\n="A"\t="10000.000"\t="5"\t="IDR"\n'
    first = _import(team, tiktok, "t.tsv", source="tiktok_ads", period=(D(2026, 10, 1), D(2026, 10, 31)))
    second = _import(team, tiktok, "t.tsv", source="tiktok_ads", period=(D(2026, 11, 1), D(2026, 11, 30)))
    again = _import(team, tiktok, "t.tsv", source="tiktok_ads", period=(D(2026, 11, 1), D(2026, 11, 30)))
    assert (first.status, second.status, again.status) == ("succeeded", "succeeded", "unchanged")
    assert _clicks(team) == 10


def test_a_file_without_dates_and_without_a_period_is_refused_in_the_readers_words(team: Any, warehouse_url: str) -> None:
    tiktok = '="Nama kampanye"\t="Biaya"\t="Mata uang"\n="A"\t="10000.000"\t="IDR"\n'
    imp = _import(team, tiktok, "Laporan produk.tsv", source="tiktok_ads")
    assert imp.status == Import.Status.FAILED
    problem = imp.report["problems"][0]
    assert problem["code"] == "period_missing" and problem["params"]["file"] == "Laporan produk.tsv"
    assert stored_facts(team.workspace.pk) == []


def test_a_campaign_mapping_applies_to_facts_already_imported(team: Any, warehouse_url: str) -> None:
    from alur.campaigns.services import campaign_create

    _import(team, DAILY, "days.csv")
    manager = team.members[Role.MANAGER]
    campaign = campaign_create(actor=manager, workspace=team.workspace, name="Peluncuran", owner=manager)
    assert {r["campaign_id"] for r in stored_facts(team.workspace.pk)} == {None}
    sources.campaign_mapping_set(
        actor=team.members[Role.DATA_ANALYST], workspace=team.workspace, platform_campaign="kopi susu search", campaign=campaign
    )
    assert {r["campaign_id"] for r in stored_facts(team.workspace.pk)} == {campaign.pk}


def test_an_import_whose_worker_stopped_is_tried_once_more_then_failed_with_a_reason(
    team: Any, warehouse_url: str, django_capture_on_commit_callbacks: Any
) -> None:
    imp = _import(team, DAILY, "days.csv")
    stale = timezone.now() - dt.timedelta(hours=1)
    Import.objects.filter(pk=imp.pk).update(status=Import.Status.RUNNING, heartbeat_at=stale, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert imports.imports_recover() == 1
    imp.refresh_from_db()
    assert imp.status == Import.Status.SUCCEEDED  # queued again; the test settings run tasks at once
    Import.objects.filter(pk=imp.pk).update(status=Import.Status.RUNNING, heartbeat_at=stale, attempts=2)
    assert imports.imports_recover() == 1
    imp.refresh_from_db()
    assert imp.status == Import.Status.FAILED
    assert imp.report["problems"][0]["code"] == "worker_lost"


def test_retired_fact_files_are_deleted_after_their_grace_period(team: Any, warehouse_url: str) -> None:
    directory = factstore.fact_dir()
    if directory is None:
        pytest.skip("fact files exist on the DuckDB warehouse only; PostgreSQL keeps rows")
    _import(team, DAILY, "days.csv")
    _import(team, WHOLE, "month.csv")
    retired = FactFile.objects.get(retired_at__isnull=False)
    assert (directory / retired.path).exists()  # a page that listed it a moment ago may still read it
    FactFile.objects.filter(pk=retired.pk).update(retired_at=timezone.now() - dt.timedelta(hours=2))
    assert factstore.sweep() == 1
    assert not (directory / retired.path).exists()
    assert Decimal(str(stored_facts(team.workspace.pk)[0]["spend"])) == Decimal("1350000")


GA4_TRAFFIC = """# ----------------------------------------
# Traffic acquisition: Session primary channel group (Default Channel Group)
# Start date: 20261101
# End date: 20261130
Session primary channel group (Default channel group),Sessions,Engaged sessions,Key events,Total revenue
Organic Search,1200,700,30,4500000
Paid Social,800,300,12,1800000
"""

GA4_EVENTS = """# ----------------------------------------
# Events: Event name
# Start date: 20261101
# End date: 20261130
Event name,Event count,Total users,Total revenue
purchase,42,40,6300000
page_view,9000,2000,0
"""


def test_another_kind_of_report_of_the_same_days_says_which_figures_it_no_longer_counts(team: Any, warehouse_url: str) -> None:
    """GA4's traffic and events reports of one property and month replace each other in one source (counting both
    would count the revenue twice): the receipt says the sessions are gone and how to keep both."""
    traffic = _import(team, GA4_TRAFFIC, "Traffic_acquisition.csv", source="ga4")
    assert traffic.status == Import.Status.SUCCEEDED, traffic.report
    events = _import(team, GA4_EVENTS, "Events_Event_name.csv", source="ga4")
    assert events.status == Import.Status.SUCCEEDED, events.report
    lost = next(w for w in events.report["warnings"] if w["code"] == "replaced_metrics")
    assert lost["params"]["file"] == "Traffic_acquisition.csv"
    assert {"sessions", "engaged_sessions", "conversions"} <= set(lost["params"]["fields"])
    assert sum(r["sessions"] or 0 for r in stored_facts(team.workspace.pk)) == 0


def test_facts_an_older_installation_kept_in_the_warehouse_table_move_into_fact_files(team: Any, warehouse_url: str) -> None:
    """Before fact files, a DuckDB warehouse kept the facts in its performance_facts table: the periodic sweep moves
    them, per import, so an upgraded installation still shows them."""
    from alur.analytics import warehouse

    if factstore.fact_dir() is None:
        pytest.skip("fact files exist on the DuckDB warehouse only; PostgreSQL keeps rows")
    sources.sources_ensure(team.workspace)
    source = DataSource.objects.get(workspace=team.workspace, key="google_ads")
    imp = Import.objects.create(
        workspace=team.workspace, source=source, original_name="old.csv", sha256="x", created_by=team.members[Role.MANAGER],
        status=Import.Status.SUCCEEDED, rows=2,
    )  # fmt: skip
    with warehouse.session(warehouse_url) as con:
        con.raw_sql(
            f"INSERT INTO {warehouse.FACTS} (workspace_id, date, date_end, source, account, channel, campaign, currency, "
            f"clicks, spend, import_id) VALUES ({team.workspace.pk}, DATE '2026-10-01', DATE '2026-10-01', 'google_ads', '', "
            f"'Search', 'Kopi', 'IDR', 10, 1000, {imp.pk}), ({team.workspace.pk}, DATE '2026-10-02', DATE '2026-10-02', "
            f"'google_ads', '', 'Search', 'Kopi', 'IDR', 5, 500, {imp.pk})"
        )
    assert factstore.adopt_table_facts() == 2
    assert factstore.adopt_table_facts() == 0  # moved once
    assert sorted((r["date"], r["clicks"]) for r in stored_facts(team.workspace.pk)) == [
        (D(2026, 10, 1), 10),
        (D(2026, 10, 2), 5),
    ]
