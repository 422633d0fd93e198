"""One reader for the whole product: the same text gives the same number as a budget, a key-result check-in,
an experiment's plan and an imported cell (read one at a time, or by the importer's SQL twin)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from alur.analytics import numbers as import_numbers
from alur.analytics.imports.sqlparse import number_invalid_sql, number_sql
from alur.analytics.services import experiments
from alur.campaigns import services as campaign_services
from alur.core.roles import Role
from alur.strategy import services as strategy_services
from alur.strategy.models import Objective, Period
from tests.conftest import Team

pytestmark = pytest.mark.django_db

D = Decimal

# text, its value in an Indonesian workspace (rupiah), in an English one (dollars)
TEXTS = [
    ("48.000", D(48000), D(48)),
    ("48,000", D(48), D(48000)),  # an amount of rupiah is never 48.000: that budget is 48000 (below)
    ("1.234.567", D(1234567), D(1234567)),
    ("1,234,567.5", D("1234567.5"), D("1234567.5")),
    ("12.500,5", D("12500.5"), D("12500.5")),
    ("Rp 48.000", D(48000), D(48)),  # the workspace's style decides before the marker, as for an import column
    ("2 000", D(2000), D(2000)),
    ("1,5", D("1.5"), D("1.5")),
]


def _imported(text: str, style: import_numbers.DecimalStyle) -> tuple[Decimal, Decimal]:
    """The cell read alone, and read by the SQL the importer runs over whole files."""
    alone = import_numbers.parse_number(text, hint=style)
    with duckdb.connect() as con:
        value, invalid = con.execute(
            f"SELECT {number_sql('cell', style)}, {number_invalid_sql('cell', style)} FROM (SELECT $text::VARCHAR AS cell)",
            {"text": text},
        ).fetchone()  # type: ignore[misc]
    assert not invalid
    return alone, D(value)


@pytest.mark.parametrize(("language", "currency"), [("id", "IDR"), ("en", "USD")])
def test_the_same_text_is_the_same_number_everywhere(team: Team, language: str, currency: str) -> None:
    team.workspace.language, team.workspace.currency = language, currency
    team.workspace.save(update_fields=["language", "currency"])
    strategist = team.user(Role.STRATEGIST)
    period = strategy_services.period_create(
        actor=team.user(Role.MANAGER), workspace=team.workspace, name="2027", start=dt.date(2027, 1, 1), end=dt.date(2027, 12, 31)
    )
    objective: Objective = strategy_services.objective_create(
        actor=strategist, workspace=team.workspace, title="Tumbuh di kota besar", period=period, owner=strategist
    )
    assert isinstance(period, Period)
    key_result = strategy_services.key_result_create(
        actor=strategist,
        objective=objective,
        title="Meningkatkan pelanggan menjadi 2.000.000",
        metric="Pelanggan",
        unit="pelanggan",
        direction="increase_to",
        start_value=0,
        target_value=D(2000000),
        deadline=dt.date(2027, 12, 31),
        owner=strategist,
    )
    planner = team.user(Role.CAMPAIGN_MANAGER)
    campaign = campaign_services.campaign_create(
        actor=planner, workspace=team.workspace, name="Kampanye angka", owner=planner, template_key="product_launch"
    )
    for month, (text, in_indonesian, in_english) in enumerate(TEXTS, start=1):
        expected = in_indonesian if language == "id" else in_english
        line = campaign_services.budget_line_set(
            actor=planner, campaign=campaign, channel="ads", month=dt.date(2027, month, 1), planned=text
        )
        check_in = strategy_services.key_result_check_in(actor=strategist, key_result=key_result, value=text, confidence=7)
        experiment = experiments.experiment_create(
            actor=team.user(Role.DATA_ANALYST),
            workspace=team.workspace,
            values={"name": f"Uji {month}", "baseline_rate": "4%", "mde": "1%", "daily_visitors": text},
        )
        imported = _imported(text, language)  # type: ignore[arg-type]
        assert (check_in.value, D(str(experiment.daily_visitors)), *imported) == (expected,) * 4, text
        # Rupiah have no minor units, so a budget in them reads "48,000" as 48000 in either language.
        assert line.planned == (D(48000) if (text, currency) == ("48,000", "IDR") else expected), text


def test_a_counts_file_is_read_as_the_workspace_writes_numbers_when_it_does_not_say(team: Team) -> None:
    assert team.workspace.language == "id"
    analyst = team.user(Role.DATA_ANALYST)
    experiment = experiments.experiment_create(
        actor=analyst, workspace=team.workspace, values={"name": "Uji berkas", "baseline_rate": "4%", "mde": "1%"}
    )
    text = "variant;visitors;conversions\nControl;48.000;1.200\nB;48.000;1.300\n"
    experiments.experiment_counts_import(actor=analyst, experiment=experiment, text=text)
    assert [(v.visitors, v.conversions) for v in experiment.variants.order_by("pk")] == [(48000, 1200.0), (48000, 1300.0)]
