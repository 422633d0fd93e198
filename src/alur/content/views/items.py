"""Pages of content items: the list, a new item, the item page (editor per channel, status and approval
actions, review links) and the POST actions. Views parse, call one service, and redirect or render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alur.accounts.forms import add_service_errors
from alur.accounts.models import User
from alur.accounts.selectors import members_visible, workspace_members
from alur.campaigns.models import Campaign
from alur.campaigns.selectors import campaigns_visible
from alur.content.editor_forms import DecisionForm, ItemForm, NewItemForm, ReviewLinkForm, ScheduleForm, VariantForm
from alur.content.models import ContentItem, ContentStatus, ContentVariant
from alur.content.platforms import Platform
from alur.content.selectors import items as selectors
from alur.content.services import approvals, items
from alur.content.tasks import review_link_url
from alur.core.policy import Action
from alur.core.tenancy import WorkspaceRequest, can, request_user, workspace_view

PLATFORM_ICONS = {
    "instagram": "bi-instagram",
    "facebook": "bi-facebook",
    "x": "bi-twitter-x",
    "linkedin": "bi-linkedin",
    "tiktok": "bi-tiktok",
    "youtube": "bi-youtube",
    "threads": "bi-threads",
    "mastodon": "bi-mastodon",
    "telegram": "bi-telegram",
    "email": "bi-envelope",
    "blog": "bi-file-earmark-text",
}
STATUS_BADGES = {
    "idea": "text-bg-light border",
    "draft": "text-bg-secondary",
    "in_review": "text-bg-warning",
    "approved": "text-bg-info",
    "scheduled": "text-bg-primary",
    "published": "text-bg-success",
    "failed": "text-bg-danger",
    "rolled_back": "text-bg-dark",
    "expired": "text-bg-danger",
}


def _members(request: WorkspaceRequest) -> list[tuple[int, str]]:
    return [(m.user_id, m.user.display_name) for m in members_visible(request.membership)]


def _campaigns(request: WorkspaceRequest) -> list[tuple[int, str]]:
    return list(campaigns_visible(request.membership).order_by("name").values_list("pk", "name"))


def _member_user(request: WorkspaceRequest, user_id: int | None) -> User | None:
    membership = workspace_members(request.workspace).filter(user_id=user_id).first() if user_id else None
    return membership.user if membership is not None else None


def _campaign(request: WorkspaceRequest, campaign_id: int | None) -> Campaign | None:
    return campaigns_visible(request.membership).filter(pk=campaign_id).first() if campaign_id else None


def _show_errors(request: WorkspaceRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@workspace_view(Action.CONTENT_VIEW)
def content_list(request: WorkspaceRequest) -> HttpResponse:
    campaign = request.GET.get("campaign", "")
    owner = request.GET.get("owner", "")
    filters = selectors.ItemFilter(
        q=request.GET.get("q", "").strip()[:100],
        status=request.GET.get("status", ""),
        platform=request.GET.get("platform", "") if request.GET.get("platform", "") in Platform.values else "",
        campaign=int(campaign) if campaign.isdigit() else None,
        owner=int(owner) if owner.isdigit() else None,
    )
    rows = list(selectors.items_filtered(request.membership, filters)[:300])
    context = {
        "rows": rows,
        "filters": filters,
        "counts": selectors.status_counts(request.membership),
        "statuses": ContentStatus.choices,
        "platforms": Platform.choices,
        "campaigns": _campaigns(request),
        "members": _members(request),
        "icons": PLATFORM_ICONS,
        "badges": STATUS_BADGES,
        "can_create": can(request, Action.CONTENT_CREATE),
    }
    from alur.core.htmx import render_page

    return render_page(request, "content/item_list.html", context, partial="content/_item_rows.html")


@workspace_view(Action.CONTENT_CREATE)
def content_create(request: WorkspaceRequest) -> HttpResponse:
    form = NewItemForm(
        request.POST or None,
        members=_members(request),
        campaigns=_campaigns(request),
        initial={"owner": request.user.pk, "kind": "social_post", "platforms": ["instagram"]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = items.content_create(
                actor=request_user(request),
                workspace=request.workspace,
                title=data["title"],
                kind=data["kind"],
                owner=_member_user(request, data["owner"]),
                campaign=_campaign(request, data["campaign"]),
                due_date=data["due_date"],
                publish_at=data["publish_at"],
                variants=[{"platform": p} for p in data["platforms"]],
                is_idea=data["is_idea"],
                is_shared_with_clients=data["is_shared_with_clients"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Content created. Write each channel's variant below."))
            return redirect("content:item_detail", slug=request.workspace.slug, item_id=item.pk)
    return render(request, "content/item_create.html", {"form": form})


def _variant_forms(request: WorkspaceRequest, item: ContentItem, accounts: list[Any]) -> list[tuple[ContentVariant, VariantForm]]:
    result = []
    for variant in item.variants.prefetch_related("media").order_by("pk"):
        choices = [(a.pk, a.name) for a in accounts if a.platform == variant.platform]
        form = VariantForm(
            initial={
                "title": variant.title,
                "text": variant.text,
                "link": variant.link,
                "hashtags": " ".join(variant.hashtags),
                "account": variant.account_id,
            },
            accounts=choices,
            auto_id=f"v{variant.pk}_%s",
        )
        result.append((variant, form))
    return result


def _stored_checks(request: WorkspaceRequest, item: ContentItem) -> dict[int, str]:
    """The checks of each stored variant, rendered here: the read-only view has no live check (its
    disabled form would post nothing, and an empty variant "fails" every check)."""
    from alur.content.selectors.guidelines import variant_checks
    from alur.content.views.guidelines import violations_context

    return {
        pk: render_to_string("content/_violations.html", violations_context(data, violations), request=request)
        for pk, (data, violations) in variant_checks(item).items()
    }


def _detail_context(request: WorkspaceRequest, item: ContentItem, **extra: Any) -> dict[str, Any]:
    user = request_user(request)
    can_edit = can(request, Action.CONTENT_EDIT, item)
    is_editable = item.status in items.states.EDITABLE
    accounts = list(selectors.channel_accounts(request.membership))
    route = approvals.route_for(item)
    state = approvals.approval_state(item, route)
    used_platforms = set(item.variants.values_list("platform", flat=True))
    context = {
        "item": item,
        "item_form": ItemForm(
            initial={
                "title": item.title,
                "kind": item.kind,
                "campaign": item.campaign_id,
                "owner": item.owner_id,
                "due_date": item.due_date,
                "publish_at": item.publish_at,
                "is_shared_with_clients": item.is_shared_with_clients,
            },
            members=_members(request),
            campaigns=_campaigns(request),
        ),
        "variant_forms": _variant_forms(request, item, accounts),
        "free_platforms": [(value, label) for value, label in Platform.choices if value not in used_platforms],
        "route": route,
        "state": state,
        "mode_label": dict(approvals.ApprovalMode.choices).get(item.approval_mode or route.mode, ""),
        "decisions": list(selectors.decisions_of(item)[:30]),
        "review_links": list(selectors.review_links_of(item)) if can(request, Action.CONTENT_EDIT, item) else [],
        "decision_form": DecisionForm(),
        "schedule_form": ScheduleForm(initial={"publish_at": item.publish_at}),
        "link_form": ReviewLinkForm(),
        "icons": PLATFORM_ICONS,
        "badges": STATUS_BADGES,
        "can_edit": can_edit,
        "can_schedule": can(request, Action.POST_SCHEDULE, item),
        "can_approve": approvals.can_approve(user, item),
        "can_comment": can(request, Action.CONTENT_COMMENT, item),
        "is_editable": is_editable,
        "stored_checks": {} if can_edit and is_editable else _stored_checks(request, item),
    }
    context.update(extra)
    return context


@workspace_view(Action.CONTENT_VIEW)
def item_detail(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = selectors.item_visible(request.membership, item_id)
    return render(request, "content/item_detail.html", _detail_context(request, item))


def _back(request: WorkspaceRequest, item: ContentItem) -> HttpResponse:
    return redirect("content:item_detail", slug=request.workspace.slug, item_id=item.pk)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def item_update(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = selectors.item_visible(request.membership, item_id)
    form = ItemForm(request.POST, members=_members(request), campaigns=_campaigns(request))
    if not form.is_valid():
        return render(request, "content/item_detail.html", _detail_context(request, item, item_form=form), status=422)
    data = form.cleaned_data
    try:
        items.content_update(
            actor=request_user(request),
            item=item,
            title=data["title"],
            kind=data["kind"],
            owner=_member_user(request, data["owner"]),
            campaign=_campaign(request, data["campaign"]),
            due_date=data["due_date"],
            publish_at=data["publish_at"],
            is_shared_with_clients=data["is_shared_with_clients"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return render(request, "content/item_detail.html", _detail_context(request, item, item_form=form), status=422)
    messages.success(request, _("Saved."))
    return _back(request, item)


def _snapshot_variants(item: ContentItem) -> list[dict[str, Any]]:
    return list(items.content_snapshot(item)["variants"])


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def variant_save(request: WorkspaceRequest, item_id: int, variant_id: int) -> HttpResponse:
    """Save one channel's variant (text, title, link, hashtags, account, media)."""
    item = selectors.item_visible(request.membership, item_id)
    variant = item.variants.filter(pk=variant_id).first()
    if variant is None:
        messages.error(request, _("That variant no longer exists."))
        return _back(request, item)
    accounts = [(a.pk, a.name) for a in selectors.channel_accounts(request.membership) if a.platform == variant.platform]
    form = VariantForm(request.POST, accounts=accounts)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(
                request, f"{form.fields[field].label if field in form.fields else ''}: {' '.join(str(e) for e in errors)}"
            )
        return _back(request, item)
    data = form.cleaned_data
    media_ids = [m for m in request.POST.getlist("media") if m.isdigit()]
    ordered = list(item.variants.order_by("pk").values_list("pk", flat=True))
    variants = _snapshot_variants(item)
    index = ordered.index(variant.pk)
    variants[index] = {
        "platform": variant.platform,
        "account_id": data["account"],
        "title": data["title"],
        "text": data["text"],
        "link": data["link"],
        "hashtags": data["hashtags"],
        "media_ids": media_ids,
    }
    try:
        updated = items.content_update(actor=request_user(request), item=item, variants=variants)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        if updated.status == ContentStatus.IN_REVIEW and item.status in (ContentStatus.APPROVED, ContentStatus.SCHEDULED):
            messages.warning(request, _("The approved content changed, so it went back to review. Approvers see the difference."))
        else:
            messages.success(request, _("%(platform)s variant saved.") % {"platform": variant.get_platform_display()})
    return _back(request, item)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def variant_add(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = selectors.item_visible(request.membership, item_id)
    platform = request.POST.get("platform", "")
    variants = [*_snapshot_variants(item), {"platform": platform}]
    try:
        items.content_update(actor=request_user(request), item=item, variants=variants, note=_("Channel added"))
    except ValidationError as error:
        _show_errors(request, error)
    return _back(request, item)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def variant_remove(request: WorkspaceRequest, item_id: int, variant_id: int) -> HttpResponse:
    item = selectors.item_visible(request.membership, item_id)
    ordered = list(item.variants.order_by("pk").values_list("pk", flat=True))
    variants = [v for pk, v in zip(ordered, _snapshot_variants(item), strict=True) if pk != variant_id]
    try:
        items.content_update(actor=request_user(request), item=item, variants=variants, note=_("Channel removed"))
    except ValidationError as error:
        _show_errors(request, error)
    return _back(request, item)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def item_submit(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = selectors.item_visible(request.membership, item_id)
    try:
        item = approvals.content_submit(actor=request_user(request), item=item)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        if item.status == ContentStatus.APPROVED:
            messages.success(request, _("No approval is needed in this workspace: the content is approved."))
        else:
            messages.success(request, _("Submitted for review. The approvers have been notified."))
    return _back(request, item)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def item_decide(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = selectors.item_visible(request.membership, item_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve, reject or request changes."))
        return _back(request, item)
    try:
        approvals.approval_decide(
            actor=request_user(request), item=item, verdict=form.cleaned_data["verdict"], reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("Your decision is recorded."))
    return _back(request, item)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def item_schedule(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = selectors.item_visible(request.membership, item_id)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a publish time."))
        return _back(request, item)
    try:
        items.content_schedule(actor=request_user(request), item=item, publish_at=form.cleaned_data["publish_at"])
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("Scheduled."))
    return _back(request, item)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def item_move_status(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    """Back to draft, to idea, or unschedule."""
    item = selectors.item_visible(request.membership, item_id)
    target = request.POST.get("to", "")
    service = {"draft": items.content_to_draft, "idea": items.content_to_idea, "approved": items.content_unschedule}.get(target)
    if service is None:
        messages.error(request, _("That move does not exist."))
        return _back(request, item)
    try:
        service(actor=request_user(request), item=item)
    except ValidationError as error:
        _show_errors(request, error)
    return _back(request, item)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def review_link_create(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    item = selectors.item_visible(request.membership, item_id)
    form = ReviewLinkForm(request.POST)
    if not form.is_valid():
        return render(request, "content/item_detail.html", _detail_context(request, item, link_form=form), status=422)
    try:
        link, token = approvals.review_link_create(actor=request_user(request), item=item, **form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return render(request, "content/item_detail.html", _detail_context(request, item, link_form=form), status=422)
    messages.success(
        request,
        _("Review link for %(name)s created and emailed: %(url)s") % {"name": link.reviewer_name, "url": review_link_url(token)},
    )
    return _back(request, item)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def review_link_revoke(request: WorkspaceRequest, item_id: int, link_id: int) -> HttpResponse:
    item = selectors.item_visible(request.membership, item_id)
    link = selectors.review_links_of(item).filter(pk=link_id).first()
    if link is not None:
        approvals.review_link_revoke(actor=request_user(request), link=link)
        messages.success(request, _("Review link withdrawn."))
    return _back(request, item)


P = "w/<slug:slug>/content/"
urlpatterns: list[URLPattern] = [
    path(P, content_list, name="item_list"),
    path(P + "new/", content_create, name="item_create"),
    path(P + "<int:item_id>/", item_detail, name="item_detail"),
    path(P + "<int:item_id>/edit/", item_update, name="item_update"),
    path(P + "<int:item_id>/variants/add/", variant_add, name="variant_add"),
    path(P + "<int:item_id>/variants/<int:variant_id>/", variant_save, name="variant_save"),
    path(P + "<int:item_id>/variants/<int:variant_id>/remove/", variant_remove, name="variant_remove"),
    path(P + "<int:item_id>/submit/", item_submit, name="item_submit"),
    path(P + "<int:item_id>/decide/", item_decide, name="item_decide"),
    path(P + "<int:item_id>/schedule/", item_schedule, name="item_schedule"),
    path(P + "<int:item_id>/status/", item_move_status, name="item_status"),
    path(P + "<int:item_id>/review-links/", review_link_create, name="review_link_create"),
    path(P + "<int:item_id>/review-links/<int:link_id>/revoke/", review_link_revoke, name="review_link_revoke"),
]
