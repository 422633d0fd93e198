"""Changing a workspace's posting guidelines (voice and tone, topics, content types, posting frequency
per channel) and brand rules (banned words, required hashtags and disclaimer, link rules).

Lists arrive as lists or as text (one entry per line or separated by commas); every entry is cleaned,
checked and de-duplicated, and a bad one is refused with the field it belongs to and what to do.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alur.accounts.models import User, Workspace
from alur.accounts.selectors import membership_of
from alur.content.checks import normalise_domain
from alur.content.models import ContentSettings
from alur.content.platforms import ContentKind, Platform
from alur.core.audit import audit_record, snapshot
from alur.core.policy import Action, require
from alur.core.validation import refuse_nul_characters

GUIDELINE_FIELDS = (
    "voice_tone",
    "topics",
    "content_types",
    "posting_frequency",
    "banned_words",
    "required_hashtags",
    "required_disclaimer",
    "disclaimer_kinds",
    "allowed_link_domains",
    "require_https",
)
MAX_VOICE_TONE = 5000
MAX_DISCLAIMER = 300
MAX_ENTRY = 100
MAX_ENTRIES = {"topics": 50, "banned_words": 200, "required_hashtags": 30, "allowed_link_domains": 100}
MAX_POSTS_PER_WEEK = 100

HASHTAG = re.compile(r"^#\w*[^\W\d_]\w*$")
DOMAIN_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def _entries(value: Any, field: str, *, separators: str = r"[\r\n,]+") -> list[str]:
    """The entries of a list, or of text split at ``separators`` (lines and commas by default)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        raw: list[Any] = re.split(separators, value)
    elif isinstance(value, list | tuple):
        raw = list(value)
    else:
        raise ValidationError({field: _("Give a list.")})
    entries: list[str] = []
    for entry in raw:
        if not isinstance(entry, str):
            raise ValidationError({field: _("Each entry must be text.")})
        refuse_nul_characters(**{field: entry})
        clean = " ".join(entry.split())
        if clean:
            entries.append(clean)
    return entries


def _unique(entries: list[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for entry in entries:
        key = entry.casefold()
        if key not in seen:
            seen.add(key)
            result.append(entry)
    return result


def _limited(entries: list[str], field: str) -> list[str]:
    entries = _unique(entries)
    for entry in entries:
        if len(entry) > MAX_ENTRY:
            raise ValidationError(
                {
                    field: _("“%(entry)s…” is too long; keep each entry within %(n)s characters.")
                    % {"entry": entry[:30], "n": MAX_ENTRY}
                }
            )
    maximum = MAX_ENTRIES.get(field)
    if maximum is not None and len(entries) > maximum:
        raise ValidationError({field: _("Keep this list to %(n)s entries at most.") % {"n": maximum}})
    return entries


def _text(value: Any, field: str, maximum: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: _("Give text here.")})
    refuse_nul_characters(**{field: value})
    value = value.strip()
    if len(value) > maximum:
        raise ValidationError(
            {field: _("Keep this within %(n)s characters; it has %(count)s.") % {"n": maximum, "count": len(value)}}
        )
    return value


def _kinds(value: Any, field: str) -> list[str]:
    entries = _entries(value, field)
    known = {kind.value: kind for kind in ContentKind}
    labels = {str(kind.label).casefold(): kind for kind in ContentKind}
    result: list[str] = []
    for entry in entries:
        kind = known.get(entry) or labels.get(entry.casefold())
        if kind is None:
            choices = ", ".join(known)
            raise ValidationError(
                {
                    field: _("“%(entry)s” is not a content type; choose from %(choices)s.")
                    % {"entry": entry[:40], "choices": choices}
                }
            )
        if kind.value not in result:
            result.append(kind.value)
    return result


def _hashtags(value: Any) -> list[str]:
    tags = []
    for entry in _entries(value, "required_hashtags", separators=r"[\s,]+"):
        tag = "#" + entry.lstrip("#")
        if not HASHTAG.match(tag):
            raise ValidationError(
                {
                    "required_hashtags": _(
                        "“%(tag)s” is not a hashtag: use letters, digits or _ and at least one letter, e.g. #KopiNusantara."
                    )
                    % {"tag": entry[:40]}
                }
            )
        tags.append(tag)
    return _limited(tags, "required_hashtags")


def _domain(entry: str) -> str:
    domain = normalise_domain(entry)
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_domain = ""
    labels = ascii_domain.split(".")
    looks_right = (
        0 < len(ascii_domain) <= 253
        and len(labels) >= 2
        and all(DOMAIN_LABEL.match(label) for label in labels)
        and not labels[-1].isdigit()
    )
    if not looks_right:
        raise ValidationError(
            {
                "allowed_link_domains": _(
                    "“%(entry)s” is not a domain; write it like kopinusantara.id (its subdomains are allowed too)."
                )
                % {"entry": entry[:60]}
            }
        )
    return domain


def _domains(value: Any) -> list[str]:
    return _limited([_domain(entry) for entry in _entries(value, "allowed_link_domains")], "allowed_link_domains")


def _frequency(value: Any) -> dict[str, int]:
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise ValidationError({"posting_frequency": _("Give the posts per week for each channel.")})
    platforms = {p.value: p for p in Platform}
    result: dict[str, int] = {}
    for key, raw in value.items():
        platform = platforms.get(str(key))
        if platform is None:
            raise ValidationError(
                {"posting_frequency": _("“%(key)s” is not a channel Alur publishes to.") % {"key": str(key)[:30]}}
            )
        if raw is None or raw == "":
            continue
        try:
            number = int(raw)
            if isinstance(raw, float) and raw != number:
                raise ValueError
        except (TypeError, ValueError):
            raise ValidationError(
                {"posting_frequency": _("Give a whole number of posts per week for %(channel)s.") % {"channel": platform.label}}
            ) from None
        if not 0 <= number <= MAX_POSTS_PER_WEEK:
            raise ValidationError(
                {
                    "posting_frequency": _("Choose between 0 and %(n)s posts per week for %(channel)s.")
                    % {"n": MAX_POSTS_PER_WEEK, "channel": platform.label}
                }
            )
        result[platform.value] = number
    return result


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(GUIDELINE_FIELDS))
    if unknown:
        raise ValidationError(_("These are not guideline settings: %(names)s.") % {"names": ", ".join(unknown)})
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "voice_tone":
            cleaned[name] = _text(value, name, MAX_VOICE_TONE)
        elif name == "required_disclaimer":
            cleaned[name] = _text(value, name, MAX_DISCLAIMER)
        elif name in ("topics", "banned_words"):
            cleaned[name] = _limited(_entries(value, name), name)
        elif name in ("content_types", "disclaimer_kinds"):
            cleaned[name] = _kinds(value, name)
        elif name == "required_hashtags":
            cleaned[name] = _hashtags(value)
        elif name == "allowed_link_domains":
            cleaned[name] = _domains(value)
        elif name == "posting_frequency":
            cleaned[name] = _frequency(value)
        elif name == "require_https":
            if not isinstance(value, bool):
                raise ValidationError({name: _("Answer yes or no.")})
            cleaned[name] = value
    return cleaned


def guidelines_update(*, actor: User, workspace: Workspace, **fields: Any) -> ContentSettings:
    """Change the named guideline settings (the others stay as they are)."""
    require(actor, membership_of(actor, workspace), Action.GUIDELINE_MANAGE)
    cleaned = _clean(fields)
    with transaction.atomic():
        row, _created = ContentSettings.objects.select_for_update().get_or_create(workspace=workspace)
        before = snapshot(row, cleaned)
        changed = {name: value for name, value in cleaned.items() if before.get(name) != value}
        if not changed:
            return row
        for name, value in changed.items():
            setattr(row, name, value)
        row.updated_at = timezone.now()
        row.save()
        audit_record(
            actor=actor,
            workspace=workspace,
            action="content.settings",
            obj=row,
            before={name: before[name] for name in changed},
            after=changed,
        )
    return row
