"""Analytics tests use the root ``warehouse_url`` fixture (DuckDB on the SQLite run, PostgreSQL on the
PostgreSQL run); ``engine`` names the one in use. :func:`fact_table` gives the KPI engine's tests a table
of their own facts on DuckDB and, with ``ALUR_TEST_POSTGRES_URL`` set, on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pytest

from alur.analytics import warehouse

POSTGRES_URL = os.environ.get("ALUR_TEST_POSTGRES_URL", "")


@pytest.fixture
def engine(warehouse_url: str) -> str:
    return warehouse.engine_of(warehouse_url)


def fact_table(engine: str, rows: Sequence[dict[str, Any]]) -> Iterator[ir.Table]:
    """A fact table holding ``rows`` (missing columns are NULL) on ``engine`` ("duckdb" or "postgres"),
    dropped afterwards; a module-scoped fixture yields from it."""
    schema = warehouse.fact_schema().to_pyarrow()
    data = ibis.memtable(pa.Table.from_pylist([{name: row.get(name) for name in schema.names} for row in rows], schema=schema))
    if engine == "duckdb":
        con = ibis.duckdb.connect()
        con.create_table(warehouse.FACTS, schema=warehouse.fact_schema())  # as readers see it, campaign_id included
        con.insert(warehouse.FACTS, data)
        yield con.table(warehouse.FACTS)
        con.disconnect()
        return
    if not POSTGRES_URL:
        pytest.skip("Set ALUR_TEST_POSTGRES_URL to run the KPI engine on PostgreSQL too.")
    con = ibis.connect(POSTGRES_URL.replace("postgres://", "postgresql://", 1))
    name = f"kpi_test_{uuid.uuid4().hex[:12]}"
    con.create_table(name, schema=warehouse.fact_schema())
    try:
        con.insert(name, data)
        yield con.table(name)
    finally:
        con.drop_table(name)
        con.disconnect()
