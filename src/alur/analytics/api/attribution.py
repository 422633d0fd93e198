"""API endpoints of attribution: every model over the workspace's journeys, or over an uploaded path file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from alur.accounts.api import api_membership
from alur.analytics.api._shared import ERRORS, _user
from alur.analytics.attribution import PathFileError
from alur.analytics.selectors import attribution as selectors
from alur.core.policy import Action, require

router = Router(tags=["analytics"])


class CreditOut(Schema):
    conversions: float
    value: float
    share: float = Field(description="The channel's share of all conversions under this model (0–1).")


class AttributionChannelOut(Schema):
    channel: str
    removal_effect: float | None = Field(
        description="Markov removal effect: the share of conversions lost if the channel left every journey."
    )
    models: dict[str, CreditOut] = Field(description="Per model (first, last, linear, time_decay, position, markov, shapley).")


class AttributionParamsOut(Schema):
    half_life: float
    first_weight: float
    last_weight: float
    order: int


class AttributionOut(Schema):
    models: list[str]
    params: AttributionParamsOut
    total_conversions: float
    total_value: float
    journeys: int | None = Field(None, description="Journeys attributed (the workspace's journeys; none for a path file).")
    touchpoints: int | None = None
    channels: list[AttributionChannelOut]


class AttributionQuery(Schema):
    start: dt.date | None = Field(None, description="First day of touchpoints (default: the first with data).")
    end: dt.date | None = Field(None, description="Last day of touchpoints, inclusive.")
    campaign: str | None = Field(None, description="Only the journeys that met this campaign at least once.")
    half_life: str | None = Field(None, description="Time decay: steps before the conversion at which a touch counts half (1).")
    first_weight: str | None = Field(None, description="Position-based: the first touch's share (0.4).")
    last_weight: str | None = Field(None, description="Position-based: the last touch's share (0.4).")
    order: str | None = Field(None, description="Markov chain order, 1–4 (1).")


def _attribution_params(data: dict[str, Any]) -> selectors.AttributionParams:
    params, errors = selectors.attribution_params(data)
    if errors:
        raise ValidationError(errors)
    return params


def _attribution_out(table: dict[str, Any], params: selectors.AttributionParams) -> AttributionOut:
    return AttributionOut(
        models=table["models"],
        params=AttributionParamsOut(**params.as_kwargs()),
        total_conversions=table["total_conversions"],
        total_value=table["total_value"],
        journeys=table.get("journeys"),
        touchpoints=table.get("touchpoints"),
        channels=[
            AttributionChannelOut(
                channel=row["channel"],
                removal_effect=row["removal_effect"],
                models={
                    model: CreditOut(conversions=cell["conversions"], value=cell["value"], share=cell["share"])
                    for model, cell in row["cells"].items()
                },
            )
            for row in table["channels"]
        ],
    )


@router.get(
    "/workspaces/{slug}/analytics/attribution",
    response={200: AttributionOut, **ERRORS},
    operation_id="alur_analytics_api_attribution_compare",
)
def attribution_compare(request: HttpRequest, slug: str, query: Query[AttributionQuery]) -> AttributionOut:
    """Every attribution model over the workspace's imported customer journeys, per channel: conversions,
    value and share under each model, and the Markov removal effects. No journeys: empty ``channels``."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    params = _attribution_params(query.dict())
    if query.start and query.end and query.end < query.start:
        raise ValidationError({"end": "The end date is before the start date."})
    table = selectors.attribution_compare(
        membership.workspace, start=query.start, end=query.end, params=params, campaign=query.campaign or None
    )
    if table is None:
        table = {"models": list(selectors.ATTRIBUTION_MODELS), "channels": [], "total_conversions": 0.0, "total_value": 0.0,
                 "journeys": 0, "touchpoints": 0}  # fmt: skip
    return _attribution_out(table, params)


@router.post(
    "/workspaces/{slug}/analytics/attribution/paths",
    response={200: AttributionOut, **ERRORS},
    operation_id="alur_analytics_api_attribution_paths",
)
def attribution_paths(
    request: HttpRequest,
    slug: str,
    file: File[UploadedFile],
    sep: Form[str] = ">",
    half_life: Form[str] = "",
    first_weight: Form[str] = "",
    last_weight: Form[str] = "",
    order: Form[str] = "",
) -> AttributionOut:
    """Every attribution model over a path file in the ChannelAttribution convention (multipart ``file``:
    ``path`` with channels joined by ``sep``, ``total_conversions``, ``total_conversion_value``,
    ``total_null``). The file is read once and not stored; a wrong file is a 422 with the row."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.ANALYTICS_VIEW)
    params = _attribution_params(
        {"half_life": half_life, "first_weight": first_weight, "last_weight": last_weight, "order": order}
    )
    if not sep.strip() or len(sep.strip()) > 5:
        raise ValidationError({"sep": _("The separator between channels is 1 to 5 characters, e.g. >.")})
    if not file.size:
        raise ValidationError({"file": _("The file is empty. Export the paths again and upload the downloaded file.")})
    if file.size > selectors.PATH_FILE_MAX_BYTES:
        limit = selectors.PATH_FILE_MAX_BYTES // 1024**2
        raise ValidationError({"file": _("The file is larger than %(limit)s MB.") % {"limit": limit}})
    try:
        table = selectors.attribution_of_upload(file.chunks(), params=params, sep=sep.strip())
    except PathFileError as error:
        message = _(error.template) % error.params if error.params else _(error.template)
        raise ValidationError({"file": message}) from None
    return _attribution_out(table, params)
