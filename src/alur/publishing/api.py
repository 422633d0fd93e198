"""API endpoints of publishing: channel accounts, posts and their logs, retry, post now, rollback,
repetition, the queue, UTM rules and worker health."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from alur.accounts.api import ErrorOut, api_membership, require_write_scope
from alur.accounts.models import User
from alur.content.api.items import ANSWERS, ItemOut, _item, item_out
from alur.core.policy import Action, require, require_kind
from alur.core.validation import Id
from alur.publishing import crypto, selectors, services
from alur.publishing.connectors import available
from alur.publishing.models import ChannelAccount, Post, PublishAttempt, PublishingSettings

router = Router(tags=["publishing"])
ERRORS: dict[int | str, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class SlotIO(Schema):
    weekday: int = Field(..., ge=0, le=6, description="0 = Monday … 6 = Sunday")
    time: str = Field(..., pattern=r"^\d{1,2}:\d{2}$", description="Local time in the workspace zone, HH:MM")


class AccountOut(Schema):
    id: int
    platform: str
    name: str
    handle: str
    is_active: bool
    connector: str
    config: dict[str, Any]
    credentials: dict[str, str] = Field(description="Stored secrets, masked (last four characters).")
    token_expires_at: dt.datetime | None
    health: str
    health_message: str
    checked_at: dt.datetime | None
    queue_slots: list[SlotIO]


class AccountIn(Schema):
    platform: str
    name: str = Field(..., max_length=120)
    handle: str = Field("", max_length=200)
    connector: str = ""
    config: dict[str, Any] = {}
    credentials: dict[str, str] = Field({}, description="Secrets (tokens, passwords); stored encrypted, never returned.")


class AccountPatch(Schema):
    name: str | None = Field(None, max_length=120)
    handle: str | None = Field(None, max_length=200)
    is_active: bool | None = None
    connector: str | None = None
    config: dict[str, Any] | None = None
    credentials: dict[str, str] | None = Field(None, description="Merged: a missing or empty secret keeps the stored one.")
    queue_slots: list[SlotIO] | None = None


class AttemptOut(Schema):
    number: int
    worker: str
    outcome: str
    request_summary: dict[str, Any]
    response_summary: str
    error: str
    started_at: dt.datetime
    finished_at: dt.datetime | None


class PostOut(Schema):
    id: int
    item_id: Id
    item_title: str
    account_id: Id
    account_name: str
    platform: str
    status: str
    publish_at: dt.datetime
    next_attempt_at: dt.datetime
    hold_reason: str
    attempts: int
    max_attempts: int
    occurrence: int
    external_id: str
    external_url: str
    last_error: str
    error_kind: str
    published_at: dt.datetime | None


class PostDetailOut(PostOut):
    log: list[AttemptOut]


class RecurrenceIn(Schema):
    kind: str = Field("", description="weekly, monthly, days — or empty to stop repeating")
    interval: int = Field(1, ge=1, le=365)
    until: dt.date | None = None


class SettingsIO(Schema):
    utm_enabled: bool = True
    utm_medium: str = Field("social", max_length=50)
    utm_only_domains: list[str] = []


class HealthOut(Schema):
    worker_running: bool
    last_seen: dt.datetime | None
    due_posts: int
    next_due: dt.datetime | None
    alarm: bool


class ConnectorOut(Schema):
    key: str
    label: str
    fields: list[dict[str, Any]]
    can_delete: bool
    can_find: bool
    idempotency_key: bool
    docs: str


def account_out(account: ChannelAccount) -> AccountOut:
    try:
        secrets = crypto.decrypt(account.credentials_encrypted, _keys())
    except crypto.CredentialsError:
        secrets = {}
    return AccountOut(
        id=account.pk,
        platform=account.platform,
        name=account.name,
        handle=account.handle,
        is_active=account.is_active,
        connector=account.connector,
        config=account.config or {},
        credentials={name: crypto.mask(str(value)) for name, value in secrets.items()},
        token_expires_at=account.token_expires_at,
        health=account.health,
        health_message=account.health_message,
        checked_at=account.checked_at,
        queue_slots=[SlotIO(**slot) for slot in account.queue_slots or []],
    )


def _keys() -> tuple[str, ...]:
    from django.conf import settings

    return tuple(settings.ALUR_CREDENTIALS_KEYS)


def post_out(post: Post) -> dict[str, Any]:
    return {
        "id": post.pk,
        "item_id": post.item_id,
        "item_title": post.item.title,
        "account_id": post.account_id,
        "account_name": post.account.name,
        "platform": post.platform,
        "status": post.status,
        "publish_at": post.publish_at,
        "next_attempt_at": post.next_attempt_at,
        "hold_reason": post.hold_reason,
        "attempts": post.attempts,
        "max_attempts": post.max_attempts,
        "occurrence": post.occurrence,
        "external_id": post.external_id,
        "external_url": post.external_url,
        "last_error": post.last_error,
        "error_kind": post.error_kind,
        "published_at": post.published_at,
    }


def _attempt_out(attempt: PublishAttempt) -> AttemptOut:
    return AttemptOut(
        number=attempt.number,
        worker=attempt.worker,
        outcome=attempt.outcome,
        request_summary=attempt.request_summary or {},
        response_summary=attempt.response_summary,
        error=attempt.error,
        started_at=attempt.started_at,
        finished_at=attempt.finished_at,
    )


@router.get("/publishing/connectors", response={200: list[ConnectorOut]})
def connector_list(request: HttpRequest) -> list[ConnectorOut]:
    return [
        ConnectorOut(
            key=key,
            label=cls.label,
            fields=[
                {"name": n, "label": label, "secret": secret, "required": required} for n, label, secret, required in cls.fields
            ],
            can_delete=cls.capabilities.can_delete,
            can_find=cls.capabilities.can_find,
            idempotency_key=cls.capabilities.idempotency_key,
            docs=cls.capabilities.docs,
        )
        for key, cls in available().items()
    ]


@router.get("/workspaces/{slug}/channel-accounts", response={200: list[AccountOut], **ERRORS})
def account_list(request: HttpRequest, slug: str) -> list[AccountOut]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CONTENT_VIEW)
    return [account_out(a) for a in selectors.accounts_visible(membership)]


@router.post("/workspaces/{slug}/channel-accounts", response={201: AccountOut, **ERRORS})
def account_create(request: HttpRequest, slug: str, payload: AccountIn) -> Status[AccountOut]:
    membership = api_membership(request, slug)
    require_write_scope(request)
    account = services.channel_account_create(actor=_user(request), workspace=membership.workspace, **payload.dict())
    return Status(201, account_out(account))


@router.patch("/workspaces/{slug}/channel-accounts/{account_id}", response={200: AccountOut, **ERRORS})
def account_update(request: HttpRequest, slug: str, account_id: Id, payload: AccountPatch) -> AccountOut:
    membership = api_membership(request, slug)
    require_write_scope(request)
    account = selectors.account_visible(membership, account_id)
    changes = payload.dict(exclude_unset=True)
    if "queue_slots" in changes and changes["queue_slots"] is not None:
        changes["queue_slots"] = [dict(slot) for slot in changes["queue_slots"]]
    return account_out(services.channel_account_update(actor=_user(request), account=account, **changes))


@router.post("/workspaces/{slug}/channel-accounts/{account_id}/test", response={200: AccountOut, **ERRORS})
def account_test(request: HttpRequest, slug: str, account_id: Id) -> AccountOut:
    membership = api_membership(request, slug)
    require_write_scope(request)
    account = selectors.account_visible(membership, account_id)
    return account_out(services.channel_account_test(actor=_user(request), account=account))


@router.get("/workspaces/{slug}/posts", response={200: list[PostOut], **ERRORS})
def post_list(request: HttpRequest, slug: str, status: str = "", item: Id | None = None) -> list[dict[str, Any]]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CONTENT_VIEW)
    posts = selectors.posts_visible(membership, status=status if status in Post.Status.values else "")
    if item is not None:
        posts = posts.filter(item_id=item)
    return [post_out(p) for p in posts.order_by("-publish_at", "-pk")[:500]]


@router.get("/workspaces/{slug}/posts/{post_id}", response={200: PostDetailOut, **ERRORS})
def post_detail(request: HttpRequest, slug: str, post_id: Id) -> dict[str, Any]:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CONTENT_VIEW)
    post = selectors.post_visible(membership, post_id)
    return {**post_out(post), "log": [_attempt_out(a) for a in selectors.attempts_of(post)]}


@router.post("/workspaces/{slug}/posts/{post_id}/retry", response={200: PostOut, **ERRORS})
def post_retry(request: HttpRequest, slug: str, post_id: Id) -> dict[str, Any]:
    membership = api_membership(request, slug)
    require_write_scope(request)
    post = services.post_retry(actor=_user(request), post=selectors.post_visible(membership, post_id))
    return post_out(selectors.post_visible(membership, post.pk))


@router.post("/workspaces/{slug}/posts/{post_id}/rollback", response={200: PostOut, **ERRORS})
def post_rollback(request: HttpRequest, slug: str, post_id: Id) -> dict[str, Any]:
    membership = api_membership(request, slug)
    require_write_scope(request)
    post = services.post_rollback(actor=_user(request), post=selectors.post_visible(membership, post_id))
    return post_out(post)


@router.post("/workspaces/{slug}/content/{item_id}/post-now", response=ANSWERS)
def post_now(request: HttpRequest, slug: str, item_id: Id) -> ItemOut:
    _membership, item = _item(request, slug, item_id, write=True)
    return item_out(services.post_now(actor=_user(request), item=item))


@router.post("/workspaces/{slug}/content/{item_id}/queue", response=ANSWERS)
def add_to_queue(request: HttpRequest, slug: str, item_id: Id) -> ItemOut:
    _membership, item = _item(request, slug, item_id, write=True)
    return item_out(services.add_to_queue(actor=_user(request), item=item))


@router.put("/workspaces/{slug}/content/{item_id}/recurrence", response=ANSWERS)
def recurrence_set(request: HttpRequest, slug: str, item_id: Id, payload: RecurrenceIn) -> ItemOut:
    _membership, item = _item(request, slug, item_id, write=True)
    services.recurrence_set(actor=_user(request), item=item, kind=payload.kind, interval=payload.interval, until=payload.until)
    return item_out(item)


@router.get("/workspaces/{slug}/publishing/settings", response={200: SettingsIO, **ERRORS})
def settings_get(request: HttpRequest, slug: str) -> SettingsIO:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CONTENT_VIEW)
    require_kind(_user(request), membership, PublishingSettings)
    row = selectors.settings_row(membership.workspace)
    return SettingsIO(utm_enabled=row.utm_enabled, utm_medium=row.utm_medium, utm_only_domains=list(row.utm_only_domains or []))


@router.put("/workspaces/{slug}/publishing/settings", response={200: SettingsIO, **ERRORS})
def settings_set(request: HttpRequest, slug: str, payload: SettingsIO) -> SettingsIO:
    membership = api_membership(request, slug)
    require_write_scope(request)
    row = services.publishing_settings_set(actor=_user(request), workspace=membership.workspace, **payload.dict())
    return SettingsIO(utm_enabled=row.utm_enabled, utm_medium=row.utm_medium, utm_only_domains=list(row.utm_only_domains or []))


@router.get("/workspaces/{slug}/publishing/health", response={200: HealthOut, **ERRORS})
def health(request: HttpRequest, slug: str) -> HealthOut:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CONTENT_VIEW)
    state = selectors.worker_health(membership.workspace)
    return HealthOut(
        worker_running=state.running,
        last_seen=state.last_seen,
        due_posts=state.due_posts,
        next_due=state.next_due,
        alarm=state.alarm,
    )
