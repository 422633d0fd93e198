"""Export layouts: finding the header, the encoding and the platform, matching columns, rejecting bad files."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from alur.analytics import formats
from alur.analytics.formats import FORMATS, FormatError, Layout, currency_from_header, match_columns, sniff, sniff_rows
from alur.analytics.numbers import NumberError, parse_number
from tests.analytics.samples import make_samples

SAMPLES = Path(make_samples.__file__).parent


def _rows(path: Path, layout: Layout) -> list[list[str]]:
    """The rows below the header, read the way the importer will."""
    assert layout.encoding is not None and layout.delimiter is not None
    text = path.read_text(encoding=layout.encoding)
    lines = text.splitlines()[layout.header_line + 1 :]
    return [row for row in csv.reader(lines, delimiter=layout.delimiter) if any(cell.strip() for cell in row)]


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
    assert (layout.encoding, layout.delimiter, layout.header_line, layout.format_key) == (
        encoding,
        delimiter,
        header_line,
        format_key,
    )
    assert layout.headers[:3] == first_headers
    assert len(layout.title_lines) == header_line


def test_google_ads_title_lines_and_total_lines_are_recognised() -> None:
    path = SAMPLES / "google_ads_campaigns.csv"
    layout = sniff(path)
    assert layout.title_lines == ["Campaign report", '"November 1, 2026 - November 30, 2026"']
    rows = _rows(path, layout)
    totals = [row[0] for row in rows if layout.is_total_row(row)]
    assert totals == ["Total: Account", "Total: Search", "Total: Performance Max", "Total: Campaigns"]
    assert sum(layout.is_data_row(row) for row in rows) == 60  # 30 days × 2 campaigns


def test_indonesian_google_ads_export_in_utf16_with_tabs() -> None:
    path = SAMPLES / "google_ads_utf16.csv"
    assert path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    layout = sniff(path)
    assert layout.title_lines == ["Laporan kampanye", "19 November 2026 - 30 November 2026"]
    match = match_columns(layout.headers, layout.source_format)
    assert match.columns == {
        "date": "Hari",
        "channel": "Jenis kampanye",
        "campaign": "Kampanye",
        "currency": "Kode mata uang",
        "impressions": "Tayangan",
        "clicks": "Klik",
        "spend": "Biaya",
        "conversions": "Konversi",
        "conversion_value": "Nilai konv.",
    }
    assert match.ignored == match.known_unused == ["RKT", "BPK rata-rata"]
    rows = _rows(path, layout)
    assert [row[0] for row in rows if layout.is_total_row(row)] == [
        "Total: Akun",
        "Total: Penelusuran",
        "Total: Performa Maksimal",
        "Total: Kampanye",
    ]
    first = rows[0]
    assert first[:2] == ["2026-11-19", "KN - Search - Kopi Arabika Gayo"]
    assert parse_number(first[layout.headers.index("Nilai konv.")], hint="id") == 534000


def test_google_ads_columns_match_and_ratios_are_ignored_knowingly() -> None:
    layout = sniff(SAMPLES / "google_ads_campaigns.csv")
    match = match_columns(layout.headers, FORMATS["google_ads"])
    assert match.columns == {
        "date": "Day",
        "channel": "Campaign type",
        "campaign": "Campaign",
        "currency": "Currency code",
        "impressions": "Impr.",
        "clicks": "Clicks",
        "spend": "Cost",
        "conversions": "Conversions",
        "conversion_value": "Conv. value",
    }
    assert match.ignored == ["CTR", "Avg. CPC"]
    assert match.known_unused == ["CTR", "Avg. CPC"]
    assert match.missing == [] and match.problems == [] and match.warnings == []
    assert match.needs_currency is False  # the "Currency code" column says it per row
    match.require()


def test_meta_csv_dates_by_reporting_period_and_currency_from_the_header() -> None:
    layout = sniff(SAMPLES / "meta_ads.csv")
    match = match_columns(layout.headers, layout.source_format)
    assert match.columns["date"] == "Reporting starts"
    assert match.period_end == "Reporting ends"  # the importer checks each row covers one day
    assert match.columns["spend"] == "Amount spent (IDR)"
    assert match.columns["clicks"] == "Link clicks"
    assert match.columns["channel"] == "Platform"
    assert match.columns["conversions"] == "Purchases"  # preferred over "Results", which mixes goals
    assert match.columns["leads"] == "Leads"
    assert match.currency_by_header == {"Amount spent (IDR)": "IDR", "CPC (cost per link click) (IDR)": "IDR"}
    assert match.currency == "IDR" and match.needs_currency is False
    assert "Results" in match.ignored and "Results" not in match.known_unused
    assert "Reporting ends" not in match.ignored
    rows = _rows(SAMPLES / "meta_ads.csv", layout)
    assert len(rows) == 40 and not any(layout.is_total_row(row) for row in rows)
    assert all(row[0] == row[1] for row in rows)


def test_meta_with_a_day_column_ignores_the_reporting_period() -> None:
    headers = ["Day", "Campaign name", "Impressions", "Amount spent (USD)", "Reporting starts", "Reporting ends"]
    match = match_columns(headers, FORMATS["meta_ads"])
    assert match.columns["date"] == "Day"
    assert match.period_end is None
    assert match.ignored == ["Reporting starts", "Reporting ends"]
    assert match.currency == "USD"


def test_meta_xlsx_with_indonesian_headers_and_its_summary_row() -> None:
    workbook = load_workbook(SAMPLES / "meta_ads.xlsx", read_only=True)
    sheet = workbook.active
    assert sheet is not None and sheet.title == "Raw Data Report"
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    layout = sniff_rows(rows)
    assert (layout.encoding, layout.delimiter, layout.header_line, layout.format_key) == (None, None, 0, "meta_ads")
    match = match_columns(layout.headers, layout.source_format)
    assert match.columns == {
        "date": "Awal pelaporan",
        "channel": "Platform",
        "campaign": "Nama kampanye",
        "ad_set": "Nama set iklan",
        "impressions": "Impresi",
        "reach": "Jangkauan",
        "clicks": "Klik tautan",
        "spend": "Jumlah yang dibelanjakan (IDR)",
        "conversions": "Hasil",
        "leads": "Prospek",
    }
    assert match.period_end == "Akhir pelaporan"
    assert match.known_unused == ["Frekuensi", "CTR (rasio klik tayang tautan)", "Indikator hasil"]
    assert [layout.is_total_row(row) for row in rows[1:4]] == [True, False, False]  # summary: no campaign name
    assert sum(layout.is_data_row(row) for row in rows[1:]) == 20
    assert rows[1][5] == sum(row[5] for row in rows[2:])  # the summary row does hold the totals


def test_sniff_rows_skips_title_rows_of_a_workbook() -> None:
    rows: list[list[object]] = [
        ["Laporan Kopi Nusantara", None, None],
        [None, None, None],
        ["Tanggal", "Kampanye", "Biaya"],
        ["2026-11-23", "Promo", 150000],
    ]
    layout = sniff_rows(rows)
    assert layout.header_line == 2
    assert layout.headers == ["Tanggal", "Kampanye", "Biaya"]
    assert layout.title_lines == ["Laporan Kopi Nusantara", ""]
    assert layout.format_key is None


def test_ga4_comment_block_metadata_totals_and_derived_bounces() -> None:
    path = SAMPLES / "ga4_traffic.csv"
    layout = sniff(path)
    assert layout.title_lines[0] == "# ----------------------------------------"
    assert layout.title_lines[-1] == ""
    metadata = layout.metadata()
    assert metadata["Account"] == "Kopi Nusantara"
    assert (metadata["Start date"], metadata["End date"]) == ("20261124", "20261130")
    match = match_columns(layout.headers, layout.source_format)
    assert match.columns == {
        "date": "Date",
        "channel": "Session default channel group",
        "sessions": "Sessions",
        "engaged_sessions": "Engaged sessions",
        "conversions": "Key events",
        "conversion_value": "Total revenue",
    }
    assert [d.describe().split(" (")[0] for d in match.derivations] == ["bounces = sessions − engaged_sessions"]
    assert "bounces" in match.metrics
    assert "Engagement rate" in match.known_unused and "Users" in match.known_unused
    rows = _rows(path, layout)
    assert [layout.is_total_row(row) for row in rows[:2]] == [True, False]  # the totals line has no dimension
    assert rows[0][3] == str(sum(int(row[3]) for row in rows[1:]))  # …and sums the sessions
    assert sum(layout.is_data_row(row) for row in rows) == 42


def test_ga4_region_report_grand_total_line() -> None:
    path = SAMPLES / "ga4_regions.csv"
    layout = sniff(path)
    rows = _rows(path, layout)
    assert rows[0][0] == "Grand total" and layout.is_total_row(rows[0])
    assert {row[0] for row in rows if layout.is_data_row(row)} == {"DKI Jakarta", "Jawa Barat", "Jawa Timur", "Bali"}
    match = match_columns(layout.headers, layout.source_format)
    assert match.columns["region"] == "Region"
    assert "channel" not in match.columns and FORMATS["ga4"].default_channel == "website"
    assert "Bounce rate" in match.known_unused


def test_a_ga4_bounces_column_wins_over_the_derivation() -> None:
    match = match_columns(["Date", "Sessions", "Engaged sessions", "Bounces"], FORMATS["ga4"])
    assert match.columns["bounces"] == "Bounces"
    assert match.derivations == []


def test_tiktok_and_linkedin_columns() -> None:
    tiktok = sniff(SAMPLES / "tiktok_ads.csv")
    match = match_columns(tiktok.headers, tiktok.source_format)
    assert (match.columns["date"], match.columns["clicks"], match.columns["ad_set"]) == (
        "By Day",
        "Clicks (destination)",
        "Ad group name",
    )
    assert match.currency_by_header == {}  # "(destination)" is not a currency
    assert match.known_unused == ["CTR (destination)", "CPC (destination)", "CPM", "Cost per conversion"]

    linkedin = sniff(SAMPLES / "linkedin_ads.csv")
    assert linkedin.title_lines[0] == "Campaign Performance Report (in UTC)"
    assert linkedin.metadata()["Report Start"] == "11/17/2026, 12:00 AM"
    match = match_columns(linkedin.headers, linkedin.source_format)
    assert match.columns["date"] == "Start Date (in UTC)"
    assert match.columns["spend"] == "Total Spent"
    assert match.columns["campaign"] == "Campaign Name"
    assert match.columns["engagements"] == "Total Engagements"
    assert match.period_end is None
    assert "Campaign Group Name" in match.known_unused
    rows = _rows(SAMPLES / "linkedin_ads.csv", linkedin)
    assert len(rows) == 28 and {row[linkedin.headers.index("Currency")] for row in rows} == {"USD"}


def test_generic_file_needs_a_mapping_for_its_own_column_names() -> None:
    layout = sniff(SAMPLES / "generic.csv")
    plain = match_columns(layout.headers, None)
    assert plain.columns == {
        "date": "Tanggal",
        "channel": "Saluran",
        "campaign": "Kampanye",
        "region": "Wilayah",
        "impressions": "Tayangan",
        "clicks": "Klik",
        "leads": "Prospek",
        "followers": "Pengikut baru",
    }
    assert plain.ignored == ["Anggaran terpakai", "Catatan"]
    assert plain.known_unused == []

    mapped = match_columns(layout.headers, None, {"spend": "anggaran TERPAKAI ", "channel": "Kampanye"})
    assert mapped.columns["spend"] == "Anggaran terpakai"
    assert mapped.columns["channel"] == "Kampanye"  # the mapping wins over the alias…
    assert "campaign" not in mapped.columns  # …and a header feeds one field only
    assert mapped.ignored == ["Saluran", "Catatan"]
    assert mapped.needs_currency is True  # spend without a currency: the importer must ask
    rows = _rows(SAMPLES / "generic.csv", layout)
    assert rows[0][:2] == ["16/11/2026", "Instagram"]
    assert rows[0][6] == "1.274.226,00"
    assert any("; kolaborasi" in row[9] for row in rows)  # a quoted semicolon stays inside its cell


def test_mapping_to_a_header_the_file_lacks_is_a_problem_for_the_marketer() -> None:
    match = match_columns(["Tanggal", "Biaya"], None, {"spend": "Anggaran"})
    assert match.problems == [
        'The column "Anggaran" chosen for the amount spent is not in the file. '
        'The file\'s columns are: "Tanggal", "Biaya". Choose one of them.'
    ]
    assert match.columns == {"date": "Tanggal"}  # an unmapped alias does not silently take the field
    with pytest.raises(FormatError, match='"Anggaran" chosen for the amount spent'):
        match.require()
    unmapped_date = match_columns(["Tanggal", "Biaya"], None, {"date": "Periode"})
    assert unmapped_date.missing == ["date"]
    assert len(unmapped_date.problems) == 1  # said once, by the mapping message
    with pytest.raises(ValueError, match="not a canonical field"):
        match_columns(["Tanggal"], None, {"budget": "Tanggal"})


def test_generic_parquet_columns_match_by_name() -> None:
    schema = pq.read_schema(SAMPLES / "generic.parquet")
    match = match_columns(schema.names, None)
    assert set(match.columns) == {
        "date", "channel", "campaign", "region", "impressions", "clicks", "spend", "currency", "leads", "followers",
    }  # fmt: skip
    assert match.ignored == [] and match.problems == []
    table = pq.read_table(SAMPLES / "generic.parquet")
    assert table.num_rows == 24
    assert str(table.schema.field("spend").type) == "decimal128(18, 2)"


def test_missing_date_names_the_platform_column_and_how_to_add_it() -> None:
    layout = sniff(SAMPLES / "missing_date.csv")
    match = match_columns(layout.headers, layout.source_format)
    assert match.missing == ["date"]
    with pytest.raises(FormatError) as error:
        match.require()
    assert str(error.value) == (
        'Column "Day" (the date) is missing from this Google Ads export. '
        'In Google Ads, add the "Day" segment (Segments → Time → Day) and download the report again.'
    )


def test_missing_cost_imports_with_a_warning() -> None:
    layout = sniff(SAMPLES / "google_ads_missing_cost.csv")
    match = match_columns(layout.headers, layout.source_format)
    assert match.problems == []
    assert "spend" not in match.columns
    assert match.warnings == [
        'The file has no column for the amount spent ("Cost"), which a Google Ads export normally has; '
        "the amount spent will be empty for these rows."
    ]


def test_a_file_without_any_metric_cannot_be_imported() -> None:
    match = match_columns(["Date", "Campaign", "Notes"], None)
    assert len(match.problems) == 1
    assert len(match_columns(["Campaign", "Notes"], None).problems) == 2  # no date, no metric
    assert match.problems[0].startswith("None of the file's columns is a number Alur imports")
    assert '"Date", "Campaign", "Notes"' in match.problems[0]


def test_headers_in_two_currencies_are_refused() -> None:
    match = match_columns(["Day", "Amount spent (IDR)", "Purchases conversion value (USD)"], FORMATS["meta_ads"])
    assert match.problems == [
        "The column headers name different currencies (IDR, USD). "
        "Export the report in one currency, or import each currency as its own file."
    ]


def test_repeated_header_feeds_one_field_and_the_repeat_is_reported() -> None:
    match = match_columns(["Day", "Clicks", "clicks "], FORMATS["google_ads"])
    assert match.columns == {"date": "Day", "clicks": "Clicks"}
    assert match.ignored == ["clicks "]


@pytest.mark.parametrize(
    ("header", "currency"),
    [
        ("Amount spent (IDR)", "IDR"),
        ("Cost (USD)", "USD"),
        ("  Biaya (Rp) ", "IDR"),
        ("CPC (cost per link click) (IDR)", "IDR"),
        ("Clicks (destination)", None),
        ("Start Date (in UTC)", None),
        ("Clicks (all)", None),
        ("Cost", None),
    ],
)
def test_currency_from_header(header: str, currency: str | None) -> None:
    assert currency_from_header(header) == currency


def test_header_matching_ignores_case_spacing_and_currency() -> None:
    assert formats.normalize_header("  AMOUNT  spent (IDR) ") == "amount spent"
    assert formats.normalize_header("\ufeffDay") == "day"
    assert formats.normalize_header("Clicks (destination)") == "clicks (destination)"
    match = match_columns([" DAY ", "impr.", "COST (usd)"], FORMATS["google_ads"])
    assert match.columns == {"date": " DAY ", "impressions": "impr.", "spend": "COST (usd)"}
    assert match.currency == "USD"


def test_is_total_row_does_not_take_a_campaign_named_total_for_totals() -> None:
    layout = sniff(SAMPLES / "tiktok_ads.csv")
    assert layout.is_total_row(["Total of 30 results", "", "", "IDR", "1000"])
    assert layout.is_total_row(["Jumlah", "", "", "", "1000"])
    assert not layout.is_total_row(["2026-11-21", "Total Promo Kopi", "18-24", "IDR", "1000"])
    assert not layout.is_total_row(["2026-11-21", "", "", "IDR", "1000"])  # TikTok writes no nameless summary
    assert not layout.is_data_row(["", " ", ""])


# ----------------------------------------------------------------------------------------------- broken


def test_empty_file_is_refused() -> None:
    with pytest.raises(FormatError, match=r'"empty.csv" is empty \(0 bytes\)'):
        sniff(SAMPLES / "empty.csv")


def test_blank_lines_only_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"\r\n  \r\n")
    with pytest.raises(FormatError, match="is empty: it has no rows"):
        sniff(path)


def test_header_without_rows_is_refused() -> None:
    with pytest.raises(FormatError) as error:
        sniff(SAMPLES / "header_only.csv")
    assert str(error.value) == (
        '"header_only.csv" has column names ("Day", "Campaign", "Clicks", "Impr."…) but no data rows. '
        "Check the report's date range and filters and download it again."
    )


def test_header_with_only_totals_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "no_data.csv"
    path.write_text('Campaign report\nDay,Campaign,Clicks,Impr.,Cost\nTotal: Account,--,0,0,"0.00"\n', encoding="utf-8")
    with pytest.raises(FormatError, match="and totals but no data rows"):
        sniff(path)


def test_windows_1252_file_is_refused_with_the_line_and_how_to_save_as_utf8() -> None:
    with pytest.raises(FormatError) as error:
        sniff(SAMPLES / "latin1.csv")
    message = str(error.value)
    assert "not saved as UTF-8" in message
    assert "line 4" in message and "0xD1" in message and '"Ñ"' in message
    assert "CSV UTF-8 (Comma delimited)" in message


@pytest.mark.parametrize(
    ("name", "what"),
    [("meta_ads.xlsx", "an Excel workbook"), ("generic.parquet", "a Parquet file")],
)
def test_binary_files_passed_as_csv_are_refused(name: str, what: str) -> None:
    with pytest.raises(FormatError, match=f"is {what}.*not a CSV text file"):
        sniff(SAMPLES / name)


def test_binary_junk_and_html_are_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(FormatError, match="not a text file"):
        sniff(junk)
    page = tmp_path / "report.xls"
    page.write_text("<html><body><table><tr><td>Day</td></tr></table></body></html>", encoding="utf-8")
    with pytest.raises(FormatError, match="is a web page"):
        sniff(page)


def test_file_without_a_header_line_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("1,2,3\n4,5,6\n", encoding="utf-8")
    with pytest.raises(FormatError, match="could not find the line with the column names"):
        sniff(path)


def test_bad_number_sample_has_the_bad_value_on_data_row_17() -> None:
    path = SAMPLES / "bad_number.csv"
    layout = sniff(path)
    rows = _rows(path, layout)
    clicks = layout.headers.index("Clicks")
    assert rows[16][clicks] == "12,3x4"
    assert path.read_text(encoding="utf-8").splitlines()[19].split(",")[4] == '"12'  # line 20 of the file
    with pytest.raises(NumberError, match="12,3x4"):
        parse_number(rows[16][clicks])
    assert all(parse_number(row[clicks]) > 0 for i, row in enumerate(rows[:-1]) if i != 16)


def test_duplicate_rows_sample_repeats_one_day_and_campaign() -> None:
    path = SAMPLES / "duplicate_rows.csv"
    rows = _rows(path, sniff(path))
    keys = [(row[0], row[1]) for row in rows]
    repeated = {key for key in keys if keys.count(key) > 1}
    assert repeated == {("2026-11-05", "KN - Search - Kopi Arabika Gayo")}
    assert [i + 1 for i, key in enumerate(keys) if key in repeated] == [9, 16]


# ---------------------------------------------------------------------------------------- sniff details


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
    assert (layout.header_line, layout.delimiter, layout.format_key) == (2, ";", None)
    assert layout.headers == ["Periode", "Nama Program", "Anggaran Terpakai"]
    assert layout.title_lines == ["Laporan agensi November 2026", ""]


def test_a_small_sample_cut_mid_line_still_finds_the_header() -> None:
    path = SAMPLES / "google_ads_campaigns.csv"
    layout = sniff(path, sample_bytes=300)  # ends inside the first data rows
    assert (layout.header_line, layout.format_key) == (2, "google_ads")
    utf16 = sniff(SAMPLES / "google_ads_utf16.csv", sample_bytes=401)  # odd: cuts a UTF-16 code unit in the first data row
    assert (utf16.encoding, utf16.header_line) == ("utf-16", 2)


def test_every_format_requires_the_date_and_lists_only_canonical_fields() -> None:
    for fmt in (*FORMATS.values(), formats.GENERIC):
        assert fmt.required == ("date",)
        assert set(fmt.aliases) <= set(formats.CANONICAL_FIELDS)
        assert set(fmt.expected) <= set(formats.CANONICAL_METRICS)
    assert list(FORMATS) == ["google_ads", "meta_ads", "ga4", "tiktok_ads", "linkedin_ads"]


def test_canonical_fields_match_the_warehouse_columns() -> None:
    from alur.analytics import warehouse

    assert set(formats.CANONICAL_METRICS) == set(warehouse.FACT_METRICS)
    assert set(formats.CANONICAL_DIMENSIONS) == set(warehouse.FACT_DIMENSIONS) - {"workspace_id", "source", "campaign_id", "date_end"}


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
    layout = sniff(path)
    rows = _rows(path, layout)
    assert layout.is_total_row(rows[-1]) and sum(layout.is_data_row(r) for r in rows) == 1_000
    assert len({(r[0], r[1]) for r in rows[:-1]}) == 1_000
    clicks = [int(r[4]) for i, r in enumerate(rows[:-1]) if i != 499]
    assert sum(clicks) + 20 + (500 * 37) % 900 == int(parse_number(rows[-1][4], hint="en"))
    with pytest.raises(ValueError, match="bad_row"):
        make_samples.write_big_csv(path, 10, bad_row=11)
