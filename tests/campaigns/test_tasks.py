"""The action plan: tasks, dependencies without loops, the kanban moves, capacity and overload warnings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from alur.accounts.models import User
from alur.campaigns import selectors, services
from alur.campaigns.models import Campaign, Task
from alur.campaigns.planning import creates_cycle, overload, week_start, weekly_load
from alur.core.roles import Role
from tests.conftest import Team

MONDAY = dt.date(2027, 1, 4)


@pytest.fixture
def campaign(team: Team) -> Campaign:
    return services.campaign_create(
        actor=team.user(Role.CAMPAIGN_MANAGER),
        workspace=team.workspace,
        name="Kampanye tugas",
        owner=team.user(Role.CAMPAIGN_MANAGER),
    )


def task(
    team: Team, campaign: Campaign, title: str, hours: str = "8", owner: Role = Role.DESIGNER, due: dt.date | None = MONDAY
) -> Task:
    return services.task_create(
        actor=team.user(Role.CAMPAIGN_MANAGER),
        campaign=campaign,
        title=title,
        owner=team.user(owner),
        estimate_hours=hours,
        due_date=due,
    )


def test_cycle_detection() -> None:
    edges = [(2, 1), (3, 2)]  # 2 waits for 1, 3 waits for 2
    assert creates_cycle(edges, 1, 3)  # 1 waiting for 3 would loop
    assert creates_cycle(edges, 4, 4)
    assert not creates_cycle(edges, 3, 1)


@given(st.lists(st.tuples(st.integers(1, 6), st.integers(1, 6)), max_size=12))
def test_adding_only_safe_edges_never_makes_a_loop(candidates: list[tuple[int, int]]) -> None:
    edges: list[tuple[int, int]] = []
    for source, target in candidates:
        if not creates_cycle(edges, source, target):
            edges.append((source, target))
    # Topological order exists: repeatedly remove nodes with no outgoing edge.
    remaining = set(edges)
    while remaining:
        sinks = {target for _, target in remaining} - {source for source, _ in remaining}
        assert sinks, "a loop slipped in"
        remaining = {(s, t) for s, t in remaining if t not in sinks}


def test_weekly_load_and_overload() -> None:
    load = weekly_load([(1, MONDAY, Decimal(30)), (1, MONDAY + dt.timedelta(days=4), Decimal(15)), (2, None, Decimal(99))])
    assert load == {(1, MONDAY): Decimal(45)}
    assert overload(load, {1: Decimal(40)}) == {(1, MONDAY): Decimal(5)}
    assert week_start(dt.date(2027, 1, 10)) == MONDAY


def test_dependencies_refuse_loops_and_block_done(team: Team, campaign: Campaign) -> None:
    brief, design, publish = (
        task(team, campaign, "Tulis brief desain"),
        task(team, campaign, "Desain banner"),
        task(team, campaign, "Publikasikan banner"),
    )
    planner = team.user(Role.CAMPAIGN_MANAGER)
    services.task_add_dependency(actor=planner, task=design, depends_on=brief)
    services.task_add_dependency(actor=planner, task=publish, depends_on=design)
    with pytest.raises(ValidationError, match="loop"):
        services.task_add_dependency(actor=planner, task=brief, depends_on=publish)
    with pytest.raises(ValidationError, match="loop"):
        services.task_add_dependency(actor=planner, task=brief, depends_on=brief)
    with pytest.raises(ValidationError, match="Tulis brief desain"):
        services.task_move(actor=planner, task=design, status="done")
    services.task_move(actor=team.user(Role.DESIGNER), task=brief, status="done")  # the owner moves their own card
    services.task_move(actor=planner, task=design, status="done")
    assert Task.objects.get(pk=design.pk).status == "done"


def test_kanban_positions_stay_in_order(team: Team, campaign: Campaign) -> None:
    a, b, c = task(team, campaign, "Tugas A"), task(team, campaign, "Tugas B"), task(team, campaign, "Tugas C")
    planner = team.user(Role.CAMPAIGN_MANAGER)
    for item in (a, b, c):
        services.task_move(actor=planner, task=item, status="doing", position=0)
    assert list(Task.objects.filter(status="doing").order_by("position").values_list("title", flat=True)) == [
        "Tugas C",
        "Tugas B",
        "Tugas A",
    ]
    with pytest.raises(ValidationError):
        services.task_move(actor=planner, task=a, status="archived")


def test_who_may_plan_and_move(team: Team, campaign: Campaign) -> None:
    with pytest.raises(PermissionDenied):
        services.task_create(
            actor=team.user(Role.DESIGNER),
            campaign=campaign,
            title="Tugas sendiri",
            owner=team.user(Role.DESIGNER),
            estimate_hours="2",
        )
    item = task(team, campaign, "Tugas klien")
    with pytest.raises(PermissionDenied):
        services.task_move(actor=team.user(Role.CLIENT), task=item, status="doing")
    with pytest.raises(ValidationError) as error:
        services.task_create(
            actor=team.user(Role.CAMPAIGN_MANAGER),
            campaign=campaign,
            title="x",
            owner=team.user(Role.DESIGNER),
            estimate_hours="banyak",
        )
    assert {"title"} <= set(error.value.message_dict) or "estimate_hours" in error.value.message_dict


def test_capacity_shows_overload_before_assigning(team: Team, campaign: Campaign, login: Callable[[User], Client]) -> None:
    task(team, campaign, "Desain feed minggu 1", hours="30")
    hint = selectors.capacity_hint(
        team.membership(Role.CAMPAIGN_MANAGER),
        user_id=team.user(Role.DESIGNER).pk,
        due_date=MONDAY + dt.timedelta(days=2),
        extra_hours=Decimal(15),
    )
    assert hint == (Decimal(45), Decimal(40), True)
    client = login(team.user(Role.CAMPAIGN_MANAGER))
    url = reverse("campaigns:capacity_hint", args=[team.workspace.slug])
    response = client.get(
        url, {"owner": team.user(Role.DESIGNER).pk, "due_date": MONDAY.isoformat(), "estimate_hours": "15"}
    ).content.decode()
    assert "45" in response and "text-danger" in response
    assert client.get(url, {"owner": "x", "due_date": "kemarin"}).status_code == 200
    grid = selectors.capacity_grid(team.membership(Role.CAMPAIGN_MANAGER), first_week=MONDAY)
    designer_row = next(row for row in grid if row.user_id == team.user(Role.DESIGNER).pk)
    assert designer_row.weeks[0] == (MONDAY, Decimal(30), False)


def test_the_board_the_timeline_and_the_capacity_pages(team: Team, campaign: Campaign, login: Callable[[User], Client]) -> None:
    client = login(team.user(Role.CAMPAIGN_MANAGER))
    board = reverse("campaigns:task_board", args=[team.workspace.slug, campaign.pk])
    client.post(
        board,
        {
            "title": "Tulis email peluncuran",
            "owner": team.user(Role.CONTENT_CREATOR).pk,
            "estimate_hours": "6",
            "due_date": "2027-01-06",
            "checklist": "Draf\nReview legal",
        },
    )
    created = Task.objects.get()
    assert created.checklist == [{"text": "Draf", "done": False}, {"text": "Review legal", "done": False}]
    bad = client.post(board, {"title": "Tugas", "owner": "abc", "estimate_hours": "6"}, follow=True)
    assert "alert-danger" in bad.content.decode()
    assert Task.objects.count() == 1
    client.post(
        reverse("campaigns:task_move", args=[team.workspace.slug, campaign.pk, created.pk]),
        {"status": "review", "position": "0"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert Task.objects.get().status == "review"
    client.post(reverse("campaigns:task_checklist", args=[team.workspace.slug, campaign.pk, created.pk]), {"index": "1"})
    assert Task.objects.get().checklist[1]["done"] is True
    assert "Tulis email peluncuran" in client.get(board).content.decode()
    assert (
        "Tulis email peluncuran"
        in client.get(reverse("campaigns:task_timeline", args=[team.workspace.slug, campaign.pk])).content.decode()
    )
    assert 'data-testid="capacity"' in client.get(reverse("campaigns:capacity", args=[team.workspace.slug])).content.decode()


def test_playbooks_are_offered_created_and_applied_as_tasks(
    team: Team, campaign: Campaign, login: Callable[[User], Client]
) -> None:
    from alur.campaigns.models import Playbook

    client = login(team.user(Role.CAMPAIGN_MANAGER))
    page = client.get(reverse("campaigns:playbooks", args=[team.workspace.slug])).content.decode()
    assert "Checklist peluncuran" in page and "Persyaratan hukum" in page  # built-in, in the workspace's language
    launch = Playbook.objects.get(workspace=team.workspace, kind="launch")
    client.post(reverse("campaigns:playbook_apply", args=[team.workspace.slug, campaign.pk]), {"playbook": launch.pk})
    created = Task.objects.get(campaign=campaign)
    assert created.title == "Checklist peluncuran" and len(created.checklist) == 5 and created.owner == campaign.owner
    manager = login(team.user(Role.MANAGER))
    manager.post(
        reverse("campaigns:playbooks", args=[team.workspace.slug]),
        {"name": "QA TikTok", "kind": "qa", "items": "Musik berlisensi\nTeks di zona aman"},
    )
    assert Playbook.objects.get(name="QA TikTok").items == ["Musik berlisensi", "Teks di zona aman"]
    bad = manager.post(
        reverse("campaigns:playbooks", args=[team.workspace.slug]), {"name": "x", "kind": "nope", "items": ""}, follow=True
    )
    assert "alert-danger" in bad.content.decode()
    with pytest.raises(PermissionDenied):
        services.playbook_create(
            actor=team.user(Role.DESIGNER), workspace=team.workspace, name="Tidak boleh", kind="qa", items=["a"]
        )


def test_timeline_bars_end_on_the_due_date_and_last_the_estimate() -> None:
    from alur.campaigns.planning import gantt_bars

    window = gantt_bars([(1, dt.date(2027, 1, 10), Decimal(16)), (2, dt.date(2027, 1, 19), Decimal(4))])
    assert window is not None
    first, last, bars = window
    assert (first, last) == (dt.date(2027, 1, 9), dt.date(2027, 1, 19))  # 16 hours = 2 days ending on the 10th
    assert bars[1] == (0, 18) and bars[2] == (90, 9)
    assert gantt_bars([]) is None


@given(
    st.lists(
        st.tuples(st.integers(1, 50), st.dates(dt.date(2027, 1, 1), dt.date(2027, 12, 31)), st.decimals("0.5", "200", places=1)),
        max_size=20,
        unique_by=lambda t: t[0],
    )
)
def test_timeline_bars_stay_inside_the_window(tasks: list[tuple[int, dt.date, Decimal]]) -> None:
    from alur.campaigns.planning import gantt_bars

    window = gantt_bars(tasks)
    if not tasks:
        assert window is None
        return
    assert window is not None
    for offset, width in window[2].values():
        assert 0 <= offset <= 100 and width >= 1 and offset + width <= 100


def test_the_board_with_several_tasks_adds_removes_and_refuses_dependency_loops(
    team: Team, campaign: Campaign, login: Callable[[User], Client]
) -> None:
    """Through the real URLs: the board renders with several tasks, a dependency is added and removed, a loop is
    refused with its reason, and a task of another campaign cannot be chosen."""
    brief, design, publish = (
        task(team, campaign, "Tulis brief desain"),
        task(team, campaign, "Desain banner"),
        task(team, campaign, "Publikasikan banner"),
    )
    client = login(team.user(Role.CAMPAIGN_MANAGER))
    slug = team.workspace.slug
    board = reverse("campaigns:task_board", args=[slug, campaign.pk])
    page = client.get(board)
    assert page.status_code == 200
    assert 'data-testid="dependency-form"' in page.content.decode()
    add = reverse("campaigns:task_dependency", args=[slug, campaign.pk])

    response = client.post(add, {"task": design.pk, "depends_on": brief.pk}, follow=True)
    assert response.status_code == 200 and "alert-success" in response.content.decode()
    client.post(add, {"task": publish.pk, "depends_on": design.pk})
    assert list(design.depends_on.all()) == [brief] and list(publish.depends_on.all()) == [design]

    loop = client.post(add, {"task": brief.pk, "depends_on": publish.pk}, follow=True).content.decode()
    assert "alert-danger" in loop and "akan membuat" in loop  # the reason, in the member's language (Indonesian)
    assert not brief.depends_on.exists()
    assert "alert-danger" in client.post(add, {"task": brief.pk, "depends_on": "x"}, follow=True).content.decode()

    page = client.get(board).content.decode()
    remove = reverse("campaigns:task_dependency_remove", args=[slug, campaign.pk, publish.pk, design.pk])
    assert remove in page  # each card offers removing what it waits for
    assert client.get(remove).status_code == 405
    response = client.post(remove, follow=True)
    assert response.status_code == 200 and "alert-success" in response.content.decode()
    assert not publish.depends_on.exists() and list(design.depends_on.all()) == [brief]
    # Removing a dependency that is not there says so instead of pretending.
    assert "alert-danger" in client.post(remove, follow=True).content.decode()

    from alur.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="task.dependency_remove", object_id=str(publish.pk)).exists()

    # A task of another campaign is not found, and a member without planning rights is refused.
    other = services.campaign_create(
        actor=team.user(Role.CAMPAIGN_MANAGER),
        workspace=team.workspace,
        name="Kampanye lain",
        owner=team.user(Role.CAMPAIGN_MANAGER),
    )
    stranger = task(team, other, "Tugas kampanye lain")
    assert client.post(add, {"task": design.pk, "depends_on": stranger.pk}).status_code == 404
    designer = login(team.user(Role.DESIGNER))
    assert designer.get(board).status_code == 200
    designer.post(add, {"task": publish.pk, "depends_on": brief.pk})
    assert not publish.depends_on.exists()
    designer.post(reverse("campaigns:task_dependency_remove", args=[slug, campaign.pk, design.pk, brief.pk]))
    assert list(design.depends_on.all()) == [brief]
