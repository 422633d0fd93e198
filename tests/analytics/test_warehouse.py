"""The warehouse through Ibis on DuckDB: tables created once, sums computed in the engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis

from alur.analytics import warehouse


def test_tables_are_created_once_and_aggregation_runs_in_the_engine(tmp_path: Path) -> None:
    url = f"duckdb://{tmp_path / 'wh.duckdb'}"
    with warehouse.session(url) as con:
        _check(con)
    with warehouse.session(url) as reopened:
        assert reopened.table(warehouse.FACTS).count().execute() == 3


def _check(con: Any) -> None:
    assert {warehouse.FACTS, warehouse.TOUCHPOINTS} <= set(con.list_tables())
    warehouse.ensure_schema(con)  # a second time changes nothing
    rows = ibis.memtable(
        {
            "workspace_id": [1, 1, 1],
            "date": [dt.date(2026, 11, 1), dt.date(2026, 11, 2), dt.date(2026, 11, 2)],
            "source": ["google_ads"] * 3,
            "channel": ["search", "search", "display"],
            "currency": ["IDR"] * 3,
            "impressions": [1000, 3000, 500],
            "clicks": [10, 60, 1],
            "spend": [Decimal("100000"), Decimal("240000"), Decimal("5000")],
        }
    )
    facts = con.table(warehouse.FACTS)
    con.insert(warehouse.FACTS, rows.select(**{c: rows[c].cast(facts.schema()[c]) for c in rows.columns}))
    by_channel = (
        facts.group_by("channel")
        .aggregate(impressions=facts.impressions.sum(), clicks=facts.clicks.sum(), spend=facts.spend.sum())
        .mutate(ctr=lambda t: t.clicks / t.impressions)
        .order_by("channel")
        .to_pyarrow()
        .to_pylist()
    )
    assert by_channel[1]["channel"] == "search" and by_channel[1]["clicks"] == 70
    assert abs(by_channel[1]["ctr"] - 70 / 4000) < 1e-12  # sum over sum, not the mean of 1% and 2%
