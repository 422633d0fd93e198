"""Content items: create and edit through services and the API, the status machine, versions, denials."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from alur.accounts.models import ApiToken, User
from alur.campaigns.services import campaign_create
from alur.content import states
from alur.content.models import ContentItem, ContentVersion
from alur.content.services import approvals, items
from alur.core.models import AuditEvent
from alur.core.roles import Role
from tests.conftest import Team

R = Role


def _create(team: Team, **kwargs: Any) -> ContentItem:
    defaults: dict[str, Any] = {
        "actor": team.user(R.CONTENT_CREATOR),
        "workspace": team.workspace,
        "title": "Es kopi susu",
        "variants": [{"platform": "instagram", "text": "Segar!", "hashtags": "#kopi, #es"}],
    }
    defaults.update(kwargs)
    return items.content_create(**defaults)


def test_create_records_version_one_and_an_audit_event(team: Team) -> None:
    item = _create(team)
    assert item.status == "draft" and item.version == 1
    variant = item.variants.get()
    assert variant.hashtags == ["#kopi", "#es"]
    assert ContentVersion.objects.get(item=item).data["variants"][0]["text"] == "Segar!"
    assert AuditEvent.objects.filter(action="content.create", object_id=str(item.pk)).exists()


@pytest.mark.parametrize(
    ("variants", "message"),
    [
        ([{"platform": "myspace"}], "choose a platform"),
        ([{"platform": "x"}, {"platform": "x"}], "repeats"),
        ([{"platform": "x", "link": "ftp://kopi.id"}], "https://"),
        ([{"platform": "x", "media_ids": [999]}], "library"),
        ([{"platform": "x", "hashtags": ["#a b"]}], "not a hashtag"),
        ("instagram", "as a list"),
    ],
)
def test_bad_variants_are_refused_and_nothing_is_written(team: Team, variants: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _create(team, variants=variants)
    assert not ContentItem.objects.exists()


def test_nul_characters_and_empty_titles_are_refused(team: Team) -> None:
    with pytest.raises(ValidationError):
        _create(team, title="   ")
    with pytest.raises(ValidationError, match="NUL"):
        _create(team, variants=[{"platform": "x", "text": "a\x00b"}])


def test_roles_that_may_not_create_or_edit_are_refused(team: Team) -> None:
    with pytest.raises(PermissionDenied):
        _create(team, actor=team.user(R.DATA_ANALYST))
    item = _create(team)
    with pytest.raises(PermissionDenied):
        items.content_update(actor=team.user(R.CLIENT), item=item, title="Diubah")
    with pytest.raises(PermissionDenied):
        items.content_update(actor=team.user(R.APPROVER), item=item, title="Diubah")


def test_a_contractor_edits_only_their_own_items(team: Team) -> None:
    mine = _create(team, actor=team.user(R.CONTRACTOR))
    items.content_update(actor=team.user(R.CONTRACTOR), item=mine, title="Versi kontraktor")
    theirs = _create(team)
    with pytest.raises(PermissionDenied):
        items.content_update(actor=team.user(R.CONTRACTOR), item=theirs, title="Bukan milik saya")


def test_other_workspace_members_and_campaigns_are_refused(team: Team, other_team: Team) -> None:
    with pytest.raises(ValidationError, match="member"):
        _create(team, owner=other_team.user(R.MANAGER))
    foreign = campaign_create(
        actor=other_team.user(R.MANAGER), workspace=other_team.workspace, name="Batik", owner=other_team.user(R.MANAGER)
    )
    with pytest.raises(ValidationError, match="campaign"):
        _create(team, campaign=foreign)


def test_each_content_change_is_a_version_but_metadata_is_not(team: Team) -> None:
    item = _create(team)
    items.content_update(actor=team.user(R.CONTENT_CREATOR), item=item, title="Es kopi susu gula aren")
    items.content_update(actor=team.user(R.CONTENT_CREATOR), item=item, due_date=dt.date(2026, 12, 5))
    assert list(ContentVersion.objects.filter(item=item).values_list("number", flat=True)) == [2, 1]


def test_published_content_cannot_be_edited_and_illegal_moves_name_the_statuses(team: Team) -> None:
    item = _create(team)
    ContentItem.objects.filter(pk=item.pk).update(status="published")
    item.refresh_from_db()
    with pytest.raises(ValidationError, match="cannot be edited"):
        items.content_update(actor=team.user(R.CONTENT_CREATOR), item=item, title="Lagi")
    with pytest.raises(ValidationError, match="cannot become"):
        items.content_to_idea(actor=team.user(R.CONTENT_CREATOR), item=item)


def test_scheduling_refuses_the_past_and_times_outside_the_campaign(team: Team) -> None:
    campaign = campaign_create(
        actor=team.user(R.MANAGER),
        workspace=team.workspace,
        name="Desember",
        owner=team.user(R.MANAGER),
        start_date=timezone.localdate() + dt.timedelta(days=1),
        end_date=timezone.localdate() + dt.timedelta(days=10),
    )
    approvals.approval_route_set(actor=team.user(R.MANAGER), workspace=team.workspace, mode="none")
    item = approvals.content_submit(actor=team.user(R.CONTENT_CREATOR), item=_create(team, campaign=campaign))
    with pytest.raises(ValidationError, match="future"):
        items.content_schedule(actor=team.user(R.MANAGER), item=item, publish_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(ValidationError, match="outside the campaign"):
        items.content_schedule(actor=team.user(R.MANAGER), item=item, publish_at=timezone.now() + dt.timedelta(days=30))
    with pytest.raises(PermissionDenied):
        items.content_schedule(actor=team.user(R.CONTENT_CREATOR), item=item, publish_at=timezone.now() + dt.timedelta(days=3))
    assert (
        items.content_schedule(actor=team.user(R.MANAGER), item=item, publish_at=timezone.now() + dt.timedelta(days=3)).status
        == "scheduled"
    )


@given(current=st.sampled_from(states.STATUSES), target=st.sampled_from(states.STATUSES))
def test_the_status_table_is_closed_and_never_self_loops(current: str, target: str) -> None:
    move = states.can_move(current, target)
    assert move.allowed == (target in states.TRANSITIONS[current])
    if current == target:
        assert not move.allowed
    assert states.IDEA not in states.TRANSITIONS[states.PUBLISHED]


# API ----------------------------------------------------------------------------------------------


def _api(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_api_creates_edits_submits_and_decides(team: Team, make_token: Callable[..., tuple[ApiToken, str]]) -> None:
    _, creator = make_token(team.user(R.CONTENT_CREATOR), team.workspace, scope="write")
    _, approver = make_token(team.user(R.APPROVER), team.workspace, scope="write")
    client = Client()
    created = client.post(
        "/api/v1/workspaces/kopi/content",
        data={"title": "Promo", "variants": [{"platform": "x", "text": "Diskon hari ini"}]},
        content_type="application/json",
        **_api(creator),
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    patched = client.patch(
        f"/api/v1/workspaces/kopi/content/{item_id}",
        data={"variants": [{"platform": "x", "text": "Diskon 20% hari ini"}]},
        content_type="application/json",
        **_api(creator),
    )
    assert patched.json()["version"] == 2
    assert client.post(f"/api/v1/workspaces/kopi/content/{item_id}/submit", **_api(creator)).json()["status"] == "in_review"
    own = client.post(
        f"/api/v1/workspaces/kopi/content/{item_id}/decision",
        data={"verdict": "approve"},
        content_type="application/json",
        **_api(creator),
    )
    assert own.status_code == 403
    decided = client.post(
        f"/api/v1/workspaces/kopi/content/{item_id}/decision",
        data={"verdict": "approve"},
        content_type="application/json",
        **_api(approver),
    )
    assert decided.json()["status"] == "approved"
    assert decided.json()["approval_levels"][0]["approved_by"]


def test_the_api_explains_bad_input_and_hides_other_workspaces(
    team: Team, other_team: Team, make_token: Callable[..., tuple[ApiToken, str]]
) -> None:
    type(team.user(R.CONTENT_CREATOR)).objects.filter(pk=team.user(R.CONTENT_CREATOR).pk).update(
        language="en"
    )  # the assertions read English
    _, token = make_token(team.user(R.CONTENT_CREATOR), team.workspace, scope="write")
    bad = Client().post(
        "/api/v1/workspaces/kopi/content",
        data={"title": "Promo", "variants": [{"platform": "x"}, {"platform": "x"}]},
        content_type="application/json",
        **_api(token),
    )
    assert bad.status_code == 422 and "repeats" in bad.content.decode()
    foreign = _create(other_team, actor=other_team.user(R.CONTENT_CREATOR))
    assert Client().get(f"/api/v1/workspaces/kopi/content/{foreign.pk}", **_api(token)).status_code == 404
    assert Client().get(f"/api/v1/workspaces/batik/content/{foreign.pk}", **_api(token)).status_code == 404


def test_pages_create_an_item_and_save_a_variant(team: Team, login: Callable[[User], Client]) -> None:
    creator = team.user(R.CONTENT_CREATOR)
    browser = login(creator)
    response = browser.post(
        "/w/kopi/content/new/",
        {"title": "Kopi sore", "kind": "social_post", "owner": creator.pk, "platforms": ["instagram", "x"]},
    )
    assert response.status_code == 302
    item = ContentItem.objects.get(title="Kopi sore")
    variant = item.variants.get(platform="x")
    saved = browser.post(
        f"/w/kopi/content/{item.pk}/variants/{variant.pk}/", {"text": "Ngopi sore dulu ☕", "hashtags": "#ngopi"}
    )
    assert saved.status_code == 302
    variant.refresh_from_db()
    assert variant.text == "Ngopi sore dulu ☕" and variant.hashtags == ["#ngopi"]
    assert (
        login(team.user(R.DATA_ANALYST)).post(f"/w/kopi/content/{item.pk}/variants/{variant.pk}/", {"text": "x"}).status_code
        == 403
    )
    variant.refresh_from_db()
    assert variant.text == "Ngopi sore dulu ☕"
