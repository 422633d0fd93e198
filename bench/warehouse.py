"""Warehouse benchmark: importing a large Google-Ads-style CSV, and a KPI rollup over many fact rows.

Prints one table:

* import — rows/second of Alur's importer (read, parse every number and date in the engine, validate, replace
  in the warehouse) against DuckDB's own ``read_csv`` of the same file into a table (the floor) and
  ``pandas.read_csv`` (the peer);
* rollup — a KPI rollup (spend, clicks, CTR, CPC, CPA, ROAS per channel and month, ratios as sum over sum) through
  :func:`alur.analytics.kpis.rollup` against the same query written by hand in DuckDB SQL.

Usage: ``python bench/warehouse.py [--rows 10000000] [--facts 50000000] [--dir /tmp/alur-bench]``. The goal
is to stay within 1.25× of the floor.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
import ibis

from alur.analytics import importing, kpis, warehouse


def write_csv(path: Path, rows: int) -> None:
    """A Google Ads campaign report by day: title and date-range lines, then ``rows`` data rows."""
    body = path.with_suffix(".body.csv")
    duckdb.sql(
        f"""COPY (
            SELECT DATE '2016-01-01' + (i % 3650)::INTEGER AS "Day",
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
        url = f"duckdb://{directory / 'warehouse.duckdb'}"
        spec = importing.ImportSpec(
            workspace_id=1, source="google_ads", import_id=1, format_key="google_ads", default_currency="IDR"
        )
        result = importing.run_import(csv_path, spec, warehouse_url=url)
        assert result.rows == rows, result

    results = [("import: DuckDB read_csv (floor)", rows, timed(floor))]
    results.append(("import: pandas.read_csv (peer)", rows, timed(peer)))
    results.append(("import: Alur importer", rows, timed(ours)))
    return results


def bench_rollup(directory: Path, facts: int) -> list[tuple[str, int, float]]:
    url = f"duckdb://{directory / 'rollup.duckdb'}"
    with warehouse.session(url) as con:
        raw = con.con  # type: ignore[attr-defined]
        raw.execute(f"DELETE FROM {warehouse.FACTS}")
        raw.execute(
            f"""INSERT INTO {warehouse.FACTS} (workspace_id, date, date_end, source, account, channel, campaign, currency,
                    impressions, clicks, spend, conversions, conversion_value)
                SELECT 1, DATE '2024-01-01' + (i % 730)::INTEGER, DATE '2024-01-01' + (i % 730)::INTEGER, 'google_ads', '',
                       'channel ' || (i % 8),
                       'Campaign ' || (i % 500), 'IDR', 1000 + i % 5000, i % 97, (i % 97) * 1234.5, (i % 7) * 0.5,
                       (i % 7) * 150000.0
                FROM range({facts}) t(i)"""
        )
        table = con.table(warehouse.FACTS)
        expr = kpis.rollup(
            table.filter(table.workspace_id == 1), ["spend", "clicks", "ctr", "cpc", "cpa", "roas"], by=["channel"], grain="month"
        )
        hand = f"""
            SELECT channel, currency, date_trunc('month', date) AS period, sum(spend) AS spend, sum(clicks) AS clicks,
                   sum(clicks) * 100.0 / nullif(sum(impressions), 0) AS ctr, sum(spend) / nullif(sum(clicks), 0) AS cpc,
                   sum(spend) / nullif(sum(conversions), 0) AS cpa, sum(conversion_value) / nullif(sum(spend), 0) AS roas
            FROM {warehouse.FACTS} WHERE workspace_id = 1 AND currency IS NOT NULL
            GROUP BY channel, currency, period ORDER BY channel, currency, period"""
        ours_rows: list[object] = []
        hand_rows: list[object] = []
        results = [("rollup: hand-written DuckDB SQL", facts, timed(lambda: hand_rows.extend(raw.execute(hand).fetchall())))]
        results.append(
            ("rollup: kpis.rollup through Ibis", facts, timed(lambda: ours_rows.extend(expr.to_pyarrow().to_pylist())))
        )
        assert len(ours_rows) == len(hand_rows), (len(ours_rows), len(hand_rows))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--facts", type=int, default=50_000_000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="alur-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    print(f"ibis {ibis.__version__}, duckdb {duckdb.__version__}; files in {directory}")
    rows = bench_import(directory, args.rows) + bench_rollup(directory, args.facts)
    floors = {"import": rows[0][2], "rollup": rows[3][2]}
    print(f"{'what':<38} {'rows':>12} {'seconds':>9} {'rows/s':>12} {'ratio':>7}")
    for name, count, seconds in rows:
        ratio = seconds / floors[name.split(":")[0]]
        print(f"{name:<38} {count:>12,} {seconds:>9.2f} {count / seconds:>12,.0f} {ratio:>7.2f}")
    shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
