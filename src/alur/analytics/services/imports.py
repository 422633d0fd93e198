"""Writes of imports: an upload recorded and imported (in the background, or at once for the CLI), metric
rows from the API, a failed import tried again, and the system's sweep for imports whose worker stopped.

Every import ends by refreshing what depends on the data: :func:`after_import` recomputes linked key
results (an automatic check-in when the value moved), the budget lines' actual spend, and scans for
anomalies.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import logging
import tempfile
from collections.abc import Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alur.accounts.models import User, Workspace
from alur.accounts.selectors import membership_of
from alur.analytics import factstore
from alur.analytics.imports import messages as import_messages
from alur.analytics.imports.layout import Period
from alur.analytics.imports.run import ImportSpec, run_import
from alur.analytics.imports.touchpoints import run_touchpoint_import
from alur.analytics.models import DataSource, Import, SourceFormat
from alur.analytics.services.alerts import anomalies_scan
from alur.analytics.services.budget import budget_actuals_refresh
from alur.analytics.services.keyresults import key_results_refresh
from alur.analytics.services.sources import MAPPABLE_FIELDS
from alur.analytics.tasks import import_run
from alur.core.audit import audit_record
from alur.core.notifications import notify
from alur.core.policy import Action, require
from alur.core.validation import refuse_nul_characters

log = logging.getLogger(__name__)


def _spec(imp: Import, source: DataSource) -> ImportSpec:
    period = Period(imp.period_start, imp.period_end) if imp.period_start and imp.period_end else None
    return ImportSpec(
        workspace_id=imp.workspace_id,
        source=source.key,
        import_id=imp.pk,
        display_name=imp.original_name,
        format_key=None if source.format == SourceFormat.GENERIC else source.format,
        mapping=source.mapping or None,
        decimal_style=source.number_style or None,  # type: ignore[arg-type]
        dayfirst={"dmy": True, "mdy": False}.get(source.date_order),
        source_currency=source.currency or None,
        workspace_currency=imp.workspace.currency,
        default_account=source.account,
        period=period,
        excel_limits=(settings.ALUR_XLSX_MAX_BYTES, settings.ALUR_XLSX_MAX_ROWS),
    )


def _hash(handle: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    handle.seek(0)
    while chunk := handle.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return digest.hexdigest(), size


def import_start(
    *,
    actor: User,
    workspace: Workspace,
    source: DataSource,
    upload: IO[bytes],
    name: str,
    run_now: bool = False,
    read_as: DataSource | None = None,
    period: tuple[dt.date, dt.date] | None = None,
) -> Import:
    """Record an upload and import it: in the background (the worker), or at once with ``run_now`` (the CLI).

    ``period`` (first and last day) is the period a file covers when it states none — whole-period rows
    without a date column; a file that states its own must agree with it. The same file for the same source
    and period that was imported before is recorded as "already imported" and changes nothing.
    """
    require(actor, membership_of(actor, workspace), Action.ANALYTICS_IMPORT, source)
    if source.workspace_id != workspace.pk:
        raise ValidationError({"source": _("Choose a source of this workspace.")})
    refuse_nul_characters(name=name)
    sha256, size = _hash(upload)
    if size == 0:
        raise ValidationError({"file": _("The file is empty. Export the report again and upload the downloaded file.")})
    limit = settings.ALUR_IMPORT_MAX_BYTES
    if size > limit:
        raise ValidationError({"file": _("The file is larger than %(limit)s MB.") % {"limit": limit // 1024**2}})
    if period is not None and period[1] < period[0]:
        raise ValidationError({"period": _("The period ends before it starts. Check the two dates.")})
    start, end = period or (None, None)
    earlier = Import.objects.filter(
        workspace=workspace, source=source, sha256=sha256, status=Import.Status.SUCCEEDED, period_start=start, period_end=end
    ).first()
    with transaction.atomic():
        imp = Import.objects.create(
            workspace=workspace,
            source=source,
            original_name=Path(name).name[:255] or "upload",
            sha256=sha256,
            size=size,
            created_by=actor,
            status=Import.Status.UNCHANGED if earlier else Import.Status.QUEUED,
            period_start=start,
            period_end=end,
        )
        if earlier:
            imp.rows, imp.date_from, imp.date_to = earlier.rows, earlier.date_from, earlier.date_to
            imp.progress, imp.finished_at = 100, timezone.now()
            imp.report = {"same_as": earlier.pk, "warnings": [], "problems": []}
            imp.save()
        else:
            imp.file.save(f"{imp.pk}-{sha256[:12]}{Path(name).suffix[:10]}", File(upload), save=True)
        audit_record(
            actor=actor,
            workspace=workspace,
            action="analytics.import",
            obj=imp,
            after={"file": imp.original_name, "source": source.key},
        )
    if not earlier:
        if run_now:
            import_process(imp.pk, read_as=read_as)
            imp.refresh_from_db()
        else:
            transaction.on_commit(lambda: import_run.enqueue(imp.pk))
    return imp


def import_process(import_id: int, *, read_as: DataSource | None = None) -> Import:
    """Run a queued import (the worker's task; the CLI and the API's rows call it directly). ``read_as``
    describes the file when it differs from the stored source (API rows name Alur's own fields)."""
    with transaction.atomic():
        imp = Import.objects.select_for_update().select_related("source", "workspace").get(pk=import_id)
        if imp.status != Import.Status.QUEUED:
            return imp
        imp.status, imp.started_at, imp.stage = Import.Status.RUNNING, timezone.now(), "reading"
        imp.heartbeat_at, imp.attempts = timezone.now(), imp.attempts + 1
        imp.save(update_fields=["status", "started_at", "stage", "heartbeat_at", "attempts"])

    last = {"percent": -1}

    def progress(percent: int, stage: str) -> None:
        if percent != last["percent"]:
            last["percent"] = percent
            Import.objects.filter(pk=import_id).update(progress=percent, stage=stage, heartbeat_at=timezone.now())

    described = read_as or imp.source
    with tempfile.TemporaryDirectory(prefix="alur-upload-") as scratch:
        path = Path(scratch) / (Path(imp.file.name or "upload").name or "upload")
        with imp.file.open("rb") as source, path.open("wb") as target:
            while chunk := source.read(1 << 20):
                target.write(chunk)
        try:
            if described.format == SourceFormat.TOUCHPOINTS:
                return _touchpoints_finish(imp, path)
            output = factstore.incoming_path(imp.workspace_id, imp.pk)
            result = run_import(path, _spec(imp, described), output=output, progress=progress)
        except import_messages.ImportFailed as failure:
            return _finish_failed(imp, [p.as_dict() for p in failure.problems])
        except Exception as error:  # an unexpected fault: recorded, the file kept for a retry
            log.exception("import %s crashed", import_id)
            return _finish_failed(imp, [import_messages.problem("unexpected", error=str(error)).as_dict()])
    try:
        with transaction.atomic():
            published = factstore.publish(imp=imp, output=output, result=result)
            report = result.as_dict()
            notices = [*result.warnings, *published.notices]
            if published.replaced:
                notices.append(import_messages.warning("replaced_earlier", rows=published.replaced))
            imp.status, imp.progress, imp.stage, imp.finished_at = Import.Status.SUCCEEDED, 100, "", timezone.now()
            imp.rows, imp.replaced, imp.date_from, imp.date_to = result.rows, published.replaced, result.date_from, result.date_to
            imp.report = {**report, "warnings": [n.as_dict() for n in notices], "problems": [], "replaced": published.replaced}
            imp.save()
    except Exception as error:
        output.unlink(missing_ok=True)
        log.exception("import %s could not be saved", import_id)
        return _finish_failed(imp, [import_messages.problem("unexpected", error=str(error)).as_dict()])
    after_import(imp.workspace, imp)
    notify(
        workspace=imp.workspace,
        recipients=[imp.created_by],
        kind="analytics.import",
        message=_("%(file)s imported: %(rows)s rows.") % {"file": imp.original_name, "rows": imp.rows},
        url=_import_url(imp),
        email=False,
    )
    return imp


def _touchpoints_finish(imp: Import, path: Path) -> Import:
    journeys = run_touchpoint_import(
        path,
        workspace_id=imp.workspace_id,
        source=imp.source.key,
        import_id=imp.pk,
        key=pseudonym_key(imp.workspace_id),
        warehouse_url=settings.WAREHOUSE_URL,
        display_name=imp.original_name,
    )
    imp.status, imp.progress, imp.stage, imp.finished_at = Import.Status.SUCCEEDED, 100, "", timezone.now()
    imp.rows, imp.replaced, imp.date_from, imp.date_to = (
        journeys.rows,
        journeys.replaced,
        journeys.ts_from.date(),
        journeys.ts_to.date(),
    )
    imp.report = {**journeys.as_dict(), "problems": []}
    imp.save()
    return imp


MAX_REQUEUES = 3  # times a queued import whose task never ran is queued again before it is failed


def imports_recover(
    *, stale_after: dt.timedelta = dt.timedelta(minutes=10), queued_after: dt.timedelta = dt.timedelta(minutes=30)
) -> int:
    """The system's sweep: no import is left "running" or "queued" for good. Returns how many it changed.

    * Running with no sign of life for ``stale_after`` (its heartbeat, else its start; the worker died):
      queued again once, then failed with a reason.
    * Queued for ``queued_after`` without a worker taking it (its task was lost, or no worker runs): queued
      again (a duplicate task is harmless: only a queued import is run) up to :data:`MAX_REQUEUES` times,
      then failed with a reason."""
    now = timezone.now()
    cutoff = now - stale_after
    silent = (
        Q(heartbeat_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=cutoff)
    )
    count = 0
    for imp in Import.objects.filter(silent, status=Import.Status.RUNNING).select_related("workspace"):
        with transaction.atomic():
            claimed = Import.objects.filter(silent, pk=imp.pk, status=Import.Status.RUNNING)
            if imp.attempts < 2 and imp.file:
                if claimed.update(status=Import.Status.QUEUED, progress=0, stage="", heartbeat_at=now):
                    transaction.on_commit(partial(import_run.enqueue, imp.pk))
                    count += 1
            elif claimed.update(status=Import.Status.FAILED, stage="", finished_at=now):
                imp.refresh_from_db()
                _finish_failed(imp, [import_messages.problem("worker_lost", file=imp.original_name).as_dict()])
                count += 1
    waited = now - queued_after
    waiting = Q(heartbeat_at__lt=waited) | Q(heartbeat_at__isnull=True, created_at__lt=waited)
    for imp in Import.objects.filter(waiting, status=Import.Status.QUEUED).select_related("workspace"):
        with transaction.atomic():
            claimed = Import.objects.filter(waiting, pk=imp.pk, status=Import.Status.QUEUED)
            report = imp.report if isinstance(imp.report, dict) else {}
            requeued = int(report.get("requeued", 0))
            if requeued < MAX_REQUEUES and imp.file:
                if claimed.update(heartbeat_at=now, report={**report, "requeued": requeued + 1}):
                    transaction.on_commit(partial(import_run.enqueue, imp.pk))
                    count += 1
            elif claimed.update(status=Import.Status.FAILED, stage="", finished_at=now):
                imp.refresh_from_db()
                _finish_failed(imp, [import_messages.problem("never_started", file=imp.original_name).as_dict()])
                count += 1
    return count


def pseudonym_key(workspace_id: int) -> bytes:
    """The workspace's key for pseudonymising personal data: HMAC-SHA256 of the installation's SECRET_KEY
    with a label and the workspace, so ids differ between workspaces and change if the secret does."""
    return hmac.new(settings.SECRET_KEY.encode(), f"alur-pseudonym:{workspace_id}".encode(), hashlib.sha256).digest()


def _import_url(imp: Import) -> str:
    return reverse("analytics:import_detail", kwargs={"slug": imp.workspace.slug, "import_id": imp.pk})


def _finish_failed(imp: Import, problems: list[dict[str, Any]]) -> Import:
    imp.status, imp.stage, imp.finished_at = Import.Status.FAILED, "", timezone.now()
    imp.report = {"problems": problems, "warnings": []}
    imp.save()
    notify(
        workspace=imp.workspace,
        recipients=[imp.created_by],
        kind="analytics.import_failed",
        message=_("%(file)s was not imported: %(count)s problems.") % {"file": imp.original_name, "count": len(problems)},
        url=_import_url(imp),
        email=False,
    )
    return imp


def metric_rows_import(*, actor: User, workspace: Workspace, source: DataSource, rows: list[dict[str, Any]]) -> Import:
    """The API's way in: rows of canonical fields (``date``, ``channel``, ``clicks``…) become a small CSV
    imported through the same validated, all-or-nothing path as a file."""
    if not rows:
        raise ValidationError({"rows": _("Send at least one row.")})
    fields: list[str] = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            raise ValidationError({"rows": _("Row %(row)s is not an object of field names and values.") % {"row": index}})
        for name in row:
            if name not in MAPPABLE_FIELDS:
                raise ValidationError(
                    {"rows": _("Row %(row)s: “%(field)s” is not a field Alur keeps.") % {"row": index, "field": name}}
                )
            if name not in fields:
                fields.append(name)
    if "date" not in fields:
        raise ValidationError({"rows": _("Every row needs a date (YYYY-MM-DD).")})
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024**2, mode="w+b") as handle:
        text = _rows_csv(fields, rows)
        handle.write(text.encode("utf-8"))
        handle.seek(0)
        # The rows name Alur's own fields: read them with an identity mapping, whatever the source's format.
        read_as = DataSource(
            pk=source.pk, workspace=workspace, key=source.key, name=source.name, format=SourceFormat.GENERIC,
            mapping={f: f for f in fields}, number_style="en", date_order="", currency=source.currency, account=source.account,
        )  # fmt: skip
        return import_start(
            actor=actor, workspace=workspace, source=source, upload=handle, name="api-rows.csv", run_now=True, read_as=read_as
        )


def _rows_csv(fields: list[str], rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(fields)
    for row in rows:
        writer.writerow(["" if row.get(f) is None else str(row.get(f)) for f in fields])
    return out.getvalue()


def import_retry(*, actor: User, imp: Import) -> Import:
    """Queue a failed import again (after the source's settings were corrected)."""
    require(actor, membership_of(actor, imp.workspace), Action.ANALYTICS_IMPORT, imp)
    refused = ValidationError({"status": _("Only a failed import can be tried again.")})
    if not imp.file:
        raise refused
    with transaction.atomic():
        # Claimed by status, so two people retrying at once queue it once.
        claimed = Import.objects.filter(pk=imp.pk, status=Import.Status.FAILED).update(
            status=Import.Status.QUEUED, progress=0, stage="", report={}, heartbeat_at=timezone.now()
        )
        if not claimed:
            raise refused
        audit_record(
            actor=actor,
            workspace=imp.workspace,
            action="analytics.import_retry",
            obj=imp,
            before={"status": Import.Status.FAILED.value},
            after={"status": Import.Status.QUEUED.value},
        )
        transaction.on_commit(partial(import_run.enqueue, imp.pk))
    imp.refresh_from_db()
    return imp


def after_import(workspace: Workspace, imp: Import | None = None) -> None:
    """What depends on the data: key results, budget actuals, anomaly alerts."""
    key_results_refresh(workspace)
    budget_actuals_refresh(workspace)
    anomalies_scan(workspace)
