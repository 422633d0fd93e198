"""Pages of publishing: channel accounts (connect, test, queue slots), the publishing queue with worker
health and the failed-posts queue, one post's publication log, and the item's publishing card."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alur.content.models import ContentStatus
from alur.content.platforms import Platform
from alur.content.selectors.items import item_visible
from alur.content.views.items import PLATFORM_ICONS
from alur.core.policy import Action, reaches_kind
from alur.core.tenancy import WorkspaceRequest, can, request_user, workspace_view
from alur.publishing import crypto, selectors, services
from alur.publishing.connectors import available
from alur.publishing.models import PublishingSettings, Recurrence

WEEKDAYS = {
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
    "sen": 0,
    "sel": 1,
    "rab": 2,
    "kam": 3,
    "jum": 4,
    "sab": 5,
    "min": 6,
}
STATUS_BADGES = {
    "pending": "text-bg-primary",
    "publishing": "text-bg-info",
    "published": "text-bg-success",
    "failed": "text-bg-danger",
    "cancelled": "text-bg-light border",
    "missed": "text-bg-warning",
    "rolled_back": "text-bg-dark",
}


def _errors(request: WorkspaceRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def parse_slots(text: str) -> list[dict[str, Any]]:
    """``"Mon 09:00, Wed 12:30"`` (English or Indonesian day abbreviations, one per line or comma) → slots."""
    slots: list[dict[str, Any]] = []
    for number, chunk in enumerate([c.strip() for c in text.replace("\n", ",").split(",") if c.strip()], start=1):
        day, _sep, at = chunk.partition(" ")
        weekday = WEEKDAYS.get(day.strip().lower()[:3])
        if weekday is None or ":" not in at:
            raise ValidationError(
                _("Slot %(n)s (“%(text)s”): write a day and a time, e.g. “Mon 09:00” or “Sen 09:00”.")
                % {"n": number, "text": chunk}
            )
        slots.append({"weekday": weekday, "time": at.strip()})
    return slots


def format_slots(slots: list[dict[str, Any]]) -> str:
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    return ", ".join(f"{names[int(s['weekday'])]} {s['time']}" for s in slots)


@workspace_view(Action.CONTENT_VIEW)
def accounts(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    can_manage = can(request, Action.CHANNEL_MANAGE)
    if request.method == "POST":
        try:
            account = services.channel_account_create(
                actor=request_user(request),
                workspace=workspace,
                platform=request.POST.get("platform", ""),
                name=request.POST.get("name", ""),
                handle=request.POST.get("handle", ""),
                connector=request.POST.get("connector", ""),
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Channel account added; fill in its connection settings."))
            return redirect("publishing:account_detail", slug=workspace.slug, account_id=account.pk)
    connectors = available()
    context = {
        "accounts": selectors.accounts_visible(request.membership),
        "version_warnings": selectors.api_version_warnings(selectors.accounts_visible(request.membership)),
        "can_manage": can_manage,
        "platforms": Platform.choices,
        "connectors": [(key, cls.label) for key, cls in connectors.items()],
        "connectors_for": services.CONNECTORS_FOR,
        "icons": PLATFORM_ICONS,
        "health": selectors.worker_health(workspace),
        "hide_publishing_alarm": True,
    }
    return render(request, "publishing/accounts.html", context)


@workspace_view(Action.CONTENT_VIEW)
def account_detail(request: WorkspaceRequest, account_id: int) -> HttpResponse:
    account = selectors.account_visible(request.membership, account_id)
    can_manage = can(request, Action.CHANNEL_MANAGE, account)
    connectors = available()
    cls = connectors.get(account.connector)
    if request.method == "POST":
        action = request.POST.get("form", "")
        try:
            if action == "test":
                account = services.channel_account_test(actor=request_user(request), account=account)
                level = messages.success if account.health in ("connected", "expiring") else messages.error
                level(request, account.health_message or account.get_health_display())
            else:
                config: dict[str, Any] = {}
                credentials: dict[str, Any] = {}
                for name, _label, secret, _required in cls.fields if cls else ():
                    value = request.POST.get(f"field-{name}", "")
                    (credentials if secret else config)[name] = value
                services.channel_account_update(
                    actor=request_user(request),
                    account=account,
                    name=request.POST.get("name", account.name),
                    handle=request.POST.get("handle", account.handle),
                    is_active=request.POST.get("is_active") == "on",
                    connector=request.POST.get("connector") or account.connector,
                    config=config,
                    credentials=credentials,
                    queue_slots=parse_slots(request.POST.get("queue_slots", "")),
                )
                messages.success(request, _("Account saved."))
            return redirect("publishing:account_detail", slug=request.workspace.slug, account_id=account.pk)
        except ValidationError as error:
            _errors(request, error)
    try:
        stored = crypto.decrypt(account.credentials_encrypted, settings.ALUR_CREDENTIALS_KEYS)
    except crypto.CredentialsError:
        stored = {}
    fields = [
        {
            "name": name,
            "label": _(label),
            "secret": secret,
            "required": required,
            "value": "" if secret else (account.config or {}).get(name, ""),
            "masked": crypto.mask(str(stored[name])) if secret and stored.get(name) else "",
        }
        for name, label, secret, required in (cls.fields if cls else ())
    ]
    context = {
        "account": account,
        "can_manage": can_manage,
        "connector": cls,
        "connectors": [
            (key, c.label) for key, c in connectors.items() if key in services.CONNECTORS_FOR.get(account.platform, ())
        ],
        "fields": fields,
        "slots": format_slots(account.queue_slots or []),
        "posts": selectors.posts_visible(request.membership).filter(account=account).order_by("-publish_at")[:20],
        "badges": STATUS_BADGES,
        "icons": PLATFORM_ICONS,
        "expiring": account.token_expires_at is not None
        and account.token_expires_at - timezone.now() < dt.timedelta(days=settings.ALUR_TOKEN_WARNING_DAYS),
    }
    return render(request, "publishing/account_detail.html", context)


@workspace_view(Action.CONTENT_VIEW)
def queue(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    tab = request.GET.get("tab", "upcoming")
    if tab not in ("upcoming", "failed", "published"):
        tab = "upcoming"
    membership = request.membership
    lists = {
        "upcoming": selectors.upcoming_posts(membership)[:200],
        "failed": selectors.failed_posts(membership)[:200],
        "published": selectors.recent_published(membership, 100),
    }
    context = {
        "tab": tab,
        "posts": lists[tab],
        "counts": {
            "upcoming": selectors.upcoming_posts(membership).count(),
            "failed": selectors.failed_posts(membership).count(),
        },
        "health": selectors.worker_health(workspace),
        "hide_publishing_alarm": True,  # the page shows its own, fuller warning
        "badges": STATUS_BADGES,
        "icons": PLATFORM_ICONS,
        "can_retry": can(request, Action.POST_SCHEDULE),
        "settings_row": selectors.settings_row(workspace) if reaches_kind(membership, PublishingSettings) else None,
        "can_manage": can(request, Action.CHANNEL_MANAGE),
    }
    return render(request, "publishing/queue.html", context)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def utm_settings(request: WorkspaceRequest) -> HttpResponse:
    try:
        services.publishing_settings_set(
            actor=request_user(request),
            workspace=request.workspace,
            utm_enabled=request.POST.get("utm_enabled") == "on",
            utm_medium=request.POST.get("utm_medium", ""),
            utm_only_domains=[d for d in request.POST.get("utm_only_domains", "").replace("\n", ",").split(",") if d.strip()],
        )
        messages.success(request, _("UTM rules saved."))
    except ValidationError as error:
        _errors(request, error)
    return redirect("publishing:queue", slug=request.workspace.slug)


@workspace_view(Action.CONTENT_VIEW)
def post_detail(request: WorkspaceRequest, post_id: int) -> HttpResponse:
    post = selectors.post_visible(request.membership, post_id)
    context = {
        "post": post,
        "log": selectors.attempts_of(post),
        "badges": STATUS_BADGES,
        "can_retry": can(request, Action.POST_SCHEDULE, post.item),
        "can_rollback": can(request, Action.POST_PUBLISH, post.item),
    }
    return render(request, "publishing/post_detail.html", context)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def post_action(request: WorkspaceRequest, post_id: int, action: str) -> HttpResponse:
    post = selectors.post_visible(request.membership, post_id)
    try:
        if action == "retry":
            services.post_retry(actor=request_user(request), post=post)
            messages.success(request, _("The post is back in the queue and goes out within a minute."))
        elif action == "rollback":
            services.post_rollback(actor=request_user(request), post=post)
            messages.success(request, _("The post was removed from the platform."))
    except ValidationError as error:
        _errors(request, error)
    target = request.POST.get("next", "")
    if target.startswith("/w/"):
        return redirect(target)
    return redirect("publishing:post_detail", slug=request.workspace.slug, post_id=post.pk)


@workspace_view(Action.CONTENT_VIEW)
def item_posts(request: WorkspaceRequest, item_id: int) -> HttpResponse:
    """The item page's publishing card (loaded by htmx): its posts, post now, repeat, add to queue."""
    item = item_visible(request.membership, item_id)
    recurrence = Recurrence.objects.filter(item=item).first()
    context = {
        "item": item,
        "posts": selectors.posts_of_item(item),
        "badges": STATUS_BADGES,
        "icons": PLATFORM_ICONS,
        "recurrence": recurrence,
        "kinds": Recurrence.Kind.choices,
        "can_schedule": can(request, Action.POST_SCHEDULE, item),
        "can_publish": can(request, Action.POST_PUBLISH, item),
        "is_scheduled": item.status == ContentStatus.SCHEDULED,
        "is_approved": item.status == ContentStatus.APPROVED,
        "has_accounts": item.variants.filter(account__isnull=False).exclude(account__connector="").exists(),
        "next_slot": services.next_queue_slot(item) if item.status == ContentStatus.APPROVED else None,
    }
    return render(request, "publishing/_item_posts.html", context)


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def item_action(request: WorkspaceRequest, item_id: int, action: str) -> HttpResponse:
    item = item_visible(request.membership, item_id)
    try:
        if action == "now":
            services.post_now(actor=request_user(request), item=item)
            messages.success(request, _("Publishing now; the log below shows each channel's result."))
        elif action == "queue":
            item = services.add_to_queue(actor=request_user(request), item=item)
            messages.success(
                request,
                _("Added to the queue: %(when)s.")
                % {"when": timezone.localtime(item.publish_at).strftime("%Y-%m-%d %H:%M") if item.publish_at else ""},
            )
        elif action == "repeat":
            until = request.POST.get("until") or None
            services.recurrence_set(
                actor=request_user(request),
                item=item,
                kind=request.POST.get("kind", ""),
                interval=int(request.POST.get("interval") or 1) if (request.POST.get("interval") or "1").isdigit() else 0,
                until=dt.date.fromisoformat(until) if until else None,
            )
            messages.success(request, _("Repetition saved."))
    except ValueError:
        messages.error(request, _("Write the end date as YYYY-MM-DD."))
    except ValidationError as error:
        _errors(request, error)
    return redirect("content:item_detail", slug=request.workspace.slug, item_id=item.pk)


urlpatterns: list[URLPattern] = [
    path("w/<slug:slug>/publishing/", queue, name="queue"),
    path("w/<slug:slug>/publishing/utm/", utm_settings, name="utm_settings"),
    path("w/<slug:slug>/publishing/accounts/", accounts, name="accounts"),
    path("w/<slug:slug>/publishing/accounts/<int:account_id>/", account_detail, name="account_detail"),
    path("w/<slug:slug>/publishing/posts/<int:post_id>/", post_detail, name="post_detail"),
    path("w/<slug:slug>/publishing/posts/<int:post_id>/<str:action>/", post_action, name="post_action"),
    path("w/<slug:slug>/publishing/content/<int:item_id>/", item_posts, name="item_posts"),
    path("w/<slug:slug>/publishing/content/<int:item_id>/<str:action>/", item_action, name="item_action"),
]
