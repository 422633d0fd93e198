"""Analytics tests run against the warehouse engine that matches the suite's database: DuckDB on the SQLite
run, PostgreSQL (the ``test`` database's ``performance_facts``) on the PostgreSQL run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from alur.analytics import warehouse


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return os.environ.get("ALUR_TEST_POSTGRES_URL") or url
    return None


@pytest.fixture
def warehouse_url(settings: object, tmp_path: Path) -> Iterator[str]:
    url = _postgres_url() or f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    with warehouse.session(url) as con:
        con.raw_sql(f"DELETE FROM {warehouse.FACTS}")
        con.raw_sql(f"DELETE FROM {warehouse.TOUCHPOINTS}")
    settings.WAREHOUSE_URL = url  # type: ignore[attr-defined]
    yield url


@pytest.fixture
def engine(warehouse_url: str) -> str:
    return warehouse.engine_of(warehouse_url)
