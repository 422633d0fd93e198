"""Writes of analytics: sources, imports (file and API rows), campaign mappings, key-result links, the
post-import refresh (key results, budget actuals, anomaly alerts) and the acknowledgement of alerts.

Every import ends by refreshing what depends on the data: :func:`after_import` recomputes linked key
results (an automatic check-in when the value moved), the budget lines' actual spend, and scans for
anomalies.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import json
import logging
import math
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import IO, Any

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alur.accounts.models import Membership, User, Workspace
from alur.accounts.selectors import membership_of
from alur.analytics import factstore, kpis, numbers, selectors, stats, warehouse
from alur.analytics.imports import messages as import_messages
from alur.analytics.imports.layout import Period
from alur.analytics.imports.run import ImportSpec, run_import
from alur.analytics.imports.staging import TEXT_DIMENSIONS
from alur.analytics.imports.touchpoints import run_touchpoint_import
from alur.analytics.models import (
    AnalyticsSettings,
    AnomalyAlert,
    CampaignMapping,
    DataSource,
    Experiment,
    ExperimentVariant,
    Import,
    KeyResultMetric,
    SourceFormat,
)
from alur.core.audit import audit_record
from alur.core.notifications import notify
from alur.core.policy import Action, require
from alur.core.roles import Role
from alur.core.validation import refuse_nul_characters

log = logging.getLogger(__name__)

BUILTIN_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("google_ads", "Google Ads", SourceFormat.GOOGLE_ADS),
    ("meta_ads", "Meta Ads", SourceFormat.META_ADS),
    ("ga4", "Google Analytics 4", SourceFormat.GA4),
    ("tiktok_ads", "TikTok Ads", SourceFormat.TIKTOK_ADS),
    ("linkedin_ads", "LinkedIn Ads", SourceFormat.LINKEDIN_ADS),
    ("journeys", "Customer journeys", SourceFormat.TOUCHPOINTS),
)
MAPPABLE_FIELDS = ("date", *TEXT_DIMENSIONS, "currency", *warehouse.FACT_METRICS)
ALERT_RECIPIENT_ROLES = (Role.MANAGER, Role.PERFORMANCE_MARKETER, Role.DATA_ANALYST)


# ------------------------------------------------------------------------------------------------ sources


def sources_ensure(workspace: Workspace) -> list[DataSource]:
    """The platform sources exist in every workspace (created on first use); returns all sources."""
    existing = set(DataSource.objects.filter(workspace=workspace).values_list("key", flat=True))
    for key, name, fmt in BUILTIN_SOURCES:
        if key not in existing:
            DataSource.objects.get_or_create(workspace=workspace, key=key, defaults={"name": name, "format": fmt})
    return list(DataSource.objects.filter(workspace=workspace))


def _clean_mapping(mapping: Any) -> dict[str, str]:
    if mapping in (None, ""):
        return {}
    if not isinstance(mapping, Mapping):
        raise ValidationError({"mapping": _("The column mapping must pair Alur fields with column names.")})
    cleaned: dict[str, str] = {}
    for field, header in mapping.items():
        if field not in MAPPABLE_FIELDS:
            raise ValidationError({"mapping": _("“%(field)s” is not a field Alur keeps.") % {"field": field}})
        header_text = str(header or "").strip()
        if header_text:
            cleaned[str(field)] = header_text[:200]
    return cleaned


def source_save(
    *,
    actor: User,
    workspace: Workspace,
    source: DataSource | None = None,
    key: str = "",
    name: str,
    format: str,
    mapping: Any = None,
    number_style: str = "",
    date_order: str = "",
    currency: str = "",
    account: str = "",
) -> DataSource:
    """Create or change a source. A generic source needs a mapping with at least one figure (without a date
    column, each file's period is given when it is imported)."""
    require(actor, membership_of(actor, workspace), Action.ANALYTICS_IMPORT, source)
    refuse_nul_characters(name=name, account=account)
    instance = source or DataSource(workspace=workspace, key=key.strip())
    instance.name = name.strip()
    instance.format = format
    instance.mapping = _clean_mapping(mapping)
    instance.number_style = number_style or ""
    instance.date_order = date_order or ""
    instance.currency = (currency or "").strip().upper()
    instance.account = (account or "").strip()
    errors: dict[str, Any] = {}
    if instance.format == SourceFormat.GENERIC and not set(instance.mapping) & set(warehouse.FACT_METRICS):
        errors["mapping"] = _("Map at least one column with figures (clicks, cost, sessions…).")
    if instance.currency and (len(instance.currency) != 3 or not instance.currency.isalpha()):
        errors["currency"] = _("Use a three-letter ISO 4217 code such as IDR or USD.")
    if errors:
        raise ValidationError(errors)
    instance.full_clean(exclude=["workspace"])
    with transaction.atomic():
        created = instance.pk is None
        instance.save()
        audit_record(
            actor=actor,
            workspace=workspace,
            action="analytics.source_create" if created else "analytics.source_update",
            obj=instance,
            after={"name": instance.name, "format": instance.format, "mapping": instance.mapping},
        )
    return instance


# ------------------------------------------------------------------------------------------------ imports


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
            from alur.analytics.tasks import import_run

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


def imports_recover(*, stale_after: dt.timedelta = dt.timedelta(minutes=10)) -> int:
    """The system's sweep: an import whose worker stopped (no sign of life for ``stale_after``) is queued again
    once, then failed with a reason — never left "running". Returns how many were recovered or failed."""
    cutoff = timezone.now() - stale_after
    count = 0
    for imp in Import.objects.filter(status=Import.Status.RUNNING, heartbeat_at__lt=cutoff).select_related("workspace"):
        with transaction.atomic():
            claimed = Import.objects.filter(pk=imp.pk, status=Import.Status.RUNNING, heartbeat_at__lt=cutoff)
            if imp.attempts < 2 and imp.file:
                if claimed.update(status=Import.Status.QUEUED, progress=0, stage=""):
                    from alur.analytics.tasks import import_run

                    transaction.on_commit(partial(import_run.enqueue, imp.pk))
                    count += 1
            elif claimed.update(status=Import.Status.FAILED, stage="", finished_at=timezone.now()):
                imp.refresh_from_db()
                _finish_failed(imp, [import_messages.problem("worker_lost", file=imp.original_name).as_dict()])
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
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(fields)
    for row in rows:
        writer.writerow(["" if row.get(f) is None else str(row.get(f)) for f in fields])
    return out.getvalue()


def import_retry(*, actor: User, imp: Import) -> Import:
    """Queue a failed import again (after the source's settings were corrected)."""
    require(actor, membership_of(actor, imp.workspace), Action.ANALYTICS_IMPORT, imp)
    if imp.status != Import.Status.FAILED or not imp.file:
        raise ValidationError({"status": _("Only a failed import can be tried again.")})
    Import.objects.filter(pk=imp.pk).update(status=Import.Status.QUEUED, progress=0, stage="", report={})
    audit_record(actor=actor, workspace=imp.workspace, action="analytics.import_retry", obj=imp)
    from alur.analytics.tasks import import_run

    transaction.on_commit(lambda: import_run.enqueue(imp.pk))
    imp.refresh_from_db()
    return imp


# --------------------------------------------------------------------------------------- campaign mapping


def campaign_mapping_set(*, actor: User, workspace: Workspace, platform_campaign: str, campaign: Any) -> CampaignMapping | None:
    """Map a platform's campaign name to an Alur campaign (``campaign=None`` removes the mapping). Facts
    already imported follow at once: the campaign is joined when facts are read."""
    require(actor, membership_of(actor, workspace), Action.ANALYTICS_IMPORT, None)
    name = platform_campaign.strip()
    if not name:
        raise ValidationError({"platform_campaign": _("Give the campaign name as the report writes it.")})
    if campaign is not None and campaign.workspace_id != workspace.pk:
        raise ValidationError({"campaign": _("Choose a campaign of this workspace.")})
    with transaction.atomic():
        CampaignMapping.objects.filter(workspace=workspace, platform_campaign__iexact=name).delete()
        mapping = None
        if campaign is not None:
            mapping = CampaignMapping.objects.create(workspace=workspace, platform_campaign=name, campaign=campaign)
        audit_record(
            actor=actor,
            workspace=workspace,
            action="analytics.campaign_mapping",
            obj=mapping or workspace,
            after={"platform_campaign": name, "campaign": campaign.pk if campaign else None},
        )
    return mapping


# ------------------------------------------------------------------------------------ key results linked


def key_result_link(
    *, actor: User, key_result: Any, kpi: str, mode: str = "period", filters: Mapping[str, Any] | None = None
) -> KeyResultMetric | None:
    """Link a key result to a KPI and a filter (``kpi=""`` unlinks); its value is computed at once."""
    require(actor, membership_of(actor, key_result.workspace), Action.OBJECTIVE_MANAGE, key_result)
    if not kpi:
        KeyResultMetric.objects.filter(key_result=key_result).delete()
        audit_record(actor=actor, workspace=key_result.workspace, action="analytics.kr_unlink", obj=key_result)
        return None
    if kpi not in kpis.KPIS:
        raise ValidationError({"kpi": _("Choose one of the KPIs Alur computes.")})
    if mode not in KeyResultMetric.Mode.values:
        raise ValidationError({"mode": _("Choose how the value is counted.")})
    clean_filters = {k: v for k, v in (filters or {}).items() if k in selectors.FILTER_FIELDS and v not in (None, "", [])}
    link, _created = KeyResultMetric.objects.update_or_create(
        key_result=key_result, defaults={"workspace": key_result.workspace, "kpi": kpi, "mode": mode, "filters": clean_filters}
    )
    audit_record(
        actor=actor,
        workspace=key_result.workspace,
        action="analytics.kr_link",
        obj=key_result,
        after={"kpi": kpi, "mode": mode, "filters": clean_filters},
    )
    key_results_refresh(key_result.workspace, only=[link.pk])
    link.refresh_from_db()
    return link


def key_results_refresh(workspace: Workspace, *, only: list[int] | None = None, today: dt.date | None = None) -> int:
    """Recompute every linked key result; a value that moved becomes an automatic check-in. Returns how many moved."""
    from alur.strategy.services import key_result_record_automatic

    links = KeyResultMetric.objects.filter(workspace=workspace).select_related("key_result__objective__period")
    if only is not None:
        links = links.filter(pk__in=only)
    moved = 0
    for link in links:
        reading = selectors.key_result_value(link, today=today)
        link.last_refreshed_at = timezone.now()
        if reading is None:
            link.save(update_fields=["last_refreshed_at"])
            continue
        number = Decimal(str(round(reading.value, 4)))
        changed = link.last_value is None or number != link.last_value or link.key_result.current_value != number
        link.last_value = number
        link.save(update_fields=["last_value", "last_refreshed_at"])
        if changed:
            key_result_record_automatic(key_result=link.key_result, value=number, comment=_automatic_comment(link, reading))
            moved += 1
    return moved


def _automatic_comment(link: KeyResultMetric, reading: selectors.KeyResultReading) -> str:
    kpi = _(kpis.KPIS[link.kpi].label)
    if reading.is_estimate:
        return _(
            "Automatic: %(kpi)s from imported data, estimated: a report for a whole period that reaches beyond "
            "the key result's dates counts by its days within them, spread evenly."
        ) % {"kpi": kpi}
    return _("Automatic: %(kpi)s from imported data.") % {"kpi": kpi}


# ------------------------------------------------------------------------------------------ budget actual


def budget_actuals_refresh(workspace: Workspace) -> int:
    """Actual spend per campaign, channel and month from the imported spend in the workspace currency; fills
    the budget lines that exist (the plan stays the person's). A month that counts a share of a whole-period
    report holds an estimate (:func:`selectors.spend_by_campaign_channel_month`); the budget page marks it.
    Returns how many lines changed."""
    from alur.campaigns.models import BudgetLine

    actuals = selectors.spend_by_campaign_channel_month(workspace)
    changed = 0
    for line in BudgetLine.objects.filter(workspace=workspace):
        key = (line.campaign_id, selectors.channel_key(line.channel), line.month.replace(day=1))
        if key not in actuals:
            continue
        amount = actuals[key].amount.quantize(Decimal("0.01"))
        if line.actual != amount:
            line.actual = amount
            line.save(update_fields=["actual"])
            changed += 1
    return changed


# --------------------------------------------------------------------------------------------- anomalies


def anomalies_scan(workspace: Workspace, *, recent_days: int = 30) -> list[AnomalyAlert]:
    """Scan the daily series (per channel and per campaign) for anomalies within the last ``recent_days`` of
    data; new ones become alerts (in-app, email, webhook), known ones are not raised again."""
    config, _created = AnalyticsSettings.objects.get_or_create(workspace=workspace)
    found = selectors.anomalies(workspace, threshold=config.anomaly_threshold, recent_days=recent_days)
    created: list[AnomalyAlert] = []
    for item in found:
        alert, is_new = AnomalyAlert.objects.get_or_create(
            workspace=workspace,
            dedupe_key=item["dedupe_key"],
            defaults={k: v for k, v in item.items() if k != "dedupe_key"},
        )
        if is_new:
            created.append(alert)
    if created:
        _announce(workspace, config, created)
    return created


def _announce(workspace: Workspace, config: AnalyticsSettings, alerts: list[AnomalyAlert]) -> None:
    recipients = [
        m.user for m in Membership.objects.filter(workspace=workspace, role__in=ALERT_RECIPIENT_ROLES).select_related("user")
    ]
    for alert in alerts:
        notify(
            workspace=workspace,
            recipients=recipients,
            kind="analytics.anomaly",
            message=selectors.alert_sentence(alert),
            url=reverse("analytics:alerts", kwargs={"slug": workspace.slug}) + f"#alert-{alert.pk}",
            dedupe_key=f"anomaly:{alert.dedupe_key}",
            email=config.alert_email,
        )
    if config.alert_webhook_url:
        payload = {
            "event": "analytics.anomalies",
            "workspace": workspace.slug,
            "alerts": [
                {
                    "id": a.pk, "kpi": a.kpi, "dimension": a.dimension, "value_of_dimension": a.dimension_value,
                    "day": a.day.isoformat(), "value": a.value, "expected": a.expected, "low": a.low, "high": a.high,
                    "score": a.score, "direction": a.direction, "severity": a.severity,
                }
                for a in alerts
            ],
        }  # fmt: skip
        body = json.dumps(payload, sort_keys=True).encode()
        headers = {"Content-Type": "application/json"}
        if config.alert_webhook_secret:
            signature = hmac.new(config.alert_webhook_secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Alur-Signature"] = f"sha256={signature}"
        try:
            httpx.post(config.alert_webhook_url, content=body, headers=headers, timeout=10)
        except httpx.HTTPError:
            log.warning("anomaly webhook to %s failed", config.alert_webhook_url, exc_info=True)


def alert_acknowledge(*, actor: User, alert: AnomalyAlert) -> AnomalyAlert:
    require(actor, membership_of(actor, alert.workspace), Action.ANALYTICS_VIEW, alert)
    alert.status, alert.acknowledged_by = AnomalyAlert.Status.ACKNOWLEDGED, actor
    alert.save(update_fields=["status", "acknowledged_by"])
    audit_record(actor=actor, workspace=alert.workspace, action="analytics.alert_ack", obj=alert)
    return alert


def analytics_settings_save(*, actor: User, workspace: Workspace, **values: Any) -> AnalyticsSettings:
    require(actor, membership_of(actor, workspace), Action.ANALYTICS_IMPORT, None)
    config, _created = AnalyticsSettings.objects.get_or_create(workspace=workspace)
    for name in ("alert_email", "alert_webhook_url", "alert_webhook_secret", "anomaly_threshold"):
        if name in values:
            setattr(config, name, values[name])
    if not 2.0 <= float(config.anomaly_threshold) <= 10.0:
        raise ValidationError({"anomaly_threshold": _("Choose a threshold between 2 and 10 (3.5 is the usual rule).")})
    config.full_clean(exclude=["workspace"])
    config.save()
    audit_record(
        actor=actor,
        workspace=workspace,
        action="analytics.settings",
        obj=config,
        after={"webhook": bool(config.alert_webhook_url)},
    )
    return config


def after_import(workspace: Workspace, imp: Import | None = None) -> None:
    """What depends on the data: key results, budget actuals, anomaly alerts."""
    key_results_refresh(workspace)
    budget_actuals_refresh(workspace)
    anomalies_scan(workspace)


def diagnosis_record(*, actor: User, campaign: Any, problem: str, optimisation: str) -> Any:
    """Record a diagnosis in the campaign's Optimization stage ("problem identified → strategy optimised")."""
    from alur.campaigns.services import kpi_review

    return kpi_review(actor=actor, campaign=campaign, is_achieved=False, problem=problem, optimisation=optimisation)


# ------------------------------------------------------------------------------------------- experiments
#
# An experiment's plan and counts arrive as text from the pages and as numbers from the API; both go through
# the readers below, which answer with a message per field. A number written with "%" is a percentage
# ("4%" = 0.04); decimals may use a comma (Indonesian "0,05") or a point.

EXPERIMENT_FIELDS = (
    "name", "hypothesis", "campaign", "metric", "metric_name", "guardrails", "mde", "mde_relative", "alpha", "power",
    "baseline_rate", "baseline_mean", "baseline_std", "daily_visitors", "is_sequential", "pull_dimension", "pull_visitors",
    "owner",
)  # fmt: skip
MAX_VARIANTS = 8


def _decimal_hint() -> str:
    from django.utils.translation import get_language

    return "id" if (get_language() or "id").startswith("id") else "en"


def read_number(value: Any, *, percent_allowed: bool = True) -> float | None:
    """A person's number: ``None``/empty → None; ``"4%"`` → 0.04; ``"0,05"`` → 0.05. Raises ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(value)
        return number
    text = str(value).strip()
    is_percent = text.endswith("%")
    if is_percent and not percent_allowed:
        raise ValueError(text)
    try:
        parsed = float(numbers.parse_number(text, hint=_decimal_hint()))  # type: ignore[arg-type]
    except numbers.ParseError as error:
        raise ValueError(text) from error
    return parsed / 100 if is_percent else parsed


def _read_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes", "ya")
    return bool(value)


def _experiment_values(workspace: Workspace, values: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """Read and check the plan's fields present in ``values``; problems go into ``errors`` by field."""
    from alur.campaigns.models import Campaign

    cleaned: dict[str, Any] = {}
    for name in ("name", "hypothesis", "metric_name"):
        if name in values:
            cleaned[name] = str(values[name] or "").strip()
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = _("Give the experiment a name, e.g. “Email subject: discount vs. free shipping”.")
    for name, choices, message in (
        ("metric", Experiment.Metric.values, _("Choose the primary metric: conversion rate or an average value.")),
        ("pull_dimension", Experiment.PullDimension.values, _("Choose ad, ad set or campaign.")),
        ("pull_visitors", Experiment.PullVisitors.values, _("Choose clicks or sessions.")),
    ):
        if name in values:
            if values[name] not in choices:
                errors[name] = message
            else:
                cleaned[name] = values[name]
    for name in ("mde_relative", "is_sequential"):
        if name in values:
            cleaned[name] = _read_bool(values[name])
    if "guardrails" in values:
        raw = values["guardrails"]
        items = raw.splitlines() if isinstance(raw, str) else list(raw or [])
        names = [str(item).strip()[:80] for item in items if str(item).strip()]
        if len(set(names)) != len(names):
            errors["guardrails"] = _("Name each guardrail metric once.")
        cleaned["guardrails"] = names[:10]
    for name in ("mde", "alpha", "power", "baseline_rate", "baseline_mean", "baseline_std", "daily_visitors"):
        if name not in values:
            continue
        try:
            cleaned[name] = read_number(values[name])
        except ValueError:
            errors[name] = _("“%(value)s” is not a number; write e.g. 0.05 or 5%%.") % {"value": values[name]}
    if "campaign" in values:
        campaign_id = values["campaign"]
        if campaign_id in (None, ""):
            cleaned["campaign"] = None
        else:
            campaign = (
                Campaign.objects.filter(workspace=workspace, pk=str(campaign_id)).first() if str(campaign_id).isdigit() else None
            )
            if campaign is None:
                errors["campaign"] = _("Choose a campaign of this workspace.")
            cleaned["campaign"] = campaign
    if "owner" in values and values["owner"] not in (None, ""):
        member = Membership.objects.filter(workspace=workspace, user_id=str(values["owner"])).select_related("user").first()
        if member is None or not str(values["owner"]).isdigit():
            errors["owner"] = _("Choose a member of this workspace as the owner.")
        else:
            cleaned["owner"] = member.user
    return cleaned


def _check_plan(experiment: Any, errors: dict[str, str]) -> None:
    """The plan must make a sample size computable: alpha, power, an effect, and a baseline fitting the metric."""
    if errors:
        return
    if experiment.alpha is None or not 0 < experiment.alpha < 0.5:
        errors["alpha"] = _("Alpha is the false-positive rate you accept: between 0 and 0.5, usually 0.05 (5%).")
    if experiment.power is None or not 0.5 <= experiment.power < 1:
        errors["power"] = _("Power is the chance to detect the effect if it is real: between 0.5 and 1, usually 0.8 (80%).")
    if experiment.mde is None or experiment.mde <= 0:
        errors["mde"] = _("Give the smallest effect worth detecting, a positive number such as 1% (absolute) or 10% (relative).")
    if experiment.metric == "conversion":
        rate = experiment.baseline_rate
        if rate is None or not 0 < rate < 1:
            errors["baseline_rate"] = _("Give today's conversion rate, between 0% and 100% (e.g. 4%).")
        elif experiment.mde and (rate * (1 + experiment.mde) if experiment.mde_relative else rate + experiment.mde) >= 1:
            errors["mde"] = _("Baseline plus the effect must stay below 100%; choose a smaller effect.")
    else:
        if experiment.baseline_std is None or experiment.baseline_std <= 0:
            errors["baseline_std"] = _("Give the standard deviation of the value per visitor, a positive number.")
        if experiment.mde_relative and (experiment.baseline_mean is None or experiment.baseline_mean <= 0):
            errors["baseline_mean"] = _("A relative effect needs today's average value per visitor, a positive number.")
    if experiment.daily_visitors is not None and experiment.daily_visitors <= 0:
        errors["daily_visitors"] = _("Give the visitors per day as a positive number, or leave it empty.")


def _read_variant_specs(specs: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    """Variants as ``[{"name", "traffic_share", "data_value"}]`` (the first is the control); shares are
    percentages that must add up to 100."""
    if not isinstance(specs, list) or not all(isinstance(s, Mapping) for s in specs):
        errors["variants"] = _("List the variants, the control first.")
        return []
    rows: list[dict[str, Any]] = []
    for index, spec in enumerate(specs, start=1):
        name = str(spec.get("name") or "").strip()[:80]
        if not name:
            continue
        try:
            share = read_number(spec.get("traffic_share"), percent_allowed=True)
        except ValueError:
            errors["variants"] = _("Variant %(row)s: the traffic share “%(value)s” is not a number.") % {
                "row": index, "value": spec.get("traffic_share"),
            }  # fmt: skip
            return []
        if share is not None and isinstance(spec.get("traffic_share"), str) and spec["traffic_share"].strip().endswith("%"):
            share *= 100  # "50%" is 50 (the shares are percentages already)
        rows.append({"name": name, "traffic_share": share, "data_value": str(spec.get("data_value") or "").strip()[:250]})
    if len(rows) < 2:
        errors["variants"] = _("An experiment needs a control and at least one variant.")
    elif len(rows) > MAX_VARIANTS:
        errors["variants"] = _("At most %(count)s variants.") % {"count": MAX_VARIANTS}
    elif len({r["name"].lower() for r in rows}) != len(rows):
        errors["variants"] = _("Give each variant a different name.")
    if errors.get("variants"):
        return rows
    given = [r["traffic_share"] for r in rows if r["traffic_share"] is not None]
    if not given:
        for row in rows:
            row["traffic_share"] = 100 / len(rows)
    elif len(given) != len(rows) or any(s <= 0 for s in given) or abs(sum(given) - 100) > 0.5:
        errors["variants"] = _("Traffic shares are percentages above 0 that add up to 100 (now %(total)s).") % {
            "total": f"{sum(given):g}"
        }
    return rows


def experiment_create(
    *, actor: User, workspace: Workspace, values: Mapping[str, Any], variants: Sequence[Mapping[str, Any]] | None = None
) -> Any:
    """A draft experiment with its plan and variants (default: "Control" and "B", half the traffic each)."""
    require(actor, membership_of(actor, workspace), Action.EXPERIMENT_MANAGE, None)
    refuse_nul_characters(**{k: v for k, v in values.items() if isinstance(v, str)})
    errors: dict[str, str] = {}
    cleaned = _experiment_values(workspace, {"metric": "conversion", **values}, errors)
    specs = _read_variant_specs(list(variants) if variants is not None else [{"name": _("Control")}, {"name": "B"}], errors)
    experiment = Experiment(workspace=workspace, owner=cleaned.pop("owner", actor), created_by=actor)
    for name, value in cleaned.items():
        setattr(experiment, name, value)
    _check_plan(experiment, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        experiment.save()
        for position, spec in enumerate(specs):
            ExperimentVariant.objects.create(
                workspace=workspace, experiment=experiment, position=position, is_control=position == 0, **spec
            )
        audit_record(
            actor=actor,
            workspace=workspace,
            action="analytics.experiment_create",
            obj=experiment,
            after={"name": experiment.name, "variants": [s["name"] for s in specs]},
        )
    return experiment


def experiment_update(
    *, actor: User, experiment: Any, values: Mapping[str, Any], variants: Sequence[Mapping[str, Any]] | None = None
) -> Any:
    """Change the plan (and, while a draft, the variants). A concluded experiment is kept as it was decided."""
    require(actor, membership_of(actor, experiment.workspace), Action.EXPERIMENT_MANAGE, experiment)
    refuse_nul_characters(**{k: v for k, v in values.items() if isinstance(v, str)})
    if experiment.status == experiment.Status.CONCLUDED and set(values) - {"decision"}:
        raise ValidationError({"status": _("This experiment is concluded; its plan can no longer change.")})
    errors: dict[str, str] = {}
    cleaned = _experiment_values(experiment.workspace, values, errors)
    before = {name: getattr(experiment, name) for name in cleaned if name not in ("campaign", "owner")}
    for name, value in cleaned.items():
        setattr(experiment, name, value)
    if "decision" in values:
        experiment.decision = str(values["decision"] or "").strip()
    _check_plan(experiment, errors)
    if errors:
        experiment.refresh_from_db()
        raise ValidationError(errors)
    with transaction.atomic():
        experiment.save()
        if variants is not None:
            experiment_variants_set(actor=actor, experiment=experiment, variants=variants)
        audit_record(
            actor=actor,
            workspace=experiment.workspace,
            action="analytics.experiment_update",
            obj=experiment,
            before=before,
            after={name: getattr(experiment, name) for name in before},
        )
    return experiment


def experiment_variants_set(*, actor: User, experiment: Any, variants: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Replace the variants of a draft (the first is the control). Variants keep their counts when their
    name stays; the name in imported data may change at any time before the experiment is concluded."""
    require(actor, membership_of(actor, experiment.workspace), Action.EXPERIMENT_MANAGE, experiment)
    errors: dict[str, str] = {}
    specs = _read_variant_specs(variants, errors)
    if errors:
        raise ValidationError(errors)
    existing = {v.name.lower(): v for v in experiment.variants.all()}
    if experiment.status != experiment.Status.DRAFT:
        same = [s["name"].lower() for s in specs] == [v.name.lower() for v in experiment.variants.all()]
        changed_shares = (
            any(abs(existing[s["name"].lower()].traffic_share - s["traffic_share"]) > 1e-9 for s in specs) if same else True
        )
        if not same or changed_shares or experiment.status == experiment.Status.CONCLUDED:
            raise ValidationError({"variants": _("Variants and their traffic shares are fixed once the experiment has started.")})
    with transaction.atomic():
        kept: list[Any] = []
        for position, spec in enumerate(specs):
            variant = existing.pop(spec["name"].lower(), None) or ExperimentVariant(
                workspace=experiment.workspace, experiment=experiment
            )
            variant.name, variant.position, variant.is_control = spec["name"], position, position == 0
            variant.traffic_share, variant.data_value = spec["traffic_share"], spec["data_value"]
            kept.append(variant)
        ExperimentVariant.objects.filter(pk__in=[v.pk for v in existing.values()]).delete()
        for variant in kept:  # temporary names first, so a swap of two names never breaks the unique rule
            if variant.pk:
                ExperimentVariant.objects.filter(pk=variant.pk).update(name=f"\x01{variant.pk}")
        for variant in kept:
            variant.save()
        audit_record(
            actor=actor,
            workspace=experiment.workspace,
            action="analytics.experiment_variants",
            obj=experiment,
            after={"variants": [{"name": v.name, "traffic_share": v.traffic_share} for v in kept]},
        )
    return kept


def _count(value: Any, field: str, errors: dict[str, str], *, required: bool = True) -> float | None:
    try:
        number = read_number(value, percent_allowed=False)
    except ValueError:
        errors[field] = _("“%(value)s” is not a number.") % {"value": value}
        return None
    if number is None:
        if required:
            errors[field] = _("Fill this in (0 when there is none yet).")
        return None
    if number < 0:
        errors[field] = _("A count cannot be negative.")
    return number


def _counts_rows(experiment: Any, rows: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Checked counts per variant from ``[{"variant": name, "visitors", "conversions", "value_sum",
    "value_sum_sq", "guardrails": {name: count}}]``; every variant must be present. Field errors are keyed
    ``<variant id>-<field>`` (the counts form names its inputs so)."""
    variants = {v.name.lower(): v for v in experiment.variants.all()}
    errors: dict[str, str] = {}
    seen: dict[int, dict[str, Any]] = {}
    for index, row in enumerate(rows, start=1):
        variant = variants.get(str(row.get("variant", "")).strip().lower())
        if variant is None:
            errors[f"row-{index}"] = _("Row %(row)s: “%(name)s” is not a variant of this experiment (%(known)s).") % {
                "row": index, "name": row.get("variant", ""), "known": ", ".join(v.name for v in variants.values()),
            }  # fmt: skip
            continue
        if variant.pk in seen:
            errors[f"row-{index}"] = _("Row %(row)s: variant “%(name)s” appears twice.") % {"row": index, "name": variant.name}
            continue
        key = f"{variant.pk}-"
        visitors = _count(row.get("visitors"), key + "visitors", errors)
        conversions = _count(row.get("conversions"), key + "conversions", errors)
        value_sum = _count(row.get("value_sum"), key + "value_sum", errors, required=False)
        value_sum_sq = _count(row.get("value_sum_sq"), key + "value_sum_sq", errors, required=False)
        if visitors is not None and visitors != int(visitors):
            errors[key + "visitors"] = _("Visitors are a whole number.")
        if visitors is not None and conversions is not None and conversions > visitors:
            errors[key + "conversions"] = _("More conversions (%(conversions)s) than visitors (%(visitors)s).") % {
                "conversions": f"{conversions:g}", "visitors": f"{visitors:g}",
            }  # fmt: skip
        if experiment.metric == "mean" and (value_sum is None or value_sum_sq is None):
            for name, number in (("value_sum", value_sum), ("value_sum_sq", value_sum_sq)):
                if number is None and key + name not in errors:
                    errors[key + name] = _("An average-value metric needs the sum and the sum of squares per variant.")
        if (
            experiment.metric == "mean"
            and visitors
            and value_sum is not None
            and value_sum_sq is not None
            and value_sum_sq < value_sum**2 / visitors * (1 - 1e-9)
        ):
            errors[key + "value_sum_sq"] = _(
                "The sum of squares is smaller than sum² ÷ visitors, which real data never gives; "
                "check that it holds the sum of the squared values."
            )
        guardrails: dict[str, float] = {}
        given = row.get("guardrails")
        if given is None:  # a file of the primary metric only: the guardrails' counts stay as they are
            guardrails = dict(variant.guardrail_counts or {})
        for name in experiment.guardrails if given is not None else ():
            raw = given.get(name) if isinstance(given, Mapping) else None
            number = _count(raw, f"{key}guardrail-{name}", errors, required=False)
            if number is not None:
                guardrails[name] = number
        seen[variant.pk] = {
            "variant": variant, "visitors": int(visitors or 0), "conversions": conversions or 0.0,
            "value_sum": value_sum, "value_sum_sq": value_sum_sq, "guardrail_counts": guardrails,
        }  # fmt: skip
    missing = [v.name for v in variants.values() if v.pk not in seen]
    if missing and not errors:
        errors["variants"] = _("Give counts for every variant; missing: %(names)s.") % {"names": ", ".join(missing)}
    return list(seen.values()), errors


def _counts_save(actor: User, experiment: Any, rows: list[dict[str, Any]], how: str) -> None:
    if experiment.status == experiment.Status.CONCLUDED:
        raise ValidationError({"status": _("This experiment is concluded; its counts are kept as they were decided.")})
    with transaction.atomic():
        for row in rows:
            variant = row["variant"]
            for name in ("visitors", "conversions", "value_sum", "value_sum_sq", "guardrail_counts"):
                setattr(variant, name, row[name])
            for name in ("pre_sum", "pre_sum_sq", "cross_sum"):
                if name in row:
                    setattr(variant, name, row[name])
            variant.save()
        experiment.counts_updated_at = timezone.now()
        experiment.save(update_fields=["counts_updated_at"])
        audit_record(
            actor=actor,
            workspace=experiment.workspace,
            action="analytics.experiment_counts",
            obj=experiment,
            after={"how": how, "visitors": {r["variant"].name: r["visitors"] for r in rows}},
        )


def experiment_counts_record(*, actor: User, experiment: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """Typed-in counts for every variant, all checked before any is written."""
    require(actor, membership_of(actor, experiment.workspace), Action.EXPERIMENT_MANAGE, experiment)
    checked, errors = _counts_rows(experiment, rows)
    if errors:
        raise ValidationError(errors)
    _counts_save(actor, experiment, checked, "typed")


def experiment_counts_import(*, actor: User, experiment: Any, text: str) -> None:
    """Counts from a CSV ``variant,visitors,conversions[,value_sum,value_sum_sq]`` (the format of ``alur
    abtest``), all-or-nothing: a wrong row writes nothing and the message names the row and column."""
    require(actor, membership_of(actor, experiment.workspace), Action.EXPERIMENT_MANAGE, experiment)
    try:
        counts = stats.read_counts_csv(text)
    except stats.CountsFileError as error:
        raise ValidationError({"file": _(error.template) % error.params}) from None
    rows = [
        {
            "variant": c.name,
            "visitors": c.visitors,
            "conversions": c.conversions,
            "value_sum": c.value_sum,
            "value_sum_sq": c.value_sum_sq,
        }
        for c in counts
    ]
    checked, errors = _counts_rows(experiment, rows)
    if errors:
        # One message for the file: the per-field keys of the typed form mean nothing to a file's reader.
        names = {f"{v.pk}-": v.name for v in experiment.variants.all()}
        messages = []
        for key, message in errors.items():
            prefix = next((p for p in names if key.startswith(p)), None)
            messages.append(f"{names[prefix]}: {message}" if prefix else message)
        raise ValidationError({"file": messages})
    for row, counted in zip(checked, counts, strict=False):
        if counted.pre_sum is not None:
            row.update(pre_sum=counted.pre_sum, pre_sum_sq=counted.pre_sum_sq, cross_sum=counted.cross_sum)
    _counts_save(actor, experiment, checked, "file")


def experiment_counts_pull(*, actor: User, experiment: Any, today: dt.date | None = None) -> bool:
    """Counts from imported data: for each variant, the facts whose ``pull_dimension`` (ad, ad set or
    campaign) equals the variant's name in imported data, from the start day to the end day (or today):
    ``pull_visitors`` (clicks or sessions) as visitors, ``conversions`` as conversions and
    ``conversion_value`` as the value sum. Aggregated reports carry no per-visitor sums of squares, so an
    average-value experiment keeps its typed-in or uploaded counts.

    Returns whether the counts are estimates: a whole-period report reaching beyond the experiment's days
    counts by its share of days (visitors then rounded to whole visitors)."""
    require(actor, membership_of(actor, experiment.workspace), Action.EXPERIMENT_MANAGE, experiment)
    if experiment.metric != "conversion":
        raise ValidationError(
            {
                "pull": _(
                    "Imported reports have no per-visitor sums of squares, which an average-value metric needs; "
                    "type the counts or upload a CSV."
                )
            }
        )
    variants = list(experiment.variants.all())
    missing = [v.name for v in variants if not v.data_value]
    if missing:
        raise ValidationError(
            {"pull": _("Say which %(dimension)s in the imported data is each variant; missing for %(names)s.") % {
                "dimension": experiment.get_pull_dimension_display().lower(), "names": ", ".join(missing),
            }}
        )  # fmt: skip
    totals = selectors.experiment_totals(experiment, today=today)
    empty = [v.name for v in variants if totals.get(v.data_value.lower(), {}).get("visitors", 0) <= 0]
    if empty:
        raise ValidationError(
            {"pull": _("No %(visitors)s found in the imported data for %(names)s in the experiment's dates.") % {
                "visitors": experiment.get_pull_visitors_display().lower(), "names": ", ".join(empty),
            }}
        )  # fmt: skip
    rows = []
    for variant in variants:
        found = totals[variant.data_value.lower()]
        rows.append(
            {"variant": variant.name, "visitors": round(found["visitors"]), "conversions": float(found["conversions"]),
             "guardrails": variant.guardrail_counts}
        )  # fmt: skip
    checked, errors = _counts_rows(experiment, rows)
    if errors:
        raise ValidationError({"pull": list(errors.values())})
    for row in checked:
        row["value_sum"] = float(totals[row["variant"].data_value.lower()]["value"])
    is_estimate = any(totals[v.data_value.lower()]["estimated"] for v in variants)
    _counts_save(actor, experiment, checked, "pulled (estimated)" if is_estimate else "pulled")
    return is_estimate


def _experiment_status(actor: User, experiment: Any, allowed_from: tuple[str, ...], target: str, message: str) -> Any:
    require(actor, membership_of(actor, experiment.workspace), Action.EXPERIMENT_MANAGE, experiment)
    with transaction.atomic():
        locked = type(experiment).objects.select_for_update().get(pk=experiment.pk)
        if locked.status not in allowed_from:
            raise ValidationError({"status": message})
        before = locked.status
        today = timezone.localdate()
        if target == locked.Status.RUNNING:
            locked.started_on = locked.started_on or today
            locked.ended_on = None
        elif target in (locked.Status.STOPPED, locked.Status.CONCLUDED):
            locked.ended_on = locked.ended_on or today
        locked.status = target
        if target == locked.Status.CONCLUDED:
            locked.decision = experiment.decision
        locked.save()
        audit_record(
            actor=actor,
            workspace=experiment.workspace,
            action=f"analytics.experiment_{target}",
            obj=locked,
            before={"status": before},
            after={"status": target},
        )
    experiment.refresh_from_db()
    return experiment


def experiment_start(*, actor: User, experiment: Any) -> Any:
    """Start (or resume) the test: the start day is recorded; variants and shares are fixed from now on."""
    return _experiment_status(
        actor, experiment, ("draft", "stopped"), "running", _("Only a draft or a stopped experiment can start.")
    )


def experiment_stop(*, actor: User, experiment: Any) -> Any:
    return _experiment_status(actor, experiment, ("running",), "stopped", _("Only a running experiment can stop."))


def experiment_conclude(*, actor: User, experiment: Any, decision: str) -> Any:
    """Record the decision and what was learnt; the experiment and its counts are kept as decided."""
    refuse_nul_characters(decision=decision)
    if not decision.strip():
        raise ValidationError({"decision": _("Write the decision and what was learnt, e.g. “Ship B: free shipping wins”.")})
    experiment.decision = decision.strip()
    return _experiment_status(
        actor, experiment, ("running", "stopped", "draft"), "concluded", _("This experiment is concluded already.")
    )
