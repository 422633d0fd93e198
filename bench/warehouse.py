"""Warehouse benchmark: importing a large Google-Ads-style CSV, a KPI rollup over many fact rows, and the
performance dashboard while an import writes.

Prints one table:

* import — Alur's importer (read, parse every number and date, check every cell, add up the receipt, write the
  Parquet fact file) against DuckDB's own ``read_csv`` of the same file into a table (the floor; goal ≤ 2×) and
  ``pandas.read_csv`` (the peer);
* rollup — a KPI rollup (spend, clicks, CTR, CPC, CPA, ROAS per channel and month, ratios as sum over sum) through
  :func:`alur.analytics.kpis.rollup` over Parquet fact files, against the same query written by hand in DuckDB SQL;
* dashboard — the p95 of the performance dashboard page (a signed-in manager, Django's test client, over a
  workspace with ``--dashboard-rows`` daily facts) while the worker (``alur worker``, another process, as in
  production) imports an uploaded ``--during-rows`` file, against its p95 when idle (goal ≤ 2×). Runs against a
  fresh SQLite app database and DuckDB warehouse in the bench directory.

Usage: ``python bench/warehouse.py [--rows 10000000] [--facts 50000000] [--dashboard-rows 1000000]
[--during-rows 5000000] [--dir /tmp/alur-bench] [--only import,rollup,dashboard]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import ibis

from alur.analytics import kpis
from alur.analytics.imports.run import ImportSpec, run_import


def write_csv(path: Path, rows: int, *, first_day: str = "2016-01-01") -> None:
    """A Google Ads campaign report by day: title and date-range lines, then ``rows`` data rows."""
    body = path.with_suffix(".body.csv")
    duckdb.sql(
        f"""COPY (
            SELECT DATE '{first_day}' + (i % 3650)::INTEGER AS "Day",
                   'Campaign ' || (i // 3650) AS "Campaign",
                   CASE i % 3 WHEN 0 THEN 'Search' WHEN 1 THEN 'Display' ELSE 'Video' END AS "Campaign type",
                   'IDR' AS "Currency code",
                   (i % 97)::BIGINT AS "Clicks",
                   (1000 + i % 5000)::BIGINT AS "Impr.",
                   round((i % 97) * 1234.5, 2) AS "Cost",
                   round((i % 7) * 0.5, 2) AS "Conversions",
                   round((i % 7) * 150000.0, 2) AS "Conv. value"
            FROM range({rows}) t(i)
        ) TO '{body}' (HEADER, DELIMITER ',')"""
    )
    with path.open("w", encoding="utf-8") as out:
        out.write('Campaign report\n"January 1, 2016 - December 29, 2025"\n')
    with path.open("ab") as out, body.open("rb") as source:
        shutil.copyfileobj(source, out, 1 << 22)
    body.unlink()


def timed(function: object) -> float:
    start = time.perf_counter()
    function()  # type: ignore[operator]
    return time.perf_counter() - start


def bench_import(directory: Path, rows: int) -> list[tuple[str, int, float]]:
    csv_path = directory / "google_ads_big.csv"
    write_csv(csv_path, rows)

    def floor() -> None:
        con = duckdb.connect()
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv_path}', skip=2)")
        con.close()

    def peer() -> None:
        import pandas as pd

        pd.read_csv(csv_path, skiprows=2)

    def ours() -> None:
        spec = ImportSpec(
            workspace_id=1, source="google_ads", import_id=1, display_name=csv_path.name, format_key="google_ads",
            workspace_currency="IDR",
        )  # fmt: skip
        result = run_import(csv_path, spec, output=directory / "facts.parquet")
        assert result.rows == rows, result

    results = [("import: DuckDB read_csv (floor)", rows, timed(floor))]
    results.append(("import: pandas.read_csv (peer)", rows, timed(peer)))
    results.append(("import: Alur importer", rows, timed(ours)))
    return results


def bench_rollup(directory: Path, facts: int) -> list[tuple[str, int, float]]:
    """Facts in a Parquet file as an import writes them, read as the dashboards read them (an in-memory
    DuckDB over the file, the campaign map joined)."""
    path = directory / "rollup.parquet"
    duckdb.sql(
        f"""COPY (SELECT 1::BIGINT AS workspace_id, DATE '2024-01-01' + (i % 730)::INTEGER AS date,
                   DATE '2024-01-01' + (i % 730)::INTEGER AS date_end, 'google_ads' AS source, '' AS account,
                   'channel ' || (i % 8) AS channel, 'Campaign ' || (i % 500) AS campaign, 'IDR' AS currency,
                   (1000 + i % 5000)::BIGINT AS impressions, (i % 97)::BIGINT AS clicks,
                   ((i % 97) * 1234.5)::DECIMAL(18,4) AS spend, ((i % 7) * 0.5)::DECIMAL(18,4) AS conversions,
                   ((i % 7) * 150000.0)::DECIMAL(18,4) AS conversion_value, 1::BIGINT AS import_id
            FROM range({facts}) t(i)) TO '{path}' (FORMAT parquet)"""
    )
    con = ibis.duckdb.connect()
    table = con.read_parquet(str(path), table_name="facts")
    campaigns = ibis.memtable({"campaign_key": ["campaign 1"], "campaign_id": [1]})
    table = table.left_join(campaigns, table.campaign.lower() == campaigns.campaign_key).drop("campaign_key")
    expr = kpis.rollup(table, ["spend", "clicks", "ctr", "cpc", "cpa", "roas"], by=["channel"], grain="month")
    hand = f"""
        SELECT channel, currency, date_trunc('month', date) AS period, sum(spend) AS spend, sum(clicks) AS clicks,
               sum(clicks) * 100.0 / nullif(sum(impressions), 0) AS ctr, sum(spend) / nullif(sum(clicks), 0) AS cpc,
               sum(spend) / nullif(sum(conversions), 0) AS cpa, sum(conversion_value) / nullif(sum(spend), 0) AS roas
        FROM read_parquet('{path}') WHERE workspace_id = 1 AND currency IS NOT NULL
        GROUP BY channel, currency, period ORDER BY channel, currency, period"""
    raw = duckdb.connect()
    ours_rows: list[object] = []
    hand_rows: list[object] = []
    results = [("rollup: hand-written DuckDB SQL", facts, timed(lambda: hand_rows.extend(raw.execute(hand).fetchall())))]
    results.append(("rollup: kpis.rollup through Ibis", facts, timed(lambda: ours_rows.extend(expr.to_pyarrow().to_pylist()))))
    assert len(ours_rows) == len(hand_rows), (len(ours_rows), len(hand_rows))
    con.disconnect()
    return results


THINK_SECONDS = 0.25  # between two dashboard requests: people read a page before the next one


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def bench_dashboard(directory: Path, base_rows: int, during_rows: int, samples: int = 40) -> list[tuple[str, int, float]]:
    """The dashboard's p95 idle and while another process imports ``during_rows`` rows (see the module docstring)."""
    app = directory / "app"
    app.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "ALUR_DATA_DIR": str(app),
            "DJANGO_SETTINGS_MODULE": "alur.config.settings",
            "SECRET_KEY": "bench-" + "x" * 40,
            "ALLOWED_HOSTS": "testserver,localhost",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from alur.accounts import services as accounts

    call_command("migrate", verbosity=0)
    manager = accounts.user_create(email="bench@example.id", password="bench-password-1", full_name="Bench")
    workspace = accounts.workspace_create(actor=manager, name="Bench", slug="bench")
    base = directory / "base.csv"
    write_csv(base, base_rows)
    cli = [sys.executable, "-m", "alur.config.cli", "import", "--workspace", "bench", "--source", "google_ads"]
    subprocess.run([*cli, str(base)], check=True, stdout=subprocess.DEVNULL)
    during = directory / "during.csv"
    write_csv(during, during_rows, first_day="2030-01-01")
    from alur.analytics.models import DataSource, Import
    from alur.analytics.services import imports, sources

    sources.sources_ensure(workspace)
    source = DataSource.objects.get(workspace=workspace, key="google_ads")
    client = Client()
    client.force_login(manager)
    url = f"/w/{workspace.slug}/analytics/?start=2024-01-01&end=2025-12-31"

    def request() -> float:
        start = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return time.perf_counter() - start

    request()  # warm the caches a first visitor would have warmed
    idle = []
    for _ in range(samples):
        idle.append(request())
        time.sleep(THINK_SECONDS)
    with during.open("rb") as upload:  # queued for the worker, as an upload from the page is
        queued = imports.import_start(actor=manager, workspace=workspace, source=source, upload=upload, name=during.name)
    worker = subprocess.Popen([sys.executable, "-m", "alur.config.cli", "worker", "--batch"], stdout=subprocess.DEVNULL)
    busy: list[float] = []
    while worker.poll() is None:
        busy.append(request())
        time.sleep(THINK_SECONDS)
    assert worker.returncode == 0, worker.returncode
    queued.refresh_from_db()
    assert queued.status == Import.Status.SUCCEEDED, queued.report
    return [
        ("dashboard: p95 idle", base_rows, _p95(idle)),
        (f"dashboard: p95 during a {during_rows:,}-row import", len(busy), _p95(busy)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--facts", type=int, default=50_000_000)
    parser.add_argument("--dashboard-rows", type=int, default=1_000_000)
    parser.add_argument("--during-rows", type=int, default=5_000_000)
    parser.add_argument("--only", default="import,rollup,dashboard", help="comma-separated parts to run")
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    parts = set(args.only.split(","))
    directory = args.dir or Path(tempfile.mkdtemp(prefix="alur-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    print(f"ibis {ibis.__version__}, duckdb {duckdb.__version__}; files in {directory}")
    groups = []
    if "import" in parts:
        groups.append(bench_import(directory, args.rows))
    if "rollup" in parts:
        groups.append(bench_rollup(directory, args.facts))
    if "dashboard" in parts:
        groups.append(bench_dashboard(directory, args.dashboard_rows, args.during_rows))
    print(f"{'what':<46} {'rows':>12} {'seconds':>9} {'rows/s':>12} {'ratio':>7}")
    for group in groups:
        reference = group[0][2]
        for name, count, seconds in group:
            print(f"{name:<46} {count:>12,} {seconds:>9.3f} {count / seconds:>12,.0f} {seconds / reference:>7.2f}")
    shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
