"""The pure importer end to end (:func:`run_import`): a file in, a Parquet file of facts and a receipt out — or a
refusal with keyed problems and nothing written. No Django, no database: the output goes to ``tmp_path`` and
is read back with DuckDB."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from openpyxl import Workbook

from alur.analytics.imports.layout import parse_period, sniff
from alur.analytics.imports.messages import ImportFailed, english
from alur.analytics.imports.run import ImportResult, ImportSpec, run_import
from alur.analytics.imports.totals import is_total_cells
from alur.analytics.imports.writing import STORED_COLUMNS
from alur.analytics.numbers import NumberError, parse_number
from tests.analytics.samples import make_samples

SAMPLES = Path(make_samples.__file__).parent


def _spec(format_key: str | None, **fields: Any) -> ImportSpec:
    fields.setdefault("display_name", "Laporan.csv")
    return ImportSpec(workspace_id=3, source=format_key or "agency_sheet", import_id=11, format_key=format_key, **fields)


def _run(path: Path, format_key: str | None, tmp_path: Path, **fields: Any) -> ImportResult:
    return run_import(path, _spec(format_key, **fields), output=tmp_path / "facts.parquet")


def _write(tmp_path: Path, text: str, name: str = "upload-7c1e.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _refusal(path: Path, format_key: str | None, tmp_path: Path, **fields: Any) -> list[Any]:
    with pytest.raises(ImportFailed) as error:
        _run(path, format_key, tmp_path, **fields)
    assert not (tmp_path / "facts.parquet").exists()  # nothing written
    return error.value.problems


def _stored(tmp_path: Path) -> list[dict[str, Any]]:
    """The facts as readers see them: a fast-path file keeps the export's totals lines, marked ``_total``."""
    relation = duckdb.sql(f"SELECT * FROM read_parquet('{tmp_path / 'facts.parquet'}')")
    rows = [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows if not r.get("_total")]


def _codes(result: ImportResult) -> list[str]:
    return [w.code for w in result.warnings]


# --------------------------------------------------------------------------------------------- samples


@pytest.mark.parametrize(
    ("name", "format_key", "rows", "period", "totals_rows"),
    [
        ("google_ads_campaigns.csv", "google_ads", 60, (date(2026, 11, 1), date(2026, 11, 30)), 4),
        ("google_ads_utf16.csv", "google_ads", 24, (date(2026, 11, 19), date(2026, 11, 30)), 4),
        ("meta_ads.csv", "meta_ads", 40, (date(2026, 11, 21), date(2026, 11, 30)), 0),
        ("meta_ads.xlsx", "meta_ads", 20, (date(2026, 11, 26), date(2026, 11, 30)), 1),
        ("ga4_traffic.csv", "ga4", 42, (date(2026, 11, 24), date(2026, 11, 30)), 1),
        ("ga4_regions.csv", "ga4", 28, (date(2026, 11, 24), date(2026, 11, 30)), 1),
        ("tiktok_ads.csv", "tiktok_ads", 30, (date(2026, 11, 21), date(2026, 11, 30)), 0),
        ("linkedin_ads.csv", "linkedin_ads", 28, (date(2026, 11, 17), date(2026, 11, 30)), 0),
        ("google_ads_missing_cost.csv", "google_ads", 20, (date(2026, 11, 21), date(2026, 11, 30)), 0),
    ],
)
def test_each_platform_sample_is_imported_without_its_totals_lines(
    tmp_path: Path, name: str, format_key: str, rows: int, period: tuple[date, date], totals_rows: int
) -> None:
    result = _run(SAMPLES / name, format_key, tmp_path, workspace_currency="USD")
    assert (result.rows, (result.date_from, result.date_to), result.totals_rows) == (rows, period, totals_rows)
    assert result.format_key == format_key
    stored = _stored(tmp_path)
    assert len(stored) == rows
    # What every row shares (workspace, source, import) is the fact file's folder, not a column of it.
    assert set(stored[0]) <= set(STORED_COLUMNS) - {"workspace_id", "source", "import_id"}
    assert {"date", "account", "channel", "currency"} <= set(stored[0])  # date_end too when rows cover periods


def test_google_ads_totals_lines_are_named_in_the_receipt_and_the_sums_match_the_report(tmp_path: Path) -> None:
    path = SAMPLES / "google_ads_campaigns.csv"
    result = _run(path, "google_ads", tmp_path)
    assert result.file_total_label == "Total: Campaigns"
    lines = next(w for w in result.warnings if w.code == "totals_lines")
    assert lines.params["count"] == 4
    assert english(lines) == (
        'Totals lines recognised and not stored: "Total: Account", "Total: Campaigns", '
        '"Total: Performance Max", "Total: Search" (4 in all).'
    )
    # The report's own "Total: Campaigns" line, read with the csv module and Decimal:
    report = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header, total = report[2], next(r for r in report if r[0] == "Total: Campaigns")

    def cell(name: str) -> Decimal:
        return Decimal(total[header.index(name)].replace(",", ""))

    assert result.totals == {
        "impressions": int(cell("Impr.")),
        "clicks": int(cell("Clicks")),
        "spend": {"IDR": f"{cell('Cost'):.2f}"},
        "conversions": f"{cell('Conversions'):.2f}",
        "conversion_value": {"IDR": f"{cell('Conv. value'):.2f}"},
    }


def test_google_ads_file_total_with_dashes_for_currency_agrees_with_the_rows(tmp_path: Path) -> None:
    """The sample's totals lines write " --" in "Currency code"; their sums equal the rows' sums."""
    result = _run(SAMPLES / "google_ads_campaigns.csv", "google_ads", tmp_path)
    assert result.file_totals == result.totals
    assert "totals_differ" not in _codes(result)


def test_indonesian_numbers_in_the_utf16_report_are_read_as_thousands(tmp_path: Path) -> None:
    result = _run(SAMPLES / "google_ads_utf16.csv", "google_ads", tmp_path)
    first = min(_stored(tmp_path), key=lambda r: (r["date"], r["campaign"] != "KN - Search - Kopi Arabika Gayo"))
    assert (first["date"], first["campaign"], first["conversion_value"]) == (
        date(2026, 11, 19),
        "KN - Search - Kopi Arabika Gayo",
        Decimal("534000.0000"),
    )
    assert result.file_total_label == "Total: Kampanye"


def test_meta_summary_row_is_the_file_total_and_not_stored(tmp_path: Path) -> None:
    result = _run(SAMPLES / "meta_ads.xlsx", "meta_ads", tmp_path)
    assert "summary_row" in _codes(result) and "summary_differs" not in _codes(result)
    assert result.file_total_label == ""
    assert result.file_totals is not None and result.file_totals["spend"] == result.totals["spend"] == {"IDR": "8590900.00"}
    assert all(r["campaign"] for r in _stored(tmp_path))


def test_ga4_summary_line_is_not_stored_and_bounces_are_sessions_minus_engaged(tmp_path: Path) -> None:
    result = _run(SAMPLES / "ga4_traffic.csv", "ga4", tmp_path, source_currency="IDR")
    assert "summary_row" in _codes(result)
    stored = _stored(tmp_path)
    assert all(r["channel"] for r in stored)
    assert all(r["bounces"] == r["sessions"] - r["engaged_sessions"] for r in stored)
    assert result.totals["sessions"] == 13693  # the GA4 summary line's figure
    assert result.totals["conversion_value"] == {"IDR": "17132000.00"}
    assert "currency_assumed_source" in _codes(result)


def test_a_tiktok_row_without_names_is_data_not_a_summary(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "By Day,Campaign name,Currency,Cost,Impressions\n2026-11-21,,IDR,10.00,5\n2026-11-21,Kopi,IDR,1.00,1\n"
    )
    result = _run(path, "tiktok_ads", tmp_path)
    assert result.rows == 2 and result.totals["impressions"] == 6
    assert [(w.code, w.params["field"], w.params["row"]) for w in result.warnings if w.code == "blank_names"] == [
        ("blank_names", "campaign", 2)
    ]


def test_missing_cost_leaves_spend_empty_not_zero(tmp_path: Path) -> None:
    result = _run(SAMPLES / "google_ads_missing_cost.csv", "google_ads", tmp_path)
    assert "spend" not in result.totals and "metric_missing" in _codes(result)
    assert {r.get("spend") for r in _stored(tmp_path)} == {None}  # not even written: readers see an empty column


def test_a_report_without_day_covers_the_one_day_its_title_names(tmp_path: Path) -> None:
    """Changed on purpose: a missing date column was a refusal; now the period decides. Google Ads titles a
    one-day report with that day ("November 1, 2026"), so the rows cover 1 November; a period that says
    otherwise is refused."""
    result = _run(SAMPLES / "missing_date.csv", "google_ads", tmp_path)
    assert (result.rows, result.date_from, result.date_to) == (2, date(2026, 11, 1), date(2026, 11, 1))
    (tmp_path / "facts.parquet").unlink()
    problems = _refusal(
        SAMPLES / "missing_date.csv", "google_ads", tmp_path, display_name="missing_date.csv", period=parse_period("2026-11-02")
    )
    assert [(p.code, p.params["file"]) for p in problems] == [("period_conflict", "missing_date.csv")]


def test_repeated_rows_are_stored_and_said(tmp_path: Path) -> None:
    """Changed on purpose: a repeated day and campaign used to refuse the file; now each row is stored."""
    result = _run(SAMPLES / "duplicate_rows.csv", "google_ads", tmp_path)
    assert result.rows == 21 and len(_stored(tmp_path)) == 21
    repeated = next(w for w in result.warnings if w.code == "repeated_names")
    assert repeated.params["count"] == 1
    identical = next(w for w in result.warnings if w.code == "identical_rows")
    assert identical.params["rows"] == "10, 17"  # data rows 9 and 16, below the header on line 1
    assert english(identical).startswith("Rows 10, 17 are identical in every column; each was stored.")


def test_repeated_rows_of_a_breakdown_name_the_breakdown(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Campaign name,Age,Impressions,Amount spent (USD),Reporting starts,Reporting ends\n"
        "Kopi,18-24,10,1.00,2026-01-01,2026-01-31\nKopi,25-34,20,2.00,2026-01-01,2026-01-31\n",
    )
    result = _run(path, "meta_ads", tmp_path)
    assert result.rows == 2
    assert [(w.code, w.params) for w in result.warnings if w.code.startswith("repeated")] == [
        ("repeated_rows", {"count": 1, "columns": '"Age"'})
    ]


def test_bad_number_is_refused_naming_the_row_the_column_and_the_cell(tmp_path: Path) -> None:
    path = SAMPLES / "bad_number.csv"
    problems = _refusal(path, "google_ads", tmp_path)
    assert [(p.code, p.row, p.column, p.value) for p in problems] == [("cell_not_number", 20, "Clicks", "12,3x4")]
    assert english(problems[0]) == 'Row 20, column "Clicks": "12,3x4" is not a number Alur reads.'
    assert "12,3x4" in path.read_text(encoding="utf-8").splitlines()[19]  # row 20 is the file's line 20


def test_generic_file_with_a_mapping_and_the_source_currency(tmp_path: Path) -> None:
    mapping = {"spend": "Anggaran terpakai"}
    result = _run(SAMPLES / "generic.csv", None, tmp_path, mapping=mapping, source_currency="IDR")
    assert result.rows == 24 and result.format_key is None
    assert [(w.code, w.params) for w in result.warnings] == [("currency_assumed_source", {"currency": "IDR"})]
    assert "Catatan" in result.ignored_columns
    first = next(r for r in _stored(tmp_path) if r["region"] == "Jawa Timur")
    assert first["impressions"] == 2065  # "2.065" in an Indonesian file
    assert (first["spend"], first["currency"], first["channel"]) == (Decimal("1274226.0000"), "IDR", "Instagram")


def test_a_generic_file_without_a_mapping_is_not_recognised(tmp_path: Path) -> None:
    problems = _refusal(SAMPLES / "generic.csv", None, tmp_path)
    assert [p.code for p in problems] == ["not_recognised"]


def test_a_typed_parquet_file_is_imported(tmp_path: Path) -> None:
    result = _run(SAMPLES / "generic.parquet", None, tmp_path, mapping={"spend": "spend"})
    assert result.rows == 24 and result.currencies == ["IDR"]


# ---------------------------------------------------------------------------------------------- refused


def test_a_no_data_export_is_refused_naming_the_uploaded_name(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '"Reporting starts","Reporting ends","Campaign name",Results,Reach,Impressions,"Amount spent (USD)",Ends\n'
        '"No data available."\n',
        name="8d0c2b1e.csv",
    )
    name = "Daniel-Conlan-Campaigns-1-Sep-202430-Sep-2024.csv"
    problems = _refusal(path, "meta_ads", tmp_path, display_name=name)
    assert [(p.code, p.params["file"]) for p in problems] == [("no_data_available", name)]
    assert english(problems[0]).startswith(f'"{name}" says "No data available"')
    assert "8d0c2b1e" not in english(problems[0])


def _workbook(path: Path, rows: int) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Day", "Campaign", "Currency code", "Clicks", "Impr.", "Cost"])
    for day in range(1, rows + 1):
        sheet.append([date(2026, 1, day), "Kopi", "IDR", day, 10 * day, 1.5 * day])
    book.save(path)
    return path


def test_a_workbook_is_imported_from_its_first_sheet(tmp_path: Path) -> None:
    result = _run(_workbook(tmp_path / "report.xlsx", 5), "google_ads", tmp_path)
    assert (result.rows, result.date_from, result.date_to) == (5, date(2026, 1, 1), date(2026, 1, 5))
    assert result.totals == {"impressions": 150, "clicks": 15, "spend": {"IDR": "22.50"}}


def test_a_workbook_with_title_rows_and_no_day_covers_the_period_its_title_states(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Campaign report"])
    sheet.append(["27 January 2026 - 23 February 2026"])
    sheet.append(["Campaign status", "Campaign", "Currency code", "Clicks", "Impr.", "Cost"])
    sheet.append(["Enabled", "Office Fruit", "GBP", 264, 9380, 365.22])
    sheet.append(["Total: Campaigns", None, "GBP", 264, 9380, 365.22])
    book.save(tmp_path / "Campaign report.xlsx")
    result = _run(tmp_path / "Campaign report.xlsx", "google_ads", tmp_path)
    assert (result.rows, result.date_from, result.date_to) == (1, date(2026, 1, 27), date(2026, 2, 23))
    assert result.totals == result.file_totals == {"impressions": 9380, "clicks": 264, "spend": {"GBP": "365.22"}}
    assert result.file_total_label == "Total: Campaigns"


@pytest.mark.parametrize("limits", [(1_000, 1_000_000), (100 * 1024**2, 3)])
def test_a_workbook_over_the_limits_is_refused(tmp_path: Path, limits: tuple[int, int]) -> None:
    """A zip that unpacks to more bytes than allowed (checked before opening it), or a sheet with more rows."""
    path = _workbook(tmp_path / "report.xlsx", 5)
    problems = _refusal(path, "google_ads", tmp_path, excel_limits=limits, display_name="Laporan Januari.xlsx")
    assert [(p.code, p.params["file"]) for p in problems] == [("spreadsheet_too_large", "Laporan Januari.xlsx")]
    assert "Export the report as CSV instead" in english(problems[0])


def test_a_row_with_more_cells_than_the_header_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Day,Campaign,Clicks,Impr.,Cost,Currency code\n2026-01-01,Kopi,1,2,3.00,IDR\n2026-01-02,Kopi, Susu,1,2,3.00,IDR\n",
    )
    problems = _refusal(path, "google_ads", tmp_path)
    assert [(p.code, p.row) for p in problems] == [("row_too_long", 3)]
    assert english(problems[0]).startswith("Row 3 has more cells than the header has columns: a value probably holds a comma")


def test_trailing_empty_cells_are_not_too_long(tmp_path: Path) -> None:
    path = _write(tmp_path, "Day,Campaign,Clicks,Currency code\n2026-01-01,Kopi,1,IDR,,\n")
    assert _run(path, "google_ads", tmp_path).rows == 1


def test_a_currency_symbol_in_the_amounts_gives_the_currency(tmp_path: Path) -> None:
    path = _write(tmp_path, "Day,Campaign,Clicks,Impr.,Cost\n2026-01-01,Kopi,1,2,£8.06\n2026-01-02,Teh,1,2,£1.00\n")
    result = _run(path, "google_ads", tmp_path, workspace_currency="IDR")
    assert result.totals["spend"] == {"GBP": "9.06"} and result.currencies == ["GBP"]
    assert [(w.code, w.params) for w in result.warnings] == [("currency_from_values", {"currency": "GBP"})]
    assert {(r["currency"], r["spend"]) for r in _stored(tmp_path)} == {("GBP", Decimal("8.06")), ("GBP", Decimal("1.00"))}


def test_a_currency_symbol_contradicting_the_currency_column_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "Day,Campaign,Clicks,Impr.,Cost,Currency code\n2026-01-01,Kopi,1,2,£8.06,IDR\n")
    problems = _refusal(path, "google_ads", tmp_path)
    notice = problems[0]
    assert (notice.code, notice.row, notice.column, notice.value) == ("cell_currency_conflict", 2, "Cost", "£8.06")
    assert (notice.params["found"], notice.params["stated"]) == ("GBP", "IDR")
    assert english(notice) == 'Row 2, column "Cost": "£8.06" is in GBP but the row says IDR. Export the report in one currency.'


# --------------------------------------------------------------------------------- tables and records


def test_a_ga4_snapshot_imports_its_usable_tables_and_names_the_others(tmp_path: Path) -> None:
    block = "# Start date: 20260101\n# End date: 20260131\n"
    text = (
        f"{block}Session default channel group,Sessions\nDirect,5\nOrganic Search,6\n\n"
        f"# By region\n{block}Region,Sessions\nBali,7\n\n"
        f"{block}Cohort,Day 1,Day 7\nWeek 1,0.5,0.2\n"
    )
    result = _run(_write(tmp_path, text), "ga4", tmp_path)
    assert result.rows == 3 and result.totals == {"sessions": 18}
    assert result.tables_used == ["Session default channel group, Sessions", "By region (Region, Sessions)"]
    assert result.tables_unused == ["Cohort, Day 1, Day 7"]
    assert {(r["date"], r["date_end"]) for r in _stored(tmp_path)} == {(date(2026, 1, 1), date(2026, 1, 31))}


def test_a_ga4_snapshot_whose_tables_carry_different_metrics_is_imported(tmp_path: Path) -> None:
    block = "# Start date: 20260101\n# End date: 20260131\n"
    text = (
        f"{block}Session default channel group,Sessions\nDirect,5\n\n"
        f"{block}First user default channel group,New users\nDirect,7\n"
    )
    result = _run(_write(tmp_path, text), "ga4", tmp_path)
    assert result.totals == {"sessions": 5, "new_users": 7}


def test_a_blank_ga4_cell_counts_as_zero_in_the_derived_bounces(tmp_path: Path) -> None:
    """The receipt says blank cells count as zero: 10 sessions, blank engaged sessions → 10 bounces."""
    text = "# Start date: 20260101\n# End date: 20260131\n\nSession default channel group,Date,Sessions,Engaged sessions\n"
    text += "Direct,20260101,10,\nDirect,20260102,5,2\n"
    result = _run(_write(tmp_path, text), "ga4", tmp_path)
    assert "blank_values" in _codes(result)
    assert result.totals["bounces"] == 13


def test_a_tiktok_excel_text_file_is_imported_over_the_given_period(tmp_path: Path) -> None:
    header = ["Nama kampanye", "Judul video", "Biaya", "Pesanan SKU", "Pendapatan kotor", "Impresi iklan produk", "Mata uang"]
    rows = [["teh 19 mei", "ideal!!!", "161074.000", "51", "929035.400", "29803", "IDR"],
            ["teh 19 mei", 'kata "bestie"', "43064.000", "20", "402854.447", "12938", "IDR"]]  # fmt: skip
    text = "".join("\t".join('="' + c.replace('"', '""') + '"' for c in row) + "\n" for row in [header, *rows])
    result = _run(
        _write(tmp_path, text, "sample_data.tsv"), "tiktok_ads", tmp_path, period=parse_period("2026-05-01..2026-05-31")
    )
    assert result.rows == 2
    assert result.totals == {
        "impressions": 42741,
        "spend": {"IDR": "204138.00"},
        "conversions": "71.00",
        "conversion_value": {"IDR": "1331889.85"},
    }
    assert sorted(r["ad"] for r in _stored(tmp_path)) == ["ideal!!!", 'kata "bestie"']


def test_tiktok_amounts_under_a_thousand_are_read_as_three_decimals(tmp_path: Path) -> None:
    """A TikTok export in USD whose amounts are all under 1,000: "12.500" is 12.5, as TikTok writes every amount."""
    lines = [["Nama kampanye", "Biaya", "Impresi iklan produk", "Mata uang"], ["Kopi", "12.500", "100", "USD"],
             ["Teh", "3.250", "40", "USD"]]  # fmt: skip
    text = "".join("\t".join(f'="{c}"' for c in line) + "\n" for line in lines)
    result = _run(
        _write(tmp_path, text, "sample_data.tsv"), "tiktok_ads", tmp_path, period=parse_period("2026-05-01..2026-05-31")
    )
    assert result.totals == {"impressions": 140, "spend": {"USD": "15.75"}}


def test_a_multi_line_ad_text_stays_in_its_row(tmp_path: Path) -> None:
    body = '"Kopi enak.\n\nBeli sekarang, ya!\n2026-01-01,Palsu,9,9"'
    text = (
        "\ufeffCampaign name,Ad name,Body (ad settings),Impressions,Amount spent (IDR),Reporting starts,Reporting ends\n"
        f"Promo,Iklan 1,{body},1000,5000,2026-01-01,2026-01-31\nPromo,Iklan 2,Pendek,500,2500,2026-01-01,2026-01-31\n"
    )
    result = _run(_write(tmp_path, text), "meta_ads", tmp_path)
    assert result.rows == 2 and result.totals == {"impressions": 1500, "spend": {"IDR": "7500.00"}}
    assert sorted(r["ad"] for r in _stored(tmp_path)) == ["Iklan 1", "Iklan 2"]


# -------------------------------------------------------------------------------------------- generator


def test_samples_on_disk_match_a_fresh_run_of_the_generator(tmp_path: Path) -> None:
    written = make_samples.write_samples(tmp_path)
    assert {p.name for p in written} == {p.name for p in SAMPLES.iterdir() if p.suffix in (".csv", ".xlsx", ".parquet")}
    for path in written:
        assert path.read_bytes() == (SAMPLES / path.name).read_bytes(), f"{path.name} is out of date: run make_samples"


def test_write_big_csv_has_unique_keys_a_total_line_and_the_bad_value_where_asked(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    make_samples.write_big_csv(path, 1_000, bad_row=500)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 + 1_000 + 1
    assert lines[2] == make_samples.BIG_CSV_HEADER
    assert next(csv.reader(io.StringIO(lines[502])))[4] == "12,3x4"  # data row 500 is line 503
    rows = list(csv.reader(lines[3:]))
    assert is_total_cells(rows[-1]) and sum(not is_total_cells(r) for r in rows) == 1_000
    assert len({(r[0], r[1]) for r in rows[:-1]}) == 1_000
    clicks = [int(r[4]) for i, r in enumerate(rows[:-1]) if i != 499]
    assert sum(clicks) + 20 + (500 * 37) % 900 == int(parse_number(rows[-1][4], hint="en"))
    with pytest.raises(NumberError, match="12,3x4"):
        parse_number(rows[499][4])
    with pytest.raises(ValueError, match="bad_row"):
        make_samples.write_big_csv(path, 10, bad_row=11)


def test_a_big_report_imports_every_row_and_its_sums_equal_its_total_line(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    make_samples.write_big_csv(path, 3_000)
    assert sniff(path).whole_file is False  # bigger than the sample: the importer reads past it
    result = _run(path, "google_ads", tmp_path)
    total = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8").splitlines()[-1])))
    assert (result.rows, result.totals_rows) == (3_000, 1)
    assert result.totals["clicks"] == int(parse_number(total[4], hint="en"))
    assert result.totals["spend"] == {"IDR": f"{parse_number(total[6], hint='en'):.2f}"}
    assert result.totals["conversion_value"] == {"IDR": f"{parse_number(total[8], hint='en'):.2f}"}
