from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "alur.publishing"
    label = "publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        from alur.core.audit import register_action_labels

        register_action_labels({"channel.create": _("Channel account added")})
