from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "alur.publishing"
    label = "publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        from alur.core.audit import register_action_labels
        from alur.core.periodic import register
        from alur.publishing.scheduler import prune_heartbeats
        from alur.publishing.services import check_accounts_before_posts, refresh_tokens

        register("publishing_tokens", refresh_tokens)
        register("publishing_accounts", check_accounts_before_posts)
        register("publishing_heartbeats", prune_heartbeats)
        register_action_labels(
            {
                "channel.create": _("Channel account added"),
                "channel.update": _("Channel account changed"),
                "channel.test": _("Channel connection tested"),
                "post.retry": _("Post retried"),
                "post.now": _("Post published now"),
                "post.rollback": _("Post rolled back"),
                "post.recurrence": _("Repetition changed"),
                "publishing.settings": _("UTM rules changed"),
            }
        )
