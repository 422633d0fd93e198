from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "alur.content"
    label = "content"
    verbose_name = _("Content studio")

    def ready(self) -> None:
        from alur.content.tasks import content_sweep
        from alur.core.audit import register_action_labels
        from alur.core.periodic import register

        register("content", content_sweep)

        register_action_labels(
            {
                "content.create": _("Content created"),
                "content.update": _("Content edited"),
                "content.status": _("Content status changed"),
                "content.submit": _("Content submitted for review"),
                "content.approve": _("Content approved"),
                "content.reject": _("Content rejected"),
                "content.changes": _("Changes requested"),
                "content.schedule": _("Content scheduled"),
                "content.reschedule": _("Content moved on the calendar"),
                "content.restore": _("Content version restored"),
                "content.expire": _("Content expired unapproved"),
                "content.comment": _("Comment added"),
                "content.comment_resolve": _("Comment thread resolved"),
                "content.comment_reopen": _("Comment thread reopened"),
                "content.review_link": _("Client review link created"),
                "content.settings": _("Content guidelines changed"),
                "content.approval_route": _("Approval workflow changed"),
                "media.upload": _("Media uploaded"),
                "media.update": _("Media details changed"),
                "media.delete": _("Media deleted"),
                "calendar.event": _("Calendar event added"),
                "calendar.feed": _("Calendar feed created"),
                "calendar.feed_revoke": _("Calendar feed revoked"),
            }
        )
