"""Reading a table into DuckDB and turning its cells into facts: the ``staged`` table.

Each table's cells are read as text into ``raw_<n>`` and parsed by :mod:`.sqlparse` into ``staged_base``
(:func:`stage`); the view ``staged`` marks the summary row. (A large clean file takes :mod:`.fast` instead,
whose ``staged`` is a view of the same columns over the facts it wrote.) It holds every row of the file below
the header, totals lines included, with

* ``table_no``, ``line_no`` — which table, and the row number as a spreadsheet shows it;
* ``is_total``/``total_label`` — a totals line (:mod:`.totals`); ``is_summary`` — a platform's summary row
  without names (:func:`mark_summary_rows`);
* ``date``, ``date_end`` — the day, or the period, the row covers (:class:`Dating`);
* the dimensions, ``currency`` and ``value_currency`` (a currency written in the amounts, "£8.06");
* each metric the file gives, with ``<metric>__bad`` (a cell that is not a number) and ``<metric>__empty``
  (blank or "--");
* ``date_bad``, ``end_bad``, ``width_bad`` — the other cell checks.

Nothing is dropped here: checks (:mod:`.checks`) refuse the file or the rows are stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import duckdb

from alur.analytics import numbers
from alur.analytics.imports import sqlparse
from alur.analytics.imports.columns import ColumnMatch
from alur.analytics.imports.layout import Period
from alur.analytics.imports.messages import Notice, problem
from alur.analytics.imports.platforms import CANONICAL_METRICS, INTEGER_METRICS, LABEL_DIMENSIONS, MONEY_METRICS, SourceFormat
from alur.analytics.imports.reading import TableSource, literal, quote
from alur.analytics.imports.totals import total_label_sql
from alur.analytics.numbers import DecimalStyle

__all__ = ["Dating", "PlannedTable", "stage", "summary_rows", "table_sql", "typed_query"]

TEXT_DIMENSIONS = LABEL_DIMENSIONS
SAMPLE_ROWS = 5000
AMBIGUOUS_RE = "^[^0-9]*[1-9][0-9]?[0-9]?[.,][0-9]{3}[^0-9]*$"  # "1.234" / "12,500": thousands or decimals?
_EMPTY_SQL = "('', '-', '--', '---', '—', '–', 'n/a', 'na', 'n.a.', 'null', 'none', '(not set)')"
_NAME_EMPTY_SQL = "('', '-', '--', '---', '—', '–')"
# Native parsing is tried when every sampled cell has one of these shapes (or is empty).
_PLAIN_NUMBER = {
    "en": r"-?[0-9]{1,3}(,[0-9]{3})*(\.[0-9]+)?|-?[0-9]+(\.[0-9]+)?",
    "id": r"-?[0-9]{1,3}(\.[0-9]{3})*(,[0-9]+)?|-?[0-9]+(,[0-9]+)?",
}
_PLAIN_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_NULL_STRINGS = ["", "-", "--", " --", "-- ", "—", "–"]


class Dating(StrEnum):
    """Where a table's rows get their days."""

    DAILY = "daily"  # a date column: one day per row
    ROW_PERIOD = "row_period"  # a start and an end column per row (Meta's Reporting starts/ends)
    DAY_INDEX = "day_index"  # days counted from the period's start (GA4's "Nth day")
    WHOLE = "whole"  # no date: every row covers the period the file states or the person gave


@dataclass
class PlannedTable:
    number: int
    source: TableSource
    match: ColumnMatch
    fmt: SourceFormat | None
    dating: Dating
    period: Period | None  # for DAY_INDEX and WHOLE
    has_raw: bool = False  # its cells were read as text into raw_<n> (else only the parsed rows exist)

    @property
    def raw(self) -> str:
        return f"raw_{self.number}"

    def cells_sql(self) -> tuple[str, str]:
        """Every cell as the file wrote it, with each row's number: (relation, row-number expression)."""
        if self.has_raw:
            return self.raw, self.source.row_sql
        numbered = (
            f"(SELECT *, row_number() OVER () + {self.source.table.first_data_row - 1} AS __row FROM {self.source.relation()})"
        )
        return numbered, "__row"


@dataclass(frozen=True)
class Defaults:
    """What the service knows when the file does not say: the source's name, account and currency."""

    source: str
    account: str
    currency: str | None
    dayfirst: bool | None
    decimal_style: DecimalStyle | None


def _samples(con: duckdb.DuckDBPyConnection, relation: str, columns: Sequence[str]) -> dict[str, list[str]]:
    """Up to :data:`SAMPLE_ROWS` non-empty cells of each column, from the first rows of the table (one read)."""
    if not columns:
        return {}
    rows = con.execute(f"SELECT {', '.join(columns)} FROM {relation} LIMIT {SAMPLE_ROWS * 4}").fetchall()
    empty = {"", "-", "--", "---", "—", "–", "n/a", "na", "n.a.", "null", "none", "(not set)"}
    found: dict[str, list[str]] = {}
    for index, column in enumerate(columns):
        values = [str(row[index]) for row in rows if row[index] is not None and str(row[index]).strip().lower() not in empty]
        found[column] = values[:SAMPLE_ROWS]
    return found


@dataclass(frozen=True)
class ColumnStyles:
    """What the samples decided: each metric's decimal style, the date form."""

    numbers: dict[str, DecimalStyle]
    date_form: sqlparse.DateForm | None
    typed: bool  # every sampled cell is plain: DuckDB's own parser may read the table


def decide_styles(
    con: duckdb.DuckDBPyConnection, plan: PlannedTable, defaults: Defaults, *, dayfirst: bool | None
) -> tuple[ColumnStyles, list[Notice]]:
    """Each metric column's decimal style (the column's own values decide, else the whole file's, else — for
    counts, which have no decimals — the separator of "4,000"/"4.000" can only group thousands), and the
    date form; an ambiguity nothing settles is a problem, never a guess."""
    source, columns = plan.source, plan.match.columns
    problems: list[Notice] = []
    date_columns = [columns["date"]] if "date" in columns and plan.dating in (Dating.DAILY, Dating.ROW_PERIOD) else []
    if plan.dating == Dating.ROW_PERIOD and plan.match.period_end:
        date_columns.append(plan.match.period_end)
    metric_headers = {m: columns[m] for m in CANONICAL_METRICS if m in columns}
    wanted = list(dict.fromkeys(source.column_sql[h] for h in [*metric_headers.values(), *date_columns]))
    sampled = _samples(con, source.relation(), wanted)
    samples = {m: sampled[source.column_sql[header]] for m, header in metric_headers.items()}
    platform_style = plan.fmt.decimal_style if plan.fmt else None
    file_style = defaults.decimal_style or numbers.detect_decimal_style(v for values in samples.values() for v in values)
    styles: dict[str, DecimalStyle] = {}
    for name, values in samples.items():
        style = defaults.decimal_style or numbers.detect_decimal_style(values) or file_style or platform_style
        if style is None and name in INTEGER_METRICS:
            separators = {c for v in values for c in v if c in ".,"}
            style = "id" if separators == {"."} else "en"
        if style is None:
            ambiguous = next((v for v in values if re.fullmatch(AMBIGUOUS_RE, v.strip())), None)
            if ambiguous is not None:
                try:
                    numbers.parse_number(ambiguous)
                except numbers.AmbiguousNumber:
                    problems.append(ambiguous_problem(ambiguous, columns[name]))
                    continue
            style = "en"
        styles[name] = style
    typed = all(
        re.fullmatch(_PLAIN_NUMBER[styles.get(name, "en")], v.strip()) for name, values in samples.items() for v in values
    )
    date_form = None
    if date_columns:
        values = [v for header in date_columns for v in sampled[source.column_sql[header]]]
        try:
            date_form = sqlparse.detect_date_form(values, dayfirst=dayfirst)
        except numbers.AmbiguousDate:
            problems.append(problem("dates_ambiguous", column=date_columns[0], value=values[0] if values else ""))
        except numbers.DateError:
            problems.append(problem("dates_unreadable", column=date_columns[0], value=values[0] if values else ""))
        typed = typed and all(re.fullmatch(_PLAIN_DATE, v.strip()) for v in values)
    elif "date" in columns:
        typed = False  # a day index: read as text
    typed = typed and source.kind == "csv" and source.row_offset is not None
    return ColumnStyles(styles, date_form, typed), problems


def stage(
    con: duckdb.DuckDBPyConnection,
    plans: Sequence[PlannedTable],
    styles: Sequence[ColumnStyles],
    defaults: Defaults,
    metrics: Sequence[str],
) -> None:
    """Build ``staged`` from the file read as text (see the module docstring; the fast path is :mod:`.fast`)."""
    selects = []
    for plan, style in zip(plans, styles, strict=True):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {plan.raw} AS SELECT * FROM {plan.source.relation()}")
        plan.has_raw = True
        selects.append(table_sql(plan, style, defaults, typed=False, metrics=metrics, relation=plan.raw).select())
    con.execute(f"CREATE OR REPLACE TEMP TABLE staged_base AS {' UNION ALL '.join(f'({s})' for s in selects)}")
    spread_value_currency(con, plans)
    summary = " OR ".join(f"(table_no = {table} AND line_no = {line})" for table, line in summary_rows(con, plans))
    con.execute(f"CREATE OR REPLACE TEMP VIEW staged AS SELECT *, {summary or 'false'} AS is_summary FROM staged_base")


def typed_query(plan: PlannedTable, styles: ColumnStyles, defaults: Defaults, metrics: Sequence[str]) -> TableQuery | None:
    """The table read by DuckDB's own CSV reader, numbers and dates parsed natively (for :mod:`.fast`)."""
    source = plan.source
    style = next(iter(styles.numbers.values()))
    types = {_name(source, plan.match.columns[m]): "DECIMAL(18,4)" for m in styles.numbers}
    for header in _date_headers(plan):
        types[_name(source, header)] = "DATE"
    separators = "thousands=',', decimal_separator='.'" if style == "en" else "thousands='.', decimal_separator=','"
    nulls = "[" + ", ".join(literal(n) for n in _NULL_STRINGS) + "]"
    relation = source.relation(types, options=f"{separators}, nullstr={nulls}", strict=True)
    return table_sql(plan, styles, defaults, typed=True, metrics=metrics, relation=relation, line_sql="NULL::BIGINT")


def _name(source: TableSource, header: str) -> str:
    return source.column_sql[header].strip('"')


def _typed_headers(plan: PlannedTable) -> list[str]:
    """The headers a typed read parsed natively: the metrics and the dates."""
    return [plan.match.columns[m] for m in CANONICAL_METRICS if m in plan.match.columns] + _date_headers(plan)


def _date_headers(plan: PlannedTable) -> list[str]:
    headers = []
    if plan.dating in (Dating.DAILY, Dating.ROW_PERIOD):
        headers.append(plan.match.columns["date"])
    if plan.dating == Dating.ROW_PERIOD and plan.match.period_end:
        headers.append(plan.match.period_end)
    return headers


def _trimmed(cell: str) -> str:
    """``nullif(trim(cell), '')``, trimming only the few cells that need it: trimming every cell costs about a
    third of reading the file."""
    padded = f"starts_with({cell}, ' ') OR ends_with({cell}, ' ')"
    return f"(CASE WHEN {padded} THEN nullif(trim({cell}), '') ELSE nullif({cell}, '') END)"


def ambiguous_problem(value: str, column: str | None) -> Notice:
    """``1.234`` where nothing settles the style: refused with both readings, never guessed."""
    digits = re.sub(r"[^0-9.,]", "", value)
    return problem(
        "number_ambiguous",
        column=column,
        value=value,
        id_reading=digits.replace(".", "").replace(",", "."),
        en_reading=digits.replace(",", ""),
    )


def is_empty_sql(raw: str) -> str:
    """``TRUE`` for a cell that means "no value": blank, a dash, "n/a", "(not set)"."""
    return f"(coalesce(lower(trim({raw})), '') IN {_EMPTY_SQL})"


_CONSTANT_SQL = re.compile(r"^(?:NULL::\w+(?:\(\d+,\d+\))?|true|false|-?\d+|'(?:[^']|'')*')$")


@dataclass(frozen=True)
class TableQuery:
    """How a table's rows become ``staged``'s columns: ``inner`` expressions over the cells (``cells_sql``), then
    ``outer`` expressions over those (the names ``staged`` has, in the same order for every table)."""

    inner: dict[str, str]
    outer: dict[str, str]
    cells_sql: str

    def select(self) -> str:
        """Every column computed in one query (what is materialised on the text path)."""
        return f"SELECT {_columns(self.outer)} FROM (SELECT {_columns(self.inner)} FROM {self.cells_sql})"


def _columns(expressions: Mapping[str, str]) -> str:
    return ", ".join(f"{sql} AS {quote(name)}" for name, sql in expressions.items())


def table_sql(
    plan: PlannedTable,
    styles: ColumnStyles,
    defaults: Defaults,
    *,
    typed: bool,
    metrics: Sequence[str],
    relation: str,
    line_sql: str | None = None,
) -> TableQuery:
    """How the table's rows become ``staged``'s columns (the same for every table, in the same order)."""
    source, match = plan.source, plan.match
    raw_of = {canonical: source.column_sql[header] for canonical, header in match.columns.items()}
    typed_columns = {source.column_sql[h] for h in _typed_headers(plan)} if typed else set()
    cells = [source.column_sql[h] for h in dict.fromkeys(source.headers) if h in source.column_sql]
    # The first non-empty cell holds a totals label, if any. A cell DuckDB parsed as a number or a date cannot
    # be a label, so a row whose first cell parsed is settled at once (an empty string stops the search).
    first = [f"CASE WHEN {c} IS NOT NULL THEN '' END" if c in typed_columns else _trimmed(c) for c in cells]
    first_cell = f"coalesce({', '.join(first)})" if first else "NULL::VARCHAR"
    cell_currency = "NULL::VARCHAR"
    if "currency" in raw_of:
        code = f"coalesce({_trimmed(raw_of['currency'])}, '')"
        cell_currency = f"CASE WHEN {code} IN {_NAME_EMPTY_SQL} THEN NULL ELSE upper({code}) END"
    # Values used twice are computed once, a level below (DuckDB does not share a repeated expression).
    keep_rowid = ", rowid" if line_sql is None and source.row_offset is not None else ""  # a raw table numbers by rowid
    cells_sql = f"(SELECT *{keep_rowid}, {first_cell} AS __first, {cell_currency} AS __cell_currency FROM {relation})"
    inner: dict[str, str] = {
        "table_no": str(plan.number),
        "line_no": line_sql or source.row_sql,
        "is_total": _is_total_sql(plan, raw_of, typed=typed),
        "first_cell": "__first",
        **_dating_sql(plan, styles, raw_of, typed=typed),
        "value_currency": _value_currency_sql(raw_of, typed=typed),
        "width_bad": "false" if typed else " OR ".join(f"nullif(trim({c}), '') IS NOT NULL" for c in source.spare_sql) or "false",
    }
    for name in TEXT_DIMENSIONS:
        if name in raw_of:
            inner[name] = _trimmed(raw_of[name])
        elif name == "account":
            inner[name] = literal(defaults.account)
        elif name == "channel":
            inner[name] = literal(plan.fmt.default_channel if plan.fmt and plan.fmt.default_channel else defaults.source)
        else:
            inner[name] = "NULL::VARCHAR"
    fallback = match.header_currency or defaults.currency
    fallback_sql = literal(fallback) if fallback else "NULL::VARCHAR"
    inner["currency"] = f"coalesce(__cell_currency, {inner['value_currency']}, {fallback_sql})"
    inner["cell_currency"] = "__cell_currency"
    for name in metrics:
        raw = raw_of.get(name)
        if raw is None:
            continue
        if typed:  # the typed reader turned blank cells into NULL
            inner[name] = raw
        else:
            inner[name], inner[f"{name}__empty"] = sqlparse.number_sql(raw, styles.numbers[name]), is_empty_sql(raw)

    outer: dict[str, str] = {name: name for name in ("table_no", "line_no", "is_total")}
    outer["total_label"] = "CASE WHEN is_total THEN first_cell END"
    outer.update({"date": "date", "date_end": "coalesce(period_end, date)", "date_bad": "date IS NULL"})
    outer["end_bad"] = "(period_end IS NULL AND NOT period_end_empty)"
    outer.update({name: name for name in TEXT_DIMENSIONS})
    outer["currency"] = "currency"
    outer["value_currency"] = "value_currency"
    outer["currency_conflict"] = "coalesce(value_currency <> cell_currency, false)"
    outer["width_bad"] = "width_bad"
    derived = {d.target: d for d in match.derivations if d.target not in match.columns}
    for name in metrics:
        if name not in match.columns and name not in derived:
            outer.update({name: "NULL::DECIMAL(18,4)", f"{name}__bad": "false", f"{name}__empty": "false"})
        elif name in derived:
            difference = derived[name]
            # A blank cell counts as zero (the receipt says so), in a derived figure too.
            outer[name] = f"greatest(coalesce({difference.minuend}, 0) - coalesce({difference.subtrahend}, 0), 0)"
            outer[f"{name}__bad"], outer[f"{name}__empty"] = "false", "false"
        elif typed:
            outer.update({name: name, f"{name}__bad": "false", f"{name}__empty": f"({name} IS NULL)"})
        else:
            outer[name] = name
            outer[f"{name}__bad"] = f"({name} IS NULL AND NOT {name}__empty)"
            outer[f"{name}__empty"] = f"{name}__empty"
    return TableQuery(inner, outer, cells_sql)


def _is_total_sql(plan: PlannedTable, raw_of: dict[str, str], *, typed: bool) -> str:
    """Whether the row is a totals line (its first non-empty cell, ``__first``, is a totals label). Read typed, a
    row with a date is data: only the rows without one need the label looked at."""
    label = f"coalesce({total_label_sql('__first')}, false)"
    if typed and "date" in raw_of and plan.dating in (Dating.DAILY, Dating.ROW_PERIOD):
        return f"CASE WHEN {raw_of['date']} IS NOT NULL THEN false ELSE {label} END"
    return label


def _dating_sql(plan: PlannedTable, styles: ColumnStyles, raw_of: dict[str, str], *, typed: bool) -> dict[str, str]:
    """``date`` (NULL when unreadable), ``period_end`` (the row's own end, NULL when it has none) and
    ``period_end_empty`` (the end cell is blank, as opposed to unreadable)."""
    no_end = {"period_end": "NULL::DATE", "period_end_empty": "true"}
    if plan.dating == Dating.WHOLE:
        assert plan.period is not None
        start, end = (literal(d.isoformat()) for d in (plan.period.start, plan.period.end))
        return {"date": f"DATE {start}", "period_end": f"DATE {end}", "period_end_empty": "false"}
    date_raw = raw_of["date"]
    if plan.dating == Dating.DAY_INDEX:
        assert plan.period is not None
        return {"date": f"(DATE {literal(plan.period.start.isoformat())} + TRY_CAST(trim({date_raw}) AS INTEGER))", **no_end}
    form = styles.date_form or sqlparse.DateForm.ISO
    day = date_raw if typed else sqlparse.date_sql(date_raw, form)
    if plan.dating == Dating.ROW_PERIOD and plan.match.period_end:
        end_raw = plan.source.column_sql[plan.match.period_end]
        end = end_raw if typed else sqlparse.date_sql(end_raw, form)
        return {"date": day, "period_end": end, "period_end_empty": f"{end_raw} IS NULL" if typed else is_empty_sql(end_raw)}
    return {"date": day, **no_end}


# Markers a money cell may carry ("£8.06", "Rp 1.234.567", "8,06 EUR") and the currency each means.
def _value_currency_sql(raw_of: dict[str, str], *, typed: bool) -> str:
    cells = [raw_of[m] for m in MONEY_METRICS if m in raw_of]
    if typed or not cells:
        return "NULL::VARCHAR"
    markers = sorted(numbers._CURRENCY_SYMBOLS.items(), key=lambda item: -len(item[0]))
    cases = " ".join(f"WHEN {literal(symbol)} THEN {literal(code)}" for symbol, code in markers)
    codes = "(" + ", ".join(literal(c.lower()) for c in sorted(numbers.ISO_CURRENCIES)) + ")"
    expressions = []
    for cell in cells:
        token = f"lower(regexp_replace(coalesce({cell}, ''), '[0-9.,()%+\\-\\s\u2212]', '', 'g'))"
        expressions.append(f"(CASE {token} {cases} ELSE CASE WHEN {token} IN {codes} THEN upper({token}) END END)")
    return f"coalesce({', '.join(expressions)})"


def summary_rows(con: duckdb.DuckDBPyConnection, plans: Sequence[PlannedTable]) -> list[tuple[int, int]]:
    """Meta and GA4 may write a summary row without names right below the header: the first row of such a
    table, when its names are all empty, is a summary, not data. Anywhere else a row without names is data.
    Returns (table, row) of each summary row."""
    found = []
    for plan in plans:
        labels = [d for d in LABEL_DIMENSIONS if d in plan.match.columns]
        if plan.fmt is None or not plan.fmt.has_summary_row or not labels:
            continue
        empty = " AND ".join(f"coalesce({d}, '') IN {_NAME_EMPTY_SQL}" for d in labels)
        first = con.execute(
            f"SELECT line_no, {empty} FROM staged_base WHERE table_no = ? AND NOT is_total ORDER BY line_no LIMIT 1",
            [plan.number],
        ).fetchone()
        if first is not None and first[1]:
            found.append((plan.number, int(first[0])))
    return found


def spread_value_currency(con: duckdb.DuckDBPyConnection, plans: Sequence[PlannedTable]) -> None:
    """A file whose amounts name one currency ("£8.06") in some cells and none in others ("1.00") is in that
    currency throughout, unless a currency column or a header says otherwise for the rows."""
    if any("currency" in p.match.columns or p.match.header_currency for p in plans):
        return
    found = [
        row[0]
        for row in con.execute("SELECT DISTINCT value_currency FROM staged_base WHERE value_currency IS NOT NULL").fetchall()
    ]
    if len(found) == 1:
        con.execute("UPDATE staged_base SET currency = ? WHERE value_currency IS NULL", [found[0]])
