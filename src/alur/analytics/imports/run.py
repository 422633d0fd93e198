"""One import, step by step: :func:`run_import` reads an export file into a Parquet file of facts and returns
its receipt, or raises :class:`~alur.analytics.imports.messages.ImportFailed` having written nothing.

The steps (each a function below): open the file and find its tables (:mod:`.reading`, :mod:`.layout`);
plan each table — its platform, its columns, where its days come from (:func:`plan_tables`); read and stage
the cells in an in-memory DuckDB (:mod:`.staging`); check every cell (:mod:`.checks`); count what will be
stored and compare it with the file's own total (:mod:`.receipt`); write the facts (:func:`write_facts`).
Where the facts go, and which earlier facts they replace, is the warehouse's business
(:mod:`alur.analytics.factstore`).
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from alur.analytics.imports import checks, fast, receipt, staging
from alur.analytics.imports.columns import match_columns
from alur.analytics.imports.layout import Layout, Period
from alur.analytics.imports.messages import ImportFailed, Notice, problem, warning
from alur.analytics.imports.platforms import FORMATS, MONEY_METRICS
from alur.analytics.imports.reading import TableSource, open_file
from alur.analytics.imports.staging import Dating, Defaults, PlannedTable
from alur.analytics.imports.writing import STORED_COLUMNS, write_facts
from alur.analytics.numbers import DecimalStyle

__all__ = ["STORED_COLUMNS", "ImportResult", "ImportSpec", "run_import"]

ProgressCallback = Callable[[int, str], None]


@dataclass(frozen=True)
class ImportSpec:
    """What the service knows about the import: whose, which source, how to read it."""

    workspace_id: int
    source: str
    import_id: int
    display_name: str  # the file's name as the person uploaded it: messages name it
    format_key: str | None = None  # a platform of FORMATS, or None for a generic file (mapping required)
    mapping: Mapping[str, str] | None = None  # canonical field → the file's header
    decimal_style: DecimalStyle | None = None  # None: decided from each column
    dayfirst: bool | None = None  # None: decided from the date column (and the title's dates)
    source_currency: str | None = None  # the source's own setting, for files that name no currency
    workspace_currency: str | None = None  # the last resort, said so in a warning
    default_account: str = ""
    period: Period | None = None  # given by the person, for files that state none
    excel_limits: tuple[int, int] | None = None  # unpacked bytes and rows of an XLSX workbook


@dataclass
class ImportResult:
    """The receipt. ``date_from``/``date_to`` span every fact (a period's first and last day included)."""

    rows: int
    date_from: date
    date_to: date
    accounts: list[str]
    currencies: list[str]
    campaigns: list[str]
    ignored_columns: list[str]
    totals_rows: int
    format_key: str | None
    totals: dict[str, Any]
    file_totals: dict[str, Any] | None
    file_total_label: str | None
    periods: list[tuple[date, date]]  # the whole periods among the facts (first few)
    warnings: list[Notice] = field(default_factory=list)
    tables_used: list[str] = field(default_factory=list)
    tables_unused: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "accounts": self.accounts,
            "currencies": self.currencies,
            "campaigns": self.campaigns,
            "ignored_columns": self.ignored_columns,
            "totals_rows": self.totals_rows,
            "format": self.format_key,
            "totals": self.totals,
            "file_totals": self.file_totals,
            "file_total_label": self.file_total_label,
            "periods": [[a.isoformat(), b.isoformat()] for a, b in self.periods],
            "tables_used": self.tables_used,
            "tables_unused": self.tables_unused,
            "warnings": [w.as_dict() for w in self.warnings],
        }


def run_import(path: Path, spec: ImportSpec, *, output: Path, progress: ProgressCallback | None = None) -> ImportResult:
    """Import one export file into the Parquet file ``output``; raises :class:`ImportFailed` (nothing written)."""
    if not path.exists() or path.stat().st_size == 0:
        raise ImportFailed([problem("file_empty", file=spec.display_name)])
    with tempfile.TemporaryDirectory(prefix="alur-import-") as scratch_dir:
        scratch = Path(scratch_dir)
        layout, sources = open_file(path, display_name=spec.display_name, scratch=scratch, excel_limits=spec.excel_limits)
        plans, unused, notices = plan_tables(layout, sources, spec)
        con = duckdb.connect()
        try:
            steps = _Progress(con, progress)
            written = _stage(con, plans, spec, layout, steps, output)
            result = _receipt(con, plans, spec, notices)
            result.tables_unused = unused
            if not written:
                with steps.band(85, 100, "saving"):
                    write_facts(con, set(result.totals), plans, output)
            return result
        except BaseException:
            output.unlink(missing_ok=True)
            raise
        finally:
            con.close()


# ------------------------------------------------------------------------------------------------ planning


def plan_tables(
    layout: Layout | None, sources: Sequence[TableSource], spec: ImportSpec
) -> tuple[list[PlannedTable], list[str], list[Notice]]:
    """Each table's platform, columns and dating. A one-table file with a problem is refused; of a many-table
    file the tables Alur can use are imported and the others named. Returns (plans, unused tables, warnings)."""
    many = len(sources) > 1
    file_format = spec.format_key or next((s.table.format_key for s in sources if s.table.format_key), None)
    plans: list[PlannedTable] = []
    unused: list[str] = []
    notices: list[Notice] = []
    for number, source in enumerate(sources):
        fmt = FORMATS.get(file_format) if file_format else None
        if fmt is None and not spec.mapping:
            raise ImportFailed([problem("not_recognised", file=spec.display_name)])
        match = match_columns(source.headers, fmt, spec.mapping)
        usable = not match.problems and match.metrics and source.table.row_count != 0
        if many and not usable:
            unused.append(source.table.description)
            continue
        if match.problems:
            raise ImportFailed(match.problems)
        dating, period = _dating(layout, source, match.columns, match.period_end, match.day_index, spec)
        plans.append(PlannedTable(number, source, match, fmt, dating, period))
        if not many:  # a table of a report snapshot is not expected to hold a whole export's metrics
            notices.extend(match.warnings)
    if not plans:
        raise ImportFailed([problem("no_usable_table", file=spec.display_name, tables="; ".join(unused))])
    if many:
        notices.append(warning("tables_used", tables="; ".join(p.source.table.description for p in plans)))
        if unused:
            notices.append(warning("tables_not_used", tables="; ".join(unused)))
    return plans, unused, notices


def _dating(
    layout: Layout | None,
    source: TableSource,
    columns: Mapping[str, str],
    period_end: str | None,
    day_index: bool,
    spec: ImportSpec,
) -> tuple[Dating, Period | None]:
    """Where the rows' days come from: a date column, a start and an end per row, days counted from the start,
    or — without any date column — the period the file states (a table's own comment block, else the file's
    title), or the one the person gave. A given period that contradicts the stated one is refused."""
    stated = source.table.period or (layout.period if layout else None)
    if "date" in columns and not day_index:
        return (Dating.ROW_PERIOD if period_end else Dating.DAILY), None
    if stated is not None and spec.period is not None and stated != spec.period:
        raise ImportFailed([problem("period_conflict", file=spec.display_name, stated=str(stated), given=str(spec.period))])
    period = stated or spec.period
    if period is None:
        raise ImportFailed([problem("period_missing", file=spec.display_name)])
    if period.end < period.start:
        raise ImportFailed([problem("period_reversed", start=period.start.isoformat(), end=period.end.isoformat())])
    return (Dating.DAY_INDEX if day_index else Dating.WHOLE), period


# ------------------------------------------------------------------------------------------------- staging


def _stage(
    con: duckdb.DuckDBPyConnection,
    plans: Sequence[PlannedTable],
    spec: ImportSpec,
    layout: Layout | None,
    steps: _Progress,
    output: Path,
) -> bool:
    """Read and stage every table; raises with the problems of the cells. Returns whether the facts were
    already written to ``output`` (the fast path)."""
    defaults = Defaults(
        source=spec.source,
        account=spec.default_account,
        currency=spec.source_currency or spec.workspace_currency,
        dayfirst=spec.dayfirst,
        decimal_style=spec.decimal_style,
    )
    dayfirst = spec.dayfirst if spec.dayfirst is not None else (layout.dayfirst if layout else None)
    if dayfirst is None:
        dayfirst = next((p.fmt.dayfirst for p in plans if p.fmt and p.fmt.dayfirst is not None), None)
    metrics = receipt.file_metrics(plans)
    problems: list[Notice] = []
    styles = []
    for plan in plans:
        style, found = staging.decide_styles(con, plan, defaults, dayfirst=dayfirst)
        problems.extend(found)
        styles.append(style)
    if problems:
        raise ImportFailed(problems)
    with steps.band(0, 75, "reading"):
        written = len(plans) == 1 and fast.stage_to_parquet(con, plans[0], styles[0], defaults, metrics, output=output)
        if written and checks.cell_problems(con, plans):  # the text path names the rows and cells
            output.unlink(missing_ok=True)
            written = False
        if not written:
            staging.stage(con, plans, styles, defaults, metrics)
    with steps.band(75, 85, "checking"):
        problems = [] if written else checks.cell_problems(con, plans)
    if problems:
        raise ImportFailed(problems)
    return written


# ------------------------------------------------------------------------------------------------- receipt


def _receipt(
    con: duckdb.DuckDBPyConnection, plans: Sequence[PlannedTable], spec: ImportSpec, notices: list[Notice]
) -> ImportResult:
    data = receipt.DATA_ROWS
    summary = con.execute(
        f"SELECT count(*) FILTER ({data}), count(*) FILTER (NOT ({data})), min(date) FILTER ({data}), "
        f"max(date_end) FILTER ({data}), list(DISTINCT coalesce(account, '')) FILTER ({data}), "
        f"list(DISTINCT currency) FILTER ({data} AND currency IS NOT NULL), "
        f"list(DISTINCT campaign) FILTER ({data} AND campaign IS NOT NULL), "
        f"list(DISTINCT total_label) FILTER (is_total), count(*) FILTER (is_summary) FROM staged"
    ).fetchone()
    assert summary is not None
    rows, totals_rows, date_from, date_to, accounts, currencies, campaigns, labels, summary_rows = summary
    if rows == 0:
        columns = ", ".join(f'"{h}"' for h in plans[0].source.headers[:4] if h)
        raise ImportFailed([problem("totals_only" if totals_rows else "header_only", file=spec.display_name, columns=columns)])
    metrics = receipt.file_metrics(plans)
    totals = receipt.totals_of(con, metrics, data)
    found_total = receipt.file_total(con, metrics, plans)
    warnings = list(notices)
    if summary_rows:
        warnings.append(warning("summary_row"))
    if totals_rows - summary_rows:
        shown = ", ".join(f'"{label}"' for label in sorted(labels or [])[:6])
        warnings.append(warning("totals_lines", count=totals_rows - summary_rows, labels=shown))
    if found_total is not None:
        different = receipt.differing(totals, found_total[1], rows)
        if different and found_total[0]:
            warnings.append(warning("totals_differ", label=found_total[0], fields=different))
        elif different:
            warnings.append(warning("summary_differs", fields=different))
    warnings.extend(_currency_notices(con, plans, spec, metrics))
    warnings.extend(receipt.row_warnings(con, plans, metrics))
    periods = con.execute(
        f"SELECT DISTINCT date, date_end FROM staged WHERE {data} AND date_end <> date ORDER BY 1, 2 LIMIT 5"
    ).fetchall()
    if periods:
        shown = ", ".join(f"{a.isoformat()}..{b.isoformat()}" for a, b in periods[:3])
        warnings.append(warning("whole_period", period=shown))
        if spec.period is not None and any(p.dating == Dating.WHOLE and p.source.table.period is None for p in plans):
            warnings.append(warning("period_given", period=str(spec.period)))
    return ImportResult(
        rows=rows,
        date_from=date_from,
        date_to=date_to,
        accounts=sorted(accounts or []),
        currencies=sorted(currencies or []),
        campaigns=sorted(campaigns or []),
        ignored_columns=list(dict.fromkeys(h for p in plans for h in p.match.ignored)),
        totals_rows=totals_rows,
        format_key=plans[0].fmt.key if plans[0].fmt else None,
        totals=totals,
        file_totals=found_total[1] if found_total else None,
        file_total_label=found_total[0] if found_total else None,
        periods=[(a, b) for a, b in periods],
        warnings=warnings,
        tables_used=[p.source.table.description for p in plans] if len(plans) > 1 else [],
    )


def _currency_notices(
    con: duckdb.DuckDBPyConnection, plans: Sequence[PlannedTable], spec: ImportSpec, metrics: Sequence[str]
) -> list[Notice]:
    """Say where the currency of the amounts came from when the file's columns did not say it."""
    if not any(m in MONEY_METRICS for m in metrics):
        return []
    stated = [p for p in plans if "currency" in p.match.columns or p.match.header_currency]
    if len(stated) == len(plans):
        return []
    from_values = con.execute(
        f"SELECT list(DISTINCT value_currency) FILTER (value_currency IS NOT NULL), count(*) FILTER (value_currency IS NULL) "
        f"FROM staged WHERE {receipt.DATA_ROWS}"
    ).fetchone()
    notices = []
    codes, assumed_rows = from_values or ([], 0)
    if codes:
        notices.append(warning("currency_from_values", currency=", ".join(sorted(codes))))
    if assumed_rows:
        if spec.source_currency:
            notices.append(warning("currency_assumed_source", currency=spec.source_currency))
        elif spec.workspace_currency:
            notices.append(warning("currency_assumed_workspace", currency=spec.workspace_currency))
    return notices


# --------------------------------------------------------------------------------------------------- output


class _Progress:
    """Reports DuckDB's own progress of the running statement, scaled into a band of the whole import."""

    def __init__(self, con: duckdb.DuckDBPyConnection, callback: ProgressCallback | None) -> None:
        self.con, self.callback = con, callback

    @contextlib.contextmanager
    def band(self, low: int, high: int, label: str) -> Iterator[None]:
        if self.callback is None:
            yield
            return
        self.callback(low, label)
        stop = threading.Event()

        def poll() -> None:
            while not stop.wait(0.5):
                with contextlib.suppress(Exception):
                    share = self.con.query_progress()
                    if share is not None and share >= 0 and self.callback is not None:
                        self.callback(low + int((high - low) * min(share, 100) / 100), label)

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
        self.callback(high, label)
