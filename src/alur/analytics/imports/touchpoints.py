"""Importing customer-journey touchpoints (for attribution), with personal data pseudonymised on the way in.

A touchpoint file has one row per visit or contact: who (a journey or user id, or personal data — an email,
a phone number, a name), when, the channel, optionally the campaign, whether this step converted and its
value. Framework-free (no Django).

Pseudonymisation
    The person is replaced by ``journey_id = HMAC-SHA256(key, "<kind>:<normalised value>")`` (RFC 2104),
    hex, 32 characters. Emails are lower-cased and trimmed; phone numbers keep their digits with an
    Indonesian ``08…``/``8…`` written as ``628…``; names are case-folded with single spaces. The same person
    therefore gets the same id in every file of the workspace, the id cannot be reversed without the key,
    and the raw value is never written anywhere: the hash is computed inside DuckDB (a vectorised function)
    while the file is read, and only the hash goes to the warehouse. The key is derived per workspace from
    the installation's ``SECRET_KEY`` by the caller.

Replacement follows the fact imports: a file replaces the touchpoints of its source within the time span
it covers; the same file twice changes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from duckdb.func import PythonUDFType
from duckdb.sqltypes import VARCHAR

from alur.analytics import numbers, warehouse
from alur.analytics.imports import sqlparse
from alur.analytics.imports.messages import ImportFailed, Notice, problem
from alur.analytics.imports.reading import literal as _literal
from alur.analytics.imports.reading import open_file
from alur.analytics.imports.staging import AMBIGUOUS_RE, ambiguous_problem, is_empty_sql

MAX_PROBLEMS = 50

IDENTITY_ALIASES: dict[str, tuple[str, ...]] = {
    "journey": (
        "journey_id",
        "journey id",
        "user_id",
        "user id",
        "client_id",
        "client id",
        "customer_id",
        "customer id",
        "id pelanggan",
        "id pengguna",
    ),
    "email": ("email", "e-mail", "email address", "alamat email", "surel"),
    "phone": ("phone", "phone number", "telepon", "nomor telepon", "no hp", "no. hp", "nomor hp", "whatsapp", "no wa"),
    "name": ("name", "full name", "nama", "nama lengkap", "nama pelanggan"),
}
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "ts": ("timestamp", "time", "event time", "waktu", "datetime", "date", "tanggal", "touchpoint time"),
    "channel": ("channel", "kanal", "saluran", "source / medium", "source/medium", "touchpoint", "channel group"),
    "campaign": ("campaign", "kampanye", "utm_campaign", "campaign name"),
    "converted": ("converted", "conversion", "konversi", "is_conversion", "purchase", "terkonversi"),
    "value": ("value", "nilai", "revenue", "conversion value", "nilai konversi", "pendapatan"),
}
_TRUE = ("1", "true", "yes", "ya", "y", "t", "converted", "purchase")
_FALSE = ("", "0", "false", "no", "tidak", "n", "f", "-")
_FALSE_SQL = ", ".join("'" + v + "'" for v in _FALSE)


def normalise(kind: str, value: str) -> str:
    """The form of a personal value that is hashed: the same person written differently hashes the same."""
    text = " ".join(str(value).split())
    if kind == "email":
        return text.lower()
    if kind == "phone":
        digits = re.sub(r"\D", "", text)
        if digits.startswith("0"):
            digits = "62" + digits[1:]
        elif digits.startswith("8"):
            digits = "62" + digits
        return digits
    if kind == "name":
        return text.casefold()
    return text


def pseudonym(key: bytes, kind: str, value: str) -> str:
    """``HMAC-SHA256(key, "<kind>:<normalised value>")`` as 32 hex characters (RFC 2104)."""
    return hmac.new(key, f"{kind}:{normalise(kind, value)}".encode(), hashlib.sha256).hexdigest()[:32]


@dataclass
class TouchpointResult:
    rows: int
    journeys: int
    conversions: int
    replaced: int
    ts_from: Any
    ts_to: Any
    identity: str
    ignored_columns: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "journeys": self.journeys,
            "conversions": self.conversions,
            "replaced": self.replaced,
            "identity": self.identity,
            "ignored_columns": self.ignored_columns,
            "warnings": [f"Personal data ({self.identity}) was replaced by a keyed hash; it is not stored."]
            if self.identity != "journey"
            else [],
        }


def _find(headers: Sequence[str], aliases: Sequence[str]) -> str | None:
    wanted = {a.lower() for a in aliases}
    return next((h for h in headers if h.strip().lower() in wanted), None)


def _text(message: str, *, row: int | None = None, column: str | None = None, value: str | None = None) -> Notice:
    return problem("text", text=message, row=row, column=column, value=value)


def run_touchpoint_import(
    path: Path, *, workspace_id: int, source: str, import_id: int, key: bytes, warehouse_url: str, display_name: str = ""
) -> TouchpointResult:
    """Import a touchpoint CSV; raises :class:`ImportFailed` (nothing written) when anything is wrong."""
    name = display_name or path.name
    if not path.exists() or path.stat().st_size == 0:
        raise ImportFailed([problem("file_empty", file=name)])
    with tempfile.TemporaryDirectory(prefix="alur-touchpoints-") as scratch:
        _, sources = open_file(path, display_name=name, scratch=Path(scratch))
        table = sources[0]
        relation = table.relation()
        headers = list(table.headers)
        raw_of = dict(table.column_sql)
        return _run(relation, raw_of, headers, table.row_offset or 2, key=key, workspace_id=workspace_id, source=source,
                    import_id=import_id, warehouse_url=warehouse_url)  # fmt: skip


def _run(
    relation: str,
    raw_of: dict[str, str],
    headers: list[str],
    first_row: int,
    *,
    key: bytes,
    workspace_id: int,
    source: str,
    import_id: int,
    warehouse_url: str,
) -> TouchpointResult:
    identity_kind, identity_header = next(
        ((kind, found) for kind, aliases in IDENTITY_ALIASES.items() if (found := _find(headers, aliases))), (None, None)
    )
    columns = {name: _find(headers, aliases) for name, aliases in FIELD_ALIASES.items()}
    problems = []
    if identity_header is None:
        problems.append(
            _text("A column saying who the touchpoint belongs to is missing: journey_id, user_id, email, phone or name.")
        )
    for required in ("ts", "channel"):
        if columns[required] is None:
            problems.append(
                _text(
                    f'The column for "{required}" is missing. '
                    f"Expected a column named like {', '.join(FIELD_ALIASES[required][:3])}."
                )
            )
    if problems:
        raise ImportFailed(problems)
    assert identity_kind is not None and identity_header is not None
    used = {identity_header, *(c for c in columns.values() if c)}
    ignored = [h for h in headers if h and h not in used]
    identity = (identity_kind, identity_header, first_row)
    with staging(warehouse_url) as (con, target):
        return _load(con, target, relation, raw_of, identity, columns, ignored, key=key, workspace_id=workspace_id,
                     source=source, import_id=import_id)  # fmt: skip


def _load(
    con: duckdb.DuckDBPyConnection,
    target: Any,
    relation: str,
    raw_of: dict[str, str],
    identity: tuple[str, str, int],
    columns: dict[str, str | None],
    ignored: list[str],
    *,
    key: bytes,
    workspace_id: int,
    source: str,
    import_id: int,
) -> TouchpointResult:
    identity_kind, identity_header, first_row = identity

    def hash_values(values: pa.Array) -> pa.Array:
        return pa.array(
            [None if v is None or not v.strip() else pseudonym(key, identity_kind, v) for v in values.to_pylist()], pa.string()
        )

    con.create_function("alur_pseudonym", hash_values, [VARCHAR], VARCHAR, type=PythonUDFType.ARROW)
    try:
        con.execute(f"CREATE TEMP TABLE raw AS SELECT * FROM {relation}")
    except duckdb.Error as error:
        raise ImportFailed([_text(f"The file could not be read as a table: {str(error).splitlines()[0]}")]) from None
    ts_raw = raw_of[columns["ts"]]  # type: ignore[index]
    samples = [r[0] for r in con.execute(f"SELECT {ts_raw} FROM raw WHERE {ts_raw} IS NOT NULL LIMIT 2000").fetchall()]
    time_part = r"\s+\d{1,2}[:.]\d{2}([:.]\d{2})?"
    try:
        form = sqlparse.detect_date_form([re.sub(time_part + ".*$", "", s) for s in samples if s])
    except numbers.DateError as error:
        raise ImportFailed([_text(str(error), column=columns["ts"])]) from None
    day_sql = sqlparse.date_sql(f"regexp_replace({ts_raw}, '{time_part}.*$', '')", form)
    clock = f"regexp_extract({ts_raw}, '(\\d{{1,2}})[:.](\\d{{2}})', ['h', 'm'])"
    ts_sql = (
        f"CASE WHEN {day_sql} IS NULL THEN NULL ELSE {day_sql}::TIMESTAMP + "
        f"to_minutes(coalesce(TRY_CAST({clock}.h AS INTEGER), 0) * 60 + coalesce(TRY_CAST({clock}.m AS INTEGER), 0)) END"
    )
    value_raw = raw_of[columns["value"]] if columns["value"] else None
    style = None
    if value_raw:
        style = numbers.detect_decimal_style(r[0] for r in con.execute(f"SELECT {value_raw} FROM raw LIMIT 5000").fetchall())
        if style is None:
            ambiguous = con.execute(
                f"SELECT {value_raw} FROM raw WHERE regexp_matches(trim({value_raw}), '{AMBIGUOUS_RE}') LIMIT 1"
            ).fetchone()
            if ambiguous:
                raise ImportFailed([ambiguous_problem(ambiguous[0], columns["value"])])
            style = "en"
    converted_raw = raw_of[columns["converted"]] if columns["converted"] else None
    select = [
        f"rowid + {first_row} AS line_no",
        f"alur_pseudonym({raw_of[identity_header]}) AS journey_id",
        f"{ts_sql} AS ts",
        f"nullif(trim({raw_of[columns['channel']]}), '') AS channel",  # type: ignore[index]
        f"nullif(trim({raw_of[columns['campaign']]}), '') AS campaign" if columns["campaign"] else "NULL::VARCHAR AS campaign",
        (
            f"CASE WHEN lower(trim(coalesce({converted_raw}, ''))) IN ({', '.join(_literal(v) for v in _TRUE)}) THEN true "
            f"WHEN lower(trim(coalesce({converted_raw}, ''))) IN ({_FALSE_SQL}) THEN false END AS converted"
        )
        if converted_raw
        else "false AS converted",
        f"{sqlparse.number_sql(value_raw, style)} AS value" if value_raw else "NULL::DECIMAL(18,4) AS value",
        f"{is_empty_sql(value_raw)} AS value_empty" if value_raw else "true AS value_empty",
    ]
    con.execute(f"CREATE TEMP TABLE staged AS SELECT {', '.join(select)} FROM raw")
    checks = [
        ("journey_id IS NULL", identity_header, "is empty: every touchpoint needs to say whose journey it belongs to."),
        ("ts IS NULL", columns["ts"], "is not a date and time we can read. Use a form like 2026-11-23 14:05."),
        ("channel IS NULL", columns["channel"], "is empty: every touchpoint needs a channel."),
        ("converted IS NULL", columns["converted"], "is not yes/no. Use 1 or 0, true or false, ya or tidak."),
        ("value IS NULL AND NOT value_empty", columns["value"], "is not a number we can read."),
        ("value < 0", columns["value"], "is negative; a conversion value cannot be below zero."),
    ]
    case = " ".join(f"WHEN {condition} THEN {index}" for index, (condition, _, _) in enumerate(checks))
    bad = con.execute(
        f"SELECT line_no, rowid, check_no FROM (SELECT line_no, rowid, CASE {case} END AS check_no FROM staged) "
        f"WHERE check_no IS NOT NULL ORDER BY line_no LIMIT {MAX_PROBLEMS}"
    ).fetchall()
    if bad:
        problems = []
        for line_no, rowid, check_no in bad:
            _, header, message = checks[check_no]
            shown = None
            if header and header != identity_header:  # personal data is never echoed back
                cell = con.execute(f"SELECT {raw_of[header]} FROM raw WHERE rowid = ?", [rowid]).fetchone()
                shown = cell[0] if cell else None
            problems.append(
                _text(f'Row {line_no}, column "{header}": "{shown or ""}" {message}', row=line_no, column=header, value=shown)
            )
        raise ImportFailed(problems)
    summary = con.execute(
        "SELECT count(*), count(DISTINCT journey_id), count(*) FILTER (WHERE converted), min(ts), max(ts) FROM staged"
    ).fetchone()
    assert summary is not None
    rows, journeys, conversions, ts_from, ts_to = summary
    if rows == 0:
        raise ImportFailed([_text("The file has a header but no touchpoints.")])
    names = [*warehouse.TOUCHPOINT_COLUMNS]
    values = {
        "workspace_id": f"{int(workspace_id)}::BIGINT",
        "import_id": f"{int(import_id)}::BIGINT",
        "source": _literal(source),
    }
    select_sql = f"SELECT {', '.join(values.get(name, name) for name in names)} FROM staged"
    where = (
        f"workspace_id = {int(workspace_id)} AND source = {_literal(source)} "
        f"AND ts BETWEEN TIMESTAMP {_literal(str(ts_from))} AND TIMESTAMP {_literal(str(ts_to))}"
    )
    replaced = replace_rows(con, target, warehouse.TOUCHPOINTS, where, names, select_sql)
    return TouchpointResult(rows, journeys, conversions, replaced, ts_from, ts_to, identity_kind, ignored)


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
        raise ImportFailed([_text("Imports into this warehouse engine are not supported; use DuckDB or PostgreSQL.")])
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
