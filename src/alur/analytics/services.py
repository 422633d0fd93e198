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
import tempfile
from collections.abc import Iterable, Mapping
from decimal import Decimal
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
from alur.analytics import importing, kpis, selectors, warehouse
from alur.analytics.models import (
    AnalyticsSettings,
    AnomalyAlert,
    CampaignMapping,
    DataSource,
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
MAPPABLE_FIELDS = ("date", *importing.TEXT_DIMENSIONS, "currency", *warehouse.FACT_METRICS)
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
    """Create or change a source. A generic source needs a mapping with the date and at least one figure."""
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
    if instance.format == SourceFormat.GENERIC:
        if "date" not in instance.mapping:
            errors["mapping"] = _("Map the column that holds the date.")
        elif not set(instance.mapping) & set(warehouse.FACT_METRICS):
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


def _campaign_ids(workspace: Workspace) -> dict[str, int]:
    """Platform campaign name (lower case) → Alur campaign: explicit mappings first, then UTM slugs."""
    from alur.campaigns.models import Campaign
    from alur.publishing.utm import slugify_value

    found: dict[str, int] = {}
    for campaign_id, name in Campaign.objects.filter(workspace=workspace).values_list("id", "name"):
        found.setdefault(slugify_value(name).lower(), campaign_id)
        found.setdefault(name.lower(), campaign_id)
    for mapping in CampaignMapping.objects.filter(workspace=workspace):
        found[mapping.platform_campaign.lower()] = mapping.campaign_id
    return found


def _spec(imp: Import, source: DataSource) -> importing.ImportSpec:
    return importing.ImportSpec(
        workspace_id=imp.workspace_id,
        source=source.key,
        import_id=imp.pk,
        format_key=None if source.format == SourceFormat.GENERIC else source.format,
        mapping=source.mapping or None,
        decimal_style=source.number_style or None,  # type: ignore[arg-type]
        dayfirst={"dmy": True, "mdy": False}.get(source.date_order),
        default_currency=source.currency or imp.workspace.currency,
        default_account=source.account,
        campaign_ids=_campaign_ids(imp.workspace),
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
) -> Import:
    """Record an upload and import it: in the background (the worker), or at once with ``run_now`` (the CLI).

    The same file for the same source that was imported before is recorded as "already imported" and changes
    nothing.
    """
    require(actor, membership_of(actor, workspace), Action.ANALYTICS_IMPORT, source)
    if source.workspace_id != workspace.pk:
        raise ValidationError({"source": _("Choose a source of this workspace.")})
    refuse_nul_characters(name=name)
    sha256, size = _hash(upload)
    if size == 0:
        raise ValidationError({"file": _("The file is empty. Export the report again and upload the downloaded file.")})
    limit = getattr(settings, "ALUR_IMPORT_MAX_BYTES", 2 * 1024**3)
    if size > limit:
        raise ValidationError({"file": _("The file is larger than %(limit)s MB.") % {"limit": limit // 1024**2}})
    earlier = Import.objects.filter(workspace=workspace, source=source, sha256=sha256, status=Import.Status.SUCCEEDED).first()
    with transaction.atomic():
        imp = Import.objects.create(
            workspace=workspace,
            source=source,
            original_name=Path(name).name[:255] or "upload",
            sha256=sha256,
            size=size,
            created_by=actor,
            status=Import.Status.UNCHANGED if earlier else Import.Status.QUEUED,
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
        imp.save(update_fields=["status", "started_at", "stage"])

    last = {"percent": -1}

    def progress(percent: int, stage: str) -> None:
        if percent != last["percent"]:
            last["percent"] = percent
            Import.objects.filter(pk=import_id).update(progress=percent, stage=stage)

    with tempfile.TemporaryDirectory(prefix="alur-upload-") as scratch:
        path = Path(scratch) / (Path(imp.file.name or "upload").name or "upload")
        with imp.file.open("rb") as source, path.open("wb") as target:
            while chunk := source.read(1 << 20):
                target.write(chunk)
        described = read_as or imp.source
        try:
            if described.format == SourceFormat.TOUCHPOINTS:
                from alur.analytics import touchpoints

                journeys = touchpoints.run_touchpoint_import(
                    path,
                    workspace_id=imp.workspace_id,
                    source=imp.source.key,
                    import_id=imp.pk,
                    key=pseudonym_key(imp.workspace_id),
                    warehouse_url=settings.WAREHOUSE_URL,
                )
                outcome = (journeys.rows, journeys.replaced, journeys.ts_from.date(), journeys.ts_to.date(), journeys.as_dict())
            else:
                facts = importing.run_import(path, _spec(imp, described), warehouse_url=settings.WAREHOUSE_URL, progress=progress)
                outcome = (facts.rows, facts.replaced, facts.date_from, facts.date_to, facts.as_dict())
        except importing.ImportFailed as failure:
            return _finish_failed(imp, [p.as_dict() for p in failure.problems])
        except Exception as error:  # an unexpected fault: recorded, the file kept for a retry
            log.exception("import %s crashed", import_id)
            message = _("The import stopped unexpectedly: %(error)s") % {"error": error}
            return _finish_failed(imp, [{"row": None, "column": None, "value": None, "message": message}])
    imp.status, imp.progress, imp.stage, imp.finished_at = Import.Status.SUCCEEDED, 100, "", timezone.now()
    imp.rows, imp.replaced, imp.date_from, imp.date_to, report = outcome
    imp.report = {**report, "problems": []}
    imp.save()
    if described.format != SourceFormat.TOUCHPOINTS:
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


def pseudonym_key(workspace_id: int) -> bytes:
    """The workspace's key for pseudonymising personal data: HMAC-SHA256 of the installation's SECRET_KEY
    with a label and the workspace, so ids differ between workspaces and change if the secret does."""
    return hmac.new(settings.SECRET_KEY.encode(), f"alur-pseudonym:{workspace_id}".encode(), hashlib.sha256).digest()


def _import_url(imp: Import) -> str:
    return reverse("analytics:import_detail", kwargs={"slug": imp.workspace.slug, "import_id": imp.pk})


def _finish_failed(imp: Import, problems: list[dict[str, Any]]) -> Import:
    imp.status, imp.stage, imp.finished_at = Import.Status.FAILED, "", timezone.now()
    imp.report = {"problems": problems}
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
    already imported are updated at once."""
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
    campaign_id = _campaign_ids(workspace).get(name.lower())
    with warehouse.session(settings.WAREHOUSE_URL) as con:
        value = "NULL" if campaign_id is None else str(int(campaign_id))
        con.raw_sql(
            f"UPDATE {warehouse.FACTS} SET campaign_id = {value} WHERE workspace_id = {int(workspace.pk)} "
            f"AND lower(campaign) = '{name.lower().replace(chr(39), chr(39) * 2)}'"
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
        value = selectors.key_result_value(link, today=today)
        link.last_refreshed_at = timezone.now()
        if value is None:
            link.save(update_fields=["last_refreshed_at"])
            continue
        number = Decimal(str(round(value, 4)))
        changed = link.last_value is None or number != link.last_value or link.key_result.current_value != number
        link.last_value = number
        link.save(update_fields=["last_value", "last_refreshed_at"])
        if changed:
            key_result_record_automatic(
                key_result=link.key_result,
                value=number,
                comment=_("Automatic: %(kpi)s from imported data.") % {"kpi": kpis.KPIS[link.kpi].label},
            )
            moved += 1
    return moved


# ------------------------------------------------------------------------------------------ budget actual


def budget_actuals_refresh(workspace: Workspace) -> int:
    """Actual spend per campaign, channel and month from the imported spend in the workspace currency; fills
    the budget lines that exist (the plan stays the person's). Returns how many lines changed."""
    from alur.campaigns.models import BudgetLine

    actuals = selectors.spend_by_campaign_channel_month(workspace)
    changed = 0
    for line in BudgetLine.objects.filter(workspace=workspace):
        key = (line.campaign_id, selectors.channel_key(line.channel), line.month.replace(day=1))
        if key not in actuals:
            continue
        amount = actuals[key].quantize(Decimal("0.01"))
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
