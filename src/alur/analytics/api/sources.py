"""API endpoints of data sources."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from alur.accounts.api import api_membership
from alur.analytics.api._shared import ERRORS, _user
from alur.analytics.models import DataSource
from alur.analytics.services import sources as services
from alur.core.policy import Action, require

router = Router(tags=["analytics"])


class SourceOut(Schema):
    id: int
    key: str
    name: str
    format: str
    mapping: dict[str, str]
    number_style: str
    date_order: str
    currency: str
    account: str


def _source_out(source: DataSource) -> SourceOut:
    return SourceOut(
        id=source.pk,
        key=source.key,
        name=source.name,
        format=source.format,
        mapping=source.mapping or {},
        number_style=source.number_style,
        date_order=source.date_order,
        currency=source.currency,
        account=source.account,
    )


def _source(workspace: Any, key: str) -> DataSource:
    services.sources_ensure(workspace)
    source = DataSource.objects.filter(workspace=workspace, key=key).first()
    if source is None:
        raise Http404
    return source


@router.get(
    "/workspaces/{slug}/analytics/sources",
    response={200: list[SourceOut], **ERRORS},
    operation_id="alur_analytics_api_source_list",
)
def source_list(request: HttpRequest, slug: str) -> list[SourceOut]:
    """The workspace's data sources (the platform ones exist from the start)."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    return [_source_out(s) for s in services.sources_ensure(membership.workspace)]
