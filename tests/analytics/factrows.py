"""Test helpers: read the facts a workspace has, and add facts without a file (as an import would)."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from alur.accounts.models import Membership, Workspace
from alur.analytics import factstore, warehouse
from alur.analytics.imports.run import ImportResult
from alur.analytics.imports.writing import STORED_COLUMNS
from alur.analytics.models import DataSource, Import
from alur.analytics.selectors import facts
from alur.analytics.services import sources
from alur.core.roles import Role


def stored_facts(workspace_id: int, *, order_by: Sequence[str] = ("date", "campaign")) -> list[dict[str, Any]]:
    """Every current fact of the workspace, as dashboards read them (campaign_id joined)."""
    with factstore.facts_table(workspace_id, facts.campaign_ids(workspace_id)) as table:
        return table.order_by(list(order_by)).to_pyarrow().to_pylist()


def add_facts(
    workspace: Workspace, rows: Sequence[dict[str, Any]], *, source: str = "google_ads", name: str = "facts.csv"
) -> Import:
    """Publish ``rows`` (dicts of fact columns; ``date_end`` defaults to ``date``) as one import of ``source``,
    through the same fact store an import uses (so the overlap rule applies)."""
    sources.sources_ensure(workspace)
    data_source = DataSource.objects.get(workspace=workspace, key=source)
    manager = Membership.objects.filter(workspace=workspace, role=Role.MANAGER).select_related("user").first()
    assert manager is not None
    imp = Import.objects.create(
        workspace=workspace, source=data_source, original_name=name, sha256=name, created_by=manager.user,
        status=Import.Status.SUCCEEDED,
    )  # fmt: skip
    schema = warehouse.stored_fact_schema().to_pyarrow()
    complete = []
    for row in rows:
        values = {"workspace_id": workspace.pk, "source": source, "account": "", "import_id": imp.pk, **row}
        values.setdefault("date_end", values["date"])
        for money in ("spend", "conversions", "conversion_value"):
            if values.get(money) is not None:
                values[money] = Decimal(str(values[money]))
        complete.append({column: values.get(column) for column in STORED_COLUMNS})
    output = Path(tempfile.mkdtemp(prefix="alur-test-facts-")) / "facts.parquet"
    pq.write_table(pa.Table.from_pylist(complete, schema=schema), output)
    result = ImportResult(
        rows=len(complete),
        date_from=min(r["date"] for r in complete),
        date_to=max(r["date_end"] for r in complete),
        accounts=sorted({r["account"] or "" for r in complete}),
        currencies=[],
        campaigns=[],
        ignored_columns=[],
        totals_rows=0,
        format_key=source,
        totals={},
        file_totals=None,
        file_total_label=None,
        periods=[],
    )
    factstore.publish(imp=imp, output=output, result=result)
    imp.rows, imp.date_from, imp.date_to = result.rows, result.date_from, result.date_to
    imp.save()
    return imp


D = dt.date
