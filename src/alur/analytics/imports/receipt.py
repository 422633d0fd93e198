"""The receipt of an import: what was stored from the file, summed, beside the file's own total line, and the
warnings worth reading (:class:`~alur.analytics.imports.messages.Notice`).

Totals have one shape everywhere (CLI, API, page): money per currency as a decimal string with two decimals,
counts as integers, conversions as a decimal string with two decimals, metrics the file does not have left
out — ``{"spend": {"GBP": "365.22"}, "clicks": 264, "impressions": 9380, "conversions": "25.00"}``.
Decimals are rounded half up from the stored values (four decimals).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb

from alur.analytics.imports.messages import Notice, warning
from alur.analytics.imports.platforms import CANONICAL_METRICS, INTEGER_METRICS, LABEL_DIMENSIONS, MONEY_METRICS
from alur.analytics.imports.staging import PlannedTable
from alur.analytics.imports.totals import is_file_total_label

DATA_ROWS = "NOT is_total AND NOT is_summary"
# Breakdowns Alur does not keep, named when rows repeat because of them.
_BREAKDOWN_HEADERS = frozenset(
    {
        "age", "gender", "placement", "platform", "device platform", "impression device", "usia", "umur",
        "jenis kelamin", "penempatan", "platform perangkat", "perangkat tayangan", "country", "negara",
        "hour", "time of day", "jam",
    }
)  # fmt: skip

Totals = dict[str, Any]


def _format(metric: str, value: Any) -> Any:
    if metric in INTEGER_METRICS:
        return int(value)
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def file_metrics(plans: Sequence[PlannedTable]) -> list[str]:
    """The metrics the file provides (read or derived), in canonical order."""
    found = {m for plan in plans for m in plan.match.metrics}
    return [m for m in CANONICAL_METRICS if m in found]


def totals_of(con: duckdb.DuckDBPyConnection, metrics: Sequence[str], where: str) -> Totals:
    """The sums of ``metrics`` over the staged rows matching ``where``, in the receipt's shape."""
    if not metrics:
        return {}
    sums = ", ".join(f"sum({m})" for m in metrics)
    rows = con.execute(f"SELECT coalesce(currency, ''), {sums} FROM staged WHERE {where} GROUP BY ALL ORDER BY 1").fetchall()
    totals: Totals = {}
    for currency, *values in rows:
        for metric, value in zip(metrics, values, strict=True):
            if value is None:
                continue
            if metric in MONEY_METRICS:
                money = totals.setdefault(metric, {})
                money[currency] = Decimal(money.get(currency, 0)) + Decimal(value)
            else:
                totals[metric] = totals.get(metric, 0) + Decimal(value)
    return {
        metric: {c: _format(metric, v) for c, v in value.items()} if isinstance(value, dict) else _format(metric, value)
        for metric, value in totals.items()
    }


def file_total(
    con: duckdb.DuckDBPyConnection, metrics: Sequence[str], plans: Sequence[PlannedTable]
) -> tuple[str, Totals] | None:
    """The file's own total line — the summary row, else the first totals line that is the whole report's
    (not a breakdown by type nor the account's) — as (its label, "" for a summary row without one, and its
    totals); ``None`` when there is none."""
    if len(plans) != 1:
        return None
    rows = con.execute(
        "SELECT line_no, total_label, is_summary FROM staged WHERE is_summary OR is_total ORDER BY line_no"
    ).fetchall()
    chosen = next(((line, label or "") for line, label, summary in rows if summary or is_file_total_label(label or "")), None)
    if chosen is None:
        return None
    line, label = chosen
    totals = totals_of(con, metrics, f"line_no = {int(line)}")
    # A totals line often writes "--" for its currency: it is in the currency of the rows it adds up.
    found = con.execute(f"SELECT list(DISTINCT currency) FROM staged WHERE {DATA_ROWS} AND currency IS NOT NULL").fetchone()
    currencies = found[0] if found and found[0] else []
    if len(currencies) == 1:
        for value in totals.values():
            if isinstance(value, dict) and "" in value:
                value[currencies[0]] = value.pop("")
    return (label, totals) if totals else None


def differing(totals: Totals, file_totals: Totals, rows: int) -> list[str]:
    """The metrics whose stored sum differs from the file's total by more than rounding explains. Platforms
    total the unrounded values and show every figure rounded, so a decimal total may be off by half a unit of
    the last shown digit per row — half a cent, or for amounts shown without decimals (VND, IDR) a millionth of
    the total; counts must be equal."""

    def close(metric: str, expected: Decimal, stored: Decimal) -> bool:
        if metric in INTEGER_METRICS:
            return expected == stored
        return abs(expected - stored) <= max(Decimal("0.005") * (rows + 1), abs(expected) * Decimal("0.000001"))

    found = []
    for metric, expected in file_totals.items():
        stored = totals.get(metric)
        if isinstance(expected, dict):
            stored = stored if isinstance(stored, dict) else {}
            if not all(close(metric, Decimal(v), Decimal(stored.get(c, "0"))) for c, v in expected.items()):
                found.append(metric)
        elif stored is None or not close(metric, Decimal(str(expected)), Decimal(str(stored))):
            found.append(metric)
    return found


def row_warnings(con: duckdb.DuckDBPyConnection, plans: Sequence[PlannedTable], metrics: Sequence[str]) -> list[Notice]:
    """Blank cells counted as zero, rows without a name, and rows that repeat Alur's names (a breakdown Alur
    does not keep, or names that repeat): stored all the same, worth knowing."""
    notices: list[Notice] = []
    read = [m for m in metrics if any(m in p.match.columns for p in plans)]
    if read:
        counts = con.execute(
            f"SELECT count(*), {', '.join(f'count(*) FILTER ({m}__empty)' for m in read)} FROM staged WHERE {DATA_ROWS}"
        ).fetchone()
        rows, *blank_counts = counts or (0,)
        blanks = {m: n for m, n in zip(read, blank_counts, strict=True) if n and n < rows}
        notices.extend(
            warning("metric_all_blank", header=_header(plans, m), field=m)
            for m, n in zip(read, blank_counts, strict=True)
            if n and n == rows
        )
        if blanks:
            headers = ", ".join(f'"{_header(plans, m)}" ({n})' for m, n in blanks.items())
            notices.append(warning("blank_values", count=sum(blanks.values()), columns=headers))
    for name in LABEL_DIMENSIONS:
        if not any(name in p.match.columns for p in plans):
            continue
        found = con.execute(f"SELECT count(*), min(line_no) FROM staged WHERE {DATA_ROWS} AND {name} IS NULL").fetchone()
        if found and found[0]:
            notices.append(warning("blank_names", count=found[0], field=name, row=found[1]))
    # The names that can differ between rows (a column of the file), the days and the currency.
    mapped = [d for d in LABEL_DIMENSIONS if any(d in p.match.columns for p in plans)]
    keys = ", ".join(["date", "date_end", *mapped, "currency"])
    repeated = con.execute(f"SELECT count(*) - count(DISTINCT hash({keys})) FROM staged WHERE {DATA_ROWS}").fetchone()
    if repeated and repeated[0]:
        # The columns the report is broken down by: named breakdowns (Age, Placement…), and any other column it
        # has that Alur neither keeps nor knows as a ratio, an ID or a setting (GA4's "Landing page", "Event name").
        breakdowns = [
            h
            for p in plans
            for h in p.match.ignored
            if h.strip().casefold() in _BREAKDOWN_HEADERS or h not in p.match.known_unused
        ]
        if breakdowns:
            columns = ", ".join(f'"{h}"' for h in dict.fromkeys(breakdowns))
            notices.append(warning("repeated_rows", count=repeated[0], columns=columns))
        else:
            notices.append(warning("repeated_names", count=repeated[0]))
        notices.extend(_identical_rows(con, plans))
    return notices


def _identical_rows(con: duckdb.DuckDBPyConnection, plans: Sequence[PlannedTable]) -> list[Notice]:
    """Rows identical in every cell (a copy, or two ads with the same name and the same figures)."""
    notices: list[Notice] = []
    for plan in plans:
        cells = [plan.source.column_sql[h] for h in dict.fromkeys(plan.source.headers) if h in plan.source.column_sql]
        if not cells:
            continue
        relation, row = plan.cells_sql()
        # Totals lines are left out by their row number where ``staged`` has the file's (the text path).
        data = (
            f"JOIN staged s ON s.table_no = {plan.number} AND s.line_no = r.line AND NOT s.is_total AND NOT s.is_summary"
            if plan.has_raw
            else ""
        )
        groups = con.execute(
            f"SELECT list(r.line ORDER BY r.line) FROM (SELECT {row} AS line, "
            f"hash({', '.join(f'{c}::VARCHAR' for c in cells)}) AS h FROM {relation}) r {data} "
            "GROUP BY r.h HAVING count(*) > 1 ORDER BY min(r.line) LIMIT 5"
        ).fetchall()
        notices.extend(warning("identical_rows", rows=", ".join(str(n) for n in lines[:5])) for (lines,) in groups)
    return notices


def _header(plans: Sequence[PlannedTable], metric: str) -> str:
    return next((p.match.columns[metric] for p in plans if metric in p.match.columns), metric)
