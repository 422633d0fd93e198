"""The fast path for a large, clean file: read, parse and write the facts in one pass, then check them.

When a file has one table, no summary row, and a sample shows only plain numbers and ISO dates, DuckDB's own
CSV reader parses every cell and the rows stream straight into the Parquet file of facts — no table of text
cells, no copy of the rows in memory. The file's totals lines are kept in it, marked ``_total`` (with their
label in ``_total_label``), so the receipt can set them beside the rows; readers of the facts leave them out
(:func:`alur.analytics.factstore.facts_table`). The cell checks and the receipt then read that Parquet file
through the view ``staged`` (the columns :mod:`.staging` gives), which costs a fraction of reading the CSV.

Anything the typed reader cannot take — a cell that is not a number or a date after all, a fraction of a click
— stops the pass, and a check that finds a problem discards what it wrote; either way the caller then reads
the file as text (:mod:`.staging`), which names the row and the cell. (So the rows may be written in any
order, which writes faster.)
Measured on a 10-million-row Google Ads report: see ``bench/warehouse.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from alur.analytics.imports.platforms import INTEGER_METRICS, LABEL_DIMENSIONS
from alur.analytics.imports.reading import literal, quote
from alur.analytics.imports.staging import (
    _NAME_EMPTY_SQL,
    TEXT_DIMENSIONS,
    ColumnStyles,
    Defaults,
    PlannedTable,
    typed_query,
)
from alur.analytics.imports.writing import written_dimensions

__all__ = ["stage_to_parquet"]


def stage_to_parquet(
    con: duckdb.DuckDBPyConnection,
    plan: PlannedTable,
    styles: ColumnStyles,
    defaults: Defaults,
    metrics: Sequence[str],
    *,
    output: Path,
) -> bool:
    """Write the facts of a clean one-table file straight to ``output`` and make ``staged`` a view over them.
    False (nothing left behind) when the file does not qualify or a cell surprises the typed reader."""
    if not styles.typed or not styles.numbers or len(set(styles.numbers.values())) != 1:
        return False
    if plan.source.kind != "csv" or plan.source.row_offset is None or _starts_with_summary(con, plan):
        return False
    query = typed_query(plan, styles, defaults, metrics)
    if query is None:
        return False
    facts = ["coalesce(account, '') AS account" if name == "account" else name for name in written_dimensions([plan])]
    for name in metrics:
        if name in INTEGER_METRICS:  # a fraction of a click stops the pass; the text path names its row
            facts.append(f"CASE WHEN {name} <> floor({name}) THEN error('fraction') ELSE {name}::BIGINT END AS {name}")
        else:
            facts.append(f"{name}::DECIMAL(18,4) AS {name}")
    facts += ["is_total AS _total", "total_label AS _total_label"]
    try:
        # Rows in any order: the fast path only ever succeeds; a file with a problem is read again as text.
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"COPY (SELECT {', '.join(facts)} FROM ({query.select()})) TO {literal(str(output))} (FORMAT parquet)")
    except duckdb.Error:
        output.unlink(missing_ok=True)
        return False
    _staged_view(con, plan, metrics, output)
    return True


def _starts_with_summary(con: duckdb.DuckDBPyConnection, plan: PlannedTable) -> bool:
    """Whether the first row is a platform's summary row (no names): such a file takes the text path."""
    labels = [plan.source.column_sql[plan.match.columns[d]] for d in LABEL_DIMENSIONS if d in plan.match.columns]
    if plan.fmt is None or not plan.fmt.has_summary_row or not labels:
        return False
    empty = " AND ".join(f"coalesce(trim({c}), '') IN {_NAME_EMPTY_SQL}" for c in labels)
    first = con.execute(f"SELECT {empty} FROM {plan.source.relation()} LIMIT 1").fetchone()
    return bool(first and first[0])


def _staged_view(con: duckdb.DuckDBPyConnection, plan: PlannedTable, metrics: Sequence[str], output: Path) -> None:
    """``staged`` over the written facts, with the columns the checks and the receipt read."""
    offset = plan.source.row_offset or 0
    written = set(written_dimensions([plan]))
    columns = [
        f"{plan.number} AS table_no",
        f"file_row_number + {offset} AS line_no",  # in writing order, not the file's: only for ordering
        "_total AS is_total",
        "_total_label AS total_label",
        "false AS is_summary",
        "date",
        "date_end" if "date_end" in written else "date AS date_end",
        "(date IS NULL AND NOT _total) AS date_bad",
        "false AS end_bad",
        *[quote(name) if name in written else f"NULL::VARCHAR AS {name}" for name in TEXT_DIMENSIONS],
        "currency",
        "NULL::VARCHAR AS value_currency",
        "false AS currency_conflict",
        "false AS width_bad",
    ]
    for name in metrics:
        columns += [name, f"false AS {name}__bad", f"({name} IS NULL) AS {name}__empty"]
    relation = f"read_parquet({literal(str(output))}, file_row_number = true)"
    con.execute(f"CREATE OR REPLACE TEMP VIEW staged AS SELECT {', '.join(columns)} FROM {relation}")
