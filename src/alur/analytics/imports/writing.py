"""Writing an import's facts: the columns a Parquet fact file holds.

What every row of a file shares — workspace, source, import — is said once by the file's folder
(:mod:`alur.analytics.factstore` reads it back from there), and a name no row has is not written; readers see
every column of :data:`STORED_COLUMNS` all the same.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

import duckdb

from alur.analytics.imports.platforms import CANONICAL_METRICS, INTEGER_METRICS, LABEL_DIMENSIONS
from alur.analytics.imports.reading import literal
from alur.analytics.imports.staging import Dating, PlannedTable

__all__ = ["DATA_ROWS", "STORED_COLUMNS", "STORED_DIMENSIONS", "write_facts", "written_dimensions"]

# The warehouse's stored columns (alur.analytics.warehouse.stored_fact_schema, kept literal: no Ibis here).
STORED_DIMENSIONS = (
    "workspace_id", "date", "date_end", "source", "account", "channel", "campaign", "ad_set", "ad", "region", "device",
    "currency",
)  # fmt: skip
STORED_COLUMNS = (*STORED_DIMENSIONS, *CANONICAL_METRICS, "import_id")
DATA_ROWS = "NOT is_total AND NOT is_summary"


def written_dimensions(plans: Sequence[PlannedTable]) -> list[str]:
    """The dimensions a fact file holds: the date (and the last day of each row's period, unless every row is
    one day: readers take the date then), the account, channel and currency, and the other names where the
    file has them."""
    names = [d for d in LABEL_DIMENSIONS if d in ("account", "channel") or any(d in p.match.columns for p in plans)]
    daily = all(p.dating == Dating.DAILY for p in plans)
    return ["date", *([] if daily else ["date_end"]), *names, "currency"]


def write_facts(con: duckdb.DuckDBPyConnection, present: Collection[str], plans: Sequence[PlannedTable], output: Path) -> None:
    """The data rows of ``staged`` as a Parquet file of facts. A blank cell stays empty (it adds nothing to a sum,
    and never reads as a real zero); a metric the file does not give (not in ``present``) is not written."""
    values = ["coalesce(account, '') AS account" if name == "account" else name for name in written_dimensions(plans)]
    for name in CANONICAL_METRICS:
        if name in present:
            kind = "BIGINT" if name in INTEGER_METRICS else "DECIMAL(18,4)"
            values.append(f"{name}::{kind} AS {name}")
    con.execute("SET preserve_insertion_order = false")  # facts have no order; writing without one is faster
    con.execute(f"COPY (SELECT {', '.join(values)} FROM staged WHERE {DATA_ROWS}) TO {literal(str(output))} (FORMAT parquet)")
