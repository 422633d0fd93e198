"""API endpoint of KPI rollups from the warehouse, by any dimensions and grain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from alur.accounts.api import api_membership
from alur.analytics import kpis
from alur.analytics.api._shared import ERRORS, _user
from alur.analytics.selectors import dashboards as selectors
from alur.analytics.selectors import facts
from alur.core.policy import Action, require

router = Router(tags=["analytics"])


class KpiRowsOut(Schema):
    rows: list[dict[str, Any]]


class KpiQuery(Schema):
    start: dt.date
    end: dt.date
    kpis: str = Field("spend,clicks,ctr,cpc,conversions,cpa", description="Comma-separated KPI keys.")
    by: str = Field("", description="Comma-separated dimensions: channel, campaign, region, device, source, account.")
    grain: str | None = Field(None, description="day, week or month")
    channel: str | None = None
    campaign: str | None = None
    region: str | None = None
    source: str | None = None


@router.get("/workspaces/{slug}/analytics/kpis", response={200: KpiRowsOut, **ERRORS}, operation_id="alur_analytics_api_kpi_rows")
def kpi_rows(request: HttpRequest, slug: str, query: Query[KpiQuery]) -> KpiRowsOut:
    """KPIs aggregated in the warehouse (ratios as sum over sum; money split by currency; ``null`` where a
    denominator is zero). A report for a whole period counts by its share of days in the range or bucket;
    ``estimated`` is true on a row that counts such a share (a ``day`` grain counts daily facts only)."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    keys = [k.strip() for k in query.kpis.split(",") if k.strip()]
    by = [b.strip() for b in query.by.split(",") if b.strip()]
    unknown = [k for k in keys if k not in kpis.KPIS]
    if unknown or not keys:
        raise ValidationError({"kpis": f"Unknown KPI: {', '.join(unknown) or '(none)'}. Known: {', '.join(kpis.KPIS)}."})
    if any(b not in selectors.DIMENSIONS for b in by):
        raise ValidationError({"by": f"Group by any of: {', '.join(selectors.DIMENSIONS)}."})
    if query.grain not in (None, "day", "week", "month"):
        raise ValidationError({"grain": "Use day, week or month."})
    if query.end < query.start:
        raise ValidationError({"end": "The end date is before the start date."})
    filters = {
        k: v
        for k, v in (("channel", query.channel), ("campaign", query.campaign), ("region", query.region), ("source", query.source))
        if v
    }
    window = facts.Filters(query.start, query.end, filters)
    rows = (
        selectors.series(membership.workspace.pk, window, keys, grain=query.grain, by=by)
        if query.grain
        else selectors.by_dimension_any(membership.workspace.pk, window, by, keys)
    )
    return KpiRowsOut(rows=[{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()} for row in rows])
