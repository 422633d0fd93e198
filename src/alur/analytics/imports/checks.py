"""The cell checks on ``staged``: one query finds the first rows that fail, each becomes a problem that names
the row, the column as the file writes it, the cell as it was and what to do. Totals lines and summary rows
are not checked (they are not stored)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from alur.analytics.imports.messages import Notice, problem
from alur.analytics.imports.platforms import CANONICAL_METRICS, INTEGER_METRICS
from alur.analytics.imports.reading import literal
from alur.analytics.imports.staging import PlannedTable

MAX_PROBLEMS = 50


@dataclass(frozen=True)
class _Check:
    condition: str  # over staged
    code: str
    field: str | None  # canonical field whose header and cell are named; None: the row


def _checks(con: duckdb.DuckDBPyConnection, plans: Sequence[PlannedTable]) -> list[_Check]:
    metrics = [m for m in CANONICAL_METRICS if any(m in p.match.columns for p in plans)]
    # A currency must be an ISO code: the few distinct values are judged here, the rows found by the query.
    currencies = [row[0] for row in con.execute("SELECT DISTINCT currency FROM staged WHERE currency IS NOT NULL").fetchall()]
    bad = [c for c in currencies if not re.fullmatch("[A-Z]{3}", c)]
    checks = [
        _Check("date_bad", "cell_not_date", "date"),
        _Check("end_bad", "cell_not_date", "date_end"),
        _Check("date_end < date", "cell_period_reversed", "date_end"),
        _Check("width_bad", "row_too_long", None),
        _Check(f"currency IN ({', '.join(literal(c) for c in bad)})" if bad else "false", "cell_currency", "currency"),
        _Check("currency_conflict", "cell_currency_conflict", "spend"),
    ]
    for name in metrics:
        checks.append(_Check(f"{name}__bad", "cell_not_number", name))
        checks.append(_Check(f"{name} < 0", "cell_negative", name))
        if name in INTEGER_METRICS:
            checks.append(_Check(f"{name} <> floor({name})", "cell_fraction", name))
    return checks


def cell_problems(con: duckdb.DuckDBPyConnection, plans: Sequence[PlannedTable]) -> list[Notice]:
    checks = _checks(con, plans)
    case = " ".join(f"WHEN {check.condition} THEN {index}" for index, check in enumerate(checks))
    bad = con.execute(
        f"SELECT table_no, line_no, check_no, currency, value_currency FROM (SELECT table_no, line_no, currency, "
        f"value_currency, CASE {case} END AS check_no FROM staged WHERE NOT is_total AND NOT is_summary) "
        f"WHERE check_no IS NOT NULL ORDER BY table_no, line_no LIMIT {MAX_PROBLEMS}"
    ).fetchall()
    by_number = {plan.number: plan for plan in plans}
    problems = []
    for table_no, line_no, check_no, currency, value_currency in bad:
        check, plan = checks[check_no], by_number[table_no]
        header = _header(plan, check.field)
        value = _cell(con, plan, header, line_no) if header else None
        extra = {"found": value_currency, "stated": currency} if check.code == "cell_currency_conflict" else {}
        problems.append(problem(check.code, row=line_no, column=header, value=value, **extra))
    return problems


def _header(plan: PlannedTable, field: str | None) -> str | None:
    if field is None:
        return None
    if field == "date_end":
        return plan.match.period_end or plan.match.columns.get("date")
    if field == "spend" and "spend" not in plan.match.columns:
        return plan.match.columns.get("conversion_value")
    return plan.match.columns.get(field)


def _cell(con: duckdb.DuckDBPyConnection, plan: PlannedTable, header: str, line_no: int) -> str | None:
    """The cell as the file wrote it, read back by its row number."""
    column = plan.source.column_sql.get(header)
    if column is None:
        return None
    relation, row = plan.cells_sql()
    found = con.execute(f"SELECT {column}::VARCHAR FROM {relation} WHERE {row} = ?", [line_no]).fetchone()
    return None if found is None or found[0] is None else str(found[0])
