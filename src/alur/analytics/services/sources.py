"""Writes of data sources and campaign mappings: the platform sources every workspace has, the column
mapping of a generic source, and which Alur campaign a platform's campaign name means."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from alur.accounts.models import User, Workspace
from alur.accounts.selectors import membership_of
from alur.analytics import warehouse
from alur.analytics.imports.staging import TEXT_DIMENSIONS
from alur.analytics.models import CampaignMapping, DataSource, SourceFormat
from alur.core.audit import audit_record
from alur.core.policy import Action, require
from alur.core.validation import refuse_nul_characters

BUILTIN_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("google_ads", "Google Ads", SourceFormat.GOOGLE_ADS),
    ("meta_ads", "Meta Ads", SourceFormat.META_ADS),
    ("ga4", "Google Analytics 4", SourceFormat.GA4),
    ("tiktok_ads", "TikTok Ads", SourceFormat.TIKTOK_ADS),
    ("linkedin_ads", "LinkedIn Ads", SourceFormat.LINKEDIN_ADS),
    ("journeys", "Customer journeys", SourceFormat.TOUCHPOINTS),
)
MAPPABLE_FIELDS = ("date", *TEXT_DIMENSIONS, "currency", *warehouse.FACT_METRICS)


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
