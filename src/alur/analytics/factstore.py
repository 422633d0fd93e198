"""Where imported facts live, how a newer file replaces older facts, and how dashboards read them.

On DuckDB (the default warehouse) every import writes its facts to a Parquet file of its own in the fact
directory beside the warehouse file (``facts/workspace_id=<w>/source=<s>/import_id=<i>/``: what every row of
the file shares is said once, by the folder, and read back from it), listed in the app database
(:class:`~alur.analytics.models.FactFile`). A dashboard opens an in-memory DuckDB over the workspace's
current files: it never takes a lock, so it keeps answering while an import writes — DuckDB lets only one
process open a database file, which made every page wait for a running import before. An import's success
and the visibility of its rows are one app-database transaction; a retired file is deleted from disk an hour
later (:func:`sweep`), so a page that listed it a moment before can still finish reading it. Per-import
Parquet files were chosen over DuckLake because DuckLake's catalogs that allow several processes (SQLite,
PostgreSQL) need DuckDB extensions downloaded at run time — an intranet install cannot — and a DuckDB-file
catalog brings the single-process lock back.

On PostgreSQL the facts are rows of ``performance_facts``, replaced in one PostgreSQL transaction.

**The overlap rule** (one source, one account, any mix of daily and whole-period files): the newest import
wins for every day it covers. Importing a file that covers ``A``..``B`` for some accounts removes, for the same
workspace, source and accounts, every earlier fact that touches ``A``..``B``: daily facts on those days, and
earlier whole-period facts that overlap them — whole, because a period cannot be split without guessing; the
receipt names such a period and its file, since its days outside ``A``..``B`` are no longer counted. Facts of
other sources are never touched (Google Ads and GA4 measure different things). Importing the same file twice
therefore changes nothing, a corrected export replaces what was there, and a daily file and a whole-period
file of the same source, account and days are never both counted.

Campaigns: facts keep the platform's campaign name; the Alur campaign it belongs to (``campaign_id``) is
joined when facts are read, from the workspace's mappings and campaign names, so a new mapping applies at once
without rewriting any file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import ibis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alur.analytics import warehouse
from alur.analytics.imports.messages import Notice, warning
from alur.analytics.imports.reading import literal
from alur.analytics.imports.run import ImportResult
from alur.analytics.imports.writing import STORED_COLUMNS
from alur.analytics.models import DataSource, FactFile, Import

log = logging.getLogger(__name__)

RETIRED_GRACE = dt.timedelta(hours=1)
_TABLES_EMPTIED: set[str] = set()  # warehouse URLs whose old facts table this process found empty


def fact_dir(url: str | None = None) -> Path | None:
    """The fact directory of a DuckDB warehouse (``None`` for other engines)."""
    url = url or settings.WAREHOUSE_URL
    if warehouse.engine_of(url) != "duckdb":
        return None
    path = url.removeprefix("duckdb://")
    if path in ("", ":memory:"):
        raise RuntimeError("An in-memory DuckDB warehouse cannot keep fact files; give WAREHOUSE_URL a file path.")
    return Path(path).parent / "facts"


def incoming_path(workspace_id: int, import_id: int) -> Path:
    """Where an import writes its facts before :func:`publish` (on the fact directory's file system, so
    publishing is a rename; a scratch directory on other engines)."""
    directory = fact_dir()
    if directory is None:
        import tempfile

        return Path(tempfile.mkdtemp(prefix="alur-facts-")) / f"{import_id}.parquet"
    target = directory / _workspace_dir(workspace_id) / "incoming"
    target.mkdir(parents=True, exist_ok=True)
    return target / f"{int(import_id)}-{uuid.uuid4().hex[:12]}.parquet"


def _workspace_dir(workspace_id: int) -> str:
    return f"workspace_id={int(workspace_id)}"


def _import_dir(workspace_id: int, source: str, import_id: int) -> str:
    """A fact file's folder names what is the same for every row in it — workspace, source, import — so the
    file does not repeat them on every row (DuckDB reads them from the path: hive partitioning)."""
    return f"{_workspace_dir(workspace_id)}/source={source}/import_id={int(import_id)}"


# ------------------------------------------------------------------------------------------------ writing


@dataclass
class Published:
    replaced: int = 0
    notices: list[Notice] = field(default_factory=list)


def publish(*, imp: Import, output: Path, result: ImportResult) -> Published:
    """Make an import's facts current, replacing what they overlap (the rule in the module docstring).
    Call inside the transaction that marks the import as succeeded."""
    accounts = sorted(set(result.accounts)) or [""]
    span = (accounts, result.date_from, result.date_to)
    directory = fact_dir()
    if directory is None:
        return _publish_table(imp, output, span, list(result.totals))
    workspace_dir = directory / _workspace_dir(imp.workspace_id)
    workspace_dir.mkdir(parents=True, exist_ok=True)
    with _locked(workspace_dir / ".lock"):
        DataSource.objects.select_for_update().filter(pk=imp.source_id).first()
        published = _replace_files(imp, workspace_dir, span, list(result.totals))
        final = directory / _import_dir(imp.workspace_id, imp.source.key, imp.pk) / f"{uuid.uuid4().hex[:12]}.parquet"
        final.parent.mkdir(parents=True, exist_ok=True)
        output.replace(final)
        FactFile.objects.create(
            workspace_id=imp.workspace_id,
            source=imp.source.key,
            imp=imp,
            path=str(final.relative_to(directory)),
            rows=result.rows,
            date_from=result.date_from,
            date_to=result.date_to,
            accounts=accounts,
        )
    return published


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One publisher per workspace at a time, across processes (the app database's row lock does nothing on
    SQLite)."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _overlap_sql(accounts: Sequence[str], start: dt.date, end: dt.date) -> str:
    names = ", ".join(literal(a) for a in accounts)
    return f"account IN ({names}) AND date <= DATE {literal(end.isoformat())} AND date_end >= DATE {literal(start.isoformat())}"


def _lost_periods(rows: Sequence[tuple[Any, ...]], start: dt.date, end: dt.date) -> list[Notice]:
    """Earlier whole periods removed although they reach outside the new file's days: (import id, first, last)."""
    names = dict(Import.objects.filter(pk__in={r[0] for r in rows}).values_list("pk", "original_name"))
    return [
        warning("replaced_period", file=names.get(import_id, "?"), period=f"{first.isoformat()}..{last.isoformat()}")
        for import_id, first, last in rows
        if first < start or last > end
    ]


def _fact_file(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """One fact file as a relation with ``date_end`` (a file of one-day facts does not write it)."""
    relation = f"read_parquet({literal(str(path))})"
    columns = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}
    return relation if "date_end" in columns else f"(SELECT *, date AS date_end FROM {relation})"


def _lost_metrics(
    con: duckdb.DuckDBPyConnection, relation: str, condition: str, earlier: Import, metrics: Sequence[str]
) -> list[Notice]:
    """Figures the replaced facts had and the new file does not (two kinds of report of one source and the same
    days — GA4's traffic and events — replace each other): said, with the way to keep both."""
    columns = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}
    candidates = [m for m in warehouse.FACT_METRICS if m in columns and m not in metrics]
    if not candidates:
        return []
    counts = con.execute(f"SELECT {', '.join(f'count({m})' for m in candidates)} FROM {relation} WHERE {condition}").fetchone()
    lost = [m for m, n in zip(candidates, counts or (), strict=True) if n]
    if not lost:
        return []
    return [warning("replaced_metrics", file=earlier.original_name, fields=lost)]


def _replace_files(
    imp: Import, workspace_dir: Path, span: tuple[list[str], dt.date, dt.date], metrics: Sequence[str]
) -> Published:
    accounts, start, end = span
    directory = workspace_dir.parent
    published = Published()
    candidates = FactFile.objects.select_related("imp").filter(
        workspace_id=imp.workspace_id, source=imp.source.key, retired_at=None, date_from__lte=end, date_to__gte=start
    )
    condition = _overlap_sql(accounts, start, end)
    con = duckdb.connect()
    try:
        for earlier in candidates:
            if not set(earlier.accounts) & set(accounts):
                continue
            relation = _fact_file(con, directory / earlier.path)
            found = con.execute(f"SELECT count(*) FROM {relation} WHERE {condition}").fetchone()
            removed = int(found[0]) if found else 0
            if not removed:
                continue
            periods = con.execute(
                f"SELECT DISTINCT import_id, date, date_end FROM {relation} WHERE {condition} AND date_end <> date ORDER BY 2"
            ).fetchall()
            published.notices.extend(_lost_periods(periods, start, end))
            published.notices.extend(_lost_metrics(con, relation, condition, earlier.imp, metrics))
            published.replaced += removed
            if removed < earlier.rows:
                kept = (directory / earlier.path).parent / f"{uuid.uuid4().hex[:12]}.parquet"
                con.execute(f"COPY (SELECT * FROM {relation} WHERE NOT ({condition})) TO {literal(str(kept))} (FORMAT parquet)")
                left = con.execute(
                    f"SELECT count(*), min(date), max(date_end), list(DISTINCT account) FROM read_parquet({literal(str(kept))})"
                ).fetchone()
                assert left is not None
                FactFile.objects.create(
                    workspace_id=earlier.workspace_id,
                    source=earlier.source,
                    imp_id=earlier.imp_id,
                    path=str(kept.relative_to(directory)),
                    rows=left[0],
                    date_from=left[1],
                    date_to=left[2],
                    accounts=sorted(left[3]),
                )
            FactFile.objects.filter(pk=earlier.pk).update(retired_at=timezone.now())
    finally:
        con.close()
    return published


def _publish_table(imp: Import, output: Path, span: tuple[list[str], dt.date, dt.date], metrics: Sequence[str]) -> Published:
    """PostgreSQL (or another engine Ibis reaches with a psycopg connection): delete and COPY in one
    transaction, serialised per workspace and source by an advisory lock."""
    accounts, start, end = span
    where = (
        f"workspace_id = {int(imp.workspace_id)} AND source = {literal(imp.source.key)} AND {_overlap_sql(accounts, start, end)}"
    )
    names = ", ".join(STORED_COLUMNS)
    published = Published()
    with warehouse.session(settings.WAREHOUSE_URL) as connection:
        pg = getattr(connection, "con", None)
        if pg is None or not hasattr(pg, "transaction"):
            raise RuntimeError("Imports into this warehouse engine are not supported; use DuckDB or PostgreSQL.")
        reader = duckdb.connect()
        try:
            relation = f"read_parquet({literal(str(output))})"
            columns = {row[0] for row in reader.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}
            data = "WHERE NOT coalesce(_total, false)" if "_total" in columns else ""  # the export's own totals lines
            constants = {
                "workspace_id": str(int(imp.workspace_id)),
                "source": literal(imp.source.key),
                "import_id": str(int(imp.pk)),
                "date_end": "date",  # a file of one-day facts does not write their last day
            }
            select = ", ".join(name if name in columns else f"{constants.get(name, 'NULL')} AS {name}" for name in STORED_COLUMNS)
            batches = reader.execute(f"SELECT {select} FROM {relation} {data}").fetch_record_batch(50_000)
            with pg.transaction(), pg.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"alur-facts:{imp.workspace_id}:{imp.source.key}"])
                cursor.execute(f"SELECT count(*) FROM {warehouse.FACTS} WHERE {where}")
                published.replaced = int(cursor.fetchone()[0])
                periods = f"SELECT DISTINCT import_id, date, date_end FROM {warehouse.FACTS} WHERE {where} AND date_end <> date"
                cursor.execute(periods + " ORDER BY 2")
                published.notices = _lost_periods(cursor.fetchall(), start, end)
                candidates = [m for m in warehouse.FACT_METRICS if m not in metrics]
                if candidates and published.replaced:
                    counts = ", ".join(f"count({m})" for m in candidates)
                    cursor.execute(f"SELECT min(import_id), {counts} FROM {warehouse.FACTS} WHERE {where}")
                    first, *found = cursor.fetchone()
                    lost = [m for m, n in zip(candidates, found, strict=True) if n]
                    earlier = Import.objects.filter(pk=first).values_list("original_name", flat=True).first() or "?"
                    if lost:
                        published.notices.append(warning("replaced_metrics", file=earlier, fields=lost))
                cursor.execute(f"DELETE FROM {warehouse.FACTS} WHERE {where}")
                with cursor.copy(f"COPY {warehouse.FACTS} ({names}) FROM STDIN") as copy:
                    for batch in batches:
                        for row in zip(*(batch.column(i).to_pylist() for i in range(batch.num_columns)), strict=True):
                            copy.write_row(row)
        finally:
            reader.close()
    output.unlink(missing_ok=True)
    return published


def sweep() -> int:
    """Delete retired fact files past their grace period, and files no catalog row names (an import that
    stopped, a publication rolled back) a day after they were written; returns how many files were deleted."""
    directory = fact_dir()
    if directory is None or not directory.exists():
        return 0
    deleted = 0
    old = FactFile.objects.filter(retired_at__lt=timezone.now() - RETIRED_GRACE)
    for record in old:
        (directory / record.path).unlink(missing_ok=True)
        deleted += 1
    old.delete()
    known = set(FactFile.objects.values_list("path", flat=True))
    cutoff = (timezone.now() - dt.timedelta(days=1)).timestamp()
    for leftover in directory.glob("workspace_id=*/**/*.parquet"):
        if str(leftover.relative_to(directory)) not in known and leftover.stat().st_mtime < cutoff:
            leftover.unlink(missing_ok=True)
            deleted += 1
    return deleted


def adopt_table_facts() -> int:
    """Move facts a DuckDB warehouse kept in its ``performance_facts`` table (before fact files) into fact files,
    one per import, so an upgraded installation keeps showing them; run by the periodic sweep until the table
    is empty. Rows whose import no longer exists stay (and are logged). Returns how many rows moved."""
    directory = fact_dir()
    url = settings.WAREHOUSE_URL
    if directory is None or url in _TABLES_EMPTIED or not Path(url.removeprefix("duckdb://")).exists():
        return 0
    moved = 0
    with warehouse.session(url) as connection:
        con = connection.con
        groups = con.execute(
            f"SELECT workspace_id, source, import_id, count(*), min(date), max(coalesce(date_end, date)), "
            f"list(DISTINCT coalesce(account, '')) FROM {warehouse.FACTS} GROUP BY ALL"
        ).fetchall()
        imports = {i.pk: i for i in Import.objects.filter(pk__in=[g[2] for g in groups if g[2] is not None])}
        for workspace_id, source, import_id, rows, first, last, accounts in groups:
            imp = imports.get(import_id)
            if imp is None or imp.workspace_id != workspace_id:
                log.warning("facts of import %s (workspace %s) have no import record; left in the table", import_id, workspace_id)
                continue
            target = directory / _import_dir(workspace_id, source, import_id) / f"{uuid.uuid4().hex[:12]}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            where = f"workspace_id = {int(workspace_id)} AND source = {literal(source)} AND import_id = {int(import_id)}"
            columns = ", ".join(c for c in STORED_COLUMNS if c not in ("workspace_id", "source", "import_id"))
            con.execute(
                f"COPY (SELECT {columns} FROM {warehouse.FACTS} WHERE {where}) TO {literal(str(target))} (FORMAT parquet)"
            )
            with transaction.atomic():
                FactFile.objects.create(
                    workspace_id=workspace_id, source=source, imp=imp, path=str(target.relative_to(directory)), rows=rows,
                    date_from=first, date_to=last, accounts=sorted(accounts),
                )  # fmt: skip
                con.execute(f"DELETE FROM {warehouse.FACTS} WHERE {where}")
            moved += rows
    if not groups:  # nothing left to move: this process need not open the warehouse file for it again
        _TABLES_EMPTIED.add(url)
    return moved


# ------------------------------------------------------------------------------------------------ reading


@contextlib.contextmanager
def facts_table(workspace_id: int, campaign_ids: dict[str, int]) -> Iterator[ibis.Table]:
    """The workspace's current facts as an Ibis table with every column of the warehouse's fact schema,
    ``campaign_id`` joined from ``campaign_ids`` (lower-cased platform campaign name → Alur campaign)."""
    directory = fact_dir()
    if directory is None:
        with warehouse.session(settings.WAREHOUSE_URL) as con:
            table = con.table(warehouse.FACTS)
            table = table.filter(table.workspace_id == int(workspace_id))
            yield _with_campaigns(_complete(table), campaign_ids)
        return
    paths = [
        str(directory / p)
        for p in FactFile.objects.filter(workspace_id=workspace_id, retired_at=None).values_list("path", flat=True)
    ]
    con = ibis.duckdb.connect()
    try:
        if paths:
            files = ", ".join(literal(p) for p in paths)
            con.raw_sql(
                f"CREATE TEMP VIEW facts AS SELECT * FROM read_parquet([{files}], union_by_name = true, "
                "hive_partitioning = true, hive_types = {'workspace_id': BIGINT, 'source': VARCHAR, 'import_id': BIGINT})"
            )
            table = con.table("facts")
        else:
            table = con.create_table("facts", schema=warehouse.stored_fact_schema(), temp=True)
        yield _with_campaigns(_complete(table), campaign_ids)
    finally:
        con.disconnect()


def _complete(table: ibis.Table) -> ibis.Table:
    """Every stored column, in the schema's types: files written before a metric existed lack its column. A file
    written by the fast path keeps the export's own totals lines, marked ``_total``: they are never facts."""
    if "_total" in table.columns:
        table = table.filter(table._total.isnull() | ~table._total).drop("_total", "_total_label")
    schema = warehouse.stored_fact_schema()
    # A file of one-day facts does not write their last day: it is the date.
    table = (
        table.mutate(date_end=table.date_end.coalesce(table.date))
        if "date_end" in table.columns
        else table.mutate(date_end=table.date)
    )
    missing = {name: ibis.null(kind) for name, kind in schema.items() if name not in table.columns}
    if "campaign_id" in table.columns:  # warehouses from before campaigns were joined when reading
        table = table.drop("campaign_id")
    return table.mutate(**missing) if missing else table


def _with_campaigns(table: ibis.Table, campaign_ids: dict[str, int]) -> ibis.Table:
    if not campaign_ids:
        return table.mutate(campaign_id=ibis.null("int64"))
    mapping = ibis.memtable({"campaign_key": list(campaign_ids), "campaign_id": [int(v) for v in campaign_ids.values()]})
    joined = table.left_join(mapping, table.campaign.lower() == mapping.campaign_key)
    return joined.drop("campaign_key")
