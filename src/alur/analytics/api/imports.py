"""API endpoints of imports: a file uploaded and imported in the background, its progress and receipt, and
metric rows from middleware and scripts imported at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from alur.accounts.api import ErrorOut, api_membership, require_write_scope
from alur.analytics.api._shared import ERRORS, _user
from alur.analytics.api.sources import _source
from alur.analytics.models import Import
from alur.analytics.selectors import imports as selectors
from alur.analytics.services import imports as services
from alur.core.policy import Action, require
from alur.core.validation import Id

router = Router(tags=["analytics"])


class ProblemOut(Schema):
    row: int | None = None
    column: str | None = None
    value: str | None = None
    message: str


class ImportOut(Schema):
    id: int
    source: str
    file: str
    status: str = Field(description="queued, running, succeeded, unchanged (the same file was imported before) or failed")
    progress: int
    rows: int
    replaced: int = Field(description="Rows of the same source, accounts and days that this import replaced.")
    date_from: dt.date | None
    date_to: dt.date | None
    problems: list[ProblemOut] = Field(description="Why a failed import was refused: row, column, value and the fix.")
    warnings: list[str] = Field(description="What is worth knowing about an imported file, in the caller's language.")
    totals: dict[str, Any] = Field(
        description="Sums of what was stored from the file: money per currency as a decimal string "
        '(``{"spend": {"GBP": "365.22"}}``), counts as integers, conversions as a decimal string; metrics the file '
        "does not have are left out."
    )
    file_totals: dict[str, Any] | None = Field(description="The same sums from the file's own total line, when it has one.")
    file_total_label: str | None = Field(description='The label of that line ("Total: Campaigns"); empty for a summary row.')
    period_start: dt.date | None = Field(description="The first day of the period given with the upload, if any.")
    period_end: dt.date | None = Field(description="The last day of the period given with the upload, if any.")
    ignored_columns: list[str]
    unmapped_campaigns: list[str]
    created_at: dt.datetime


class MetricRowsIn(Schema):
    source: str = Field(..., description="Source key, e.g. google_ads or a generic source's key.")
    rows: list[dict[str, Any]] = Field(
        ...,
        description="Rows of Alur's fields: date (YYYY-MM-DD), account, channel, campaign, ad_set, ad, region, device, currency, "
        "and the figures impressions, reach, clicks, spend, conversions, conversion_value, sessions, engaged_sessions, "
        "bounces, leads, followers, engagements, mentions, video_views. Numbers in English form (1234.56).",
        max_length=100_000,
    )


def _import_out(imp: Import) -> ImportOut:
    report = imp.report or {}
    return ImportOut(
        id=imp.pk,
        source=imp.source.key,
        file=imp.original_name,
        status=imp.status,
        progress=imp.progress,
        rows=imp.rows,
        replaced=imp.replaced,
        date_from=imp.date_from,
        date_to=imp.date_to,
        problems=[ProblemOut(**p) for p in selectors.problems(imp)],
        warnings=selectors.warnings(imp),
        totals=report.get("totals", {}),
        file_totals=report.get("file_totals"),
        file_total_label=report.get("file_total_label"),
        period_start=imp.period_start,
        period_end=imp.period_end,
        ignored_columns=report.get("ignored_columns", []),
        unmapped_campaigns=selectors.unmapped_campaigns(imp),
        created_at=imp.created_at,
    )


@router.post(
    "/workspaces/{slug}/analytics/imports",
    response={201: ImportOut, 200: ImportOut, **ERRORS},
    operation_id="alur_analytics_api_import_upload",
)
def import_upload(
    request: HttpRequest,
    slug: str,
    file: File[UploadedFile],
    source: Form[str],
    period_start: Form[dt.date | None] = None,
    period_end: Form[dt.date | None] = None,
) -> Status[ImportOut]:
    """Upload an export (multipart: ``file``, the ``source`` key, and for a file without dates the period it
    covers, ``period_start`` and ``period_end``). It is imported in the background: poll ``GET …/imports/{id}``
    until the status is ``succeeded``, ``unchanged`` or ``failed`` (with ``problems``)."""
    membership = api_membership(request, slug)
    require_write_scope(request)
    if (period_start is None) != (period_end is None):
        raise ValidationError({"period": _("Give both the first and the last day of the period, or neither.")})
    imp = services.import_start(
        actor=_user(request),
        workspace=membership.workspace,
        source=_source(membership.workspace, source),
        upload=file,
        name=file.name or "upload",
        period=(period_start, period_end) if period_start and period_end else None,
    )
    return Status(200 if imp.status == Import.Status.UNCHANGED else 201, _import_out(imp))


@router.get(
    "/workspaces/{slug}/analytics/imports",
    response={200: list[ImportOut], **ERRORS},
    operation_id="alur_analytics_api_import_list",
)
def import_list(request: HttpRequest, slug: str) -> list[ImportOut]:
    """The latest 100 imports, newest first."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    return [_import_out(i) for i in Import.objects.filter(workspace=membership.workspace).select_related("source")[:100]]


@router.get(
    "/workspaces/{slug}/analytics/imports/{import_id}",
    response={200: ImportOut, **ERRORS},
    operation_id="alur_analytics_api_import_detail",
)
def import_detail(request: HttpRequest, slug: str, import_id: Id) -> ImportOut:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    imp = Import.objects.filter(workspace=membership.workspace, pk=import_id).select_related("source").first()
    if imp is None:
        raise Http404
    return _import_out(imp)


@router.post(
    "/workspaces/{slug}/analytics/metrics",
    response={201: ImportOut, 200: ImportOut, 403: ErrorOut, 404: ErrorOut, 422: ImportOut | ErrorOut},
    operation_id="alur_analytics_api_metric_rows",
)
def metric_rows(request: HttpRequest, slug: str, payload: MetricRowsIn) -> Status[ImportOut]:
    """Metric rows from middleware or a script, imported at once through the same checks as a file:
    all-or-nothing (422 with the problems when any row is wrong) and replacing the same source, accounts
    and days."""
    membership = api_membership(request, slug)
    require_write_scope(request)
    imp = services.metric_rows_import(
        actor=_user(request),
        workspace=membership.workspace,
        source=_source(membership.workspace, payload.source),
        rows=payload.rows,
    )
    if imp.status == Import.Status.FAILED:
        return Status(422, _import_out(imp))
    return Status(200 if imp.status == Import.Status.UNCHANGED else 201, _import_out(imp))
