"""API endpoint of anomaly alerts."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from alur.accounts.api import api_membership
from alur.analytics.api._shared import ERRORS, _user
from alur.analytics.models import AnomalyAlert
from alur.analytics.selectors import alerts as selectors
from alur.core.policy import Action, require

router = Router(tags=["analytics"])


class AlertOut(Schema):
    id: int
    kpi: str
    dimension: str
    dimension_value: str
    currency: str
    day: dt.date
    value: float
    expected: float
    low: float
    high: float
    score: float
    direction: str
    severity: str
    status: str
    message: str


@router.get(
    "/workspaces/{slug}/analytics/alerts", response={200: list[AlertOut], **ERRORS}, operation_id="alur_analytics_api_alert_list"
)
def alert_list(request: HttpRequest, slug: str) -> list[AlertOut]:
    """Anomaly alerts, newest day first."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    return [
        AlertOut(
            id=a.pk,
            kpi=a.kpi,
            dimension=a.dimension,
            dimension_value=a.dimension_value,
            currency=a.currency,
            day=a.day,
            value=a.value,
            expected=a.expected,
            low=a.low,
            high=a.high,
            score=a.score,
            direction=a.direction,
            severity=a.severity,
            status=a.status,
            message=selectors.alert_sentence(a),
        )
        for a in AnomalyAlert.objects.filter(workspace=membership.workspace)[:500]
    ]
