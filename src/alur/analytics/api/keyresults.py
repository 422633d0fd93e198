"""API endpoint of a key result's link to a KPI."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from alur.accounts.api import api_membership, require_write_scope
from alur.analytics.api._shared import ERRORS, _user
from alur.analytics.services import keyresults as services
from alur.core.validation import Id
from alur.strategy.models import KeyResult

router = Router(tags=["analytics"])


class LinkIn(Schema):
    kpi: str = Field("", description="A KPI key (see GET /kpis); empty to unlink.")
    mode: str = Field("period", description="period, start_plus or trailing_30")
    filters: dict[str, Any] = {}


class LinkOut(Schema):
    key_result: int
    kpi: str | None
    mode: str | None
    filters: dict[str, Any]
    value: float | None


@router.put(
    "/workspaces/{slug}/key-results/{key_result_id}/metric",
    response={200: LinkOut, **ERRORS},
    operation_id="alur_analytics_api_key_result_link",
)
def key_result_link(request: HttpRequest, slug: str, key_result_id: Id, payload: LinkIn) -> LinkOut:
    """Link a key result to a KPI and a filter (``kpi: ""`` unlinks); the value is computed at once and
    after every import."""
    membership = api_membership(request, slug)
    require_write_scope(request)
    kr = KeyResult.objects.filter(workspace=membership.workspace, pk=key_result_id).first()
    if kr is None:
        raise Http404
    link = services.key_result_link(
        actor=_user(request), key_result=kr, kpi=payload.kpi, mode=payload.mode, filters=payload.filters
    )
    return LinkOut(
        key_result=kr.pk,
        kpi=link.kpi if link else None,
        mode=link.mode if link else None,
        filters=link.filters if link else {},
        value=float(link.last_value) if link and link.last_value is not None else None,
    )
