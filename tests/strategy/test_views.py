"""OKR pages through HTTP: board, objective page, key-result form errors, check-ins, review, alignment, visibility."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from alur.accounts.models import User
from alur.core.roles import Role
from alur.strategy import services
from alur.strategy.models import CheckIn, KeyResult, Objective, Period
from tests.conftest import Team

KR_FORM = {
    "title": "Meningkatkan jumlah followers Instagram sebesar 50% dalam 6 bulan",
    "metric": "Followers Instagram",
    "unit": "followers",
    "direction": "increase_to",
    "start_value": "10.000",
    "target_value": "",
    "target_change_percent": "50",
    "deadline": "2026-12-31",
    "weight": "1",
}


def test_the_board_invites_to_create_a_period_first(team: Team, login: Callable[[User], Client]) -> None:
    page = login(team.user(Role.MANAGER)).get(reverse("strategy:okr_board", args=[team.workspace.slug])).content.decode()
    assert reverse("strategy:period_create", args=[team.workspace.slug]) in page


def test_a_strategist_sets_an_objective_and_its_key_result_through_the_pages(
    team: Team, period: Period, login: Callable[[User], Client]
) -> None:
    strategist = team.user(Role.STRATEGIST)
    client = login(strategist)
    response = client.post(
        reverse("strategy:objective_create", args=[team.workspace.slug]),
        {
            "title": "Meningkatkan brand awareness di kalangan milenial",
            "period": period.pk,
            "owner": strategist.pk,
            "business_goal": "",
        },
        follow=True,
    )
    objective = Objective.objects.get()
    assert response.redirect_chain[-1][0] == reverse("strategy:objective_detail", args=[team.workspace.slug, objective.pk])
    form = {**KR_FORM, "owner": team.user(Role.SOCIAL_MEDIA_SPECIALIST).pk, "start_value": "10000"}
    client.post(reverse("strategy:key_result_create", args=[team.workspace.slug, objective.pk]), form)
    key_result = KeyResult.objects.get()
    assert key_result.target_value == 15000
    client.post(
        reverse("strategy:key_result_check_in", args=[team.workspace.slug, key_result.pk]),
        {"value": "12.500,5".replace(".", ""), "confidence": "8"},
    )
    page = client.get(reverse("strategy:objective_detail", args=[team.workspace.slug, objective.pk])).content.decode()
    assert "<svg" in page and "alur-chart" in page
    assert CheckIn.objects.get().value == pytest.approx(12500.5)


def test_a_key_result_that_is_not_smart_stays_on_the_page_with_its_reasons(
    team: Team, objective: Objective, login: Callable[[User], Client]
) -> None:
    client = login(team.user(Role.STRATEGIST))  # the demo team works in Indonesian
    form = {**KR_FORM, "metric": "", "unit": "", "deadline": "2027-05-01", "owner": team.user(Role.STRATEGIST).pk}
    response = client.post(reverse("strategy:key_result_create", args=[team.workspace.slug, objective.pk]), form)
    assert response.status_code == 422
    page = response.content.decode()
    for part in ("Belum spesifik", "Belum terukur", "Belum berbatas waktu"):
        assert part in page
    assert 'value="Meningkatkan jumlah followers Instagram sebesar 50% dalam 6 bulan"' in page  # the input is kept
    assert not KeyResult.objects.exists()


def test_a_bad_check_in_is_explained_and_nothing_is_saved(
    team: Team, objective: Objective, login: Callable[[User], Client]
) -> None:
    key_result = services.key_result_create(
        actor=team.user(Role.STRATEGIST),
        objective=objective,
        title=KR_FORM["title"],
        metric="Followers",
        unit="followers",
        direction="increase_to",
        start_value="10000",
        target_value="15000",
        deadline=dt.date(2026, 12, 31),
        owner=team.user(Role.STRATEGIST),
    )
    client = login(team.user(Role.STRATEGIST))
    response = client.post(
        reverse("strategy:key_result_check_in", args=[team.workspace.slug, key_result.pk]),
        {"value": "banyak", "confidence": "12"},
        follow=True,
    )
    assert "alert-danger" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_clients_see_only_shared_objectives_and_contractors_only_their_own(
    team: Team, period: Period, login: Callable[[User], Client]
) -> None:
    manager = team.user(Role.MANAGER)
    shared = services.objective_create(
        actor=manager,
        workspace=team.workspace,
        title="Objective untuk klien",
        period=period,
        owner=manager,
        is_shared_with_clients=True,
    )
    internal = services.objective_create(
        actor=manager, workspace=team.workspace, title="Objective internal saja", period=period, owner=manager
    )
    contractor = team.user(Role.CONTRACTOR)
    services.key_result_create(
        actor=manager,
        objective=internal,
        title="Menerbitkan 12 artikel blog sebelum akhir tahun",
        metric="Artikel",
        unit="artikel",
        direction="increase_to",
        start_value="0",
        target_value="12",
        deadline=dt.date(2026, 12, 31),
        owner=contractor,
    )
    board = reverse("strategy:okr_board", args=[team.workspace.slug])
    client_page = login(team.user(Role.CLIENT)).get(board).content.decode()
    assert "Objective untuk klien" in client_page and "Objective internal saja" not in client_page
    contractor_page = login(contractor).get(board).content.decode()
    assert "Objective internal saja" in contractor_page and "Objective untuk klien" not in contractor_page
    assert (
        login(team.user(Role.CLIENT))
        .get(reverse("strategy:objective_detail", args=[team.workspace.slug, internal.pk]))
        .status_code
        == 404
    )
    assert (
        login(team.user(Role.CLIENT)).get(reverse("strategy:objective_detail", args=[team.workspace.slug, shared.pk])).status_code
        == 200
    )


def test_objectives_of_another_workspace_answer_404(
    team: Team, other_team: Team, objective: Objective, login: Callable[[User], Client]
) -> None:
    outsider = login(other_team.user(Role.MANAGER))
    assert outsider.get(reverse("strategy:objective_detail", args=[team.workspace.slug, objective.pk])).status_code == 404
    assert outsider.get(reverse("strategy:objective_detail", args=[other_team.workspace.slug, objective.pk])).status_code == 404


def test_creators_cannot_open_the_objective_form(team: Team, period: Period, login: Callable[[User], Client]) -> None:
    assert (
        login(team.user(Role.CONTENT_CREATOR)).get(reverse("strategy:objective_create", args=[team.workspace.slug])).status_code
        == 403
    )


def test_the_review_page_saves_the_review(team: Team, objective: Objective, login: Callable[[User], Client]) -> None:
    key_result = services.key_result_create(
        actor=team.user(Role.STRATEGIST),
        objective=objective,
        title=KR_FORM["title"],
        metric="Followers",
        unit="followers",
        direction="increase_to",
        start_value="10000",
        target_value="15000",
        deadline=dt.date(2026, 12, 31),
        owner=team.user(Role.STRATEGIST),
    )
    client = login(team.user(Role.MANAGER))
    url = reverse("strategy:objective_review", args=[team.workspace.slug, objective.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reflection": "pendek"}).status_code == 200
    client.post(url, {"reflection": "Konten video pendek paling efektif; lanjutkan.", f"decision_{key_result.pk}": "carry_over"})
    objective.refresh_from_db()
    assert objective.reviewed_at is not None


def test_the_alignment_tree_shows_goal_objective_and_key_results(
    team: Team, period: Period, login: Callable[[User], Client]
) -> None:
    manager = team.user(Role.MANAGER)
    goal = services.business_goal_create(actor=manager, workspace=team.workspace, title="Tumbuhkan pendapatan online")
    services.objective_create(
        actor=manager,
        workspace=team.workspace,
        title="Meningkatkan konversi website",
        period=period,
        owner=manager,
        business_goal=goal,
    )
    page = login(manager).get(reverse("strategy:alignment", args=[team.workspace.slug])).content.decode()
    assert page.index("Tumbuhkan pendapatan online") < page.index("Meningkatkan konversi website")


def test_bad_period_input_is_explained(team: Team, login: Callable[[User], Client]) -> None:
    client = login(team.user(Role.MANAGER))
    response = client.post(
        reverse("strategy:period_create", args=[team.workspace.slug]),
        {"name": "Q1", "start": "2027-03-01", "end": "2027-01-01"},
        follow=True,
    )
    assert "alert-danger" in response.content.decode()
    assert not Period.objects.exists()


def test_an_objective_is_edited_and_the_change_audited(team: Team, objective: Objective, login: Callable[[User], Client]) -> None:
    from alur.core.models import AuditEvent

    client = login(team.user(Role.MANAGER))
    url = reverse("strategy:objective_edit", args=[team.workspace.slug, objective.pk])
    assert client.get(url).status_code == 200
    data = {
        "title": "Brand awareness milenial kota besar",
        "period": objective.period_id,
        "owner": team.user(Role.MANAGER).pk,
        "business_goal": "",
        "is_shared_with_clients": "on",
    }
    client.post(url, data)
    objective.refresh_from_db()
    assert (objective.title, objective.is_shared_with_clients, objective.owner) == (
        "Brand awareness milenial kota besar",
        True,
        team.user(Role.MANAGER),
    )
    event = AuditEvent.objects.get(action="objective.update")
    assert event.before["title"] != event.after["title"]
    bad = client.post(url, {**data, "title": "x"})
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
    assert login(team.user(Role.DESIGNER)).post(url, data).status_code == 403


def _key_result(team: Team, objective: Objective, title: str = "Meningkatkan followers Instagram menjadi 15.000") -> KeyResult:
    return services.key_result_create(
        actor=team.user(Role.STRATEGIST),
        objective=objective,
        title=title,
        metric="Followers Instagram",
        unit="followers",
        direction="increase_to",
        start_value="10000",
        target_value="15000",
        deadline=dt.date(2026, 12, 31),
        owner=team.user(Role.SOCIAL_MEDIA_SPECIALIST),
    )


def test_a_key_result_is_edited_on_its_page(team: Team, objective: Objective, login: Callable[[User], Client]) -> None:
    key_result = _key_result(team, objective)
    client = login(team.user(Role.STRATEGIST))
    detail = reverse("strategy:objective_detail", args=[team.workspace.slug, objective.pk])
    url = reverse("strategy:key_result_edit", args=[team.workspace.slug, key_result.pk])
    assert url in client.get(detail).content.decode()
    form_page = client.get(url).content.decode()
    assert 'value="Meningkatkan followers Instagram menjadi 15.000"' in form_page and 'value="15000"' in form_page
    data = {
        "title": "Meningkatkan followers Instagram menjadi 18.000",
        "metric": "Followers Instagram",
        "unit": "followers",
        "direction": "increase_to",
        "start_value": "10000",
        "target_value": "18000",
        "target_change_percent": "",
        "deadline": "2026-12-31",
        "owner": team.user(Role.SOCIAL_MEDIA_SPECIALIST).pk,
        "weight": "1",
    }
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == detail
    key_result.refresh_from_db()
    assert key_result.title.endswith("18.000") and key_result.target_value == 18000
    bad = client.post(url, {**data, "target_value": "5000", "title": "Judul baru yang tidak disimpan"})
    assert bad.status_code == 422 and "invalid-feedback" in bad.content.decode()
    key_result.refresh_from_db()
    assert key_result.target_value == 18000 and key_result.title.endswith("18.000")
    assert login(team.user(Role.SOCIAL_MEDIA_SPECIALIST)).post(url, data).status_code == 403
    assert url not in login(team.user(Role.SOCIAL_MEDIA_SPECIALIST)).get(detail).content.decode()


def test_a_key_result_is_deleted_after_confirmation(team: Team, objective: Objective, login: Callable[[User], Client]) -> None:
    from alur.campaigns import services as campaigns

    key_result = _key_result(team, objective)
    services.key_result_check_in(actor=team.user(Role.STRATEGIST), key_result=key_result, value="11000", confidence=7)
    client = login(team.user(Role.STRATEGIST))
    detail = reverse("strategy:objective_detail", args=[team.workspace.slug, objective.pk])
    url = reverse("strategy:key_result_delete", args=[team.workspace.slug, key_result.pk])
    assert url in client.get(detail).content.decode()
    confirm = client.get(url)
    assert confirm.status_code == 200 and KeyResult.objects.filter(pk=key_result.pk).exists()  # asking deletes nothing
    page = confirm.content.decode()
    assert 'data-testid="key-result-delete-confirm"' in page and key_result.title in page and "1" in page
    assert login(team.user(Role.SOCIAL_MEDIA_SPECIALIST)).post(url).status_code == 403

    linked = _key_result(team, objective, title="Mendapatkan 20.000 followers dari kampanye")
    campaign = campaigns.campaign_create(
        actor=team.user(Role.CAMPAIGN_MANAGER),
        workspace=team.workspace,
        name="Kampanye followers",
        owner=team.user(Role.CAMPAIGN_MANAGER),
    )
    campaigns.campaign_update(actor=team.user(Role.CAMPAIGN_MANAGER), campaign=campaign, key_result_ids=[linked.pk])
    linked_url = reverse("strategy:key_result_delete", args=[team.workspace.slug, linked.pk])
    assert "Kampanye followers" in client.get(linked_url).content.decode()  # the page says why it cannot go
    refused = client.post(linked_url, follow=True)
    assert "alert-danger" in refused.content.decode() and "Kampanye followers" in refused.content.decode()
    assert KeyResult.objects.filter(pk=linked.pk).exists()

    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == detail and "alert-success" in response.content.decode()
    assert not KeyResult.objects.filter(pk=key_result.pk).exists() and not CheckIn.objects.exists()
