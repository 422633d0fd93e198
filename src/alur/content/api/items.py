"""API endpoints of content items: list, create, read, edit, status moves, submit, schedule."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from alur.accounts.api import ErrorOut, api_membership, require_write_scope
from alur.accounts.models import Membership, User
from alur.accounts.selectors import workspace_members
from alur.campaigns.models import Campaign
from alur.campaigns.selectors import campaigns_visible
from alur.content.models import ContentItem
from alur.content.selectors import items as selectors
from alur.content.services import approvals, items
from alur.core.policy import Action, require
from alur.core.validation import Id

router = Router(tags=["content"])

PlatformName = Literal[
    "instagram", "facebook", "x", "linkedin", "tiktok", "youtube", "threads", "mastodon", "telegram", "email", "blog"
]
KindName = Literal["social_post", "story", "short_video", "article", "email", "ad", "infographic"]


class VariantIO(Schema):
    platform: PlatformName
    account_id: Id | None = None
    title: str = Field("", max_length=300)
    text: str = Field("", max_length=65000)
    link: str = Field("", max_length=1000)
    hashtags: list[str] = Field(default_factory=list, max_length=60)
    media_ids: list[Id] = Field(default_factory=list, max_length=50)


class LevelOut(Schema):
    position: int
    name: str
    is_client: bool
    require_all: bool
    complete: bool
    approved_by: list[str]


class ItemOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    campaign_id: Id | None
    owner: str
    due_date: dt.date | None
    publish_at: dt.datetime | None
    version: int
    approval_mode: str
    approval_round: int
    approval_levels: list[LevelOut]
    is_shared_with_clients: bool
    variants: list[VariantIO]


class ItemIn(Schema):
    title: str = Field(..., max_length=200)
    kind: KindName = "social_post"
    owner: str | None = Field(None, description="Email of a member; the caller when left out.")
    campaign_id: Id | None = None
    due_date: dt.date | None = None
    publish_at: dt.datetime | None = None
    is_idea: bool = False
    is_shared_with_clients: bool = False
    variants: list[VariantIO] = Field(default_factory=list, max_length=12)


class ItemPatch(Schema):
    title: str | None = Field(None, max_length=200)
    kind: KindName | None = None
    owner: str | None = None
    campaign_id: Id | None = None
    due_date: dt.date | None = None
    publish_at: dt.datetime | None = None
    is_shared_with_clients: bool | None = None
    variants: list[VariantIO] | None = Field(None, max_length=12)


class StatusIn(Schema):
    to: Literal["draft", "idea", "approved"] = Field(..., description="approved = unschedule")


class ScheduleIn(Schema):
    publish_at: dt.datetime | None = None


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def item_out(item: ContentItem) -> ItemOut:
    state = approvals.approval_state(item)
    snap = items.content_snapshot(item)
    return ItemOut(
        id=item.pk,
        title=item.title,
        kind=item.kind,
        status=item.status,
        campaign_id=item.campaign_id,
        owner=item.owner.email,
        due_date=item.due_date,
        publish_at=item.publish_at,
        version=item.version,
        approval_mode=item.approval_mode or state.mode,
        approval_round=item.approval_round,
        approval_levels=[
            LevelOut(
                position=level.spec.position,
                name=level.spec.name,
                is_client=level.spec.is_client,
                require_all=level.spec.require_all,
                complete=bool(item.approval_round) and level.is_complete,
                approved_by=level.approved_by,
            )
            for level in state.levels
        ],
        is_shared_with_clients=item.is_shared_with_clients,
        variants=[VariantIO(**v) for v in snap["variants"]],
    )


def _item(request: HttpRequest, slug: str, item_id: Id, *, write: bool = False) -> tuple[Membership, ContentItem]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CONTENT_VIEW)
    if write:
        require_write_scope(request)
    return membership, selectors.item_visible(membership, item_id)


def _owner(membership: Membership, email: str | None) -> User | None:
    if email is None:
        return None
    found = workspace_members(membership.workspace).filter(user__email=email.strip().lower()).first()
    if found is None:
        raise ValidationError({"owner": _("Give the email of a member of this workspace.")})
    return found.user


def _campaign(membership: Membership, campaign_id: Id | None) -> Campaign | None:
    if campaign_id is None:
        return None
    campaign = campaigns_visible(membership).filter(pk=campaign_id).first()
    if campaign is None:
        raise ValidationError({"campaign_id": _("Choose a campaign of this workspace.")})
    return campaign


ANSWERS: dict[int | str, Any] = {200: ItemOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/workspaces/{slug}/content", response={200: list[ItemOut], 403: ErrorOut, 404: ErrorOut})
def item_list(
    request: HttpRequest, slug: str, status: str = "", platform: str = "", campaign: Id | None = None, q: str = ""
) -> list[ItemOut]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CONTENT_VIEW)
    filters = selectors.ItemFilter(q=q[:100], status=status, platform=platform, campaign=campaign)
    return [item_out(item) for item in selectors.items_filtered(membership, filters)[:500]]


@router.post("/workspaces/{slug}/content", response={201: ItemOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def item_create(request: HttpRequest, slug: str, payload: ItemIn) -> Status[ItemOut]:
    membership = api_membership(request, slug)
    require_write_scope(request)
    item = items.content_create(
        actor=_user(request),
        workspace=membership.workspace,
        title=payload.title,
        kind=payload.kind,
        owner=_owner(membership, payload.owner),
        campaign=_campaign(membership, payload.campaign_id),
        due_date=payload.due_date,
        publish_at=payload.publish_at,
        variants=[v.dict() for v in payload.variants],
        is_idea=payload.is_idea,
        is_shared_with_clients=payload.is_shared_with_clients,
    )
    return Status(201, item_out(item))


@router.get("/workspaces/{slug}/content/{item_id}", response={200: ItemOut, 403: ErrorOut, 404: ErrorOut})
def item_detail(request: HttpRequest, slug: str, item_id: Id) -> ItemOut:
    return item_out(_item(request, slug, item_id)[1])


@router.patch("/workspaces/{slug}/content/{item_id}", response=ANSWERS)
def item_update(request: HttpRequest, slug: str, item_id: Id, payload: ItemPatch) -> ItemOut:
    membership, item = _item(request, slug, item_id, write=True)
    changes = payload.dict(exclude_unset=True)
    kwargs: dict[str, Any] = {}
    for name in ("title", "kind", "due_date", "publish_at", "is_shared_with_clients"):
        if name in changes:
            kwargs[name] = changes[name]
    if "owner" in changes and changes["owner"] is not None:
        kwargs["owner"] = _owner(membership, changes["owner"])
    if "campaign_id" in changes:
        kwargs["campaign"] = _campaign(membership, changes["campaign_id"])
    if changes.get("variants") is not None:
        kwargs["variants"] = changes["variants"]
    if kwargs.get("title") is None:
        kwargs.pop("title", None)
    if kwargs.get("kind") is None:
        kwargs.pop("kind", None)
    return item_out(items.content_update(actor=_user(request), item=item, **kwargs))


@router.post("/workspaces/{slug}/content/{item_id}/status", response=ANSWERS)
def item_status(request: HttpRequest, slug: str, item_id: Id, payload: StatusIn) -> ItemOut:
    _membership, item = _item(request, slug, item_id, write=True)
    service = {"draft": items.content_to_draft, "idea": items.content_to_idea, "approved": items.content_unschedule}[payload.to]
    return item_out(service(actor=_user(request), item=item))


@router.post("/workspaces/{slug}/content/{item_id}/submit", response=ANSWERS)
def item_submit(request: HttpRequest, slug: str, item_id: Id) -> ItemOut:
    _membership, item = _item(request, slug, item_id, write=True)
    return item_out(approvals.content_submit(actor=_user(request), item=item))


@router.post("/workspaces/{slug}/content/{item_id}/schedule", response=ANSWERS)
def item_schedule(request: HttpRequest, slug: str, item_id: Id, payload: ScheduleIn) -> ItemOut:
    _membership, item = _item(request, slug, item_id, write=True)
    return item_out(items.content_schedule(actor=_user(request), item=item, publish_at=payload.publish_at))
