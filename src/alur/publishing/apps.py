from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "alur.publishing"
    label = "publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        from alur.content.models import ContentItem
        from alur.content.signals import schedule_changed
        from alur.core.audit import register_action_labels
        from alur.core.periodic import register
        from alur.publishing.scheduler import on_schedule_changed, prune_heartbeats
        from alur.publishing.services import check_accounts_before_posts, refresh_tokens

        # Content tells, publishing listens: an item's posts follow its schedule in the same transaction.
        schedule_changed.connect(on_schedule_changed, sender=ContentItem, dispatch_uid="alur.publishing.sync_item_posts")
        register("publishing_tokens", refresh_tokens)
        register("publishing_accounts", check_accounts_before_posts)
        register("publishing_heartbeats", prune_heartbeats)
        register_action_labels(
            {
                "channel.create": _("Channel account added"),
                "channel.update": _("Channel account changed"),
                "channel.test": _("Channel connection tested"),
                "channel.token_refreshed": _("Channel token refreshed"),
                "channel.token_refresh_failed": _("Channel token refresh failed"),
                "channel.token_reconnect": _("Channel token refused; reconnect needed"),
                "post.retry": _("Post retried"),
                "post.now": _("Post published now"),
                "post.rollback": _("Post rolled back"),
                "post.recurrence": _("Repetition changed"),
                "publishing.settings": _("UTM rules changed"),
            }
        )
