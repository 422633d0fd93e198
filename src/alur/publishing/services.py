"""Writes of publishing. For now: channel accounts (name, platform, handle); credentials and connectors
come with the publishing issue."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from alur.accounts.models import User, Workspace
from alur.accounts.selectors import membership_of
from alur.content.platforms import Platform
from alur.core.audit import audit_record, snapshot
from alur.core.policy import Action, require
from alur.core.validation import refuse_nul_characters
from alur.publishing.models import ChannelAccount

ACCOUNT_FIELDS = ("platform", "name", "handle", "is_active")


def channel_account_create(*, actor: User, workspace: Workspace, platform: str, name: str, handle: str = "") -> ChannelAccount:
    require(actor, membership_of(actor, workspace), Action.CHANNEL_MANAGE)
    if platform not in Platform.values:
        raise ValidationError({"platform": _("Choose a platform.")})
    name = (name or "").strip()
    handle = (handle or "").strip()
    refuse_nul_characters(name=name, handle=handle)
    if not name:
        raise ValidationError({"name": _("Give the account a name, e.g. the page or profile name.")})
    if ChannelAccount.objects.filter(workspace=workspace, platform=platform, name__iexact=name).exists():
        raise ValidationError(
            {
                "name": _("This workspace already has a %(platform)s account called %(name)s.")
                % {"platform": Platform(platform).label, "name": name}
            }
        )
    with transaction.atomic():
        account = ChannelAccount.objects.create(
            workspace=workspace, platform=platform, name=name[:120], handle=handle[:200], created_by=actor
        )
        audit_record(
            actor=actor, workspace=workspace, action="channel.create", obj=account, after=snapshot(account, ACCOUNT_FIELDS)
        )
    return account
