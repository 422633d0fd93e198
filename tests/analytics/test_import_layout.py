"""Where the tables are in an export file (:mod:`alur.analytics.imports.layout`): the encoding, the delimiter, the
header line, the platform, the title lines and the period they state, totals lines, and the files refused before
any cell is read. Framework-free: no Django, no database."""

from __future__ import annotations

import codecs
import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from alur.analytics.imports.layout import Layout, Period, sniff, sniff_rows
from alur.analytics.imports.messages import ImportFailed, english
from alur.analytics.imports.totals import is_file_total_label, is_total_cells
from alur.analytics.numbers import parse_number
from tests.analytics.samples import make_samples

SAMPLES = Path(make_samples.__file__).parent


def _rows(path: Path, layout: Layout) -> list[list[str]]:
    """The non-blank rows below the first table's header, read with the layout's encoding and delimiter."""
    assert layout.delimiter is not None
    lines = path.read_text(encoding=layout.encoding).splitlines()[layout.tables[0].header_line + 1 :]
    return [row for row in csv.reader(lines, delimiter=layout.delimiter) if any(cell.strip() for cell in row)]


def _refusal(path: Path, **kwargs: str) -> ImportFailed:
    with pytest.raises(ImportFailed) as error:
        sniff(path, **kwargs)
    assert len(error.value.problems) == 1
    return error.value


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter", "header_line", "format_key", "first_headers"),
    [
        ("google_ads_campaigns.csv", "utf-8", ",", 2, "google_ads", ["Day", "Campaign", "Campaign type"]),
        ("google_ads_utf16.csv", "utf-16", "\t", 2, "google_ads", ["Hari", "Kampanye", "Jenis kampanye"]),
        ("meta_ads.csv", "utf-8-sig", ",", 0, "meta_ads", ["Reporting starts", "Reporting ends", "Campaign name"]),
        ("ga4_traffic.csv", "utf-8", ",", 10, "ga4", ["Session default channel group", "Date", "Users"]),
        ("ga4_regions.csv", "utf-8", ",", 10, "ga4", ["Region", "Date", "Users"]),
        ("tiktok_ads.csv", "utf-8", ",", 0, "tiktok_ads", ["By Day", "Campaign name", "Ad group name"]),
        ("linkedin_ads.csv", "utf-8", ",", 4, "linkedin_ads", ["Start Date (in UTC)", "Account Name", "Campaign Group Name"]),
        ("generic.csv", "utf-8", ";", 0, None, ["Tanggal", "Saluran", "Kampanye"]),
        ("google_ads_missing_cost.csv", "utf-8", ",", 2, "google_ads", ["Day", "Campaign", "Campaign type"]),
        ("missing_date.csv", "utf-8", ",", 2, "google_ads", ["Campaign", "Campaign type", "Currency code"]),
        ("duplicate_rows.csv", "utf-8", ",", 0, "google_ads", ["Day", "Campaign", "Campaign type"]),
        ("bad_number.csv", "utf-8", ",", 2, "google_ads", ["Day", "Campaign", "Campaign type"]),
    ],
)
def test_sniff_finds_encoding_delimiter_header_and_platform(
    name: str, encoding: str, delimiter: str, header_line: int, format_key: str | None, first_headers: list[str]
) -> None:
    layout = sniff(SAMPLES / name)
    assert (layout.encoding, layout.delimiter, layout.tables[0].header_line, layout.format_key) == (
        encoding,
        delimiter,
        header_line,
        format_key,
    )
    assert len(layout.tables) == 1
    assert layout.headers[:3] == first_headers
    assert len(layout.title_lines) == header_line
    assert not layout.no_data and not layout.excel_text


def test_google_ads_title_lines_state_the_period_and_totals_lines_are_recognised() -> None:
    path = SAMPLES / "google_ads_campaigns.csv"
    layout = sniff(path)
    assert layout.title_lines == ["Campaign report", '"November 1, 2026 - November 30, 2026"']
    assert layout.period == Period(date(2026, 11, 1), date(2026, 11, 30))
    rows = _rows(path, layout)
    totals = [row[0] for row in rows if is_total_cells(row)]
    assert totals == ["Total: Account", "Total: Search", "Total: Performance Max", "Total: Campaigns"]
    assert [label for label in totals if is_file_total_label(label)] == ["Total: Campaigns"]  # the report's own
    assert sum(not is_total_cells(row) for row in rows) == 60  # 30 days × 2 campaigns


def test_indonesian_google_ads_export_in_utf16_with_tabs() -> None:
    path = SAMPLES / "google_ads_utf16.csv"
    assert path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    layout = sniff(path)
    assert layout.title_lines == ["Laporan kampanye", "19 November 2026 - 30 November 2026"]
    assert layout.period == Period(date(2026, 11, 19), date(2026, 11, 30))
    rows = _rows(path, layout)
    assert [row[0] for row in rows if is_total_cells(row)] == [
        "Total: Akun",
        "Total: Penelusuran",
        "Total: Performa Maksimal",
        "Total: Kampanye",
    ]
    first = rows[0]
    assert first[:2] == ["2026-11-19", "KN - Search - Kopi Arabika Gayo"]
    assert parse_number(first[layout.headers.index("Nilai konv.")], hint="id") == 534000


def test_meta_csv_has_no_title_and_no_totals_lines() -> None:
    path = SAMPLES / "meta_ads.csv"
    layout = sniff(path)
    assert layout.title_lines == [] and layout.period is None  # each row states its own reporting period
    rows = _rows(path, layout)
    assert len(rows) == 40 and not any(is_total_cells(row) for row in rows)
    assert all(row[0] == row[1] for row in rows)  # one day per row: starts = ends


def test_meta_xlsx_with_indonesian_headers_and_its_summary_row() -> None:
    workbook = load_workbook(SAMPLES / "meta_ads.xlsx", read_only=True)
    sheet = workbook.active
    assert sheet is not None and sheet.title == "Raw Data Report"
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    layout = sniff_rows(rows, name="meta_ads.xlsx")
    assert (layout.tables[0].header_line, layout.format_key, layout.title_lines) == (0, "meta_ads", [])
    assert layout.headers[:3] == ["Awal pelaporan", "Akhir pelaporan", "Nama kampanye"]
    summary, *data = rows[1:]
    assert summary[2] is None and all(row[2] for row in data)  # the summary row names no campaign…
    assert summary[5] == sum(row[5] for row in data)  # …and holds the totals (the importer does not store it)
    assert len(data) == 20 and not any(is_total_cells([str(c or "") for c in row]) for row in rows[1:])


def test_sniff_rows_skips_title_rows_of_a_workbook() -> None:
    rows: list[list[object]] = [
        ["Laporan Kopi Nusantara", None, None],
        [None, None, None],
        ["Tanggal", "Kampanye", "Biaya"],
        ["2026-11-23", "Promo", 150000],
    ]
    layout = sniff_rows(rows, name="laporan.xlsx")
    assert layout.tables[0].header_line == 2
    assert layout.headers == ["Tanggal", "Kampanye", "Biaya"]
    assert layout.title_lines == ["Laporan Kopi Nusantara", ""]
    assert layout.format_key is None


def test_ga4_comment_block_states_the_period_and_the_summary_line_has_no_names() -> None:
    path = SAMPLES / "ga4_traffic.csv"
    layout = sniff(path)
    assert layout.title_lines[0] == "# ----------------------------------------"
    assert "# Account: Kopi Nusantara" in layout.title_lines
    assert layout.title_lines[-1] == ""
    assert layout.period == layout.tables[0].period == Period(date(2026, 11, 24), date(2026, 11, 30))
    rows = _rows(path, layout)
    assert rows[0][:2] == ["", ""] and not is_total_cells(rows[0])  # a summary, not a labelled totals line…
    assert rows[0][3] == str(sum(int(row[3]) for row in rows[1:]))  # …that sums the sessions
    assert len(rows) - 1 == 42


def test_ga4_region_report_grand_total_line() -> None:
    path = SAMPLES / "ga4_regions.csv"
    layout = sniff(path)
    rows = _rows(path, layout)
    assert rows[0][0] == "Grand total" and is_total_cells(rows[0]) and is_file_total_label(rows[0][0])
    assert {row[0] for row in rows if not is_total_cells(row)} == {"DKI Jakarta", "Jawa Barat", "Jawa Timur", "Bali"}


def test_linkedin_title_block_states_a_month_first_period() -> None:
    layout = sniff(SAMPLES / "linkedin_ads.csv")
    assert layout.title_lines[0] == "Campaign Performance Report (in UTC)"
    assert layout.title_lines[1] == '"Report Start: 11/17/2026, 12:00 AM"'
    assert layout.period == Period(date(2026, 11, 17), date(2026, 11, 30))
    assert layout.dayfirst is False  # 11/17 can only be month first: the rows' dates are read that way too
    rows = _rows(SAMPLES / "linkedin_ads.csv", layout)
    assert len(rows) == 28 and {row[layout.headers.index("Currency")] for row in rows} == {"USD"}


def test_generic_sample_keeps_a_quoted_semicolon_inside_its_cell() -> None:
    layout = sniff(SAMPLES / "generic.csv")
    rows = _rows(SAMPLES / "generic.csv", layout)
    assert rows[0][:2] == ["16/11/2026", "Instagram"]
    assert rows[0][6] == "1.274.226,00"
    assert any("; kolaborasi" in row[9] for row in rows)
    assert all(len(row) == len(layout.headers) for row in rows)


@pytest.mark.parametrize(
    ("cells", "is_total"),
    [
        (["Total of 30 results", "", "", "IDR", "1000"], True),
        (["Jumlah", "", "", "", "1000"], True),
        (["Total: Campaigns", " --", " --", "GBP", "264"], True),
        (["", "", "Total: ", "", "1000"], True),  # the label in the first non-empty cell, wherever it is
        (["Grand total", "", "5"], True),
        (["2026-11-21", "Total Promo Kopi", "18-24", "IDR", "1000"], False),  # a campaign called "Total Promo"
        (["Total Promo Kopi", "Search", "IDR", "1000"], False),
        (["2026-11-21", "", "", "IDR", "1000"], False),  # no names is not a totals line
        (["", " ", ""], False),
    ],
)
def test_totals_lines_are_recognised_by_their_first_non_empty_cell(cells: list[str], is_total: bool) -> None:
    assert is_total_cells(cells) is is_total


@pytest.mark.parametrize(
    ("label", "is_file_total"),
    [
        ("Total: Campaigns", True),
        ("Total: Campaign", True),
        ("Total: ", True),
        ("Grand total", True),
        ("Total: Kampanye", True),
        ("Total: Account", False),  # includes campaigns a filtered report hides
        ("Total: Search", False),  # one campaign type only
    ],
)
def test_the_file_total_is_the_whole_report_not_a_breakdown(label: str, is_file_total: bool) -> None:
    assert is_file_total_label(label) is is_file_total


# ----------------------------------------------------------------------------------------------- refused


def test_empty_file_is_refused() -> None:
    error = _refusal(SAMPLES / "empty.csv")
    assert (error.problems[0].code, error.problems[0].params["file"]) == ("file_empty", "empty.csv")
    assert english(error.problems[0]).startswith('"empty.csv" is empty (0 bytes).')


def test_a_refusal_names_the_file_as_the_person_uploaded_it() -> None:
    error = _refusal(SAMPLES / "header_only.csv", display_name="Laporan November.csv")
    assert error.problems[0].params["file"] == "Laporan November.csv"


def test_blank_lines_only_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"\r\n  \r\n")
    error = _refusal(path)
    assert error.problems[0].code == "no_rows"
    assert english(error.problems[0]) == '"blank.csv" has no rows. Download the report again.'


def test_header_without_rows_is_refused() -> None:
    error = _refusal(SAMPLES / "header_only.csv")
    assert error.problems[0].code == "header_only"
    assert english(error.problems[0]) == (
        '"header_only.csv" has column names ("Day", "Campaign", "Clicks", "Impr."…) but no data rows. '
        "Check the report's date range and filters and download it again."
    )


def test_header_with_only_totals_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "no_data.csv"
    path.write_text('Campaign report\nDay,Campaign,Clicks,Impr.,Cost\nTotal: Account,--,0,0,"0.00"\n', encoding="utf-8")
    error = _refusal(path)
    assert error.problems[0].code == "totals_only"
    assert "and totals but no data rows" in english(error.problems[0])


def test_windows_1252_file_is_refused_with_the_line_and_how_to_save_as_utf8() -> None:
    error = _refusal(SAMPLES / "latin1.csv")
    notice = error.problems[0]
    assert notice.code == "not_utf8"
    assert (notice.params["line"], notice.params["byte"], notice.params["char"]) == (4, "D1", "Ñ")
    message = english(notice)
    assert "not saved as UTF-8" in message
    assert "line 4" in message and "0xD1" in message and '"Ñ"' in message
    assert "CSV UTF-8 (Comma delimited)" in message


@pytest.mark.parametrize(
    ("name", "what"),
    [("meta_ads.xlsx", "an Excel workbook"), ("generic.parquet", "a Parquet file")],
)
def test_binary_files_read_as_text_are_refused_with_what_they_are(name: str, what: str) -> None:
    """``sniff`` reads text only; the importer opens workbooks and Parquet files itself (see test_import_run)."""
    error = _refusal(SAMPLES / name)
    assert error.problems[0].code == "wrong_kind"
    assert english(error.problems[0]).startswith(f'"{name}" is {what}')
    assert "not a CSV text file" in english(error.problems[0])


def test_binary_junk_and_html_are_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 4)
    assert _refusal(junk).problems[0].code == "binary"
    assert "not a text file" in english(_refusal(junk).problems[0])
    page = tmp_path / "report.xls"
    page.write_text("<html><body><table><tr><td>Day</td></tr></table></body></html>", encoding="utf-8")
    assert _refusal(page).problems[0].code == "web_page"
    assert "is a web page" in english(_refusal(page).problems[0])


def test_file_without_a_header_line_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("1,2,3\n4,5,6\n", encoding="utf-8")
    error = _refusal(path)
    assert error.problems[0].code == "header_not_found"
    assert "could not find the line with the column names" in english(error.problems[0])


def test_meta_no_data_export_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text('"Reporting starts","Reporting ends","Campaign name",Impressions\n"No data available."\n', encoding="utf-8")
    assert sniff(path).no_data is True  # run_import refuses it with its own sentence (test_import_run)


# ---------------------------------------------------------------------------------------------- details


def test_utf16_without_bom_is_recognised_from_its_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "nobom.csv"
    path.write_bytes("Hari\tKampanye\tKlik\r\n2026-11-23\tPromo\t12\r\n".encode("utf-16-le"))
    layout = sniff(path)
    assert (layout.encoding, layout.delimiter, layout.headers) == ("utf-16-le", "\t", ["Hari", "Kampanye", "Klik"])
    path.write_bytes("Hari\tKampanye\tKlik\r\n2026-11-23\tPromo\t12\r\n".encode("utf-16-be"))
    assert sniff(path).encoding == "utf-16-be"


def test_delimiter_counts_only_outside_quotes(tmp_path: Path) -> None:
    path = tmp_path / "meta_semicolon.csv"
    path.write_text(
        'Day;Campaign name;"CPM (cost per 1,000 impressions)";"CTR (link click-through rate)";Impressions\n'
        "2026-11-23;Promo;12,5;1,2;1.234\n",
        encoding="utf-8",
    )
    layout = sniff(path)
    assert layout.delimiter == ";"
    assert layout.headers[2] == "CPM (cost per 1,000 impressions)"
    assert layout.format_key == "meta_ads"


def test_generic_header_with_unknown_names_is_found_below_a_title(tmp_path: Path) -> None:
    path = tmp_path / "agency.csv"
    path.write_text(
        "Laporan agensi November 2026\n\nPeriode;Nama Program;Anggaran Terpakai\n23/11/2026;Promo;1.250.000,00\n",
        encoding="utf-8",
    )
    layout = sniff(path)
    assert (layout.tables[0].header_line, layout.delimiter, layout.format_key) == (2, ";", None)
    assert layout.headers == ["Periode", "Nama Program", "Anggaran Terpakai"]
    assert layout.title_lines == ["Laporan agensi November 2026", ""]
    assert layout.period is None  # "November 2026" is a month's name, not a range


def test_a_small_sample_cut_mid_line_still_finds_the_header() -> None:
    layout = sniff(SAMPLES / "google_ads_campaigns.csv", sample_bytes=300)  # ends inside the first data rows
    assert (layout.tables[0].header_line, layout.format_key, layout.whole_file) == (2, "google_ads", False)
    utf16 = sniff(SAMPLES / "google_ads_utf16.csv", sample_bytes=801)  # odd: cuts a UTF-16 code unit in a data row
    assert (utf16.encoding, utf16.tables[0].header_line) == ("utf-16", 2)


@pytest.mark.parametrize(("name", "sample_bytes"), [("google_ads_campaigns.csv", 250), ("google_ads_utf16.csv", 401)])
def test_a_sample_that_ends_inside_the_first_data_row_is_not_taken_for_a_header_only_file(name: str, sample_bytes: int) -> None:
    """The sample holds the header but not one whole data row; the rest of the file has 60 (24) rows."""
    layout = sniff(SAMPLES / name, sample_bytes=sample_bytes)
    assert (layout.tables[0].header_line, layout.format_key) == (2, "google_ads")


def test_a_blank_line_between_data_rows_does_not_start_a_new_table(tmp_path: Path) -> None:
    path = tmp_path / "gap.csv"
    path.write_text(
        "Day,Campaign,Clicks,Impr.,Cost\n2026-11-01,Promo,1,10,1.00\n\n2026-11-02,Promo,2,20,2.00\n", encoding="utf-8"
    )
    layout = sniff(path)
    assert len(layout.tables) == 1 and layout.tables[0].row_count == 2


# ------------------------------------------------------------------------------------ tables and records

GA4_SNAPSHOT = """\
# ----------------------------------------
# Report CSV Export
# Account: Kopi Nusantara
# Property: kopinusantara.id - GA4
# ----------------------------------------
#
# Start date: 20260101
# End date: 20260131
Session default channel group,Sessions,Engaged sessions
Organic Search,120,80
Direct,60,20

# How do you acquire users?
# Start date: 20260201
# End date: 20260228
First user default channel group,New users
Organic Search,40
Paid Social,12
Direct,7

# Start date: 20251101
# End date: 20251130
Nth day,Users
0000,3
0001,4
"""


def test_a_ga4_report_snapshot_holds_several_tables_each_with_its_own_period(tmp_path: Path) -> None:
    path = tmp_path / "data-export.csv"
    path.write_text(GA4_SNAPSHOT, encoding="utf-8")
    layout = sniff(path)
    assert [(t.headers, t.period, t.row_count) for t in layout.tables] == [
        (["Session default channel group", "Sessions", "Engaged sessions"], Period(date(2026, 1, 1), date(2026, 1, 31)), 2),
        (["First user default channel group", "New users"], Period(date(2026, 2, 1), date(2026, 2, 28)), 3),
        (["Nth day", "Users"], Period(date(2025, 11, 1), date(2025, 11, 30)), 2),
    ]
    assert [t.header_line for t in layout.tables] == [8, 15, 22]
    assert layout.tables[1].description == "How do you acquire users? (First user default channel group, New users)"
    assert layout.period == Period(date(2026, 1, 1), date(2026, 1, 31))  # the title block above the first table
    assert {t.format_key for t in layout.tables} == {"ga4", None}


def test_excel_text_cells_are_unwrapped_in_the_headers(tmp_path: Path) -> None:
    path = tmp_path / "sample_data.tsv"
    path.write_text(
        '="Nama kampanye"\t="Judul video"\t="Biaya"\t="Pesanan SKU"\t="Pendapatan kotor"\t="Mata uang"\n'
        '="teh 19 mei"\t="miliki tubuh ideal!!!"\t="161074.000"\t="51"\t="929035.400"\t="IDR"\n',
        encoding="utf-8",
    )
    layout = sniff(path)
    assert (layout.excel_text, layout.delimiter, layout.format_key) == (True, "\t", "tiktok_ads")
    assert layout.headers == ["Nama kampanye", "Judul video", "Biaya", "Pesanan SKU", "Pendapatan kotor", "Mata uang"]


def test_a_quoted_ad_text_spanning_lines_is_one_record_and_does_not_split_the_table(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    body = '"Kopi enak.\n\nBeli sekarang, ya!\n\n# tagar: ""kopi"""'  # a blank line, a comma, a "#" line, quotes
    path.write_text(
        "\ufeffCampaign name,Ad name,Body (ad settings),Impressions,Amount spent (IDR),Reporting starts,Reporting ends\n"
        f"Promo,Iklan 1,{body},1000,5000,2026-01-01,2026-01-31\n"
        "Promo,Iklan 2,Pendek,500,2500,2026-01-01,2026-01-31\n",
        encoding="utf-8",
    )
    layout = sniff(path)
    assert len(layout.tables) == 1 and layout.tables[0].row_count == 2
    assert layout.multiline is True
    assert layout.format_key == "meta_ads"
