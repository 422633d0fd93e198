"""Touchpoint files: personal data is replaced by a keyed hash inside the engine and never stored; the
same person gets the same journey id; bad rows are refused without echoing personal data."""

from __future__ import annotations

import io
from typing import Any

import pytest

from alur.analytics import warehouse
from alur.analytics.imports import touchpoints
from alur.analytics.models import DataSource, Import
from alur.analytics.services import imports, sources
from alur.core.roles import Role

pytestmark = pytest.mark.django_db

JOURNEYS = """Email;Waktu;Kanal;Kampanye;Konversi;Nilai
rina@contoh.id;2026-11-01 09:15;Instagram;Promo Akhir Tahun;0;
 RINA@contoh.id ;2026-11-02 20:40;Google Search;Promo Akhir Tahun;1;185.000,00
budi@contoh.id;2026-11-02 08:00;Email;Newsletter;0;
budi@contoh.id;2026-11-03 12:30;Direct;;1;92.500,00
"""


def _import(team: Any, text: str, name: str = "journeys.csv") -> Import:
    sources.sources_ensure(team.workspace)
    source = DataSource.objects.get(workspace=team.workspace, key="journeys")
    return imports.import_start(
        actor=team.members[Role.DATA_ANALYST],
        workspace=team.workspace,
        source=source,
        upload=io.BytesIO(text.encode()),
        name=name,
        run_now=True,
    )


def _rows(url: str) -> list[dict[str, Any]]:
    with warehouse.session(url) as con:
        return con.table(warehouse.TOUCHPOINTS).order_by("ts").to_pyarrow().to_pylist()


def test_emails_become_keyed_hashes_and_are_never_stored(team: Any, warehouse_url: str) -> None:
    imp = _import(team, JOURNEYS)
    assert imp.status == Import.Status.SUCCEEDED, imp.report
    rows = _rows(warehouse_url)
    assert len(rows) == 4
    # By time: Rina (1 Nov), Budi (2 Nov 08:00), Rina again as " RINA@contoh.id " (2 Nov 20:40), Budi (3 Nov).
    assert rows[0]["journey_id"] == rows[2]["journey_id"]
    assert rows[1]["journey_id"] == rows[3]["journey_id"] != rows[0]["journey_id"]
    assert not any("contoh" in str(value) for row in rows for value in row.values())
    key = imports.pseudonym_key(team.workspace.pk)
    assert rows[0]["journey_id"] == touchpoints.pseudonym(key, "email", "rina@contoh.id")
    assert float(rows[2]["value"]) == 185000.0 and rows[2]["converted"] is True
    assert rows[0]["ts"].hour == 9 and rows[0]["ts"].minute == 15
    assert imp.report["journeys"] == 2 and imp.report["conversions"] == 2


def test_the_key_differs_between_workspaces(team: Any, other_team: Any) -> None:
    assert imports.pseudonym_key(team.workspace.pk) != imports.pseudonym_key(other_team.workspace.pk)


def test_phone_numbers_are_normalised_before_hashing() -> None:
    key = b"k" * 32
    assert touchpoints.pseudonym(key, "phone", "0812-3456-789") == touchpoints.pseudonym(key, "phone", "+62 812 3456 789")


def test_a_bad_row_is_refused_without_echoing_personal_data(team: Any, warehouse_url: str) -> None:
    text = JOURNEYS.replace("budi@contoh.id;2026-11-03 12:30", "budi@contoh.id;kemarin sore")
    imp = _import(team, text, name="bad.csv")
    assert imp.status == Import.Status.FAILED
    problem = imp.report["problems"][0]
    assert problem["row"] == 5 and problem["column"] == "Waktu"
    assert "contoh" not in str(imp.report)
    assert _rows(warehouse_url) == []


def test_a_file_without_a_person_column_is_refused(team: Any, warehouse_url: str) -> None:
    imp = _import(team, "Waktu,Kanal\n2026-11-01,Instagram\n", name="anon.csv")
    assert imp.status == Import.Status.FAILED
    assert "journey_id" in imp.report["problems"][0]["message"]


def test_ambiguous_values_are_refused(team: Any, warehouse_url: str) -> None:
    imp = _import(team, "Email;Waktu;Kanal;Nilai\nrina@contoh.id;2026-11-01;Instagram;185.000\n", name="ambiguous.csv")
    assert imp.status == Import.Status.FAILED
    assert "two ways" in imp.report["problems"][0]["message"]
