"""Analytics tests use the root ``warehouse_url`` fixture (DuckDB on the SQLite run, PostgreSQL on the
PostgreSQL run); ``engine`` names the one in use."""

from __future__ import annotations

import pytest

from alur.analytics import warehouse


@pytest.fixture
def engine(warehouse_url: str) -> str:
    return warehouse.engine_of(warehouse_url)
