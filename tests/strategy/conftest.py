from __future__ import annotations

import datetime as dt

import pytest

from alur.core.roles import Role
from alur.strategy import services
from alur.strategy.models import Objective, Period
from tests.conftest import Team


@pytest.fixture
def period(team: Team) -> Period:
    return services.period_create(
        actor=team.user(Role.MANAGER),
        workspace=team.workspace,
        name="Semester 2 2026",
        start=dt.date(2026, 7, 1),
        end=dt.date(2026, 12, 31),
    )


@pytest.fixture
def objective(team: Team, period: Period) -> Objective:
    return services.objective_create(
        actor=team.user(Role.STRATEGIST),
        workspace=team.workspace,
        title="Meningkatkan brand awareness di kalangan target audiens (milenial di kota besar)",
        period=period,
        owner=team.user(Role.STRATEGIST),
    )
