"""ICE and RICE scores, the initiatives page sorted by them, and bad input explained."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from alur.accounts.models import User
from alur.campaigns import services
from alur.campaigns.models import Initiative
from alur.campaigns.prioritisation import RICE_IMPACTS, ice_score, rice_score
from alur.core.roles import Role
from tests.conftest import Team


def test_rice_and_ice_follow_their_formulas() -> None:
    # Intercom's example shape: 500 people, high impact (2), 80 % confidence, 2 person-weeks → 400.
    assert rice_score(reach=500, impact=Decimal(2), confidence_percent=80, effort_weeks=Decimal(2)) == Decimal("400.0")
    assert ice_score(impact=8, confidence=5, ease=3) == 120
    with pytest.raises(ValueError):
        rice_score(reach=1, impact=Decimal("1.5"), confidence_percent=50, effort_weeks=Decimal(1))
    with pytest.raises(ValueError):
        ice_score(impact=11, confidence=5, ease=5)


@given(
    reach=st.integers(0, 10**6),
    impact=st.sampled_from(RICE_IMPACTS),
    confidence=st.integers(0, 100),
    effort=st.decimals("0.5", "100", places=1),
)
def test_rice_grows_with_reach_and_falls_with_effort(reach: int, impact: Decimal, confidence: int, effort: Decimal) -> None:
    base = rice_score(reach=reach, impact=impact, confidence_percent=confidence, effort_weeks=effort)
    assert base >= 0
    assert rice_score(reach=reach + 100, impact=impact, confidence_percent=confidence, effort_weeks=effort) >= base
    assert rice_score(reach=reach, impact=impact, confidence_percent=confidence, effort_weeks=effort * 2) <= base


def add(team: Team, title: str, **overrides: str) -> Initiative:
    values = {
        "reach": "1000",
        "impact": "1",
        "confidence_percent": "80",
        "effort_weeks": "2",
        "ice_impact": "5",
        "ice_confidence": "5",
        "ice_ease": "5",
        **overrides,
    }
    return services.initiative_create(actor=team.user(Role.STRATEGIST), workspace=team.workspace, title=title, **values)  # type: ignore[arg-type]


def test_the_page_sorts_by_rice_or_ice(team: Team, login: Callable[[User], Client]) -> None:
    add(team, "Program kreator TikTok Surabaya", reach="5000", impact="2", ice_impact="4", ice_ease="2")
    add(team, "Email win-back pelanggan lama", reach="800", impact="1", ice_impact="8", ice_ease="9")
    url = reverse("campaigns:initiatives", args=[team.workspace.slug])
    client = login(team.user(Role.DESIGNER))
    by_rice = client.get(url).content.decode()
    assert by_rice.index("Program kreator TikTok") < by_rice.index("Email win-back")
    by_ice = client.get(url, {"sort": "ice"}).content.decode()
    assert by_ice.index("Email win-back") < by_ice.index("Program kreator TikTok")
    assert client.get(url, {"sort": "nonsense"}).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"impact": "1.5"}, "impact"),
        ({"effort_weeks": "0"}, "effort_weeks"),
        ({"confidence_percent": "120"}, "confidence_percent"),
        ({"ice_ease": "0"}, "ice_ease"),
        ({"reach": "banyak"}, "reach"),
    ],
)
def test_bad_scores_are_refused_naming_the_field(team: Team, overrides: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        add(team, "Inisiatif uji", **overrides)
    assert field in error.value.message_dict
    assert not Initiative.objects.exists()


def test_only_planners_add_initiatives(team: Team, login: Callable[[User], Client]) -> None:
    url = reverse("campaigns:initiatives", args=[team.workspace.slug])
    assert login(team.user(Role.DESIGNER)).post(url, {"title": "Tidak boleh"}).status_code == 403
    response = login(team.user(Role.STRATEGIST)).post(url, {"title": "Kurang lengkap", "reach": ""}, follow=True)
    assert "alert-danger" in response.content.decode()
    assert not Initiative.objects.exists()
