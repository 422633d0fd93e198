"""Publishing: the workspace's channel accounts (a Facebook Page, an Instagram profile, a newsletter list).

Content variants target an account; an account may override the workspace's approval workflow.
Credentials, connectors and the dispatcher belong to the publishing issue and extend this model.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alur.content.platforms import Platform


class ChannelAccount(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=120)
    handle = models.CharField(_("handle or address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["platform", "name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "platform", "name"], name="channel_account_unique_name")]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} · {self.name}"
