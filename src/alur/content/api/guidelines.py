"""API of the guidelines: read and change a workspace's posting guidelines and brand rules, read the
platform rules table (every limit with its source), and check a variant before saving it."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from alur.accounts.api import ErrorOut, api_membership, require_write_scope
from alur.accounts.models import User
from alur.content import checks
from alur.content.models import ContentSettings
from alur.content.rules import RULES_REVIEWED, rules_table
from alur.content.selectors import guidelines as selectors
from alur.content.selectors.media import media_visible
from alur.content.services import guidelines as services
from alur.core.policy import Action, require
from alur.core.validation import Id

router = Router(tags=["content"])

# The values of alur.content.platforms.Platform and ContentKind (a test keeps them equal).
PlatformName = Literal[
    "instagram", "facebook", "x", "linkedin", "tiktok", "youtube", "threads", "mastodon", "telegram", "email", "blog"
]
KindName = Literal["social_post", "story", "short_video", "article", "email", "ad", "infographic"]


class GuidelinesOut(Schema):
    voice_tone: str
    topics: list[str]
    content_types: list[str]
    posting_frequency: dict[str, int] = Field(description="Posts per week per channel (platform value → 0..100).")
    banned_words: list[str]
    required_hashtags: list[str]
    required_disclaimer: str
    disclaimer_kinds: list[str] = Field(description="Content kinds that need the disclaimer; empty means every kind.")
    allowed_link_domains: list[str] = Field(
        description="Links elsewhere get a warning; subdomains are allowed. Empty allows any."
    )
    require_https: bool
    updated_at: dt.datetime


class GuidelinesIn(Schema):
    """Only the fields given change."""

    voice_tone: str | None = Field(None, max_length=5000)
    topics: list[str] | None = None
    content_types: list[KindName] | None = None
    posting_frequency: dict[PlatformName, int] | None = None
    banned_words: list[str] | None = None
    required_hashtags: list[str] | None = Field(None, description="With or without '#'; stored with it.")
    required_disclaimer: str | None = Field(None, max_length=300)
    disclaimer_kinds: list[KindName] | None = None
    allowed_link_domains: list[str] | None = None
    require_https: bool | None = None


class PlatformRuleOut(Schema):
    platform: str
    rule: str = Field(description="counting, text, title, hashtags, media, videos, video_seconds, file_bytes:<type>, …")
    value: Any
    unit: str
    severity: str
    kinds: list[str] = Field(description="Content kinds the limit applies to; empty means every kind.")
    note: str
    source: str


class PlatformRulesOut(Schema):
    reviewed: dt.date
    rules: list[PlatformRuleOut]


class VariantCheckIn(Schema):
    platform: PlatformName
    kind: KindName = "social_post"
    text: str = Field("", max_length=100_000)
    title: str = Field("", max_length=1000)
    link: str = Field("", max_length=2000)
    hashtags: list[str] = Field(default_factory=list, max_length=200)
    media_ids: list[Id] = Field(default_factory=list, max_length=50, description="Media library ids; others are ignored.")


class ViolationOut(Schema):
    code: str
    severity: str
    field: str
    params: dict[str, Any]
    start: int | None = Field(description="Code-point offset into the field, counted from 0.")
    end: int | None
    message: str


class CounterOut(Schema):
    length: int
    maximum: int | None
    method: str


class VariantCheckOut(Schema):
    passes: bool = Field(description="True when there is no error (warnings allowed).")
    counter: CounterOut
    violations: list[ViolationOut]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _out(row: ContentSettings) -> GuidelinesOut:
    return GuidelinesOut(
        voice_tone=row.voice_tone,
        topics=list(row.topics or ()),
        content_types=list(row.content_types or ()),
        posting_frequency=dict(row.posting_frequency or {}),
        banned_words=list(row.banned_words or ()),
        required_hashtags=list(row.required_hashtags or ()),
        required_disclaimer=row.required_disclaimer,
        disclaimer_kinds=list(row.disclaimer_kinds or ()),
        allowed_link_domains=list(row.allowed_link_domains or ()),
        require_https=row.require_https,
        updated_at=row.updated_at,
    )


@router.get("/workspaces/{slug}/content/guidelines", response={200: GuidelinesOut, 403: ErrorOut, 404: ErrorOut})
def guidelines_get(request: HttpRequest, slug: str) -> GuidelinesOut:
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CONTENT_VIEW)
    return _out(selectors.content_settings(membership.workspace))


@router.put("/workspaces/{slug}/content/guidelines", response={200: GuidelinesOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def guidelines_put(request: HttpRequest, slug: str, payload: GuidelinesIn) -> GuidelinesOut:
    membership = api_membership(request, slug)
    require_write_scope(request)
    fields = payload.dict(exclude_unset=True)
    fields = {
        name: ("" if value is None and name in ("voice_tone", "required_disclaimer") else value) for name, value in fields.items()
    }
    if fields.get("require_https", False) is None:
        fields.pop("require_https")
    row = services.guidelines_update(actor=_user(request), workspace=membership.workspace, **fields)
    return _out(row)


@router.get("/content/platform-rules", response={200: PlatformRulesOut})
def platform_rules(request: HttpRequest) -> PlatformRulesOut:
    """Every platform limit Alur checks, with the page that documents it."""
    return PlatformRulesOut(reviewed=RULES_REVIEWED, rules=[PlatformRuleOut(**row) for row in rules_table()])  # type: ignore[arg-type]


@router.post("/workspaces/{slug}/content/check", response={200: VariantCheckOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def variant_check(request: HttpRequest, slug: str, payload: VariantCheckIn) -> VariantCheckOut:
    """Check one variant against its platform's limits and the workspace's brand rules; nothing is saved."""
    membership = api_membership(request, slug)
    require(_user(request), membership, Action.CONTENT_VIEW)
    ids = list(dict.fromkeys(payload.media_ids))
    assets = {a.pk: a for a in media_visible(membership).filter(pk__in=ids)} if ids else {}
    variant = selectors.variant_input(
        platform=payload.platform,
        kind=payload.kind,
        text=payload.text,
        title=payload.title,
        link=payload.link,
        hashtags=payload.hashtags,
        media=[assets[i] for i in ids if i in assets],
    )
    violations = checks.check_variant(variant, selectors.guidelines_for(membership.workspace))
    counter = checks.text_counter(variant)
    return VariantCheckOut(
        passes=not any(v.severity == "error" for v in violations),
        counter=CounterOut(length=counter.length, maximum=counter.maximum, method=counter.method),
        violations=[
            ViolationOut(
                code=v.code,
                severity=v.severity,
                field=v.field,
                params=v.params,
                start=v.start,
                end=v.end,
                message=selectors.violation_message(v),
            )
            for v in violations
        ],
    )
