"""Key-result numbers typed on the page or sent as API text are read as the workspace writes numbers:
"48.000" in an Indonesian workspace is forty-eight thousand (it used to be read as 48)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from alur.accounts.models import ApiToken, User
from alur.core.roles import Role
from alur.strategy import services
from alur.strategy.models import CheckIn, KeyResult, Objective
from tests.api.test_api import call
from tests.conftest import Team

TokenMaker = Callable[..., tuple[ApiToken, str]]

KR_FORM = {
    "title": "Meningkatkan jumlah pelanggan newsletter menjadi 60.000 dalam 6 bulan",
    "metric": "Pelanggan newsletter",
    "unit": "pelanggan",
    "direction": "increase_to",
    "start_value": "48.000",
    "target_value": "60.000",
    "target_change_percent": "",
    "deadline": "2026-12-31",
    "weight": "1",
}


def _key_result(team: Team, objective: Objective) -> KeyResult:
    return services.key_result_create(
        actor=team.user(Role.STRATEGIST),
        objective=objective,
        title=KR_FORM["title"],
        metric="Pelanggan",
        unit="pelanggan",
        direction="increase_to",
        start_value=Decimal(40000),
        target_value=Decimal(60000),
        deadline=dt.date(2026, 12, 31),
        owner=team.user(Role.STRATEGIST),
    )


def test_start_target_and_check_in_typed_in_indonesian_on_the_page(
    team: Team, objective: Objective, login: Callable[[User], Client]
) -> None:
    assert team.workspace.language == "id"
    client = login(team.user(Role.STRATEGIST))
    form = {**KR_FORM, "owner": team.user(Role.STRATEGIST).pk}
    response = client.post(reverse("strategy:key_result_create", args=[team.workspace.slug, objective.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    key_result = KeyResult.objects.get()
    assert (key_result.start_value, key_result.target_value) == (Decimal(48000), Decimal(60000))
    client.post(
        reverse("strategy:key_result_check_in", args=[team.workspace.slug, key_result.pk]), {"value": "48.000", "confidence": "7"}
    )
    assert CheckIn.objects.get().value == Decimal(48000)
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(48000)


def test_an_english_workspace_reads_the_same_text_as_a_decimal(
    team: Team, objective: Objective, login: Callable[[User], Client]
) -> None:
    team.workspace.language = "en"
    team.workspace.save(update_fields=["language"])
    client = login(team.user(Role.STRATEGIST))  # the person's own language (Indonesian) does not decide
    key_result = _key_result(team, objective)
    client.post(
        reverse("strategy:key_result_check_in", args=[team.workspace.slug, key_result.pk]), {"value": "48.000", "confidence": "7"}
    )
    assert CheckIn.objects.get().value == Decimal(48)
    client.post(
        reverse("strategy:key_result_check_in", args=[team.workspace.slug, key_result.pk]), {"value": "48,000", "confidence": "7"}
    )
    assert CheckIn.objects.latest("id").value == Decimal(48000)


def test_a_number_no_style_reads_is_explained_on_the_field(team: Team, objective: Objective) -> None:
    with pytest.raises(ValidationError) as caught:
        services.key_result_check_in(
            actor=team.user(Role.STRATEGIST), key_result=_key_result(team, objective), value="4,80,00", confidence=7
        )
    assert caught.value.message_dict == {"value": ["“4,80,00” is not a number. Write it like 1.234.567,89."]}
    assert not CheckIn.objects.exists()


def test_start_value_and_check_in_as_api_text_in_indonesian(team: Team, objective: Objective, make_token: TokenMaker) -> None:
    _, token = make_token(team.user(Role.STRATEGIST), team.workspace, scope="write")
    slug = team.workspace.slug
    created = call(
        "post",
        f"/workspaces/{slug}/objectives/{objective.pk}/key-results",
        token,
        {
            "title": KR_FORM["title"],
            "metric": "Pelanggan newsletter",
            "unit": "pelanggan",
            "direction": "increase_to",
            "start_value": "48.000",
            "target_value": "Rp 60.000",
            "weight": "1,5",
            "deadline": "2026-12-31",
            "owner": team.user(Role.STRATEGIST).email,
        },
    )
    assert created.status_code == 201, created.content
    key_result = KeyResult.objects.get()
    assert (key_result.start_value, key_result.target_value, key_result.weight) == (
        Decimal(48000),
        Decimal(60000),
        Decimal("1.5"),
    )
    text = call("post", f"/workspaces/{slug}/key-results/{key_result.pk}/check-ins", token, {"value": "48.000", "confidence": 7})
    assert text.status_code == 201, text.content
    assert Decimal(text.json()["value"]) == Decimal(48000)
    number = call("post", f"/workspaces/{slug}/key-results/{key_result.pk}/check-ins", token, {"value": 48.5, "confidence": 7})
    assert Decimal(number.json()["value"]) == Decimal("48.5")  # a JSON number is a number, whatever the language
    bad = call("post", f"/workspaces/{slug}/key-results/{key_result.pk}/check-ins", token, {"value": "banyak", "confidence": 7})
    assert bad.status_code == 422
    assert "banyak" in bad.content.decode()
