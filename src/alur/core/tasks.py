"""Background entry points of core: notification emails."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from alur.core.models import Notification


@task()
def notification_email_send(notification_id: int) -> None:
    """Email one notice to its recipient, in their language, with a link back to the page."""
    notice = Notification.objects.select_related("recipient", "workspace").filter(pk=notification_id).first()
    if notice is None or not notice.recipient.email:
        return
    with translation.override(notice.recipient.language or notice.workspace.language):
        subject = _("[Alur · %(workspace)s] %(message)s") % {"workspace": notice.workspace.name, "message": notice.message}
        link = settings.ALUR_BASE_URL.rstrip("/") + notice.url if notice.url else settings.ALUR_BASE_URL
        body = f"{notice.message}\n\n{link}\n"
    send_mail(subject[:200], body, None, [notice.recipient.email])
