"""Background entry points of the content studio: the review-link email and the periodic sweep."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from alur.content.models import ClientReviewLink


def review_link_url(token: str) -> str:
    return settings.ALUR_BASE_URL.rstrip("/") + reverse("content:client_review", args=[token])


@task()
def review_link_email_send(link_id: int) -> None:
    """Email an outside reviewer their signed link, in the workspace's language. Skips dead links."""
    from alur.content.services.approvals import review_link_token

    link = ClientReviewLink.objects.select_related("item", "workspace").filter(pk=link_id).first()
    if link is None or link.revoked_at is not None or link.expires_at <= timezone.now():
        return
    with translation.override(link.workspace.language):
        subject = _("%(workspace)s asks you to review “%(title)s”") % {"workspace": link.workspace.name, "title": link.item.title}
        body = _(
            "Hello %(name)s,\n\n%(workspace)s would like your review of “%(title)s”.\n"
            "Open this link to see it, comment, and approve or reject it when your approval is asked for:\n\n%(url)s\n\n"
            "The link is personal and works until %(expires)s.\n"
        ) % {
            "name": link.reviewer_name,
            "workspace": link.workspace.name,
            "title": link.item.title,
            "url": review_link_url(review_link_token(link)),
            "expires": timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M"),
        }
    send_mail(subject[:200], body, None, [link.reviewer_email])


def content_sweep() -> dict[str, int]:
    """Expire content still unapproved at its publish time; remind and escalate waiting approvals."""
    from alur.content.services.approvals import remind_and_escalate
    from alur.content.services.items import expire_unapproved

    expired = expire_unapproved()
    reminded, escalated = remind_and_escalate()
    return {"expired": expired, "reminded": reminded, "escalated": escalated}
