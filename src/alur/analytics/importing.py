"""Importing performance exports into the warehouse: validated, all-or-nothing, idempotent.

Framework-free (no Django): the service layer (:mod:`alur.analytics.services`) decides who may import, keeps
the import's record and calls :func:`run_import`.

How a file travels
    1. **Recognise** it: XLSX (opened with openpyxl and streamed to a UTF-8 CSV), Parquet (read by DuckDB as
       is) or CSV/TSV, whose encoding, delimiter, title lines and header line :func:`formats.sniff` finds.
       UTF-16 files (Google Ads' "CSV for Excel") are transcoded to UTF-8 in one streaming pass.
    2. **Match columns** to Alur's fields by the platform's header names (English and Indonesian), or by the
       column mapping saved for a generic source. A required column that is missing stops the import.
    3. **Read and parse in DuckDB**: every cell is read as text, then numbers and dates are parsed by SQL
       expressions (:mod:`alur.analytics.sqlparse`) in the engine — the decimal style of each column
       (``1.234,56`` or ``1,234.56``) is decided from the whole column first. Totals lines (Google Ads'
       ``Total: Account`` …) are recognised and left out.
    4. **Validate**: cells that do not parse, negative counts, fractions of clicks, a missing currency,
       duplicate rows. Up to :data:`MAX_PROBLEMS` problems are reported with the file's row number, the column,
       the value and the fix. One problem anywhere means nothing is written.
    5. **Replace** in one warehouse transaction: the facts of this workspace and source for the accounts and
       the date range the file covers are deleted, then the file's rows are inserted. Importing the same
       file twice therefore changes nothing, and a corrected export of an overlapping period replaces what
       was there (see the README, "Importing performance data").
"""

from __future__ import annotations

import contextlib
import csv
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from alur.analytics import formats, numbers, sqlparse, warehouse

MAX_PROBLEMS = 50
# "Total: Account", "Grand total", "Total of 12 results", "Jumlah" — but not a campaign called "Total Promo".
_TOTAL_RE = r"^(total|totals|grand total|jumlah|total keseluruhan)(\s*:.*|\s+of\s.*)?$"
_AMBIGUOUS_RE = "^[^0-9]*[1-9][0-9]?[0-9]?[.,][0-9]{3}[^0-9]*$"  # "1.234" / "12,500": thousands or decimals?
INTEGER_METRICS = frozenset(name for name, kind in warehouse.FACT_METRICS.items() if kind.is_integer())
TEXT_DIMENSIONS = ("account", "channel", "campaign", "ad_set", "ad", "region", "device")
KEY = ("date", *TEXT_DIMENSIONS)

ProgressCallback = Callable[[int, str], None]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: ``row`` is the row number as a spreadsheet shows it (1 = first line)."""

    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


class ImportFailed(Exception):
    """The file was not imported; ``problems`` say why, row by row. Nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems[:3]))
        self.problems = list(problems)


@dataclass(frozen=True)
class ImportSpec:
    """What the service knows about the import: whose, which source, how to read it."""

    workspace_id: int
    source: str
    import_id: int
    format_key: str | None = None  # a formats.FORMATS key, or None for a generic file (mapping required)
    mapping: Mapping[str, str] | None = None  # canonical field → the file's header
    decimal_style: numbers.DecimalStyle | None = None  # None: decided from each column
    dayfirst: bool | None = None  # None: decided from the date column
    default_currency: str | None = None  # for files without a currency column or header marker
    default_account: str = ""
    campaign_ids: Mapping[str, int] = field(default_factory=dict)  # lower-cased platform campaign → Alur campaign


@dataclass
class ImportResult:
    rows: int
    date_from: date
    date_to: date
    accounts: list[str]
    replaced: int
    currencies: list[str]
    campaigns: list[str]
    unmapped_campaigns: list[str]
    ignored_columns: list[str]
    totals_rows: int
    format_key: str | None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "accounts": self.accounts,
            "replaced": self.replaced,
            "currencies": self.currencies,
            "campaigns": self.campaigns,
            "unmapped_campaigns": self.unmapped_campaigns,
            "ignored_columns": self.ignored_columns,
            "totals_rows": self.totals_rows,
            "format": self.format_key,
            "warnings": self.warnings,
        }


# ------------------------------------------------------------------------------------------------ reading


@dataclass
class _Source:
    """The file as DuckDB will read it."""

    relation_sql: str  # a table function call: read_csv(...) or read_parquet(...)
    headers: list[str]
    first_data_row: int  # the spreadsheet row number of the first data row
    format_key: str | None
    column_sql: dict[str, str]  # header → how to refer to it in the relation


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _kind(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    return "csv"


def _xlsx_to_csv(path: Path, out: Path) -> None:
    """Stream the first worksheet to a UTF-8 CSV (values as Excel shows them is not needed: numbers stay
    numbers, dates become ISO dates)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise ImportFailed(
            [Problem(f"The spreadsheet could not be opened ({error}). Save it again as .xlsx and retry.")]
        ) from None
    try:
        sheet = book.worksheets[0]
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            for row in sheet.iter_rows(values_only=True):
                writer.writerow(["" if v is None else (v.isoformat()[:10] if isinstance(v, date) else v) for v in row])
    finally:
        book.close()


def _transcode(path: Path, encoding: str, out: Path) -> None:
    with path.open("r", encoding=encoding, newline="") as source, out.open("w", encoding="utf-8", newline="") as target:
        while chunk := source.read(1 << 20):
            target.write(chunk)


def csv_relation(path: Path, layout: formats.Layout, scratch: Path) -> tuple[str, dict[str, str]]:
    """A ``read_csv(…)`` call reading every cell below the header as text, and each header's column in it.
    Files that are not UTF-8 are first transcoded into ``scratch`` in one streaming pass."""
    encoding, delimiter = layout.encoding or "utf-8", layout.delimiter or ","
    if encoding not in ("utf-8", "utf-8-sig"):
        converted = scratch / "utf8.csv"
        try:
            _transcode(path, encoding, converted)
        except UnicodeDecodeError:
            raise ImportFailed([Problem(f"The file is not valid {encoding} text. Export it again as CSV (UTF-8).")]) from None
        path = converted
    names = [f"c{i}" for i in range(len(layout.headers))]
    columns_sql = ", ".join(f"{_literal(n)}: 'VARCHAR'" for n in names)
    relation = (
        f"read_csv({_literal(str(path))}, skip={layout.header_line + 1}, header=false, auto_detect=false, "
        f"delim={_literal(delimiter)}, quote='\"', escape='\"', null_padding=true, columns={{{columns_sql}}})"
    )
    return relation, {header: _quote(name) for header, name in zip(layout.headers, names, strict=True)}


def ambiguous_problem(value: str, column: str | None, fix: str) -> Problem:
    """``1.234`` in a column whose style nothing settles: refused with ``fix``, never guessed."""
    return Problem(
        f'Values like "{value}" can be read two ways (Indonesian 1.234 = one thousand two hundred thirty-four, '
        f"English 1.234 = one point two three four). {fix}",
        column=column,
        value=value,
    )


def _open_source(path: Path, spec: ImportSpec, scratch: Path) -> _Source:
    kind = _kind(path)
    if kind == "parquet":
        try:
            names = [row[0] for row in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet({_literal(str(path))})").fetchall()]
        except duckdb.Error as error:
            raise ImportFailed([Problem(f"The Parquet file could not be read ({error}).")]) from None
        fmt = formats.detect_format(names) if spec.format_key is None else spec.format_key
        return _Source(
            relation_sql=f"read_parquet({_literal(str(path))})",
            headers=names,
            first_data_row=1,
            format_key=fmt,
            column_sql={name: _quote(name) for name in names},
        )
    if kind == "xlsx":
        converted = scratch / "sheet.csv"
        _xlsx_to_csv(path, converted)
        path = converted
    try:
        layout = formats.sniff(path)
    except formats.FormatError as error:
        raise ImportFailed([Problem(str(error))]) from None
    relation, column_sql = csv_relation(path, layout, scratch)
    return _Source(
        relation_sql=relation,
        headers=list(layout.headers),
        first_data_row=layout.header_line + 2,
        format_key=spec.format_key or layout.format_key,
        column_sql=column_sql,
    )


# ---------------------------------------------------------------------------------------------- importing


_EMPTY_SQL = "('', '-', '--', '---', '—', '–', 'n/a', 'na', 'n.a.', 'null', 'none', '(not set)')"


def _is_empty(raw: str) -> str:
    return f"(coalesce(lower(trim({raw})), '') IN {_EMPTY_SQL})"


def _sample(con: duckdb.DuckDBPyConnection, raw: str, limit: int = 5000) -> list[str]:
    rows = con.execute(f"SELECT {raw} FROM raw WHERE NOT {_is_empty(raw)} LIMIT {limit}").fetchall()
    return [row[0] for row in rows]


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


def run_import(
    path: Path,
    spec: ImportSpec,
    *,
    warehouse_url: str,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Import one export file; raises :class:`ImportFailed` (nothing written) when anything is wrong."""
    if not path.exists() or path.stat().st_size == 0:
        raise ImportFailed([Problem("The file is empty. Export the report again and upload the downloaded file.")])
    with tempfile.TemporaryDirectory(prefix="alur-import-") as scratch_dir:
        scratch = Path(scratch_dir)
        source = _open_source(path, spec, scratch)
        fmt = formats.FORMATS.get(source.format_key) if source.format_key else None
        if fmt is None and not spec.mapping:
            raise ImportFailed(
                [
                    Problem(
                        "Alur does not recognise this report. Choose its source (Google Ads, Meta Ads, GA4, TikTok Ads, "
                        "LinkedIn) or save a column mapping for a generic source."
                    )
                ]
            )
        match = formats.match_columns(source.headers, fmt, spec.mapping)
        if match.problems:
            raise ImportFailed([Problem(message) for message in match.problems])
        if match.missing:
            raise ImportFailed(
                [
                    Problem(f'The column for "{name}" is missing. {_describe_field(name, fmt)}', column=name)
                    for name in match.missing
                ]
            )
        with staging(warehouse_url) as (con, target):
            return _import(con, source, match, fmt, spec, progress, target=target)


@contextlib.contextmanager
def staging(warehouse_url: str) -> Iterator[tuple[duckdb.DuckDBPyConnection, Any]]:
    """Where a file is read and checked, and where it goes: on a DuckDB warehouse its own connection
    (``target`` None: the rows move inside one database); on another engine an in-memory DuckDB, with the
    warehouse connection as ``target`` for :func:`replace_rows`."""
    if warehouse.engine_of(warehouse_url) == "duckdb":
        with warehouse.session(warehouse_url) as connection:
            yield connection.con, None
        return
    con = duckdb.connect()
    try:
        with warehouse.session(warehouse_url) as connection:
            yield con, connection
    finally:
        con.close()


def _import(
    con: duckdb.DuckDBPyConnection,
    source: _Source,
    match: formats.ColumnMatch,
    fmt: formats.SourceFormat | None,
    spec: ImportSpec,
    progress_callback: ProgressCallback | None,
    *,
    target: Any,
) -> ImportResult:
    progress = _Progress(con, progress_callback)
    columns = match.columns  # canonical → header
    raw_of = {canonical: source.column_sql[header] for canonical, header in columns.items()}
    con.execute("DROP TABLE IF EXISTS raw")
    con.execute("DROP TABLE IF EXISTS staged")
    with progress.band(0, 55, "reading"):
        try:
            con.execute(f"CREATE TEMP TABLE raw AS SELECT * FROM {source.relation_sql}")
        except duckdb.Error as error:
            raise ImportFailed([_read_problem(error)]) from None
    total = con.execute("SELECT count(*) FROM raw").fetchone()[0]  # type: ignore[index]
    if total == 0:
        raise ImportFailed([Problem("The file has a header but no data rows. Export the report with at least one day of data.")])

    problems: list[Problem] = []
    select: list[str] = [f"rowid + {source.first_data_row} AS line_no"]
    checks: list[tuple[str, str, str]] = []  # (failure condition, canonical, message)

    # Totals lines: any text dimension (or the date) starting with "Total" / "Grand total" / "Jumlah".
    total_cells = [raw_of[name] for name in ("date", *TEXT_DIMENSIONS) if name in raw_of]
    total_sql = " OR ".join(
        # The cheap prefix test first: the regular expression runs only on the few cells that pass it.
        f"((lower(ltrim({raw})) LIKE 't%' OR lower(ltrim({raw})) LIKE 'g%' OR lower(ltrim({raw})) LIKE 'j%') "
        f"AND regexp_matches(lower(trim({raw})), '{_TOTAL_RE}'))"
        for raw in total_cells
    )
    label_cells = [raw_of[name] for name in TEXT_DIMENSIONS if name in raw_of and name != "channel"]
    if fmt is not None and fmt.has_summary_row and label_cells:
        # Meta and GA4 write a summary row whose naming cells are empty.
        summary_sql = " AND ".join(_is_empty(raw) for raw in label_cells)
        total_sql = f"({total_sql or 'false'}) OR ({summary_sql})"
    select.append(f"({total_sql or 'false'}) AS is_total")

    date_raw = raw_of["date"]
    try:
        date_form = sqlparse.detect_date_form(_sample(con, date_raw), dayfirst=spec.dayfirst)
    except numbers.DateError as error:
        raise ImportFailed([Problem(str(error), column=columns["date"])]) from None
    select.append(f"{sqlparse.date_sql(date_raw, date_form)} AS date")
    checks.append(("date IS NULL", "date", "is not a date we can read. Use a form like 2026-11-23 or 23/11/2026."))

    if match.period_end and match.period_end in source.column_sql:
        # Meta writes "Reporting starts"/"Reporting ends": each row must cover one day.
        end_raw = source.column_sql[match.period_end]
        select.append(f"{sqlparse.date_sql(end_raw, date_form)} AS period_end")
        hint = fmt.date_hint if fmt else ""
        checks.append(
            ("period_end IS NOT NULL AND period_end <> date", "date", f"starts a row that covers more than one day. {hint}")
        )

    for name in TEXT_DIMENSIONS:
        if name in raw_of:
            select.append(f"nullif(trim(coalesce({raw_of[name]}, '')), '') AS {name}")
        elif name == "account":
            select.append(f"{_literal(spec.default_account)} AS account")
        elif name == "channel":
            select.append(f"{_literal(fmt.default_channel if fmt else spec.source)} AS channel")
        else:
            select.append(f"NULL::VARCHAR AS {name}")

    header_currency = next(iter(match.currency_by_header.values()), None)
    if "currency" in raw_of:
        fallback = _literal(header_currency or spec.default_currency or "")
        select.append(f"coalesce(nullif(upper(trim({raw_of['currency']})), ''), nullif({fallback}, '')) AS currency")
    else:
        currency = header_currency or spec.default_currency
        select.append(f"{_literal(currency) if currency else 'NULL::VARCHAR'} AS currency")
    checks.append(
        (
            "currency IS NULL OR NOT regexp_matches(currency, '^[A-Z]{3}$')",
            "currency",
            "is not a currency code. Add a currency column (IDR, USD…) or set the source's currency.",
        )
    )

    metric_names = [name for name in warehouse.FACT_METRICS if name in raw_of]
    # A file is written in one locale: the column's own values decide, else the whole file's, else (for
    # counts, which have no decimals) the separator of "4,000"/"4.000" can only group thousands.
    samples = {name: _sample(con, raw_of[name]) for name in metric_names}
    file_style = spec.decimal_style or numbers.detect_decimal_style(v for values in samples.values() for v in values)
    for name in metric_names:
        raw = raw_of[name]
        style = spec.decimal_style or numbers.detect_decimal_style(samples[name]) or file_style
        if style is None and name in INTEGER_METRICS:
            separators = {c for v in samples[name] for c in v if c in ".,"}
            style = "id" if separators == {"."} else "en"
        if style is None:
            ambiguous = con.execute(
                f"SELECT {raw} FROM raw WHERE regexp_matches(trim({raw}), '{_AMBIGUOUS_RE}') LIMIT 1"
            ).fetchall()
            if ambiguous:
                problems.append(
                    ambiguous_problem(ambiguous[0][0], columns[name], "Set the source's number style and import again.")
                )
                continue
            style = "en"
        select.append(f"{sqlparse.number_sql(raw, style)} AS {name}")
        select.append(f"{_is_empty(raw)} AS {name}__empty")
        checks.append((f"{name} IS NULL AND NOT {name}__empty", name, "is not a number we can read."))
        checks.append((f"{name} < 0", name, "is negative; performance figures cannot be below zero."))
        if name in INTEGER_METRICS:
            checks.append((f"{name} <> floor({name})", name, "must be a whole number."))
    for target_name, difference in (fmt.derive if fmt else {}).items():
        left, right = difference.minuend, difference.subtrahend
        if target_name not in raw_of and left in metric_names and right in metric_names:
            select.append(f"greatest({left} - {right}, 0) AS {target_name}")
            metric_names.append(target_name)
    if problems:
        raise ImportFailed(problems)
    if not metric_names:
        raise ImportFailed([Problem("The file has no column with figures Alur keeps (impressions, clicks, cost, sessions…).")])

    with progress.band(55, 80, "checking"):
        con.execute(f"CREATE TEMP TABLE staged AS SELECT {', '.join(select)} FROM raw")
        problems.extend(_cell_problems(con, checks, columns, raw_of, source.first_data_row))
        if len(problems) < MAX_PROBLEMS:
            problems.extend(_duplicate_problems(con))
    if problems:
        raise ImportFailed(problems[:MAX_PROBLEMS])

    summary = con.execute(
        "SELECT count(*) FILTER (WHERE NOT is_total), count(*) FILTER (WHERE is_total), "
        "min(date) FILTER (WHERE NOT is_total), max(date) FILTER (WHERE NOT is_total), "
        "list(DISTINCT account) FILTER (WHERE NOT is_total), list(DISTINCT currency) FILTER (WHERE NOT is_total), "
        "list(DISTINCT campaign) FILTER (WHERE NOT is_total AND campaign IS NOT NULL) FROM staged"
    ).fetchone()
    assert summary is not None
    rows, totals_rows, date_from, date_to, accounts, currencies, campaigns = summary
    accounts, currencies, campaigns = accounts or [], currencies or [], campaigns or []
    if rows == 0:
        raise ImportFailed([Problem("The file holds only totals lines, no data rows.")])
    campaign_map = {name.lower(): cid for name, cid in spec.campaign_ids.items()}
    con.execute("DROP TABLE IF EXISTS campaign_map")
    con.execute("CREATE TEMP TABLE campaign_map (name VARCHAR, campaign_id BIGINT)")
    if campaign_map:
        con.executemany("INSERT INTO campaign_map VALUES (?, ?)", list(campaign_map.items()))
    fact_columns = [*warehouse.FACT_DIMENSIONS, *warehouse.FACT_METRICS, *warehouse.FACT_BOOKKEEPING]
    values = []
    for name in fact_columns:
        if name == "workspace_id":
            values.append(f"{int(spec.workspace_id)}::BIGINT")
        elif name == "source":
            values.append(_literal(spec.source))
        elif name == "campaign_id":
            values.append("m.campaign_id")
        elif name == "import_id":
            values.append(f"{int(spec.import_id)}::BIGINT")
        elif name == "date_end":
            values.append("s.date")
        elif name in metric_names:
            values.append(f"coalesce(s.{name}, 0)::{_sql_type(name)}")
        elif name in warehouse.FACT_METRICS:
            values.append(f"NULL::{_sql_type(name)}")
        elif name in ("account",):
            values.append("coalesce(s.account, '')")
        else:
            values.append(f"s.{name}")
    select_facts = (
        f"SELECT {', '.join(values)} FROM staged s LEFT JOIN campaign_map m ON m.name = lower(s.campaign) WHERE NOT s.is_total"
    )
    accounts_list = sorted({a or "" for a in accounts})
    where = (
        f"workspace_id = {int(spec.workspace_id)} AND source = {_literal(spec.source)} "
        f"AND account IN ({', '.join(_literal(a) for a in accounts_list)}) "
        f"AND date BETWEEN DATE {_literal(date_from.isoformat())} AND DATE {_literal(date_to.isoformat())}"
    )
    with progress.band(80, 100, "saving"):
        replaced = replace_rows(con, target, warehouse.FACTS, where, fact_columns, select_facts)
    unmapped = sorted(c for c in campaigns if c.lower() not in campaign_map)
    warnings = []
    if totals_rows:
        warnings.append(f"{totals_rows} totals lines were recognised and left out.")
    return ImportResult(
        rows=rows,
        date_from=date_from,
        date_to=date_to,
        accounts=accounts_list,
        replaced=replaced,
        currencies=sorted(c for c in currencies if c),
        campaigns=sorted(campaigns),
        unmapped_campaigns=unmapped,
        ignored_columns=list(match.ignored),
        totals_rows=totals_rows,
        format_key=source.format_key,
        warnings=warnings,
    )


def _describe_field(name: str, fmt: formats.SourceFormat | None) -> str:
    names = list(fmt.aliases.get(name, ()) if fmt else ())[:4]
    if names:
        return "Expected a column named like " + ", ".join(f'"{n}"' for n in names) + ". Export the report with that column."
    return "Add the column to the file, or map it in the source's column mapping."


def _sql_type(metric: str) -> str:
    return "BIGINT" if metric in INTEGER_METRICS else "DECIMAL(18,4)"


def _read_problem(error: duckdb.Error) -> Problem:
    text = str(error)
    line = re.search(r"[Ll]ine:? (\d+)", text)
    if "unicode" in text.lower() or "utf" in text.lower():
        return Problem("The file is not UTF-8 text. Export it again as CSV (UTF-8), or save it from Excel as 'CSV UTF-8'.")
    if "column" in text.lower() and ("expected" in text.lower() or "too many" in text.lower()):
        row = int(line.group(1)) if line else None
        return Problem("A row has more cells than the header. Check the row for an unquoted delimiter.", row=row)
    return Problem(f"The file could not be read as a table: {text.splitlines()[0]}")


def _cell_problems(
    con: duckdb.DuckDBPyConnection,
    checks: Sequence[tuple[str, str, str]],
    columns: Mapping[str, str],
    raw_of: Mapping[str, str],
    first_data_row: int,
) -> list[Problem]:
    if not checks:
        return []
    case = " ".join(f"WHEN {condition} THEN {index}" for index, (condition, _, _) in enumerate(checks))
    bad = con.execute(
        f"SELECT line_no, check_no FROM (SELECT line_no, CASE {case} END AS check_no FROM staged WHERE NOT is_total) "
        f"WHERE check_no IS NOT NULL ORDER BY line_no LIMIT {MAX_PROBLEMS}"
    ).fetchall()
    problems = []
    for line_no, check_no in bad:
        _, canonical, message = checks[check_no]
        header = columns.get(canonical, canonical)
        value = None
        if canonical in raw_of:
            found = con.execute(f"SELECT {raw_of[canonical]} FROM raw WHERE rowid = ?", [line_no - first_data_row]).fetchone()
            value = found[0] if found else None
        shown = "" if value is None else value
        problems.append(
            Problem(f'Row {line_no}, column "{header}": "{shown}" {message}', row=line_no, column=header, value=value)
        )
    return problems


def _duplicate_problems(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    keys = ", ".join(KEY)
    rows = con.execute(
        f"SELECT list(line_no ORDER BY line_no), any_value(date), any_value(campaign) FROM staged WHERE NOT is_total "
        f"GROUP BY {keys}, currency HAVING count(*) > 1 ORDER BY min(line_no) LIMIT 20"
    ).fetchall()
    problems = []
    for lines, day, campaign in rows:
        shown = ", ".join(str(n) for n in lines[:5])
        problems.append(
            Problem(
                f"Rows {shown} describe the same day ({day}) and campaign ({campaign or '—'}) more than once. Remove the "
                "duplicate; if the report is broken down by a column Alur does not keep (age, gender…), export it without "
                "that breakdown.",
                row=lines[0],
            )
        )
    return problems


def replace_rows(
    con: duckdb.DuckDBPyConnection, target: Any, table: str, where: str, columns: Sequence[str], select_sql: str
) -> int:
    """In one warehouse transaction, delete the rows of ``table`` matching ``where`` and insert the rows of
    ``select_sql`` (run in ``con``); returns how many rows were replaced. ``target`` as from :func:`staging`:
    None when ``con`` is the DuckDB warehouse itself, else the PostgreSQL warehouse (rows go by COPY)."""
    names = ", ".join(columns)
    if target is None:
        con.execute("BEGIN TRANSACTION")
        try:
            found = con.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()
            con.execute(f"DELETE FROM {table} WHERE {where}")
            con.execute(f"INSERT INTO {table} ({names}) {select_sql}")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return int(found[0]) if found else 0
    pg = getattr(target, "con", None)
    if pg is None or not hasattr(pg, "transaction"):
        raise ImportFailed([Problem("Imports into this warehouse engine are not supported; use DuckDB or PostgreSQL.")])
    reader = con.execute(select_sql).fetch_record_batch(50_000)
    with pg.transaction(), pg.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}")
        replaced = int(cursor.fetchone()[0])
        cursor.execute(f"DELETE FROM {table} WHERE {where}")
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for batch in reader:
                for row in zip(*(batch.column(i).to_pylist() for i in range(batch.num_columns)), strict=True):
                    copy.write_row(row)
    return replaced
