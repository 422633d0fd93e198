"""Background entry points of accounts: thin wrappers over services and mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from alur.accounts.models import Invitation
from alur.accounts.services import invitation_token


def invitation_link(invitation: Invitation) -> str:
    return settings.ALUR_BASE_URL.rstrip("/") + reverse("accounts:invitation_accept", args=[invitation_token(invitation)])


@task()
def invitation_email_send(invitation_id: int) -> None:
    """Email an invitation link, in the workspace's language. Skips invitations no longer pending."""
    invitation = Invitation.objects.select_related("workspace", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        return
    with translation.override(invitation.workspace.language):
        context = {"invitation": invitation, "link": invitation_link(invitation)}
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])
