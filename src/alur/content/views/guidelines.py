"""Pages of the guidelines: the workspace's posting guidelines and brand rules (every member reads them,
guideline managers edit them) with the platform rules table, and the live check the editor calls as a
person types."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alur.accounts.forms import add_service_errors
from alur.content import checks
from alur.content.guideline_forms import GuidelinesForm
from alur.content.platforms import ContentKind, Platform
from alur.content.rules import PLATFORM_RULES, RULES_REVIEWED, rules_table
from alur.content.selectors import guidelines as selectors
from alur.content.selectors.media import media_visible
from alur.content.services import guidelines as services
from alur.core.policy import Action, decide
from alur.core.tenancy import WorkspaceRequest, request_user, workspace_view

MAX_CHECK_TEXT = 100_000
MAX_CHECK_MEDIA = 50


def _rule_names() -> dict[str, str]:
    return {
        "counting": _("How text is counted"),
        "text": _("Text length"),
        "title": _("Title length"),
        "hashtags": _("Hashtags"),
        "media": _("Photos and videos per post"),
        "videos": _("Videos per post"),
        "video_seconds": _("Video length"),
        "text_required": _("Text is required"),
        "title_required": _("Title is required"),
        "no_mixed_media": _("Photos and videos do not mix"),
        "media_required": _("A photo or video is required"),
        "media_types": _("File types"),
        "file_bytes:image": _("Image file size"),
        "file_bytes:image/gif": _("GIF file size"),
        "file_bytes:video": _("Video file size"),
    }


def _counting_names() -> dict[str, str]:
    return {
        "x_weighted": _("X's weighted count: a link counts 23, an emoji 2"),
        "code_points": _("characters"),
        "utf16": _("UTF-16 units: most emoji count 2"),
        "threads": _("characters; an emoji counts its UTF-8 bytes"),
        "utf8_bytes": _("bytes (UTF-8): most emoji count 4"),
    }


def _value_label(row: dict[str, Any]) -> str:
    value = row["value"]
    rule = str(row["rule"])
    if rule == "counting":
        return _counting_names().get(str(value), str(value))
    if isinstance(value, bool):
        return _("yes")
    if isinstance(value, list):
        return ", ".join(str(v).split("/")[-1].upper().replace("QUICKTIME", "MOV") for v in value)
    if row["unit"] == "bytes":
        return str(filesizeformat(value))
    if row["unit"] == "seconds":
        return selectors.duration_label(float(value))
    if row["unit"] == "utf8_bytes":
        return _("%(n)s bytes") % {"n": intcomma(value)}
    if row["unit"] in ("x_weighted", "code_points", "utf16", "threads"):
        return _("%(n)s characters") % {"n": intcomma(value)}
    return str(intcomma(value))


def _platform_rows() -> list[dict[str, Any]]:
    names = _rule_names()
    kinds = dict(ContentKind.choices)
    rows = []
    for row in rules_table():
        rows.append(
            {
                **row,
                "platform_label": PLATFORM_RULES[str(row["platform"])].label,
                "rule_label": names.get(str(row["rule"]), str(row["rule"])),
                "value_label": _value_label(row),
                "kinds_label": ", ".join(str(kinds.get(k, k)) for k in row["kinds"]),  # type: ignore[attr-defined]
            }
        )
    return rows


@workspace_view(Action.CONTENT_VIEW)
def guidelines_page(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    can_manage = bool(decide(request_user(request), request.membership, Action.GUIDELINE_MANAGE))
    row = selectors.content_settings(workspace)
    status = 200
    if request.method == "POST":
        form = GuidelinesForm(request.POST)
        if form.is_valid():
            try:
                services.guidelines_update(actor=request_user(request), workspace=workspace, **form.service_fields())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Guidelines saved."))
                return redirect("content:guidelines", slug=workspace.slug)
        status = 422
    else:
        form = GuidelinesForm(initial=GuidelinesForm.initial_from(row))
    context = {
        "form": form,
        "can_manage": can_manage,
        "settings_row": row,
        "platform_rows": _platform_rows(),
        "rules_reviewed": RULES_REVIEWED,
        "platforms": Platform.choices,
    }
    return render(request, "content/guidelines.html", context, status=status)


def _media_ids(values: list[str]) -> list[int]:
    ids: list[int] = []
    for value in values[:MAX_CHECK_MEDIA]:
        value = value.strip()
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
    return ids


def _hashtags(value: str) -> tuple[str, ...]:
    return tuple(tag for tag in value.replace(",", " ").split() if tag.strip("#"))


@require_POST
@workspace_view(Action.CONTENT_VIEW)
def check(request: WorkspaceRequest) -> HttpResponse:
    """The live check of one variant as it is being written: its violations and its length counter."""
    post = request.POST
    platform = post.get("platform", "")
    kind = post.get("kind", "")
    if kind not in ContentKind.values:
        kind = ContentKind.SOCIAL_POST.value
    ids = _media_ids(post.getlist("media"))
    assets = {asset.pk: asset for asset in media_visible(request.membership).filter(pk__in=ids)} if ids else {}
    variant = selectors.variant_input(
        platform=platform,
        kind=kind,
        text=post.get("text", "")[:MAX_CHECK_TEXT],
        title=post.get("title", "")[:MAX_CHECK_TEXT],
        link=post.get("link", "")[:MAX_CHECK_TEXT],
        hashtags=_hashtags(post.get("hashtags", "")[:MAX_CHECK_TEXT]),
        media=[assets[i] for i in ids if i in assets],
    )
    violations = checks.check_variant(variant, selectors.guidelines_for(request.workspace))
    return render(request, "content/_violations.html", violations_context(variant, violations))


def violations_context(variant: checks.VariantInput, violations: list[checks.Violation]) -> dict[str, Any]:
    """What ``content/_violations.html`` shows; the lead's pages may render the partial with it too."""
    entries = [
        {
            "code": v.code,
            "severity": v.severity,
            "field": v.field,
            "start": v.start,
            "end": v.end,
            "message": selectors.violation_message(v),
            "where": selectors.violation_where(v),
        }
        for v in violations
    ]
    counter = checks.text_counter(variant)
    return {
        "errors": [e for e in entries if e["severity"] == "error"],
        "warnings": [e for e in entries if e["severity"] == "warning"],
        "counter": counter,
        "counter_unit": _("bytes") if counter.method == "utf8_bytes" else _("characters"),
        "counter_hint": _counting_names().get(counter.method, ""),
        "platform_known": variant.platform in PLATFORM_RULES,
    }


urlpatterns: list[URLPattern] = [
    path("w/<slug:slug>/content/guidelines/", guidelines_page, name="guidelines"),
    path("w/<slug:slug>/content/check/", check, name="check"),
]
