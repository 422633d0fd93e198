"""The analytics warehouse, reached through Ibis (https://ibis-project.org).

``WAREHOUSE_URL`` picks the engine: ``duckdb:///path/warehouse.duckdb`` (the default, a file beside the
app database), ``postgres://user:pass@host/db`` (Ibis's PostgreSQL backend), or any other URL Ibis knows
(``clickhouse://``, ``bigquery://``, ``pyspark://`` with their extras installed) for teams that outgrow
one machine. Heavy work — parsing, aggregation — is expressed as Ibis expressions and runs in that
engine; only results come back to Python.

The tables (created on first use, never dropped):

* ``performance_facts`` — one row per workspace, day (or whole period: ``date`` to ``date_end``), source
  and the dimensions a report carries (account, channel, campaign, ad set, ad, region, device) with the
  additive metrics. Ratios are never stored: they are computed as sum over sum (:mod:`alur.analytics.kpis`).
* ``journey_touchpoints`` — pseudonymous journeys for attribution (journey id is a keyed hash).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import ibis
import ibis.expr.datatypes as dt
from ibis.backends import BaseBackend

FACT_DIMENSIONS: Mapping[str, Any] = {
    "workspace_id": dt.int64,
    "date": dt.date,  # the day the fact covers, or the first day of its period
    "date_end": dt.date,  # the last day it covers (inclusive): equal to date for a daily fact
    "source": dt.string,  # google_ads, meta_ads, ga4, tiktok_ads, linkedin_ads, a generic source name
    "account": dt.string,
    "channel": dt.string,
    "campaign": dt.string,  # the campaign name as the platform reports it
    "campaign_id": dt.int64,  # the Alur campaign it maps to (mapping or UTM campaign), joined when read; null when unmapped
    "ad_set": dt.string,
    "ad": dt.string,
    "region": dt.string,
    "device": dt.string,
    "currency": dt.string,  # money is never summed across currencies
}
FACT_METRICS: Mapping[str, Any] = {
    "impressions": dt.int64,
    "reach": dt.int64,
    "clicks": dt.int64,
    "spend": dt.Decimal(18, 4),
    "conversions": dt.Decimal(18, 4),  # platforms report fractional (modelled) conversions
    "conversion_value": dt.Decimal(18, 4),
    "sessions": dt.int64,
    "engaged_sessions": dt.int64,
    "bounces": dt.int64,
    "new_users": dt.int64,  # GA4's new users: additive (a person is new once), unlike users
    "leads": dt.int64,
    "followers": dt.int64,
    "engagements": dt.int64,
    "mentions": dt.int64,
    "video_views": dt.int64,
}
FACT_BOOKKEEPING: Mapping[str, Any] = {"import_id": dt.int64}

TOUCHPOINT_COLUMNS: Mapping[str, Any] = {
    "workspace_id": dt.int64,
    "journey_id": dt.string,  # keyed hash: personal data is never stored raw
    "ts": dt.timestamp(timezone="UTC"),
    "channel": dt.string,
    "campaign": dt.string,
    "converted": dt.boolean,
    "value": dt.Decimal(18, 4),
    "import_id": dt.int64,
    "source": dt.string,  # the data source it came from (a newer file of the source replaces its time span)
}

FACTS = "performance_facts"
TOUCHPOINTS = "journey_touchpoints"

_lock = threading.Lock()
_schema_ready: set[str] = set()  # URLs whose tables this process has already made sure of


def fact_schema() -> ibis.Schema:
    """The facts as readers see them (``campaign_id`` joined in when reading: :mod:`alur.analytics.factstore`)."""
    return ibis.schema({**FACT_DIMENSIONS, **FACT_METRICS, **FACT_BOOKKEEPING})


def stored_fact_schema() -> ibis.Schema:
    """The facts as imports write them."""
    return ibis.schema({name: kind for name, kind in fact_schema().items() if name != "campaign_id"})


def touchpoint_schema() -> ibis.Schema:
    return ibis.schema(dict(TOUCHPOINT_COLUMNS))


def _open(url: str) -> BaseBackend:
    scheme = urlsplit(url).scheme
    if scheme == "duckdb":
        path = url.removeprefix("duckdb://")
        if path in ("", ":memory:"):
            return ibis.duckdb.connect()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return ibis.duckdb.connect(path)
    if scheme in ("postgres", "postgresql"):
        return ibis.connect(url.replace("postgres://", "postgresql://", 1))
    return ibis.connect(url)


def ensure_schema(connection: BaseBackend) -> None:
    """Create the warehouse tables that are missing; existing ones are left as they are."""
    existing = set(connection.list_tables())
    if FACTS not in existing:
        connection.create_table(FACTS, schema=stored_fact_schema())
    else:
        have = set(connection.table(FACTS).columns)
        for name, kind in stored_fact_schema().items():
            if name not in have:  # a column added since the warehouse was created (date_end, new_users)
                sql_type = (
                    "DECIMAL(18,4)"
                    if kind.is_decimal()
                    else "DATE"
                    if kind.is_date()
                    else "VARCHAR"
                    if kind.is_string()
                    else "BIGINT"
                )
                connection.raw_sql(f"ALTER TABLE {FACTS} ADD COLUMN {name} {sql_type}")
                if name == "date_end":  # before whole-period facts every fact was one day
                    connection.raw_sql(f"UPDATE {FACTS} SET date_end = date")
    if TOUCHPOINTS not in existing:
        connection.create_table(TOUCHPOINTS, schema=touchpoint_schema())
    else:
        have = set(connection.table(TOUCHPOINTS).columns)
        if "source" not in have:  # warehouses created before touchpoints carried their source
            connection.raw_sql(f"ALTER TABLE {TOUCHPOINTS} ADD COLUMN source VARCHAR")


def engine_of(url: str) -> str:
    """``duckdb``, ``postgres`` or the URL's scheme for other engines."""
    scheme = urlsplit(url).scheme
    return "postgres" if scheme in ("postgres", "postgresql") else scheme


@contextlib.contextmanager
def session(url: str, *, wait_seconds: float = 30.0) -> Iterator[BaseBackend]:
    """A short-lived connection for one piece of work, closed afterwards.

    DuckDB lets one process at a time open a database file (the web app and the worker are different
    processes), so nothing holds the file longer than an import or a dashboard query: a process that finds
    it locked waits and tries again for up to ``wait_seconds`` before giving up with
    :class:`WarehouseBusy`. PostgreSQL and the other engines have no such limit.
    """
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        try:
            connection = _open(url)
            break
        except Exception as error:  # duckdb.IOException on a lock; anything else is re-raised
            if "lock" not in str(error).lower() or time.monotonic() > deadline:
                if "lock" in str(error).lower():
                    raise WarehouseBusy(str(error)) from error
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    try:
        with _lock:
            if url not in _schema_ready:
                ensure_schema(connection)
                _schema_ready.add(url)
        yield connection
    finally:
        with contextlib.suppress(Exception):  # closing is best effort
            connection.disconnect()


class WarehouseBusy(RuntimeError):
    """Another process holds the DuckDB file (an import is running); try again shortly."""
