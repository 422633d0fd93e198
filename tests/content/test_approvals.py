"""The four approval workflows of seed 003, review rounds, client links, reminders and expiry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from alur.accounts.models import User
from alur.content.models import ApprovalDecision, ContentItem, ContentVersion
from alur.content.services import approvals, items
from alur.core.models import AuditEvent, Notification
from alur.core.roles import Role
from alur.publishing.services import channel_account_create
from tests.conftest import Team

R = Role


def _item(
    team: Team, *, creator: Role = R.CONTENT_CREATOR, text: str = "Kopi pagi di Bandung ☕", **kwargs: object
) -> ContentItem:
    return items.content_create(
        actor=team.user(creator),
        workspace=team.workspace,
        title="Promo kopi pagi",
        variants=[{"platform": "instagram", "text": text, "hashtags": "#KopiNusantara"}],
        **kwargs,  # type: ignore[arg-type]
    )


def _future(days: int = 3) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def _multi_level(team: Team) -> None:
    approvals.approval_route_set(
        actor=team.user(R.MANAGER),
        workspace=team.workspace,
        mode="multi_level",
        levels=[
            {"name": "Copy editor", "people": [team.user(R.STRATEGIST).pk]},
            {"name": "Legal", "roles": [R.APPROVER.value]},
        ],
    )


def test_default_workflow_is_required_and_blocks_scheduling(team: Team) -> None:
    item = _item(team)
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=item)
    assert item.status == "in_review" and item.approval_mode == "required"
    with pytest.raises(ValidationError, match="approvals before it can be scheduled"):
        items.content_schedule(actor=team.user(R.MANAGER), item=item, publish_at=_future())
    approvals.approval_decide(actor=team.user(R.APPROVER), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.status == "approved"
    item = items.content_schedule(actor=team.user(R.SOCIAL_MEDIA_SPECIALIST), item=item, publish_at=_future())
    assert item.status == "scheduled"


def test_none_workflow_approves_on_submit(team: Team) -> None:
    approvals.approval_route_set(actor=team.user(R.MANAGER), workspace=team.workspace, mode="none")
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team))
    assert item.status == "approved"
    assert items.content_schedule(actor=team.user(R.MANAGER), item=item, publish_at=_future()).status == "scheduled"


def test_optional_workflow_lets_a_draft_be_scheduled_without_approval(team: Team) -> None:
    approvals.approval_route_set(actor=team.user(R.MANAGER), workspace=team.workspace, mode="optional")
    item = _item(team)
    assert items.content_schedule(actor=team.user(R.MANAGER), item=item, publish_at=_future()).status == "scheduled"
    other = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team))
    assert other.status == "in_review"
    assert items.content_schedule(actor=team.user(R.MANAGER), item=other, publish_at=_future()).status == "scheduled"


def test_multi_level_goes_level_by_level_and_blocks_scheduling(team: Team) -> None:
    _multi_level(team)
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team))
    # Legal (the approver role) may not jump the queue.
    with pytest.raises(PermissionDenied, match="level"):
        approvals.approval_decide(actor=team.user(R.APPROVER), item=item, verdict="approve")
    approvals.approval_decide(actor=team.user(R.STRATEGIST), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.status == "in_review"
    with pytest.raises(ValidationError):
        items.content_schedule(actor=team.user(R.MANAGER), item=item, publish_at=_future())
    # The copy editor cannot approve twice; legal is next.
    with pytest.raises((PermissionDenied, ValidationError)):
        approvals.approval_decide(actor=team.user(R.STRATEGIST), item=item, verdict="approve")
    approvals.approval_decide(actor=team.user(R.APPROVER), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.status == "approved"
    assert list(ApprovalDecision.objects.filter(item=item).values_list("level_name", flat=True)) == ["Copy editor", "Legal"]


def test_require_all_needs_every_named_person(team: Team, make_user: Callable[..., User]) -> None:
    approvals.approval_route_set(
        actor=team.user(R.MANAGER),
        workspace=team.workspace,
        mode="multi_level",
        levels=[{"name": "Brand", "people": [team.user(R.STRATEGIST).pk, team.user(R.DESIGNER).pk], "require_all": True}],
    )
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team))
    approvals.approval_decide(actor=team.user(R.STRATEGIST), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.status == "in_review"
    approvals.approval_decide(actor=team.user(R.DESIGNER), item=item, verdict="approve")
    item.refresh_from_db()
    assert item.status == "approved"


def test_a_creator_never_approves_their_own_item(team: Team) -> None:
    item = approvals.content_submit(actor=team.user(R.MANAGER), item=_item(team, creator=R.MANAGER))
    with pytest.raises(PermissionDenied, match="yourself"):
        approvals.approval_decide(actor=team.user(R.MANAGER), item=item, verdict="approve")
    assert not approvals.can_approve(team.user(R.MANAGER), item)
    assert approvals.can_approve(team.user(R.APPROVER), item)


def test_an_edit_after_approval_sends_it_back_to_review_with_a_new_round(team: Team) -> None:
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team))
    approvals.approval_decide(actor=team.user(R.APPROVER), item=item, verdict="approve")
    item = items.content_schedule(actor=team.user(R.MANAGER), item=ContentItem.objects.get(pk=item.pk), publish_at=_future())
    round_before = item.approval_round
    variants = items.content_snapshot(item)["variants"]
    variants[0]["text"] = "Kopi pagi di Bandung, sekarang diskon 20% ☕"
    item = items.content_update(actor=team.user(R.CONTENT_CREATOR), item=item, variants=variants)
    assert item.status == "in_review"
    assert item.approval_round == round_before + 1
    assert not approvals.approval_state(item).levels[0].is_complete  # the old approval no longer counts
    versions = list(ContentVersion.objects.filter(item=item).order_by("number").values_list("data", flat=True))
    assert versions[-2]["variants"][0]["text"] != versions[-1]["variants"][0]["text"]
    # A change of the publish time alone is not a content change.
    approvals.approval_decide(actor=team.user(R.APPROVER), item=item, verdict="approve")
    item = items.content_update(
        actor=team.user(R.CONTENT_CREATOR), item=ContentItem.objects.get(pk=item.pk), due_date=dt.date(2026, 12, 1)
    )
    assert item.status == "approved"


def test_reject_and_request_changes_need_a_reason_and_return_to_draft(team: Team) -> None:
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team))
    with pytest.raises(ValidationError, match="Say why"):
        approvals.approval_decide(actor=team.user(R.APPROVER), item=item, verdict="reject")
    approvals.approval_decide(actor=team.user(R.APPROVER), item=item, verdict="changes", reason="Tambahkan harga.")
    item.refresh_from_db()
    assert item.status == "draft"
    notice = Notification.objects.get(recipient=team.user(R.CONTENT_CREATOR), kind="content_sent_back")
    assert "Tambahkan harga." in notice.message


def test_approvers_are_notified_in_app_and_by_email(team: Team, django_capture_on_commit_callbacks: Any) -> None:
    _multi_level(team)
    with django_capture_on_commit_callbacks(execute=True):
        approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team))
    assert Notification.objects.filter(recipient=team.user(R.STRATEGIST), kind="approval_requested").count() == 1
    assert not Notification.objects.filter(recipient=team.user(R.APPROVER), kind="approval_requested").exists()
    assert any(team.user(R.STRATEGIST).email in m.to for m in mail.outbox)


def test_account_override_applies_the_strictest_workflow(team: Team) -> None:
    approvals.approval_route_set(actor=team.user(R.MANAGER), workspace=team.workspace, mode="none")
    account = channel_account_create(
        actor=team.user(R.MANAGER), workspace=team.workspace, platform="instagram", name="@kopinusantara"
    )
    approvals.approval_route_set(
        actor=team.user(R.MANAGER),
        workspace=team.workspace,
        mode="multi_level",
        levels=[{"name": "Legal", "roles": ["approver"]}],
        account=account,
    )
    plain = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team))
    assert plain.status == "approved"
    routed = items.content_create(
        actor=team.user(R.CONTENT_CREATOR),
        workspace=team.workspace,
        title="Lewat akun utama",
        variants=[{"platform": "instagram", "account_id": account.pk, "text": "Halo"}],
    )
    routed = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=routed)
    assert routed.status == "in_review" and routed.approval_mode == "multi_level"


def test_approval_settings_are_the_managers(team: Team) -> None:
    with pytest.raises(PermissionDenied):
        approvals.approval_route_set(actor=team.user(R.CONTENT_CREATOR), workspace=team.workspace, mode="none")
    with pytest.raises(ValidationError, match="at least one level"):
        approvals.approval_route_set(actor=team.user(R.MANAGER), workspace=team.workspace, mode="multi_level", levels=[])
    with pytest.raises(ValidationError, match="Level 1"):
        approvals.approval_route_set(
            actor=team.user(R.MANAGER), workspace=team.workspace, mode="multi_level", levels=[{"name": "X"}]
        )


# Client review links ------------------------------------------------------------------------------


def _client_route(team: Team) -> None:
    approvals.approval_route_set(
        actor=team.user(R.MANAGER),
        workspace=team.workspace,
        mode="multi_level",
        levels=[{"name": "Copy editor", "roles": ["approver"]}, {"name": "Client", "is_client": True}],
    )


def test_a_client_approves_through_a_signed_link_at_their_level(team: Team, django_capture_on_commit_callbacks: Any) -> None:
    _client_route(team)
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team))
    with django_capture_on_commit_callbacks(execute=True):
        link, token = approvals.review_link_create(
            actor=team.user(R.CONTENT_CREATOR), item=item, reviewer_name="Bu Sari", reviewer_email="sari@klien.co.id"
        )
    assert any("sari@klien.co.id" in m.to for m in mail.outbox)
    anonymous = Client()
    page = anonymous.get(f"/review/{token}/")
    assert page.status_code == 200 and "Promo kopi pagi" in page.content.decode()
    # Not the client's turn yet.
    with pytest.raises(PermissionDenied):
        approvals.approval_decide_by_link(token=token, verdict="approve")
    approvals.approval_decide(actor=team.user(R.APPROVER), item=item, verdict="approve")
    response = anonymous.post(f"/review/{token}/", {"action": "approve"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "approved"
    assert ApprovalDecision.objects.filter(item=item, client_link=link).exists()


def test_an_expired_or_withdrawn_or_forged_link_is_refused(team: Team) -> None:
    item = _item(team)
    link, token = approvals.review_link_create(
        actor=team.user(R.CONTENT_CREATOR), item=item, reviewer_name="Pak Budi", reviewer_email="budi@klien.id"
    )
    link.expires_at = timezone.now() - dt.timedelta(minutes=1)
    link.save()
    visitor = Client()
    visitor.cookies["alur_language"] = "en"  # a client without an account reads the language cookie
    response = visitor.get(f"/review/{token}/")
    assert response.status_code == 403 and "expired" in response.content.decode()
    with pytest.raises(PermissionDenied, match="expired"):
        approvals.approval_decide_by_link(token=token, verdict="approve")
    link.expires_at = timezone.now() + dt.timedelta(days=1)
    link.save()
    approvals.review_link_revoke(actor=team.user(R.CONTENT_CREATOR), link=link)
    assert Client().get(f"/review/{token}/").status_code == 403
    assert Client().get(f"/review/{token}x/").status_code == 403


def test_review_link_input_is_checked(team: Team) -> None:
    item = _item(team)
    with pytest.raises(ValidationError):
        approvals.review_link_create(
            actor=team.user(R.CONTENT_CREATOR), item=item, reviewer_name="A", reviewer_email="not-an-email"
        )
    with pytest.raises(ValidationError):
        approvals.review_link_create(
            actor=team.user(R.CONTENT_CREATOR), item=item, reviewer_name="A", reviewer_email="a@b.id", days=90
        )
    with pytest.raises(PermissionDenied):
        approvals.review_link_create(actor=team.user(R.CLIENT), item=item, reviewer_name="A", reviewer_email="a@b.id")


# Sweep: expiry and reminders ----------------------------------------------------------------------


def test_unapproved_content_expires_at_its_publish_time_and_the_owner_is_told(team: Team) -> None:
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team, publish_at=_future(1)))
    assert items.expire_unapproved(now=timezone.now()) == 0
    assert items.expire_unapproved(now=timezone.now() + dt.timedelta(days=2)) == 1
    item.refresh_from_db()
    assert item.status == "expired"
    assert Notification.objects.filter(recipient=team.user(R.CONTENT_CREATOR), kind="content_expired").exists()
    assert AuditEvent.objects.filter(action="content.expire", object_id=str(item.pk)).exists()
    # Approved content is not expired by the sweep.
    other = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team, publish_at=_future(1)))
    approvals.approval_decide(actor=team.user(R.APPROVER), item=other, verdict="approve")
    assert items.expire_unapproved(now=timezone.now() + dt.timedelta(days=2)) == 0


def test_reminders_then_escalation_once_each(team: Team) -> None:
    approvals.reminder_settings_set(
        actor=team.user(R.MANAGER), workspace=team.workspace, remind_after_hours=2, escalate_after_hours=6
    )
    approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team))
    now = timezone.now()
    assert approvals.remind_and_escalate(now + dt.timedelta(hours=1)) == (0, 0)
    assert approvals.remind_and_escalate(now + dt.timedelta(hours=3)) == (1, 0)
    assert approvals.remind_and_escalate(now + dt.timedelta(hours=4)) == (0, 0)
    assert approvals.remind_and_escalate(now + dt.timedelta(hours=7)) == (0, 1)
    assert approvals.remind_and_escalate(now + dt.timedelta(hours=8)) == (0, 0)
    assert Notification.objects.filter(recipient=team.user(R.APPROVER), kind="approval_reminder").count() == 1
    assert Notification.objects.filter(recipient=team.user(R.MANAGER), kind="approval_escalated").count() == 1


# Pages --------------------------------------------------------------------------------------------


def test_item_pages_and_the_queue(team: Team, login: Callable[[User], Client]) -> None:
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team))
    approver = login(team.user(R.APPROVER))
    queue = approver.get("/w/kopi/content/approvals/")
    assert queue.status_code == 200 and "Promo kopi pagi" in queue.content.decode()
    assert login(team.user(R.DESIGNER)).get("/w/kopi/content/approvals/").content.decode().count("Promo kopi pagi") == 0
    page = approver.get(f"/w/kopi/content/{item.pk}/")
    assert page.status_code == 200 and 'data-testid="decision-form"' in page.content.decode()
    response = approver.post(f"/w/kopi/content/{item.pk}/decide/", {"verdict": "approve"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "approved"
    assert login(team.user(R.CONTENT_CREATOR)).get("/w/kopi/content/").status_code == 200


def test_pages_of_another_workspace_are_not_found(team: Team, other_team: Team, login: Callable[[User], Client]) -> None:
    item = _item(team)
    outsider = login(other_team.user(R.MANAGER))
    assert outsider.get(f"/w/kopi/content/{item.pk}/").status_code == 404
    assert outsider.get(f"/w/batik/content/{item.pk}/").status_code == 404
    assert outsider.post(f"/w/batik/content/{item.pk}/decide/", {"verdict": "approve"}).status_code == 404


def test_a_client_member_sees_only_shared_items(team: Team, login: Callable[[User], Client]) -> None:
    private = _item(team)
    shared = _item(team, is_shared_with_clients=True)
    client = login(team.user(R.CLIENT))
    assert client.get(f"/w/kopi/content/{private.pk}/").status_code == 404
    assert client.get(f"/w/kopi/content/{shared.pk}/").status_code == 200
