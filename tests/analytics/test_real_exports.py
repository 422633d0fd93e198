"""Every real export in ``shared/real-exports/`` goes in as it was downloaded (the files are read from there,
never copied or edited): one test per file, through the command a person runs (``alur import … --format
json``), its receipt checked against the independent oracle in :mod:`tests.analytics.real_export_cases`.
On the PostgreSQL run the facts land in PostgreSQL."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from alur.analytics.models import DataSource
from alur.analytics.services import sources
from alur.config.cli import main
from tests.analytics.factrows import stored_facts
from tests.analytics.real_export_cases import CASES

pytestmark = pytest.mark.django_db
REAL_EXPORTS = Path(__file__).resolve().parents[2].parent / "shared" / "real-exports"


def _skip_without_the_files() -> None:
    if not REAL_EXPORTS.is_dir():
        message = f"REAL EXPORTS MISSING: {REAL_EXPORTS} is not there, so the real-file import tests did not run."
        warnings.warn(message, stacklevel=2)
        pytest.skip(message)


def _receipt(team: Any, case: dict[str, Any], capsys: Any, *, language: str = "en") -> tuple[int, dict[str, Any]]:
    sources.sources_ensure(team.workspace)
    if case.get("currency_assumed"):
        DataSource.objects.filter(workspace=team.workspace, key=case["source"]).update(currency="USD")
    args = ["import", str(REAL_EXPORTS / case["file"]), "--workspace", team.workspace.slug, "--source", case["source"]]
    if case.get("period"):
        args += ["--period", case["period"]]
    code = main([*args, "--format", "json", "--language", language])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_a_real_export_is_taken_as_downloaded_and_its_receipt_adds_up(
    team: Any, warehouse_url: str, capsys: Any, case: dict[str, Any]
) -> None:
    _skip_without_the_files()
    code, receipt = _receipt(team, case, capsys)
    assert receipt["status"] == case["status"], receipt["problems"]
    if case["status"] == "failed":
        assert code == 1
        message = " ".join(p["message"] for p in receipt["problems"]).lower()
        assert all(part.lower() in message for part in case["message_contains"]), message
        assert "-" + case["file"][:5] not in message  # the uploaded name, never Alur's stored copy ("15-c09af52a7af1.csv")
        assert stored_facts(team.workspace.pk) == []
        return
    assert code == 0
    assert receipt["rows"] == case["rows"]
    assert (receipt["date_from"], receipt["date_to"]) == (case["date_from"], case["date_to"])
    assert receipt["totals"] == case["totals"]
    assert receipt["file_totals"] == case.get("file_totals")
    stored = stored_facts(team.workspace.pk)
    assert len(stored) == case["rows"]
    assert all(row["date"] >= _day(case["date_from"]) and row["date_end"] <= _day(case["date_to"]) for row in stored)
    if case.get("currency_assumed"):
        assert any("currency" in w and "assumed" in w for w in receipt["warnings"]), receipt["warnings"]


def test_the_same_real_export_twice_changes_nothing(team: Any, warehouse_url: str, capsys: Any) -> None:
    _skip_without_the_files()
    case = next(c for c in CASES if c["file"] == "google_ads__twinbirds_utf16.csv")
    _receipt(team, case, capsys)
    _, again = _receipt(team, case, capsys)
    assert again["status"] == "unchanged"
    assert len(stored_facts(team.workspace.pk)) == case["rows"]


def test_the_receipt_speaks_indonesian(team: Any, warehouse_url: str, capsys: Any) -> None:
    _skip_without_the_files()
    nodata = next(c for c in CASES if c["file"] == "meta_ads__danielconlan_nodata.csv")
    _, receipt = _receipt(team, nodata, capsys, language="id")
    assert "meta_ads__danielconlan_nodata.csv" in receipt["problems"][0]["message"]
    assert "tidak berisi angka untuk rentang tanggalnya" in receipt["problems"][0]["message"]
    google = next(c for c in CASES if c["file"] == "google_ads__fruit4london_utf8.csv")
    _, receipt = _receipt(team, google, capsys, language="id")
    assert any(w.startswith("Baris total yang dikenali dan tidak disimpan") for w in receipt["warnings"]), receipt["warnings"]


def _day(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)
