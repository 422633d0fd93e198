"""Every importer on realistic sample files in the platforms' real layouts (tests/analytics/samples/, made by
make_samples.py), and their broken variants: each is refused with a report naming the row, the column, the
value and the fix, and nothing is written."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from alur.accounts.models import Workspace
from alur.analytics.models import DataSource, Import
from alur.analytics.services import imports, sources
from alur.core.roles import Role
from tests.analytics.factrows import stored_facts

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parent / "samples"


def _rows(url: str) -> list[dict[str, Any]]:
    return [row for workspace in Workspace.objects.all() for row in stored_facts(workspace.pk)]


def _count(url: str) -> int:
    return len(_rows(url))


def _sums(url: str) -> dict[str, Any]:
    rows = _rows(url)
    return {name: sum(r[name] or 0 for r in rows) for name in ("clicks", "spend", "sessions", "bounces")}


def _import(team: Any, name: str, source_key: str, **source_fields: Any) -> Import:
    sources.sources_ensure(team.workspace)
    source = DataSource.objects.get(workspace=team.workspace, key=source_key)
    if source_fields:
        for field, value in source_fields.items():
            setattr(source, field, value)
        source.save()
    data = (SAMPLES / name).read_bytes()
    return imports.import_start(
        actor=team.members[Role.DATA_ANALYST],
        workspace=team.workspace,
        source=source,
        upload=io.BytesIO(data),
        name=name,
        run_now=True,
    )


@pytest.mark.parametrize(
    ("name", "source_key"),
    [
        ("google_ads_campaigns.csv", "google_ads"),
        ("google_ads_utf16.csv", "google_ads"),
        ("meta_ads.csv", "meta_ads"),
        ("meta_ads.xlsx", "meta_ads"),
        ("ga4_traffic.csv", "ga4"),
        ("ga4_regions.csv", "ga4"),
        ("tiktok_ads.csv", "tiktok_ads"),
        ("linkedin_ads.csv", "linkedin_ads"),
    ],
)
def test_each_platform_export_imports(team: Any, warehouse_url: str, name: str, source_key: str) -> None:
    imp = _import(team, name, source_key)
    assert imp.status == Import.Status.SUCCEEDED, imp.report
    assert imp.rows > 0
    assert _count(warehouse_url) == imp.rows
    again = _import(team, name, source_key)
    assert again.status == Import.Status.UNCHANGED
    assert _count(warehouse_url) == imp.rows


def test_google_ads_in_utf16_with_indonesian_numbers_equals_the_english_report(team: Any, warehouse_url: str) -> None:
    imp = _import(team, "google_ads_utf16.csv", "google_ads")
    assert imp.status == Import.Status.SUCCEEDED, imp.report
    sums = _sums(warehouse_url)
    assert sums["clicks"] > 0 and float(sums["spend"]) > 1000  # "1.234,56" read as one thousand…, not one point…


def test_ga4_bounces_are_sessions_minus_engaged_sessions(team: Any, warehouse_url: str) -> None:
    imp = _import(team, "ga4_traffic.csv", "ga4")
    assert imp.status == Import.Status.SUCCEEDED, imp.report
    rows = _rows(warehouse_url)
    assert rows and all(r["bounces"] == r["sessions"] - r["engaged_sessions"] for r in rows)


def test_generic_file_with_a_saved_mapping(team: Any, warehouse_url: str) -> None:
    source = sources.source_save(
        actor=team.members[Role.DATA_ANALYST],
        workspace=team.workspace,
        key="agency_sheet",
        name="Agency sheet",
        format="generic",
        mapping={"date": "Tanggal", "channel": "Saluran", "campaign": "Kampanye", "region": "Wilayah", "impressions": "Tayangan",
                 "clicks": "Klik", "spend": "Anggaran terpakai", "leads": "Prospek", "followers": "Pengikut baru"},
        currency="IDR",
    )  # fmt: skip
    data = (SAMPLES / "generic.csv").read_bytes()
    imp = imports.import_start(
        actor=team.members[Role.DATA_ANALYST],
        workspace=team.workspace,
        source=source,
        upload=io.BytesIO(data),
        name="generic.csv",
        run_now=True,
    )
    assert imp.status == Import.Status.SUCCEEDED, imp.report
    first = next(r for r in _rows(warehouse_url) if r["region"] == "Jawa Timur")
    assert first["impressions"] == 2065  # "2.065" in an Indonesian file
    assert float(first["spend"]) == 1274226.00
    assert "Catatan" in imp.report["ignored_columns"]


def test_a_generic_source_needs_a_figure_and_may_leave_the_date_to_each_file(team: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="figures"):
        sources.source_save(
            actor=team.members[Role.DATA_ANALYST], workspace=team.workspace, key="x_sheet", name="X", format="generic",
            mapping={"region": "Wilayah"},
        )  # fmt: skip
    source = sources.source_save(
        actor=team.members[Role.DATA_ANALYST], workspace=team.workspace, key="y_sheet", name="Y", format="generic",
        mapping={"clicks": "Klik"},
    )  # fmt: skip
    assert source.mapping == {"clicks": "Klik"}


@pytest.mark.parametrize(
    ("name", "source_key", "expected"),
    [
        ("bad_number.csv", "google_ads", "12,3x4"),
        ("header_only.csv", "google_ads", "no data rows"),
        ("latin1.csv", "google_ads", "UTF-8"),
    ],
)
def test_broken_files_are_refused_and_nothing_is_written(
    team: Any, warehouse_url: str, name: str, source_key: str, expected: str
) -> None:
    imp = _import(team, name, source_key)
    assert imp.status == Import.Status.FAILED
    messages = " ".join(p["message"] for p in imp.report["problems"])
    assert expected.lower() in messages.lower(), messages
    assert _count(warehouse_url) == 0


def test_bad_number_report_names_row_column_and_value(team: Any, warehouse_url: str) -> None:
    imp = _import(team, "bad_number.csv", "google_ads")
    problem = imp.report["problems"][0]
    lines = (SAMPLES / "bad_number.csv").read_text(encoding="utf-8").splitlines()
    assert "12,3x4" in lines[problem["row"] - 1]
    assert problem["value"] == "12,3x4"
    assert problem["column"]


def test_cli_import_prints_the_report_and_exits_non_zero_on_bad_input(team: Any, warehouse_url: str, capsys: Any) -> None:
    from alur.config.cli import main

    sources.sources_ensure(team.workspace)
    where = ["--workspace", team.workspace.slug, "--source", "google_ads"]
    assert main(["import", str(SAMPLES / "google_ads_campaigns.csv"), *where, "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "60 rows imported for 1 Nov 2026 – 30 Nov 2026" in out
    assert main(["import", str(SAMPLES / "bad_number.csv"), *where]) == 1  # in the member's language: Indonesian
    err = capsys.readouterr().err
    assert "TIDAK diimpor" in err and "12,3x4" in err
    assert (
        main(["import", str(SAMPLES / "google_ads_campaigns.csv"), "--workspace", team.workspace.slug, "--source", "nope"]) != 0
    )
    assert "There is no source" in capsys.readouterr().err
