"""Nobody approves content they created, own or last changed; choosing the publishing account is not a
content change; the read-only view shows the stored variant's real checks."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone, translation

from alur.accounts.models import User
from alur.content.models import ContentItem, ContentStatus
from alur.content.services import approvals, items
from alur.core.models import AuditEvent
from alur.core.roles import Role
from alur.publishing.models import ChannelAccount, Post
from alur.publishing.services import channel_account_create
from tests.conftest import Team

pytestmark = pytest.mark.django_db
R = Role


def _item(team: Team, *, creator: Role = R.CONTENT_CREATOR, owner: User | None = None) -> ContentItem:
    return items.content_create(
        actor=team.user(creator),
        workspace=team.workspace,
        title="Promo kopi pagi",
        owner=owner,
        variants=[{"platform": "instagram", "text": "Kopi pagi di Bandung ☕", "hashtags": "#KopiNusantara"}],
    )


def _edit_text(team: Team, role: Role, item: ContentItem, text: str) -> ContentItem:
    variants = items.content_snapshot(item)["variants"]
    variants[0]["text"] = text
    return items.content_update(actor=team.user(role), item=ContentItem.objects.get(pk=item.pk), variants=variants)


def test_the_owner_who_wrote_it_cannot_approve_when_someone_else_created_it(team: Team) -> None:
    # The content creator starts the item for the approver, who then owns it, writes it and submits it.
    item = _item(team, owner=team.user(R.APPROVER))
    item = _edit_text(team, R.APPROVER, item, "Kopi pagi di Bandung, diskon 20% ☕")
    item = approvals.content_submit(actor=team.user(R.APPROVER), item=item)
    with pytest.raises(PermissionDenied, match="own or last changed"):
        approvals.approval_decide(actor=team.user(R.APPROVER), item=item, verdict="approve")
    assert not approvals.can_approve(team.user(R.APPROVER), item)
    assert approvals.can_approve(team.user(R.MANAGER), item)
    approvals.approval_decide(actor=team.user(R.MANAGER), item=item, verdict="approve")
    assert ContentItem.objects.get(pk=item.pk).status == ContentStatus.APPROVED


def test_the_owner_cannot_approve_even_without_editing(team: Team) -> None:
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team, owner=team.user(R.APPROVER)))
    with pytest.raises(PermissionDenied):
        approvals.approval_decide(actor=team.user(R.APPROVER), item=item, verdict="approve")


def test_the_last_editor_of_the_content_cannot_approve_it(team: Team) -> None:
    item = _item(team)
    item = _edit_text(team, R.MANAGER, item, "Kopi pagi di Bandung — kini dengan roti ☕")
    assert item.content_changed_by_id == team.user(R.MANAGER).pk
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=item)
    with pytest.raises(PermissionDenied, match="own or last changed"):
        approvals.approval_decide(actor=team.user(R.MANAGER), item=item, verdict="approve")
    approvals.approval_decide(actor=team.user(R.APPROVER), item=item, verdict="approve")
    assert ContentItem.objects.get(pk=item.pk).status == ContentStatus.APPROVED


def test_a_change_of_details_alone_does_not_make_someone_the_content_editor(team: Team) -> None:
    item = _item(team)
    items.content_update(actor=team.user(R.MANAGER), item=item, due_date=dt.date(2026, 12, 1))
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=ContentItem.objects.get(pk=item.pk))
    assert item.content_changed_by_id == team.user(R.CONTENT_CREATOR).pk
    approvals.approval_decide(actor=team.user(R.MANAGER), item=item, verdict="approve")
    assert ContentItem.objects.get(pk=item.pk).status == ContentStatus.APPROVED


def test_the_creator_still_cannot_approve(team: Team) -> None:
    item = approvals.content_submit(actor=team.user(R.MANAGER), item=_item(team, creator=R.MANAGER))
    with pytest.raises(PermissionDenied, match="yourself"):
        approvals.approval_decide(actor=team.user(R.MANAGER), item=item, verdict="approve")


def test_a_require_all_level_does_not_wait_for_the_owner(team: Team) -> None:
    approvals.approval_route_set(
        actor=team.user(R.MANAGER),
        workspace=team.workspace,
        mode="multi_level",
        levels=[{"name": "Brand", "people": [team.user(R.STRATEGIST).pk, team.user(R.DESIGNER).pk], "require_all": True}],
    )
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team, owner=team.user(R.DESIGNER)))
    approvals.approval_decide(actor=team.user(R.STRATEGIST), item=item, verdict="approve")
    assert ContentItem.objects.get(pk=item.pk).status == ContentStatus.APPROVED


def test_the_refusal_is_said_in_indonesian_too(team: Team) -> None:
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team, owner=team.user(R.APPROVER)))
    with translation.override("id"), pytest.raises(PermissionDenied) as refused:
        approvals.approval_decide(actor=team.user(R.APPROVER), item=item, verdict="approve")
    assert "own or last changed" not in str(refused.value) and str(refused.value)


# Choosing the account ----------------------------------------------------------------------------


def _account(team: Team, name: str = "@kopinusantara") -> ChannelAccount:
    return channel_account_create(
        actor=team.user(R.MANAGER),
        workspace=team.workspace,
        platform="instagram",
        name=name,
        connector="webhook",
        config={"url": "http://127.0.0.1:9/hook"},
        credentials={"secret": "s"},
    )


def _approved(team: Team) -> ContentItem:
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team))
    approvals.approval_decide(actor=team.user(R.APPROVER), item=item, verdict="approve")
    item = ContentItem.objects.get(pk=item.pk)
    assert item.status == ContentStatus.APPROVED
    return item


def _choose_account(team: Team, item: ContentItem, account: ChannelAccount) -> ContentItem:
    variants = items.content_snapshot(item)["variants"]
    variants[0]["account_id"] = account.pk
    return items.content_update(actor=team.user(R.SOCIAL_MEDIA_SPECIALIST), item=item, variants=variants)


def test_choosing_the_account_of_approved_content_keeps_its_approval(team: Team) -> None:
    item = _approved(team)
    round_before = item.approval_round
    item = _choose_account(team, item, _account(team))
    assert item.status == ContentStatus.APPROVED and item.approval_round == round_before
    assert item.content_changed_by_id == team.user(R.CONTENT_CREATOR).pk  # choosing an account is not writing
    # ... and once scheduled, it goes out on that account without a second review.
    item = items.content_schedule(actor=team.user(R.MANAGER), item=item, publish_at=timezone.now() + dt.timedelta(days=2))
    assert item.status == ContentStatus.SCHEDULED
    assert Post.objects.filter(item=item, status=Post.Status.PENDING).count() == 1
    # Changing it to another account while scheduled keeps it scheduled too.
    item = _choose_account(team, item, _account(team, "@kopi_kedua"))
    assert item.status == ContentStatus.SCHEDULED
    assert Post.objects.get(item=item, status=Post.Status.PENDING).account.name == "@kopi_kedua"


def test_choosing_the_account_on_the_page_keeps_the_approval(team: Team, login: Callable[[User], Client]) -> None:
    item = _approved(team)
    account = _account(team)
    variant = item.variants.get()
    client = login(team.user(R.SOCIAL_MEDIA_SPECIALIST))
    answer = client.post(
        f"/w/{team.workspace.slug}/content/{item.pk}/variants/{variant.pk}/",
        {
            "platform": "instagram",
            "kind": item.kind,
            "text": variant.text,
            "hashtags": " ".join(variant.hashtags),
            "title": "",
            "link": "",
            "account": account.pk,
        },
    )
    assert answer.status_code == 302
    item.refresh_from_db()
    assert item.status == ContentStatus.APPROVED and item.variants.get().account_id == account.pk


def test_an_account_with_a_stricter_workflow_still_asks_for_its_review(team: Team) -> None:
    item = _approved(team)
    account = _account(team)
    approvals.approval_route_set(
        actor=team.user(R.MANAGER),
        workspace=team.workspace,
        account=account,
        mode="multi_level",
        levels=[{"name": "Copy", "roles": [R.APPROVER.value]}, {"name": "Legal", "roles": [R.MANAGER.value]}],
    )
    item = _choose_account(team, item, account)
    assert item.status == ContentStatus.IN_REVIEW
    assert AuditEvent.objects.filter(action="content.status", object_id=str(item.pk)).exists()


# The read-only view -----------------------------------------------------------------------------


def test_the_read_only_view_shows_the_stored_variants_checks(team: Team, login: Callable[[User], Client]) -> None:
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_item(team))
    User.objects.filter(pk=team.user(R.APPROVER).pk).update(language="en")
    page = login(team.user(R.APPROVER)).get(f"/w/{team.workspace.slug}/content/{item.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    # The editor's live check posts the form; a disabled form posts nothing (an "empty" variant), so the
    # reviewer's view shows the stored variant's checks, rendered on the server.
    pane = html[html.index('data-testid="variant-pane"') :]
    assert 'data-testid="violations"' in pane
    assert re.search(r'data-testid="violations" data-errors="0"', pane), pane[:3000]
    assert "empty" not in pane.split('data-testid="violations"', 1)[1][:2000].lower()
    assert "hx-post" not in pane.split("</form>", 1)[0]
    # The editor keeps the live check.
    editor = login(team.user(R.CONTENT_CREATOR)).get(f"/w/{team.workspace.slug}/content/{item.pk}/").content.decode()
    assert f'hx-post="/w/{team.workspace.slug}/content/check/"' in editor
