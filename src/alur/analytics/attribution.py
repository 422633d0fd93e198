"""Multi-touch attribution over customer paths: heuristic models, an exact Markov-chain model and Shapley value.

Framework-free (no Django). A :class:`PathSource` holds the distinct paths in a private in-memory DuckDB
database; every aggregation over paths (grouping identical paths, de-duplicating repeats, transition counts,
heuristic credits, channel sets) is SQL run there, and only the small transition matrix and channel-set table
come back to NumPy. (The distinct paths — a few hundred thousand for ten million rows — are split into
channel codes once, with Arrow's vectorised string kernels, which is faster than list lambdas.)

Cost: loading is one hash aggregation over the rows; each model is one pass over the distinct paths; the
Markov solve is one sparse LU per channel on the chain's states (``n`` states at order 1); Shapley is
``O(Σ_T |T|)`` over the distinct channel sets ``T``. Measured on two shared cores: 10 million rows (435,000
distinct paths) load in about 1.7 s, and all seven models then take about 0.6 s.

Input convention (the ChannelAttribution package, https://channelattribution.io): one row per path, the
channels joined by ``" > "``, with ``total_conversions``, ``total_conversion_value`` and ``total_null``
(journeys on that path that did not convert). Rows with the same path add up.

Models (each returns one :class:`ChannelCredit` per channel, sorted by channel; credits add up to the total
conversions and the total value):

``first`` / ``last``
    All of a path's conversions (and value) go to its first / last touch.
``linear``
    Every touch of a path gets ``1/n`` (a channel touched twice gets ``2/n``).
``time_decay``
    Touch ``k`` steps before the last touch gets weight ``2^(-k/h)`` (``h`` = ``half_life`` in steps),
    normalised over the path: ``w_k = q^k (1-q) / (1-q^n)`` with ``q = 2^(-1/h)``.
``position``
    Position-based ("U-shaped"): the first touch gets ``first_weight`` (0.4), the last ``last_weight``
    (0.4), the touches between share the rest equally. One touch gets everything; two touches share in the
    ratio ``first_weight : last_weight``.
``markov``
    Removal effect in the absorbing Markov chain of the paths (Anderl, Becker, von Wangenheim & Schumann
    2016, "Mapping the customer journey: lessons learned from graph-based online attribution modeling",
    IJRM 33(3); the ChannelAttribution package's definition). Consecutive repeats of a channel count as one
    visit. Of order ``k``, the chain's states are the windows of ``k`` consecutive channels of a path (a
    path shorter than ``k`` is one state), as in ChannelAttribution. Transition probabilities are the
    observed transition counts, each path weighted by its conversions plus nulls, normalised per state;
    the last state goes to ``conversion`` (weight: conversions) and ``null`` (weight: nulls). ``P`` is the
    probability of reaching ``conversion`` from ``start``, solved **exactly** from the fundamental matrix:
    ``P = s · (I − Q)^-1 · r`` (Kemeny & Snell 1960, Finite Markov Chains, ch. III), ``Q`` the
    transient-to-transient probabilities, ``r`` the probabilities into ``conversion``, ``s`` the start
    distribution. Removing a channel removes every state containing it and sends the transitions into
    those states to ``null`` (the other probabilities are not re-normalised): ``P_-c`` is the same solve
    restricted to the remaining states. Removal effect ``RE_c = 1 − P_-c / P``; credit
    ``= total conversions × RE_c / Σ RE``. (Removing ``c`` loses exactly the converting walks that visit ``c``,
    so ``RE_c`` is also the share of converting walks through ``c`` — what ChannelAttribution estimates by
    simulating walks; here it is solved, so it carries no simulation noise.)
    Value: the chain's terminal transitions are weighted by the conversion value instead of the count
    (``r_v[i]`` = value of the paths ending in state ``i`` / the state's outgoing weight), so ``V = s · (I −
    Q)^-1 · r_v`` is the expected value per journey; the value removal effect ``1 − V_-c / V`` splits the
    total value the same way. (ChannelAttribution's simulation draws each simulated conversion's value from
    the values per conversion observed after its last state, which estimates the same quantity.)
    One difference at orders above 1: consecutive repeats are merged before the windows are formed, so
    ``a > a > b`` has the single state ``(a, b)`` where ChannelAttribution forms ``(a, a), (a, b)``.
``shapley``
    Shapley value of the cooperative game ``v(S)`` = conversions (value) of the journeys whose channel set
    is contained in ``S`` (Zhao, Mahboobi & Bagheri 2018, "Shapley Value Methods for Attribution Modeling in
    Online Advertising", arXiv:1804.05327). ``v = Σ_T c(T) u_T`` is a sum of unanimity games ``u_T(S) =
    [T ⊆ S]`` over the distinct channel sets ``T`` with their conversions ``c(T)``; the Shapley value is
    linear and gives each member of ``T`` the share ``1/|T|`` of ``u_T`` (Shapley 1953), so
    ``φ_i = Σ_{T ∋ i} c(T) / |T|`` — exactly the standard formula ``Σ_S |S|!(n−|S|−1)!/n! (v(S∪{i}) −
    v(S))``, in ``O(Σ_T |T|)`` over the channel-set table instead of ``O(n 2^n)``.
    :func:`shapley_by_formula` evaluates the standard formula over all ``2^n`` coalitions (fast zeta
    transform, ``O(n 2^n)``) and the tests compare the two.
"""

from __future__ import annotations

import csv
import io
import math
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from alur.analytics.imports.layout import line_delimiter

MODELS = ("first", "last", "linear", "time_decay", "position", "markov", "shapley")
HEURISTIC_MODELS = ("first", "last", "linear", "time_decay", "position")
_ROW = "__alur_row"
_DENSE_LIMIT = 300  # states up to which the Markov solve uses dense LAPACK; sparse LU above


def gettext_noop(text: str) -> str:
    """Marks a message for translation without importing Django; the pages translate it when they show it."""
    return text


@dataclass(frozen=True)
class ChannelCredit:
    channel: str
    conversions: float
    value: float
    removal_effect: float | None = None


class PathFileError(ValueError):
    """A path file or table that cannot be attributed; ``message`` says where (row, column) and how to fix it.

    ``template`` and ``params`` let a translated page rebuild the sentence: ``_(template) % params``.
    """

    def __init__(self, template: str, params: Mapping[str, Any] | None = None, *, row: int | None = None,
                 column: str | None = None) -> None:  # fmt: skip
        self.template = template
        self.params = dict(params or {})
        self.message = template % self.params if self.params else template
        self.row = row
        self.column = column
        super().__init__(self.message)


class PathSource:
    """Distinct paths in a private in-memory DuckDB database, ready for every model.

    Table ``paths(seq INTEGER[], conversions DOUBLE, value DOUBLE, nulls DOUBLE)``: ``seq`` holds the
    touches as channel codes ``1..n`` (``channels[code - 1]`` is the name), repeats kept. Build it with
    :func:`paths_from_file`, :func:`paths_from_arrow` or :func:`paths_from_journeys`.
    """

    def __init__(self, connection: duckdb.DuckDBPyConnection, channels: Sequence[str]) -> None:
        self.connection = connection
        self.channels = list(channels)
        self._lock = threading.Lock()  # a DuckDB connection runs one statement at a time

    def query(self, sql: str, parameters: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        with self._lock:
            return self.connection.execute(sql, parameters or []).fetchall()

    def totals(self) -> tuple[float, float, float]:
        """Total conversions, value and nulls."""
        row = self.query("SELECT coalesce(sum(conversions), 0), coalesce(sum(value), 0), coalesce(sum(nulls), 0) FROM paths")
        return float(row[0][0]), float(row[0][1]), float(row[0][2])

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> PathSource:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


# Input ---------------------------------------------------------------------------------------------


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET preserve_insertion_order = false")
    return con


def paths_from_file(
    path: str | Path,
    *,
    sep: str = ">",
    path_col: str = "path",
    conv_col: str = "total_conversions",
    value_col: str | None = "total_conversion_value",
    null_col: str | None = "total_null",
) -> PathSource:
    """Read a path file (CSV with ``,`` ``;`` or tab, detected) into a :class:`PathSource`.

    ``path_col`` and ``conv_col`` are required; the value and null columns count as zero when a file has no
    column of that name and the name is the default (pass ``None`` to ignore them). Rows are numbered as
    lines of the file (the header is row 1). Raises :class:`PathFileError`.
    """
    file = Path(path)
    if not file.is_file():
        raise PathFileError(gettext_noop("There is no file at %(path)s."), {"path": str(path)})
    with file.open("rb") as handle:
        head = handle.readline(1 << 20)
    text = head.decode("utf-8-sig", errors="replace").rstrip("\r\n")
    if not text.strip():
        raise PathFileError(gettext_noop("The file is empty: it needs a header row and one row per path."))
    delimiter = line_delimiter(text) or ","
    headers = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    names = [f"c{i}" for i in range(len(headers))]
    lookup = {h.strip().lower(): n for h, n in zip(headers, names, strict=True)}
    numeric = {lookup.get(c.strip().lower()) for c in (conv_col, value_col, null_col) if c} - {None}
    # First as numbers (DuckDB's CSV reader parses them natively); a file with anything unusual in a count
    # column is read again as text, so that the message can quote the cell as written.
    for as_text in (False, True):
        kinds = {n: ("NUMBER" if n in numeric and not as_text else "VARCHAR") for n in names}
        columns_sql = ", ".join(f"{_literal(n)}: '{'DOUBLE' if kinds[n] == 'NUMBER' else 'VARCHAR'}'" for n in names)
        relation = (
            f"read_csv({_literal(str(file))}, skip=1, header=false, auto_detect=false, delim={_literal(delimiter)}, "
            f"quote='\"', escape='\"', null_padding=true, columns={{{columns_sql}}})"
        )
        con = _connection()
        try:
            # The file's order is kept while it is read, so a table row's rowid is its line below the header.
            con.execute("SET preserve_insertion_order = true")
            con.execute(f"CREATE TEMP TABLE lines AS SELECT * FROM {relation}")
            con.execute(f"CREATE TEMP VIEW raw AS SELECT rowid + 2 AS {_ROW}, * FROM lines")
            con.execute("SET preserve_insertion_order = false")
        except duckdb.Error as error:
            con.close()
            if not as_text:
                continue
            _refuse_non_utf8(file)
            raise PathFileError(
                gettext_noop("The file could not be read as a table: %(reason)s"), {"reason": str(error).splitlines()[0]}
            ) from None
        try:
            return _build(con, "raw", lookup, kinds, sep=sep, path_col=path_col, conv_col=conv_col, value_col=value_col,
                          null_col=null_col, from_file=True, rows=None, is_clean=None, quote_as_text=as_text)  # fmt: skip
        except _ReadAsText:
            con.close()
        except BaseException:
            con.close()
            raise
    raise AssertionError("unreachable: the text reading either returns or raises")


def _refuse_non_utf8(file: Path) -> None:
    """Name the first line that is not UTF-8 (the usual reason a CSV cannot be read), if there is one."""
    with file.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                raise PathFileError(
                    gettext_noop("Row %(row)s is not UTF-8 text. Save the file as CSV (UTF-8) and try again."),
                    {"row": number},
                    row=number,
                ) from None


class _ReadAsText(Exception):
    """A bad row was found in a file read as numbers: read it as text to quote the cell as written."""


def paths_from_arrow(
    table: pa.Table,
    *,
    sep: str = ">",
    path_col: str = "path",
    conv_col: str = "total_conversions",
    value_col: str | None = "total_conversion_value",
    null_col: str | None = "total_null",
) -> PathSource:
    """A :class:`PathSource` from an Arrow table: the path column holds strings joined by ``sep`` or lists of
    channel names; the count columns are numbers. Rows are numbered from 1. Raises :class:`PathFileError`."""
    lookup = {name.strip().lower(): name for name in table.column_names}
    types = {name: _arrow_kind(table.schema.field(name).type) for name in table.column_names}
    con = _connection()
    con.register("arrow_input", table)

    def number_rows() -> None:  # only when a bad row has to be named
        con.register("arrow_input", table.append_column(_ROW, pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64))))

    try:
        built = _build(con, "arrow_input", lookup, types, sep=sep, path_col=path_col, conv_col=conv_col,
                       value_col=value_col, null_col=null_col, from_file=False, rows=table.num_rows,
                       is_clean=lambda resolved: _arrow_is_clean(table, resolved, types),
                       number_rows=number_rows)  # fmt: skip
    except BaseException:
        con.close()
        raise
    con.unregister("arrow_input")
    return built


def _arrow_is_clean(table: pa.Table, resolved: Mapping[str, str | None], kinds: Mapping[str, str]) -> bool:
    """Vectorised checks of an Arrow table's count columns (no nulls in the path or conversions, finite, not
    negative, no value without a conversion). ``False`` sends the table through the row-by-row SQL checks,
    which name the first bad row."""
    if table[resolved["path"]].null_count:
        return False
    columns = {role: table[name] for role, name in resolved.items() if role != "path" and name is not None}
    plain: dict[str, np.ndarray] = {}  # columns without nulls as NumPy views (no copy for one chunk)
    for role, column in columns.items():
        kind = kinds[resolved[role]]  # type: ignore[index]
        if kind == "NULL" and role != "conv":
            continue
        if kind != "NUMBER":
            return False
        if role == "conv" and column.null_count:
            return False
        if not column.null_count and (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)):
            plain[role] = values = column.to_numpy()
            if len(values) and (values.min() < 0 or (values.dtype.kind == "f" and not np.isfinite(values).all())):
                return False
            continue
        if pa.types.is_floating(column.type) and pc.all(pc.is_finite(column)).as_py() not in (True, None):
            return False
        low = pc.min(column).as_py()
        if low is not None and low < 0:
            return False
    if "value" in columns and "conv" in columns:
        if "value" in plain and "conv" in plain:
            return not bool(np.any((plain["value"] > 0) & (plain["conv"] == 0)))
        valued = pc.and_(pc.greater(columns["value"], 0), pc.equal(columns["conv"], 0))
        if pc.any(valued).as_py():
            return False
    return True


def _arrow_kind(arrow_type: pa.DataType) -> str:
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return "LIST"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "VARCHAR"
    if pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type):
        return "NUMBER"
    if pa.types.is_null(arrow_type):
        return "NULL"
    return str(arrow_type)


def _build(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    lookup: Mapping[str, str],
    kinds: Mapping[str, str],
    *,
    sep: str,
    path_col: str,
    conv_col: str,
    value_col: str | None,
    null_col: str | None,
    from_file: bool,
    rows: int | None,
    is_clean: Callable[[Mapping[str, str | None]], bool] | None,
    quote_as_text: bool = True,
    number_rows: Callable[[], None] | None = None,
) -> PathSource:
    """Check the rows, group identical paths, split them into channel codes (table ``paths``).

    ``rows``: the number of rows when known; ``is_clean``: a fast whole-table check that, when it passes,
    spares the row-by-row SQL checks (which run only to name the first bad row)."""
    if not sep:
        raise PathFileError(gettext_noop('The channel separator cannot be empty; the usual one is ">".'))
    where = gettext_noop("the file") if from_file else gettext_noop("the table")
    defaults = {"total_conversion_value", "total_null"}
    resolved: dict[str, str | None] = {}
    for role, name in (("path", path_col), ("conv", conv_col), ("value", value_col), ("null", null_col)):
        if name is None:
            resolved[role] = None
            continue
        found = lookup.get(name.strip().lower())
        if found is None and (role in ("path", "conv") or name not in defaults):
            raise PathFileError(
                gettext_noop('The column "%(column)s" is missing from %(where)s. Its columns are: %(columns)s.'),
                {"column": name, "where": where, "columns": ", ".join(sorted(lookup)) or "none"},
                column=name,
            )
        resolved[role] = found
    path_sql = _quote(resolved["path"])  # type: ignore[arg-type]
    path_kind = kinds[resolved["path"]]  # type: ignore[index]
    if path_kind not in ("VARCHAR", "LIST"):
        raise PathFileError(
            gettext_noop('The column "%(column)s" must hold paths as text like "search > email > direct".'),
            {"column": path_col},
            column=path_col,
        )

    def number(role: str) -> str:
        column = resolved[role]
        if column is None:
            return "0.0::DOUBLE"
        if kinds[column] == "NUMBER":
            plain = f"CAST({_quote(column)} AS DOUBLE)"
            return plain if role == "conv" else f"coalesce({plain}, 0.0)"
        if kinds[column] == "NULL":
            return "0.0::DOUBLE"
        cell = f"trim(CAST({_quote(column)} AS VARCHAR))"
        empty = "NULL" if role == "conv" else "0.0::DOUBLE"
        return f"CASE WHEN {_quote(column)} IS NULL OR {cell} = '' THEN {empty} ELSE TRY_CAST({cell} AS DOUBLE) END"

    conv, value, nulls = number("conv"), number("value"), number("null")
    labels = {"conv": conv_col, "value": value_col, "null": null_col}
    # The checks read each number once from a projection (n_conv, n_value, n_null); empty paths that are
    # not NULL are found after grouping, on the distinct paths.
    checks: list[tuple[str, str, str]] = [
        ("no_path", "path", gettext_noop("is an empty path; every row needs at least one channel."))
    ]
    for role in ("conv", "value", "null"):
        sql = f"n_{role}"
        if resolved[role] is None:
            continue
        checks.append((f"{sql} IS NULL", role, gettext_noop("is not a number. Write a plain number such as 12 or 3.5.")))
        checks.append((f"NOT isfinite({sql})", role, gettext_noop("is not a finite number.")))
        checks.append((f"{sql} < 0", role, gettext_noop("is negative; counts and values cannot be below zero.")))
    if resolved["value"] is not None:
        checks.append(
            ("n_value > 0 AND n_conv = 0", "value",
             gettext_noop("is a conversion value on a row without conversions; a value needs a conversion.")),
        )  # fmt: skip
    case = " ".join(f"WHEN {condition} THEN {index}" for index, (condition, _, _) in enumerate(checks))
    projection = (
        f"SELECT {_ROW}, {path_sql} IS NULL AS no_path, {conv} AS n_conv, {value} AS n_value, {nulls} AS n_null FROM {relation}"
    )
    clean = is_clean is not None and is_clean(resolved)
    if not clean and number_rows is not None:
        number_rows()
    bad = (
        []
        if clean
        else con.execute(
            f"SELECT {_ROW}, check_no FROM (SELECT {_ROW}, CASE {case} END AS check_no FROM ({projection})) "
            f"WHERE check_no IS NOT NULL ORDER BY {_ROW} LIMIT 1"
        ).fetchall()
    )
    if bad and not quote_as_text:
        raise _ReadAsText
    if bad:
        row, check_no = bad[0]
        _, role, message = checks[check_no]
        column = resolved[role]
        shown = con.execute(f"SELECT CAST({_quote(column)} AS VARCHAR) FROM {relation} WHERE {_ROW} = ?", [row]).fetchone()  # type: ignore[arg-type]
        header = path_col if role == "path" else labels[role]
        raise PathFileError(
            gettext_noop('Row %(row)s, column "%(column)s": "%(value)s" %(problem)s'),
            {"row": row, "column": header, "value": (shown[0] if shown and shown[0] is not None else ""), "problem": message},
            row=row,
            column=header,
        )
    if rows is None:
        counted = con.execute(f"SELECT count(*) FROM {relation}").fetchone()
        rows = int(counted[0]) if counted else 0
    if rows == 0:
        raise PathFileError(
            gettext_noop("There are no paths in %(where)s: it needs one row per path below the header."), {"where": where}
        )
    # Identical paths first (in DuckDB): every model works on distinct paths only. The few distinct paths are
    # then split into channel codes with Arrow's vectorised string kernels.
    grouped = con.execute(
        f"SELECT {path_sql} AS path, coalesce(sum({conv}), 0) AS conversions, coalesce(sum({value}), 0) AS value, "
        f"coalesce(sum({nulls}), 0) AS nulls FROM {relation} GROUP BY {path_sql}"
    ).fetch_arrow_table()
    paths = grouped["path"].combine_chunks()
    lists = paths if path_kind == "LIST" else pc.split_pattern(paths, pattern=sep)
    # Trim and number the few distinct tokens, then map every token through its dictionary index.
    encoded = pc.dictionary_encode(lists.flatten())
    names = pc.utf8_trim_whitespace(encoded.dictionary).to_pylist()
    channels = sorted({name for name in names if name})
    code_of = {name: code for code, name in enumerate(channels, start=1)}
    dictionary_codes = np.array([code_of.get(name, 0) if name else 0 for name in names] + [0], dtype=np.int32)
    token_codes = dictionary_codes[pc.fill_null(encoded.indices, len(names)).to_numpy(zero_copy_only=False)]
    empty = token_codes == 0  # an empty (or missing) channel
    if empty.any() or lists.null_count or pc.any(pc.equal(pc.list_value_length(lists), 0)).as_py():
        if number_rows is not None:
            number_rows()
        _refuse_empty(con, relation, path_sql, path_col, sep, paths, lists, empty)
    codes = pa.array(token_codes, type=pa.int32())
    offsets = pc.subtract(lists.offsets, lists.offsets[0])
    seq = type(lists).from_arrays(offsets, codes)
    con.register("alur_paths", pa.table({"seq": seq, **{name: grouped[name] for name in ("conversions", "value", "nulls")}}))
    con.execute(
        "CREATE TABLE paths AS SELECT seq::INTEGER[] AS seq, conversions::DOUBLE AS conversions, value::DOUBLE AS value, "
        "nulls::DOUBLE AS nulls FROM alur_paths"
    )
    con.unregister("alur_paths")
    return PathSource(con, channels)


def _refuse_empty(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    path_sql: str,
    path_col: str,
    sep: str,
    paths: Any,
    lists: Any,
    empty: np.ndarray,
) -> None:
    """Raise the :class:`PathFileError` naming the first row whose path is empty or has an empty channel."""
    parents = pc.list_parent_indices(lists).to_numpy()
    nonempty = np.bincount(parents[~empty], minlength=len(lists))
    bad = np.zeros(len(lists), dtype=bool)
    bad[parents[empty]] = True
    bad |= nonempty == 0
    nulls = pc.is_null(lists).to_numpy(zero_copy_only=False)
    indices = np.nonzero(bad & ~nulls)[0]
    con.register("alur_bad_paths", pa.table({"alur_bad_path": paths.take(pa.array(indices)),
                                             "alur_whole": pa.array(nonempty[indices] == 0)}))  # fmt: skip
    found = con.execute(
        f"SELECT {_ROW}, CAST({path_sql} AS VARCHAR), alur_whole FROM {relation} JOIN alur_bad_paths "
        f"ON {path_sql} = alur_bad_path ORDER BY {_ROW} LIMIT 1"
    ).fetchone()
    con.unregister("alur_bad_paths")
    row, shown, whole = found if found else (0, "", True)
    problem = (
        gettext_noop("is an empty path; every row needs at least one channel.")
        if whole
        else gettext_noop('has an empty channel between two separators ("%(sep)s"). Remove the extra separator or '
                          "name the channel.") % {"sep": sep}
    )  # fmt: skip
    raise PathFileError(
        gettext_noop('Row %(row)s, column "%(column)s": "%(value)s" %(problem)s'),
        {"row": row, "column": path_col, "value": shown, "problem": problem},
        row=row,
        column=path_col,
    )


def paths_from_journeys(
    connection_or_table: Any,
    *,
    workspace_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> PathSource:
    """Paths from the warehouse's ``journey_touchpoints`` (an Ibis backend, or an Ibis table with its columns).

    Each journey is ordered by ``ts``; a converted touch ends a path (one conversion, with the value of the
    converted touch), and the touches after a journey's last conversion form a path that did not convert
    (one null). Ties in ``ts`` keep non-converting touches first, then order by channel, so the result does
    not depend on storage order. The journey-to-path step is an Ibis expression, so it runs inside the
    warehouse engine (DuckDB, PostgreSQL, ...); only the grouped paths come back.
    """
    import ibis

    table = connection_or_table
    if not isinstance(table, ibis.expr.types.Table):
        table = connection_or_table.table("journey_touchpoints")
    if workspace_id is not None:
        table = table.filter(table.workspace_id == int(workspace_id))
    if since is not None:
        table = table.filter(table.ts >= since)
    if until is not None:
        table = table.filter(table.ts < until)
    table = table.filter(table.channel.notnull())
    converted = ibis.ifelse(table.converted.fill_null(False), 1, 0).cast("int64")  # PostgreSQL has no bool -> bigint cast
    table = table.mutate(
        _conv=converted,
        _value=ibis.ifelse(converted == 1, table.value.cast("float64").fill_null(0.0), 0.0),
    )
    order = [table.ts, table._conv, table.channel]
    journey = [table.workspace_id, table.journey_id]  # ids are keyed per workspace; never mix two workspaces
    window = ibis.cumulative_window(group_by=journey, order_by=order)
    table = table.mutate(_segment=table._conv.sum().over(window) - table._conv)
    segments = table.group_by([*journey, table._segment]).aggregate(
        path=table.channel.collect(order_by=order),
        conversions=table._conv.sum(),
        value=table._value.sum(),
    )
    grouped = segments.group_by(segments.path).aggregate(
        total_conversions=segments.conversions.sum().cast("float64"),
        total_conversion_value=segments.value.sum().cast("float64"),
        total_null=(1 - segments.conversions).sum().cast("float64"),
    )
    arrow = grouped.to_pyarrow()
    if arrow.num_rows == 0:
        return _empty_source()
    return paths_from_arrow(arrow)


def _empty_source() -> PathSource:
    con = _connection()
    con.execute("CREATE TABLE paths (seq INTEGER[], conversions DOUBLE, value DOUBLE, nulls DOUBLE)")
    return PathSource(con, [])


# Models --------------------------------------------------------------------------------------------


def _check_params(model: str, *, order: int, half_life: float, first_weight: float, last_weight: float) -> None:
    if model not in MODELS:
        raise ValueError(f"Unknown attribution model {model!r}; choose one of {', '.join(MODELS)}.")
    if int(order) != order or order < 1:
        raise ValueError(f"The Markov order must be a whole number of at least 1, not {order!r}.")
    if not (half_life > 0 and math.isfinite(half_life)):
        raise ValueError(f"The half-life must be a positive number of steps, not {half_life!r}.")
    if not (0 <= first_weight <= 1 and 0 <= last_weight <= 1 and first_weight + last_weight <= 1 + 1e-12):
        raise ValueError("The first and last weights of the position model must be between 0 and 1 and add up to at most 1.")
    if first_weight + last_weight <= 0:
        raise ValueError("The first and last weights of the position model cannot both be zero.")


def attribute(
    source: PathSource,
    model: str,
    *,
    order: int = 1,
    half_life: float = 1.0,
    first_weight: float = 0.4,
    last_weight: float = 0.4,
) -> list[ChannelCredit]:
    """Credits of one model, one per channel, sorted by channel (see the module docstring for the models)."""
    _check_params(model, order=order, half_life=half_life, first_weight=first_weight, last_weight=last_weight)
    if model == "markov":
        return markov(source, order=order)
    if model == "shapley":
        return shapley(source)
    return _heuristics(source, (model,), half_life=half_life, first_weight=first_weight, last_weight=last_weight)[model]


def attribute_all(
    source: PathSource,
    *,
    order: int = 1,
    half_life: float = 1.0,
    first_weight: float = 0.4,
    last_weight: float = 0.4,
) -> dict[str, list[ChannelCredit]]:
    """Every model of :data:`MODELS` (the heuristics in one pass over the touches)."""
    for model in MODELS:
        _check_params(model, order=order, half_life=half_life, first_weight=first_weight, last_weight=last_weight)
    results: dict[str, list[ChannelCredit]] = dict(
        _heuristics(source, HEURISTIC_MODELS, half_life=half_life, first_weight=first_weight, last_weight=last_weight)
    )
    results["markov"] = markov(source, order=order)
    results["shapley"] = shapley(source)
    return {model: results[model] for model in MODELS}


def _credits(
    channels: Sequence[str],
    conversions: Mapping[int, float],
    value: Mapping[int, float],
    removal: Sequence[float] | None = None,
) -> list[ChannelCredit]:
    """One credit per channel (codes ``1..n``), channels without credit at zero, sorted by channel name."""
    out = [
        ChannelCredit(
            name,
            float(conversions.get(code, 0.0)),
            float(value.get(code, 0.0)),
            None if removal is None else float(removal[code - 1]),
        )
        for code, name in enumerate(channels, start=1)
    ]
    return sorted(out, key=lambda c: c.channel)


def _heuristics(
    source: PathSource, models: Iterable[str], *, half_life: float, first_weight: float, last_weight: float
) -> dict[str, list[ChannelCredit]]:
    """Heuristic credits as SQL over the touches of converting paths (``p`` = 0-based position, ``n`` = length)."""
    models = tuple(models)
    q = 2.0 ** (-1.0 / half_life)
    f, la = float(first_weight), float(last_weight)
    weights = {
        "first": "(p = 0)::DOUBLE",
        "last": "(p = n - 1)::DOUBLE",
        "linear": "1.0 / n",
        # q^k (1 - q) / (1 - q^n) with k = n - 1 - p steps before the last touch
        # (a half-life so long that q rounds to 1 is linear)
        "time_decay": f"pow({q!r}, n - 1 - p) * {1 - q!r} / (1 - pow({q!r}, n))" if q < 1 - 1e-12 else "1.0 / n",
        "position": (
            f"CASE WHEN n = 1 THEN 1.0 WHEN n = 2 THEN (CASE WHEN p = 0 THEN {f!r} ELSE {la!r} END) / {f + la!r} "
            f"WHEN p = 0 THEN {f!r} WHEN p = n - 1 THEN {la!r} ELSE {1 - f - la!r} / (n - 2) END"
        ),
    }
    if set(models) <= {"first", "last"}:  # no need to unnest every touch
        out = {}
        for model in models:
            index = "1" if model == "first" else "-1"
            rows = source.query(f"SELECT seq[{index}], sum(conversions), sum(value) FROM paths WHERE conversions > 0 GROUP BY 1")
            out[model] = _credits(source.channels, {r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows})
        return out
    select = ", ".join(f"sum(conversions * w{i}), sum(value * w{i})" for i in range(len(models)))
    columns = ", ".join(f"{weights[m]} AS w{i}" for i, m in enumerate(models))
    rows = source.query(
        f"SELECT channel, {select} FROM (SELECT channel, conversions, value, {columns} FROM ("
        "SELECT unnest(seq) AS channel, unnest(range(len(seq))) AS p, len(seq) AS n, conversions, value "
        "FROM paths WHERE conversions > 0)) GROUP BY channel"
    )
    return {
        model: _credits(source.channels, {r[0]: r[1 + 2 * i] for r in rows}, {r[0]: r[2 + 2 * i] for r in rows})
        for i, model in enumerate(models)
    }


def shapley(source: PathSource) -> list[ChannelCredit]:
    """Shapley credits ``φ_i = Σ_{T ∋ i} c(T)/|T|`` over the channel-set table (see the module docstring)."""
    sets = channel_sets(source)
    conv: dict[int, float] = {}
    val: dict[int, float] = {}
    for members, conversions, value in sets:
        for code in members:
            conv[code] = conv.get(code, 0.0) + conversions / len(members)
            val[code] = val.get(code, 0.0) + value / len(members)
    return _credits(source.channels, conv, val)


def channel_sets(source: PathSource) -> list[tuple[tuple[int, ...], float, float]]:
    """The distinct channel sets of converting paths (sorted channel codes) with their conversions and value.

    Up to 62 channels a set is grouped as a bit mask (``bit_or`` of ``1 << (code − 1)``), cheaper than sorting
    each path's distinct channels."""
    n = len(source.channels)
    if n > 62:
        rows = source.query(
            "SELECT list_sort(list_distinct(seq)) AS s, sum(conversions), sum(value) FROM paths WHERE conversions > 0 GROUP BY s"
        )
        return [(tuple(r[0]), float(r[1]), float(r[2])) for r in rows]
    rows = source.query(
        "SELECT list_aggregate(list_transform(seq, x -> (1::BIGINT << (x - 1))), 'bit_or') AS s, sum(conversions), "
        "sum(value) FROM paths WHERE conversions > 0 GROUP BY s"
    )
    return [(tuple(code for code in range(1, n + 1) if (r[0] >> (code - 1)) & 1), float(r[1]), float(r[2])) for r in rows]


def shapley_by_formula(sets: Sequence[tuple[Sequence[int], float]], n: int) -> np.ndarray:
    """The standard Shapley formula over all ``2^n`` coalitions of channels ``1..n`` (reference; ``O(n 2^n)``).

    ``v(S) = Σ_{T ⊆ S} c(T)`` is the fast zeta transform of the channel-set table; then
    ``φ_i = Σ_{S ∌ i} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S))``. Returns ``φ`` for codes ``1..n``.
    """
    if n > 24:
        raise ValueError("The full Shapley formula needs 2^n coalitions; it is limited to 24 channels.")
    v = np.zeros(1 << n)
    for members, amount in sets:
        mask = 0
        for code in members:
            mask |= 1 << (code - 1)
        v[mask] += amount
    masks = np.arange(1 << n)
    for bit in range(n):
        has = (masks >> bit) & 1 == 1
        v[has] += v[masks[has] ^ (1 << bit)]
    sizes = np.array([bin(m).count("1") for m in range(1 << n)]) if n <= 16 else _popcount(masks)
    weight = np.array([math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) if s < n else 0.0
                       for s in range(n + 1)])  # fmt: skip
    phi = np.zeros(n)
    for bit in range(n):
        without = masks[(masks >> bit) & 1 == 0]
        phi[bit] = float(np.sum(weight[sizes[without]] * (v[without | (1 << bit)] - v[without])))
    return phi


def _popcount(masks: np.ndarray) -> np.ndarray:
    counts = np.zeros_like(masks)
    work = masks.copy()
    while work.any():
        counts += work & 1
        work >>= 1
    return counts


# Markov --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkovChain:
    """The absorbing chain of the paths: transient states (codes of channel windows) and probabilities."""

    states: np.ndarray  # state codes, sorted
    members: np.ndarray  # bool [state, channel]: the channel occurs in the state's window
    start: np.ndarray  # P(start -> state)
    transitions: Any  # scipy.sparse CSR [state, state]
    to_conversion: np.ndarray  # P(state -> conversion)
    value_rate: np.ndarray  # value of the conversions leaving the state / the state's outgoing weight


def markov_chain(source: PathSource, *, order: int = 1) -> MarkovChain:
    """Transition counts by SQL over the de-duplicated paths; the chain as NumPy arrays."""
    from scipy import sparse

    n = len(source.channels)
    base = n + 1
    if order > 1 and math.log2(base) * order >= 62:
        raise ValueError(f"Order {order} is too high for {n} channels (the states would not fit); use a lower order.")
    # Order 1: dropping the self-transitions a -> a is the same as counting consecutive repeats once, and
    # spares de-duplicating every list. Higher orders de-duplicate, then encode each window of ``order``
    # channel codes as one BIGINT in base n + 1 (a shorter window has leading zero digits).
    if order == 1:
        relation, self_loops = "(SELECT seq AS st, conversions, value, nulls FROM paths WHERE conversions + nulls > 0)", "f <> t"
    else:
        dedup = "list_filter(seq, (x, i) -> i = 1 OR x <> seq[i - 1])"
        window = " + ".join(f"coalesce(d[i + {j}], 0)::BIGINT * {base**j}" if j else "d[i]::BIGINT" for j in range(order))
        states_sql = f"list_transform(range(1, greatest(len(d) - {order - 1}, 1) + 1), i -> {window})"
        relation, self_loops = "markov_paths", "true"
    with source._lock:
        con = source.connection
        if order > 1:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE markov_paths AS SELECT {states_sql} AS st, conversions, value, nulls "
                f"FROM (SELECT {dedup} AS d, conversions, value, nulls FROM paths WHERE conversions + nulls > 0)"
            )
        inner = con.execute(
            "SELECT f, t, sum(w) FROM (SELECT unnest(list_prepend(0::BIGINT, st[1:-2]::BIGINT[])) AS f, "
            f"unnest(st::BIGINT[]) AS t, conversions + nulls AS w FROM {relation}) WHERE {self_loops} GROUP BY f, t"
        ).fetchnumpy()
        terminal = con.execute(
            f"SELECT st[-1]::BIGINT AS s, sum(conversions), sum(value), sum(nulls) FROM {relation} GROUP BY s"
        ).fetchnumpy()
        if order > 1:
            con.execute("DROP TABLE markov_paths")
    f, t, w = (np.asarray(inner[k]) for k in inner)
    s_code, s_conv, s_val, s_null = (np.asarray(terminal[k], dtype=float if i else np.int64) for i, k in enumerate(terminal))
    states = np.unique(np.concatenate([t.astype(np.int64), s_code.astype(np.int64)]))
    size = len(states)
    from_start = f == 0
    start = np.zeros(size)
    np.add.at(start, np.searchsorted(states, t[from_start]), w[from_start].astype(float))
    start_total = start.sum()
    if start_total > 0:
        start /= start_total
    fi = np.searchsorted(states, f[~from_start])
    ti = np.searchsorted(states, t[~from_start])
    wi = w[~from_start].astype(float)
    si = np.searchsorted(states, s_code.astype(np.int64))
    out_total = np.zeros(size)
    np.add.at(out_total, fi, wi)
    np.add.at(out_total, si, s_conv + s_null)
    out_total[out_total == 0] = 1.0
    to_conversion = np.zeros(size)
    value_rate = np.zeros(size)
    np.add.at(to_conversion, si, s_conv)
    np.add.at(value_rate, si, s_val)
    to_conversion /= out_total
    value_rate /= out_total
    transitions = sparse.csr_matrix((wi / out_total[fi], (fi, ti)), shape=(size, size))
    members = np.zeros((size, n), dtype=bool)
    work = states.copy()
    for _ in range(order):
        digit = work % base
        has = digit > 0
        members[np.nonzero(has)[0], digit[has] - 1] = True
        work //= base
    return MarkovChain(states, members, start, transitions, to_conversion, value_rate)


def _absorption(chain: MarkovChain, keep: np.ndarray | None) -> tuple[float, float]:
    """``s·(I − Q)^-1·r`` and the same with ``r_v``, over the states in ``keep`` (all when ``None``)."""
    from scipy import sparse
    from scipy.sparse import linalg

    q = chain.transitions
    s, r = chain.start, np.column_stack([chain.to_conversion, chain.value_rate])
    if keep is not None:
        index = np.nonzero(keep)[0]
        q = q[index][:, index]
        s, r = s[index], r[index]
    size = q.shape[0]
    if size == 0:
        return 0.0, 0.0
    if size <= _DENSE_LIMIT:
        solution = np.linalg.solve(np.eye(size) - q.toarray(), r)
    else:
        system = (sparse.identity(size, format="csc") - q.tocsc()).tocsc()
        solution = linalg.splu(system).solve(r)
    conversion, value = s @ solution
    return float(conversion), float(value)


def removal_effects(chain: MarkovChain) -> tuple[float, float, np.ndarray, np.ndarray]:
    """``P``, ``V`` of the full chain and each channel's removal effects ``1 − P_-c/P`` (conversions, value)."""
    full_p, full_v = _absorption(chain, None)
    n = chain.members.shape[1]
    re_conv, re_value = np.zeros(n), np.zeros(n)
    for code in range(n):
        holders = chain.members[:, code]
        if not holders.any():
            continue
        p, v = _absorption(chain, ~holders)
        re_conv[code] = 1 - p / full_p if full_p > 0 else 0.0
        re_value[code] = 1 - v / full_v if full_v > 0 else 0.0
    # Round-off can leave -1e-16 where a channel changes nothing.
    return full_p, full_v, np.clip(re_conv, 0.0, 1.0), np.clip(re_value, 0.0, 1.0)


def markov(source: PathSource, *, order: int = 1) -> list[ChannelCredit]:
    """Markov removal-effect credits (``removal_effect`` is the conversion removal effect)."""
    total_conv, total_value, _ = source.totals()
    if not source.channels:
        return []
    chain = markov_chain(source, order=order)
    _, _, re_conv, re_value = removal_effects(chain)
    conv_share = re_conv / re_conv.sum() if re_conv.sum() > 0 else np.zeros_like(re_conv)
    value_share = re_value / re_value.sum() if re_value.sum() > 0 else np.zeros_like(re_value)
    codes = range(1, len(source.channels) + 1)
    return _credits(
        source.channels,
        {c: total_conv * conv_share[c - 1] for c in codes},
        {c: total_value * value_share[c - 1] for c in codes},
        list(re_conv),
    )
