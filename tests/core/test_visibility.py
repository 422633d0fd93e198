"""One visibility rule per object kind (alur.core.policy.VISIBILITY), applied to every list and detail.

A world with, per kind, something shared with clients, something assigned to the contractor and something
neither; each outside role must find in every list (page and API) only what it reaches, get 404 or 403 on
the rest, and the team must keep seeing everything.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alur.accounts import services as account_services
from alur.accounts.models import User, Workspace
from alur.campaigns import selectors as campaign_selectors
from alur.campaigns import services as campaign_services
from alur.campaigns.models import Campaign, Initiative, Playbook, Task
from alur.content.models import CalendarEvent, ContentItem, ContentVariant, MediaAsset
from alur.content.services import approvals as approval_services
from alur.content.services import collab as collab_services
from alur.content.services import items as item_services
from alur.core.policy import NEVER, VISIBILITY, reaches_kind, scope
from alur.core.roles import Role
from alur.publishing.models import ChannelAccount, Post
from alur.strategy.models import BusinessGoal, KeyResult, Objective, Period
from tests.conftest import Team

HOOK_URL = "https://hooks.zapier.test/rahasia-hook-123"
CLIENT, CONTRACTOR, TEAM = Role.CLIENT, Role.CONTRACTOR, Role.STRATEGIST


@dataclass
class World:
    team: Team
    campaigns: dict[str, Campaign]
    items: dict[str, ContentItem]
    posts: dict[str, Post]
    media: dict[str, MediaAsset]
    objectives: dict[str, Objective]
    key_results: dict[str, KeyResult]
    account: ChannelAccount


def _asset(team: Team, title: str) -> MediaAsset:
    return MediaAsset.objects.create(
        workspace=team.workspace,
        file=f"media/2026/12/{title}.jpg",
        original_name=f"{title}.jpg",
        title=title,
        kind=MediaAsset.Kind.IMAGE,
        mime_type="image/jpeg",
        sha256=uuid.uuid4().hex,
        uploaded_by=team.user(Role.DESIGNER),
    )


@pytest.fixture
def world(team: Team) -> World:
    manager, contractor, designer = team.user(Role.MANAGER), team.user(Role.CONTRACTOR), team.user(Role.DESIGNER)
    workspace = team.workspace

    def campaign(name: str, owner: User, shared: bool) -> Campaign:
        made = campaign_services.campaign_create(actor=manager, workspace=workspace, name=name, owner=owner)
        Campaign.objects.filter(pk=made.pk).update(is_shared_with_clients=shared)
        made.refresh_from_db()
        return made

    campaigns = {
        "KampanyeBagi": campaign("KampanyeBagi", manager, True),
        "KampanyeKontraktor": campaign("KampanyeKontraktor", contractor, False),
        "KampanyeRahasia": campaign("KampanyeRahasia", manager, False),
    }
    account = ChannelAccount.objects.create(
        workspace=workspace, platform="facebook", name="HalamanTim", connector="webhook", config={"url": HOOK_URL}
    )
    items = {
        "KontenBagi": item_services.content_create(
            actor=manager, workspace=workspace, title="KontenBagi", is_shared_with_clients=True
        ),
        "KontenKontraktor": item_services.content_create(
            actor=manager, workspace=workspace, title="KontenKontraktor", owner=contractor
        ),
        "KontenRahasia": item_services.content_create(
            actor=manager, workspace=workspace, title="KontenRahasia", campaign=campaigns["KampanyeRahasia"]
        ),
    }
    posts, media = {}, {}
    soon = timezone.now() + dt.timedelta(days=1)
    for suffix, item in zip(("Bagi", "Kontraktor", "Rahasia"), items.values(), strict=True):
        variant = ContentVariant.objects.create(
            item=item, workspace=workspace, platform="facebook", account=account, text=f"TeksPost{suffix}"
        )
        media[f"Media{suffix}"] = asset = _asset(team, f"Media{suffix}")
        variant.media.add(asset)
        posts[f"TeksPost{suffix}"] = Post.objects.create(
            workspace=workspace,
            item=item,
            variant=variant,
            account=account,
            platform="facebook",
            publish_at=soon,
            next_attempt_at=soon,
            idempotency_key=uuid.uuid4().hex,
        )
    period = Period.objects.create(workspace=workspace, name="PeriodeUtama", start=dt.date(2026, 7, 1), end=dt.date(2027, 6, 30))
    goals = {name: BusinessGoal.objects.create(workspace=workspace, title=name) for name in ("SasaranBagi", "SasaranRahasia")}

    def objective(title: str, shared: bool, goal: BusinessGoal | None) -> Objective:
        return Objective.objects.create(
            workspace=workspace,
            period=period,
            business_goal=goal,
            title=title,
            owner=manager,
            created_by=manager,
            is_shared_with_clients=shared,
        )

    objectives = {
        "TujuanBagi": objective("TujuanBagi", True, goals["SasaranBagi"]),
        "TujuanKontraktor": objective("TujuanKontraktor", False, None),
        "TujuanRahasia": objective("TujuanRahasia", False, goals["SasaranRahasia"]),
    }

    def key_result(title: str, objective: Objective, owner: User) -> KeyResult:
        return KeyResult.objects.create(
            workspace=workspace,
            objective=objective,
            title=title,
            metric="pengikut",
            direction="increase_to",
            target_value=Decimal(100),
            deadline=dt.date(2027, 6, 30),
            owner=owner,
            created_by=manager,
        )

    key_results = {
        "HasilBagi": key_result("HasilBagi", objectives["TujuanBagi"], manager),
        "HasilKontraktor": key_result("HasilKontraktor", objectives["TujuanKontraktor"], contractor),
        "HasilTetangga": key_result("HasilTetangga", objectives["TujuanKontraktor"], manager),
        "HasilRahasia": key_result("HasilRahasia", objectives["TujuanRahasia"], manager),
    }
    for title, campaign_name, owner in (
        ("TugasBagi", "KampanyeBagi", designer),
        ("TugasTimKontraktor", "KampanyeKontraktor", designer),
        ("TugasKontraktor", "KampanyeRahasia", contractor),
        ("TugasRahasia", "KampanyeRahasia", designer),
    ):
        campaign_services.task_create(
            actor=manager,
            campaign=campaigns[campaign_name],
            title=title,
            owner=owner,
            estimate_hours="5",
            due_date=timezone.localdate(),
        )
    Initiative.objects.create(
        workspace=workspace,
        title="InisiatifRahasia",
        reach=100,
        impact=Decimal(1),
        confidence_percent=50,
        effort_weeks=Decimal(1),
        ice_impact=5,
        ice_confidence=5,
        ice_ease=5,
        rice=Decimal(50),
        ice=125,
        created_by=manager,
    )
    Playbook.objects.create(workspace=workspace, name="PlaybookRahasia", kind=Playbook.Kind.QA, items=["cek"], created_by=manager)
    CalendarEvent.objects.create(workspace=workspace, title="HariTim", start_date=timezone.localdate(), created_by=manager)
    approval_services.approval_route_set(actor=manager, workspace=workspace, mode="none")
    return World(team, campaigns, items, posts, media, objectives, key_results, account)


def _page(login: Callable[[User], Client], world: World, role: Role) -> Client:
    return login(world.team.user(role))


def _api(world: World, role: Role, make_token: Callable[..., tuple[object, str]]) -> Client:
    _token, secret = make_token(world.team.user(role), world.team.workspace)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _shown(body: str, markers: set[str]) -> set[str]:
    return {marker for marker in markers if marker in body}


# What each role reaches, per kind: the markers (titles, texts) it must find; the others must not show.
REACHED: dict[str, dict[Role, set[str]]] = {
    "campaign": {
        CLIENT: {"KampanyeBagi"},
        CONTRACTOR: {"KampanyeKontraktor"},
        TEAM: {"KampanyeBagi", "KampanyeKontraktor", "KampanyeRahasia"},
    },
    "item": {
        CLIENT: {"KontenBagi"},
        CONTRACTOR: {"KontenKontraktor"},
        TEAM: {"KontenBagi", "KontenKontraktor", "KontenRahasia"},
    },
    "post": {
        CLIENT: {"KontenBagi"},
        CONTRACTOR: {"KontenKontraktor"},
        TEAM: {"KontenBagi", "KontenKontraktor", "KontenRahasia"},
    },
    "media": {
        CLIENT: {"MediaBagi"},
        CONTRACTOR: {"MediaKontraktor"},
        TEAM: {"MediaBagi", "MediaKontraktor", "MediaRahasia"},
    },
    "objective": {
        CLIENT: {"TujuanBagi", "HasilBagi"},
        CONTRACTOR: {"TujuanKontraktor", "HasilKontraktor"},
        TEAM: {
            "TujuanBagi",
            "TujuanKontraktor",
            "TujuanRahasia",
            "HasilBagi",
            "HasilKontraktor",
            "HasilTetangga",
            "HasilRahasia",
        },
    },
    "business_goal": {CLIENT: {"SasaranBagi"}, CONTRACTOR: set(), TEAM: {"SasaranBagi", "SasaranRahasia"}},
    "account": {CLIENT: set(), CONTRACTOR: set(), TEAM: {"HalamanTim"}},
    "initiative": {CLIENT: set(), CONTRACTOR: set(), TEAM: {"InisiatifRahasia"}},
    "playbook": {CLIENT: set(), CONTRACTOR: set(), TEAM: {"PlaybookRahasia"}},
    "calendar_event": {CLIENT: set(), CONTRACTOR: set(), TEAM: {"HariTim"}},
    # A filter dropdown of the content list names campaigns: only those the member reaches.
    "campaign_dropdown": {
        CLIENT: {"KampanyeBagi"},
        CONTRACTOR: {"KampanyeKontraktor"},
        TEAM: {"KampanyeBagi", "KampanyeKontraktor", "KampanyeRahasia"},
    },
}
ALL = {kind: set().union(*by_role.values()) for kind, by_role in REACHED.items()}

# (kind, page or API, how to build the list's URL)
LISTS: list[tuple[str, str, Callable[[World], str]]] = [
    ("campaign", "page", lambda w: reverse("campaigns:campaign_list", args=["kopi"])),
    ("campaign", "api", lambda w: "/api/v1/workspaces/kopi/campaigns"),
    ("item", "page", lambda w: reverse("content:item_list", args=["kopi"])),
    ("item", "api", lambda w: "/api/v1/workspaces/kopi/content"),
    ("post", "page", lambda w: reverse("publishing:queue", args=["kopi"])),
    ("post", "api", lambda w: "/api/v1/workspaces/kopi/posts"),
    ("media", "page", lambda w: reverse("content:media", args=["kopi"])),
    ("media", "api", lambda w: "/api/v1/workspaces/kopi/media"),
    (
        "objective",
        "page",
        lambda w: reverse("strategy:okr_board", args=["kopi"]) + f"?period={w.objectives['TujuanBagi'].period_id}",
    ),
    ("objective", "api", lambda w: "/api/v1/workspaces/kopi/objectives"),
    ("business_goal", "page", lambda w: reverse("strategy:alignment", args=["kopi"])),
    ("business_goal", "api", lambda w: "/api/v1/workspaces/kopi/business-goals"),
    ("account", "page", lambda w: reverse("publishing:accounts", args=["kopi"])),
    ("account", "api", lambda w: "/api/v1/workspaces/kopi/channel-accounts"),
    ("initiative", "page", lambda w: reverse("campaigns:initiatives", args=["kopi"])),
    ("initiative", "api", lambda w: "/api/v1/workspaces/kopi/initiatives"),
    ("playbook", "page", lambda w: reverse("campaigns:playbooks", args=["kopi"])),
    ("playbook", "api", lambda w: "/api/v1/workspaces/kopi/playbooks"),
    ("calendar_event", "page", lambda w: reverse("content:calendar", args=["kopi"])),
    (
        "calendar_event",
        "api",
        lambda w: (
            f"/api/v1/workspaces/kopi/calendar?start={timezone.localdate()}&end={timezone.localdate() + dt.timedelta(days=6)}"
        ),
    ),
    ("campaign_dropdown", "page", lambda w: reverse("content:item_list", args=["kopi"])),
]


@pytest.mark.parametrize("role", [CLIENT, CONTRACTOR, TEAM], ids=lambda r: r.value)
@pytest.mark.parametrize(("kind", "channel", "url"), LISTS, ids=[f"{kind}-{channel}" for kind, channel, _url in LISTS])
def test_lists_hold_only_what_the_role_reaches(
    world: World,
    role: Role,
    kind: str,
    channel: str,
    url: Callable[[World], str],
    login: Callable[[User], Client],
    make_token: Callable[..., tuple[object, str]],
) -> None:
    client = _page(login, world, role) if channel == "page" else _api(world, role, make_token)
    response = client.get(url(world))
    assert response.status_code == 200, response.content[:300]
    assert _shown(response.content.decode(), ALL[kind]) == REACHED[kind][role]


# (kind, page or API, URL of one object's detail for each marker)
DETAILS: list[tuple[str, str, Callable[[World, str], str]]] = [
    ("campaign", "page", lambda w, m: reverse("campaigns:campaign_detail", args=["kopi", w.campaigns[m].pk])),
    ("campaign", "api", lambda w, m: f"/api/v1/workspaces/kopi/campaigns/{w.campaigns[m].pk}"),
    ("item", "page", lambda w, m: reverse("content:item_detail", args=["kopi", w.items[m].pk])),
    ("item", "api", lambda w, m: f"/api/v1/workspaces/kopi/content/{w.items[m].pk}"),
    ("post", "page", lambda w, m: reverse("publishing:post_detail", args=["kopi", w.posts[m.replace("Konten", "TeksPost")].pk])),
    ("post", "api", lambda w, m: f"/api/v1/workspaces/kopi/posts/{w.posts[m.replace('Konten', 'TeksPost')].pk}"),
    ("media", "page", lambda w, m: reverse("content:media_detail", args=["kopi", w.media[m].pk])),
    ("media", "api", lambda w, m: f"/api/v1/workspaces/kopi/media/{w.media[m].pk}"),
]


@pytest.mark.parametrize("role", [CLIENT, CONTRACTOR, TEAM], ids=lambda r: r.value)
@pytest.mark.parametrize(("kind", "channel", "url"), DETAILS, ids=[f"{kind}-{channel}" for kind, channel, _url in DETAILS])
def test_details_open_only_for_what_the_role_reaches(
    world: World,
    role: Role,
    kind: str,
    channel: str,
    url: Callable[[World, str], str],
    login: Callable[[User], Client],
    make_token: Callable[..., tuple[object, str]],
) -> None:
    client = _page(login, world, role) if channel == "page" else _api(world, role, make_token)
    for marker in sorted(ALL[kind]):
        response = client.get(url(world, marker))
        if marker in REACHED[kind][role]:
            assert response.status_code == 200, (marker, response.content[:300])
        else:
            assert response.status_code in (403, 404), marker


@pytest.mark.parametrize("role", [CLIENT, CONTRACTOR, TEAM], ids=lambda r: r.value)
def test_objective_and_key_result_details(
    world: World, role: Role, login: Callable[[User], Client], make_token: Callable[..., tuple[object, str]]
) -> None:
    page, api = _page(login, world, role), _api(world, role, make_token)
    reached = REACHED["objective"][role]
    for title, objective in world.objectives.items():
        expected = 200 if title in reached else 404
        assert page.get(reverse("strategy:objective_detail", args=["kopi", objective.pk])).status_code == expected
        assert api.get(f"/api/v1/workspaces/kopi/objectives/{objective.pk}").status_code == expected
    for title, key_result in world.key_results.items():
        answer = api.get(f"/api/v1/workspaces/kopi/key-results/{key_result.pk}/check-ins")
        assert answer.status_code == (200 if title in reached else 404), title
    # The contractor's objective shows their own key result, not a teammate's.
    detail = page.get(reverse("strategy:objective_detail", args=["kopi", world.objectives["TujuanKontraktor"].pk]))
    if role == CONTRACTOR:
        assert "HasilKontraktor" in detail.content.decode() and "HasilTetangga" not in detail.content.decode()


@pytest.mark.parametrize("role", [CLIENT, CONTRACTOR, TEAM], ids=lambda r: r.value)
def test_account_details_and_webhook_urls(
    world: World, role: Role, login: Callable[[User], Client], make_token: Callable[..., tuple[object, str]]
) -> None:
    page = _page(login, world, role).get(reverse("publishing:account_detail", args=["kopi", world.account.pk]))
    api = _api(world, role, make_token).get("/api/v1/workspaces/kopi/channel-accounts")
    if role == TEAM:
        assert page.status_code == 200 and HOOK_URL in page.content.decode() + api.content.decode()
    else:
        assert page.status_code == 404
        assert api.json() == []
    # Nowhere in the content pages either: the item editor offers no accounts to outside members.
    item = world.items["KontenBagi" if role == CLIENT else "KontenKontraktor"]
    editor = _page(login, world, role).get(reverse("content:item_detail", args=["kopi", item.pk])).content.decode()
    assert (HOOK_URL in editor) is False


@pytest.mark.parametrize("role", [CLIENT, CONTRACTOR, TEAM], ids=lambda r: r.value)
def test_tasks_and_capacity(
    world: World, role: Role, login: Callable[[User], Client], make_token: Callable[..., tuple[object, str]]
) -> None:
    """Tasks are the team's work: a contractor sees those of their campaigns and their own, a client none;
    capacity shows an outside member only their own row."""
    tasks = {"TugasBagi", "TugasTimKontraktor", "TugasKontraktor", "TugasRahasia"}
    membership = world.team.membership(role)
    seen = {task.title for task in scope(Task.objects.all(), membership)}
    expected = {CLIENT: set(), CONTRACTOR: {"TugasTimKontraktor", "TugasKontraktor"}, TEAM: tasks}[role]
    assert seen == expected
    api = _api(world, role, make_token)
    for name, campaign in world.campaigns.items():
        answer = api.get(f"/api/v1/workspaces/kopi/campaigns/{campaign.pk}/tasks")
        if name in REACHED["campaign"][role]:
            listed = {task["title"] for task in answer.json()}
            assert listed == {t.title for t in Task.objects.filter(campaign=campaign)} & expected
        else:
            assert answer.status_code == 404
        board = _page(login, world, role).get(reverse("campaigns:task_board", args=["kopi", campaign.pk]))
        if name in REACHED["campaign"][role]:
            assert _shown(board.content.decode(), tasks) == listed
        else:
            assert board.status_code == 404
    rows = campaign_selectors.capacity_grid(membership, first_week=timezone.localdate())
    names = {row.user_id for row in rows}
    assert names == ({membership.user_id} if role != TEAM else {m.pk for m in world.team.members.values()})
    page = _page(login, world, role).get(reverse("campaigns:capacity", args=["kopi"])).content.decode()
    assert ("Manager Kopi Kita" in page) is (role == TEAM)


@pytest.mark.parametrize("role", [CLIENT, CONTRACTOR, TEAM], ids=lambda r: r.value)
def test_workspace_settings_of_the_team_are_closed_to_outside_roles(
    world: World, role: Role, login: Callable[[User], Client], make_token: Callable[..., tuple[object, str]]
) -> None:
    """Campaign rules (spend thresholds), workflows, approval routes and publishing settings."""
    api, page = _api(world, role, make_token), _page(login, world, role)
    expected = 200 if role == TEAM else 403
    assert api.get("/api/v1/workspaces/kopi/campaign-settings").status_code == expected
    assert api.get("/api/v1/workspaces/kopi/workflow").status_code == expected
    assert api.get("/api/v1/workspaces/kopi/publishing/settings").status_code == expected
    assert page.get(reverse("campaigns:workflow", args=["kopi"])).status_code == expected
    assert page.get(reverse("content:approval_settings", args=["kopi"])).status_code == expected
    routes = api.get("/api/v1/workspaces/kopi/approvals/routes").json()
    assert (routes != []) is (role == TEAM)
    assert (api.get("/api/v1/workspaces/kopi/workflows").json() != []) is (role == TEAM)
    queue = page.get(reverse("publishing:queue", args=["kopi"])).content.decode()
    assert ('data-testid="utm-form"' in queue) is (role == TEAM)
    assert (reverse("publishing:accounts", args=["kopi"]) in queue) is (role == TEAM)
    campaigns = page.get(reverse("campaigns:campaign_list", args=["kopi"])).content.decode()
    assert (reverse("campaigns:workflow", args=["kopi"]) in campaigns) is (role == TEAM)


def test_a_shared_campaign_does_not_show_the_team_rules_to_a_client(world: World, login: Callable[[User], Client]) -> None:
    User.objects.filter(pk__in=[world.team.user(TEAM).pk, world.team.user(CLIENT).pk]).update(language="en")
    url = reverse("campaigns:campaign_detail", args=["kopi", world.campaigns["KampanyeBagi"].pk])
    assert "need a risk register" in login(world.team.user(TEAM)).get(url).content.decode()
    assert "need a risk register" not in login(world.team.user(CLIENT)).get(url).content.decode()


# Comments --------------------------------------------------------------------------------------------


@pytest.fixture
def thread(world: World) -> ContentItem:
    item = world.items["KontenBagi"]
    manager, client = world.team.user(Role.MANAGER), world.team.user(Role.CLIENT)
    collab_services.comment_add(actor=manager, item=item, body="KomentarInternal")
    collab_services.comment_add(actor=manager, item=item, body="KomentarUntukKlien", for_client=True)
    theirs = collab_services.comment_add(actor=client, item=item, body="KomentarKlien")
    collab_services.comment_add(actor=manager, item=item, body="BalasanTim", parent=theirs)
    return item


COMMENTS = {"KomentarInternal", "KomentarUntukKlien", "KomentarKlien", "BalasanTim"}


@pytest.mark.parametrize("role", [CLIENT, Role.MANAGER], ids=lambda r: r.value)
def test_clients_read_only_the_comments_meant_for_them(
    world: World,
    thread: ContentItem,
    role: Role,
    login: Callable[[User], Client],
    make_token: Callable[..., tuple[object, str]],
) -> None:
    expected = COMMENTS - {"KomentarInternal"} if role == CLIENT else COMMENTS
    page = _page(login, world, role).get(reverse("content:comments", args=["kopi", thread.pk]) + "?show=all")
    assert _shown(page.content.decode(), COMMENTS) == expected
    api = _api(world, role, make_token).get(f"/api/v1/workspaces/kopi/content/{thread.pk}/comments")
    assert _shown(api.content.decode(), COMMENTS) == expected
    internal = thread.comments.get(body="KomentarInternal")
    reply = _page(login, world, role).post(
        reverse("content:comment_reply", args=["kopi", thread.pk, internal.pk]), {"body": "Boleh saya lihat?"}
    )
    assert (reply.status_code == 404) is (role == CLIENT)


def test_the_client_review_link_shows_no_internal_comment(world: World, thread: ContentItem) -> None:
    _link, token = approval_services.review_link_create(
        actor=world.team.user(Role.MANAGER), item=thread, reviewer_name="Bu Sari", reviewer_email="sari@klien.id"
    )
    page = Client().get(reverse("content:client_review", args=[token])).content.decode()
    assert _shown(page, COMMENTS) == COMMENTS - {"KomentarInternal"}
    Client().post(reverse("content:client_review", args=[token]), {"action": "comment", "body": "KomentarLewatTautan"})
    assert thread.comments.get(body="KomentarLewatTautan").is_internal is False


def test_team_comments_are_internal_unless_meant_for_clients(world: World, thread: ContentItem) -> None:
    flags = dict(thread.comments.values_list("body", "is_internal"))
    assert flags == {"KomentarInternal": True, "KomentarUntukKlien": False, "KomentarKlien": False, "BalasanTim": False}


# Creating workspaces ---------------------------------------------------------------------------------


def test_outside_members_only_cannot_create_workspaces(
    team: Team, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    for role in (CLIENT, CONTRACTOR):
        guest = team.user(role)
        assert login(guest).get(reverse("accounts:workspace_create")).status_code == 403
        assert login(guest).post(reverse("accounts:workspace_create"), {"name": "Tamu", "slug": "tamu"}).status_code == 403
        with pytest.raises(PermissionDenied):
            account_services.workspace_create(actor=guest, name="Tamu", slug="tamu")
        assert "New workspace" not in login(guest).get(reverse("core:workspace_home", args=["kopi"])).content.decode()
    # A team member, a newcomer without any workspace, and a client who is also on a team still may.
    assert account_services.workspace_create(actor=team.user(TEAM), name="Tim Baru", slug="tim-baru")
    newcomer = make_user("baru@kopi.id")
    assert login(newcomer).get(reverse("accounts:workspace_create")).status_code == 200
    client = team.user(CLIENT)
    other = Workspace.objects.get(slug="tim-baru")
    account_services.membership_add(actor=team.user(TEAM), workspace=other, user=client, role=Role.CAMPAIGN_MANAGER)
    assert account_services.workspace_create(actor=client, name="Milik Klien", slug="milik-klien")


# The rule itself ---------------------------------------------------------------------------------------


def test_every_workspace_model_has_a_visibility_rule() -> None:
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("alur."):
            continue
        names = {field.name for field in model._meta.get_fields()}
        if "workspace" in names and model._meta.label not in VISIBILITY:
            missing.append(model._meta.label)
    assert missing == []
    for label in VISIBILITY:
        apps.get_model(label)  # no rule for a model that does not exist


@pytest.mark.parametrize("role", [CLIENT, CONTRACTOR, TEAM], ids=lambda r: r.value)
def test_every_rule_runs_and_never_means_nothing(world: World, role: Role) -> None:
    membership = world.team.membership(role)
    for label, reach in VISIBILITY.items():
        model = apps.get_model(label)
        found = scope(model._default_manager.all(), membership)
        count = found.count()  # the lookups of the rule exist
        if reach == NEVER and role != TEAM:
            assert count == 0, label
            assert not reaches_kind(membership, model)
        if role == TEAM:
            assert count == model._default_manager.filter(**{reach.workspace: membership.workspace_id}).count(), label


def test_single_object_decisions_follow_the_same_rule(world: World) -> None:
    """``decide`` on one object agrees with the lists, kind by kind."""
    from alur.core.policy import Action, decide

    for role in (CLIENT, CONTRACTOR):
        membership = world.team.membership(role)
        user = world.team.user(role)
        for model, action in ((Campaign, Action.CAMPAIGN_VIEW), (ContentItem, Action.CONTENT_VIEW), (Post, Action.CONTENT_VIEW)):
            listed = set(scope(model._default_manager.all(), membership).values_list("pk", flat=True))
            for obj in model._default_manager.filter(workspace=world.team.workspace):
                assert bool(decide(user, membership, action, obj)) is (obj.pk in listed), (role, obj)


def test_the_migration_opens_client_threads_and_keeps_team_talk_internal(world: World, thread: ContentItem) -> None:
    """Comments written before the flag existed: the clients' threads become visible to clients, the
    rest stays internal."""
    import importlib

    from alur.content.models import Comment

    migration = importlib.import_module("alur.content.migrations.0004_comment_is_internal")
    Comment.objects.filter(item=thread).update(is_internal=True)
    migration.mark_client_threads(apps, None)
    flags = dict(thread.comments.values_list("body", "is_internal"))
    assert flags == {"KomentarInternal": True, "KomentarUntukKlien": True, "KomentarKlien": False, "BalasanTim": False}


def test_an_internal_comment_cannot_mention_a_client(world: World) -> None:
    """The client would be told about a comment they cannot read."""
    from django.core.exceptions import ValidationError

    item, manager = world.items["KontenBagi"], world.team.user(Role.MANAGER)
    with pytest.raises(ValidationError, match="sees only comments meant for clients"):
        collab_services.comment_add(actor=manager, item=item, body="Catatan untuk @client@kopi.id")
    comment = collab_services.comment_add(actor=manager, item=item, body="Untuk @client@kopi.id", for_client=True)
    assert list(comment.mentions.all()) == [world.team.user(Role.CLIENT)]


@pytest.mark.parametrize("role", [CLIENT, TEAM], ids=lambda r: r.value)
def test_a_shared_campaign_names_only_the_key_results_its_reader_reaches(
    world: World, role: Role, make_token: Callable[..., tuple[object, str]]
) -> None:
    campaign = world.campaigns["KampanyeBagi"]
    campaign.key_results.add(world.key_results["HasilBagi"], world.key_results["HasilRahasia"])
    answer = _api(world, role, make_token).get(f"/api/v1/workspaces/kopi/campaigns/{campaign.pk}")
    expected = {"HasilBagi"} if role == CLIENT else {"HasilBagi", "HasilRahasia"}
    assert set(answer.json()["key_result_ids"]) == {world.key_results[name].pk for name in expected}
    listed = _api(world, role, make_token).get("/api/v1/workspaces/kopi/campaigns").json()
    assert {tuple(c["key_result_ids"]) for c in listed if c["id"] == campaign.pk} == {
        tuple(sorted(world.key_results[name].pk for name in expected))
    }
