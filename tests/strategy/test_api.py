"""The OKR API: create objectives and key results, check in, read scores; errors and visibility."""

from __future__ import annotations

from collections.abc import Callable

from alur.accounts.models import ApiToken
from alur.core.roles import Role
from alur.strategy.models import Objective, Period
from tests.api.test_api import call
from tests.conftest import Team

TokenMaker = Callable[..., tuple[ApiToken, str]]


def test_an_okr_is_built_and_scored_through_the_api(team: Team, period: Period, make_token: TokenMaker) -> None:
    _, token = make_token(team.user(Role.STRATEGIST), team.workspace, scope="write")
    slug = team.workspace.slug
    created = call(
        "post",
        f"/workspaces/{slug}/objectives",
        token,
        {
            "title": "Meningkatkan konversi penjualan melalui website",
            "period_id": period.pk,
            "owner": team.user(Role.STRATEGIST).email,
        },
    )
    assert created.status_code == 201, created.content
    objective_id = created.json()["id"]
    with_kr = call(
        "post",
        f"/workspaces/{slug}/objectives/{objective_id}/key-results",
        token,
        {
            "title": "Mengurangi tingkat bounce rate website sebesar 10% dalam 3 bulan",
            "metric": "Bounce rate",
            "unit": "%",
            "direction": "decrease_to",
            "start_value": "60",
            "target_change_percent": "10",
            "deadline": "2026-09-30",
            "owner": team.user(Role.PERFORMANCE_MARKETER).email,
        },
    )
    assert with_kr.status_code == 201, with_kr.content
    key_result = with_kr.json()["key_results"][0]
    assert key_result["target_value"] == "54.0000"
    check_in = call(
        "post", f"/workspaces/{slug}/key-results/{key_result['id']}/check-ins", token, {"value": "57", "confidence": 7}
    )
    assert check_in.status_code == 201
    objective = call("get", f"/workspaces/{slug}/objectives/{objective_id}", token).json()
    assert objective["key_results"][0]["grade"] == "0.50"
    assert objective["grade"] == "0.50"
    assert objective["key_results"][0]["status"] == "on_track"
    history = call("get", f"/workspaces/{slug}/key-results/{key_result['id']}/check-ins", token).json()
    assert [h["value"] for h in history] == ["57.0000"]


def test_smart_refusals_come_back_as_422_per_field(team: Team, objective: Objective, make_token: TokenMaker) -> None:
    _, token = make_token(team.user(Role.STRATEGIST), team.workspace, scope="write")
    response = call(
        "post",
        f"/workspaces/{team.workspace.slug}/objectives/{objective.pk}/key-results",
        token,
        {
            "title": "Naik",
            "direction": "increase_to",
            "start_value": "10",
            "target_value": "5",
            "owner": team.user(Role.STRATEGIST).email,
        },
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["detail"]}
    assert {"title", "metric", "unit", "target_value", "deadline"} <= fields
    assert (
        call(
            "post", f"/workspaces/{team.workspace.slug}/objectives/{objective.pk}/key-results", token, {"title": "x"}
        ).status_code
        == 422
    )


def test_an_unknown_owner_or_period_is_a_422_not_a_500(
    team: Team, other_team: Team, period: Period, make_token: TokenMaker
) -> None:
    _, token = make_token(team.user(Role.STRATEGIST), team.workspace, scope="write")
    slug = team.workspace.slug
    body = {"title": "Objective yang cukup panjang", "period_id": period.pk, "owner": other_team.user(Role.MANAGER).email}
    assert call("post", f"/workspaces/{slug}/objectives", token, body).json()["detail"][0]["field"] == "owner"
    body = {**body, "owner": team.user(Role.STRATEGIST).email, "period_id": 999999}
    assert call("post", f"/workspaces/{slug}/objectives", token, body).json()["detail"][0]["field"] == "period_id"


def test_a_client_token_lists_only_shared_objectives_and_cannot_write(
    team: Team, objective: Objective, make_token: TokenMaker
) -> None:
    _, token = make_token(team.user(Role.CLIENT), team.workspace, scope="write")
    assert call("get", f"/workspaces/{team.workspace.slug}/objectives", token).json() == []
    assert call("get", f"/workspaces/{team.workspace.slug}/objectives/{objective.pk}", token).status_code == 404
    body = {"title": "Objective dari klien", "period_id": objective.period_id, "owner": team.user(Role.CLIENT).email}
    assert call("post", f"/workspaces/{team.workspace.slug}/objectives", token, body).status_code == 403


def test_goals_objective_changes_and_the_review_through_the_api(team: Team, objective: Objective, make_token: TokenMaker) -> None:
    _, token = make_token(team.user(Role.MANAGER), team.workspace, scope="write")
    slug = team.workspace.slug
    goal = call("post", f"/workspaces/{slug}/business-goals", token, {"title": "Tumbuhkan pendapatan online"})
    assert goal.status_code == 201
    changed = call(
        "patch",
        f"/workspaces/{slug}/objectives/{objective.pk}",
        token,
        {"title": "Brand awareness milenial", "owner": team.user(Role.MANAGER).email},
    )
    assert changed.json()["title"] == "Brand awareness milenial" and changed.json()["owner"] == team.user(Role.MANAGER).email
    assert (
        call("patch", f"/workspaces/{slug}/objectives/{objective.pk}", token, {"owner": "nobody@example.id"}).status_code == 422
    )
    kr = call(
        "post",
        f"/workspaces/{slug}/objectives/{objective.pk}/key-results",
        token,
        {
            "title": "Naikkan followers 50% dalam 6 bulan",
            "metric": "Followers",
            "unit": "followers",
            "direction": "increase_to",
            "start_value": "100",
            "target_value": "150",
            "deadline": "2026-12-31",
            "owner": team.user(Role.MANAGER).email,
        },
    ).json()["key_results"][0]
    incomplete = call(
        "post",
        f"/workspaces/{slug}/objectives/{objective.pk}/review",
        token,
        {"reflection": "Video pendek paling efektif.", "decisions": {}},
    )
    assert incomplete.status_code == 422
    reviewed = call(
        "post",
        f"/workspaces/{slug}/objectives/{objective.pk}/review",
        token,
        {"reflection": "Video pendek paling efektif.", "decisions": {str(kr["id"]): "carry_over"}},
    )
    assert reviewed.status_code == 200 and reviewed.json()["review_grade"] == "0.00"


def test_a_key_result_is_edited_and_deleted_through_the_api(team: Team, objective: Objective, make_token: TokenMaker) -> None:
    import datetime as dt

    from alur.core.models import AuditEvent
    from alur.strategy import services
    from alur.strategy.models import CheckIn, KeyResult

    key_result = services.key_result_create(
        actor=team.user(Role.STRATEGIST),
        objective=objective,
        title="Meningkatkan followers Instagram menjadi 15.000",
        metric="Followers Instagram",
        unit="followers",
        direction="increase_to",
        start_value="10000",
        target_value="15000",
        deadline=dt.date(2026, 12, 31),
        owner=team.user(Role.SOCIAL_MEDIA_SPECIALIST),
    )
    services.key_result_check_in(actor=team.user(Role.STRATEGIST), key_result=key_result, value="11000", confidence=6)
    _, token = make_token(team.user(Role.STRATEGIST), team.workspace, scope="write")
    _, reader = make_token(team.user(Role.STRATEGIST), team.workspace, scope="read")
    _, outsider = make_token(team.user(Role.SOCIAL_MEDIA_SPECIALIST), team.workspace, scope="write")
    url = f"/workspaces/{team.workspace.slug}/key-results/{key_result.pk}"
    changed = call("patch", url, token, {"target_value": "18000", "owner": team.user(Role.MANAGER).email})
    assert changed.status_code == 200, changed.content
    out = next(kr for kr in changed.json()["key_results"] if kr["id"] == key_result.pk)
    assert out["target_value"] == "18000.0000" and out["owner"] == team.user(Role.MANAGER).email
    assert AuditEvent.objects.filter(action="key_result.update").count() == 1
    bad = call("patch", url, token, {"target_value": "5000"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "target_value"
    assert call("patch", url, token, {"owner": "nobody@example.id"}).status_code == 422
    assert call("patch", url, reader, {"title": "Judul baru yang cukup"}).status_code == 403
    assert call("patch", url, outsider, {"title": "Judul baru yang cukup"}).status_code == 403
    assert call("delete", url, outsider).status_code == 403
    assert call("delete", url, token).status_code == 204
    assert not KeyResult.objects.exists() and not CheckIn.objects.exists()
    assert call("delete", url, token).status_code == 404
