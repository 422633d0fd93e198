"""API endpoints of approvals: decide, my queue, the workflow settings and client review links."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from alur.accounts.api import ErrorOut, api_membership, require_write_scope
from alur.accounts.models import User
from alur.content.api.items import ANSWERS, ItemOut, _item, item_out
from alur.content.selectors import approvals as selectors
from alur.content.selectors.items import channel_accounts, review_links_of
from alur.content.services import approvals
from alur.content.tasks import review_link_url
from alur.core.policy import Action, require
from alur.core.validation import Id

router = Router(tags=["content"])

ModeName = Literal["none", "optional", "required", "multi_level"]


class DecisionIn(Schema):
    verdict: Literal["approve", "reject", "changes"]
    reason: str = Field("", max_length=2000)


class LevelIO(Schema):
    name: str = Field(..., max_length=80)
    roles: list[str] = Field(default_factory=list, max_length=12)
    people: list[Id] = Field(default_factory=list, max_length=50)
    require_all: bool = False
    is_client: bool = False


class RouteIO(Schema):
    account_id: Id | None = None
    mode: ModeName
    levels: list[LevelIO] = Field(default_factory=list, max_length=10)


class ReviewLinkIn(Schema):
    reviewer_name: str = Field(..., max_length=120)
    reviewer_email: str = Field(..., max_length=254)
    days: int = 7


class ReviewLinkOut(Schema):
    id: int
    reviewer_name: str
    reviewer_email: str
    expires_at: dt.datetime
    revoked: bool
    url: str | None = Field(None, description="Only in the answer that creates the link.")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@router.post("/workspaces/{slug}/content/{item_id}/decision", response=ANSWERS)
def item_decide(request: HttpRequest, slug: str, item_id: Id, payload: DecisionIn) -> ItemOut:
    _membership, item = _item(request, slug, item_id, write=True)
    approvals.approval_decide(actor=_user(request), item=item, verdict=payload.verdict, reason=payload.reason)
    item.refresh_from_db()
    return item_out(item)


@router.get("/workspaces/{slug}/approvals/mine", response={200: list[ItemOut], 403: ErrorOut, 404: ErrorOut})
def my_approvals(request: HttpRequest, slug: str) -> list[ItemOut]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CONTENT_VIEW)
    return [item_out(entry.item) for entry in selectors.my_approvals(membership, _user(request))]


def _route_io(route: Any) -> RouteIO:
    return RouteIO(
        account_id=route.account_id,
        mode=route.mode,
        levels=[
            LevelIO(
                name=level.name,
                roles=list(level.roles),
                people=[p.pk for p in level.people.all()],
                require_all=level.require_all,
                is_client=level.is_client,
            )
            for level in route.levels.all()
        ],
    )


@router.get("/workspaces/{slug}/approvals/routes", response={200: list[RouteIO], 403: ErrorOut, 404: ErrorOut})
def routes(request: HttpRequest, slug: str) -> list[RouteIO]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CONTENT_VIEW)
    return [_route_io(route) for route in selectors.routes_of(membership)]


@router.put("/workspaces/{slug}/approvals/routes", response={200: RouteIO, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def route_set(request: HttpRequest, slug: str, payload: RouteIO) -> RouteIO:
    membership = api_membership(request, slug)
    require_write_scope(request)
    account = None
    if payload.account_id is not None:
        account = channel_accounts(membership).filter(pk=payload.account_id).first()
        if account is None:
            raise ValidationError({"account_id": _("Choose a channel account of this workspace.")})
    route = approvals.approval_route_set(
        actor=_user(request),
        workspace=membership.workspace,
        mode=payload.mode,
        levels=[level.dict() for level in payload.levels],
        account=account,
    )
    return _route_io(route)


def _link_out(link: Any, url: str | None = None) -> ReviewLinkOut:
    return ReviewLinkOut(
        id=link.pk,
        reviewer_name=link.reviewer_name,
        reviewer_email=link.reviewer_email,
        expires_at=link.expires_at,
        revoked=link.revoked_at is not None,
        url=url,
    )


@router.get(
    "/workspaces/{slug}/content/{item_id}/review-links", response={200: list[ReviewLinkOut], 403: ErrorOut, 404: ErrorOut}
)
def review_links(request: HttpRequest, slug: str, item_id: Id) -> list[ReviewLinkOut]:
    membership, item = _item(request, slug, item_id)
    require(_user(request), membership, Action.CONTENT_EDIT, item)
    return [_link_out(link) for link in review_links_of(item)]


@router.post(
    "/workspaces/{slug}/content/{item_id}/review-links",
    response={201: ReviewLinkOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def review_link_create(request: HttpRequest, slug: str, item_id: Id, payload: ReviewLinkIn) -> Status[ReviewLinkOut]:
    _membership, item = _item(request, slug, item_id, write=True)
    link, token = approvals.review_link_create(
        actor=_user(request),
        item=item,
        reviewer_name=payload.reviewer_name,
        reviewer_email=payload.reviewer_email,
        days=payload.days,
    )
    return Status(201, _link_out(link, review_link_url(token)))


@router.post(
    "/workspaces/{slug}/content/{item_id}/review-links/{link_id}/revoke",
    response={200: ReviewLinkOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def review_link_revoke(request: HttpRequest, slug: str, item_id: Id, link_id: Id) -> ReviewLinkOut:
    from django.http import Http404

    _membership, item = _item(request, slug, item_id, write=True)
    link = review_links_of(item).filter(pk=link_id).first()
    if link is None:
        raise Http404
    return _link_out(approvals.review_link_revoke(actor=_user(request), link=link))
