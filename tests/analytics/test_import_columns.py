"""Which of a file's columns feeds which of Alur's fields (:mod:`alur.analytics.imports.columns`), per platform,
and the messages a marketer reads about it. Framework-free: no Django, no database."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from alur.analytics import warehouse
from alur.analytics.imports.columns import ColumnMatch, currency_from_header, detect_format, match_columns, normalize_header
from alur.analytics.imports.layout import sniff, sniff_rows
from alur.analytics.imports.messages import PROBLEMS, WARNINGS, Notice, english, problem, warning
from alur.analytics.imports.platforms import CANONICAL_DIMENSIONS, CANONICAL_FIELDS, CANONICAL_METRICS, FORMATS, GENERIC
from tests.analytics.samples import make_samples

SAMPLES = Path(make_samples.__file__).parent


def _match(name: str, mapping: dict[str, str] | None = None) -> ColumnMatch:
    layout = sniff(SAMPLES / name)
    return match_columns(layout.headers, FORMATS.get(layout.format_key or ""), mapping)


def test_google_ads_columns_match_and_ratios_are_ignored_knowingly() -> None:
    match = _match("google_ads_campaigns.csv")
    assert match.format_key == "google_ads"
    assert match.columns == {
        "date": "Day",
        "channel": "Campaign type",
        "campaign": "Campaign",
        "currency": "Currency code",  # the currency of each row: nothing to assume
        "impressions": "Impr.",
        "clicks": "Clicks",
        "spend": "Cost",
        "conversions": "Conversions",
        "conversion_value": "Conv. value",
    }
    assert match.ignored == ["CTR", "Avg. CPC"]
    assert match.known_unused == ["CTR", "Avg. CPC"]
    assert match.problems == [] and match.warnings == []


def test_indonesian_google_ads_headers_match_the_same_fields() -> None:
    match = _match("google_ads_utf16.csv")
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


def test_meta_csv_dates_by_reporting_period_and_currency_from_the_header() -> None:
    match = _match("meta_ads.csv")
    assert match.columns["date"] == "Reporting starts"
    assert match.period_end == "Reporting ends"  # each row covers the days from its start to its end
    assert match.columns["spend"] == "Amount spent (IDR)"
    assert match.columns["clicks"] == "Link clicks"
    assert match.columns["channel"] == "Platform"
    assert match.columns["conversions"] == "Purchases"  # preferred over "Results", which mixes goals
    assert match.columns["leads"] == "Leads"
    assert match.currency_by_header == {"Amount spent (IDR)": "IDR", "CPC (cost per link click) (IDR)": "IDR"}
    assert match.header_currency == "IDR"
    assert "Results" in match.ignored and "Results" not in match.known_unused
    assert "Reporting ends" not in match.ignored


def test_meta_with_a_day_column_ignores_the_reporting_period() -> None:
    headers = ["Day", "Campaign name", "Impressions", "Amount spent (USD)", "Reporting starts", "Reporting ends"]
    match = match_columns(headers, FORMATS["meta_ads"])
    assert match.columns["date"] == "Day"
    assert match.period_end is None
    assert match.ignored == ["Reporting starts", "Reporting ends"]
    assert match.header_currency == "USD"


def test_meta_xlsx_indonesian_headers() -> None:
    workbook = load_workbook(SAMPLES / "meta_ads.xlsx", read_only=True)
    sheet = workbook.active
    assert sheet is not None
    headers = sniff_rows([list(row) for row in sheet.iter_rows(values_only=True)], name="meta_ads.xlsx").headers
    match = match_columns(headers, FORMATS[detect_format(headers) or ""])
    assert match.format_key == "meta_ads"
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


def test_ga4_columns_and_derived_bounces() -> None:
    match = _match("ga4_traffic.csv")
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


def test_ga4_region_report_has_no_channel_column() -> None:
    match = _match("ga4_regions.csv")
    assert match.columns["region"] == "Region"
    assert "channel" not in match.columns and FORMATS["ga4"].default_channel == "website"
    assert "Bounce rate" in match.known_unused


def test_a_ga4_bounces_column_wins_over_the_derivation() -> None:
    match = match_columns(["Date", "Sessions", "Engaged sessions", "Bounces"], FORMATS["ga4"])
    assert match.columns["bounces"] == "Bounces"
    assert match.derivations == []


def test_ga4_nth_day_counts_days_from_the_period_start() -> None:
    match = match_columns(["Nth day", "New users"], FORMATS["ga4"])
    assert (match.columns["date"], match.day_index) == ("Nth day", True)


def test_tiktok_columns() -> None:
    match = _match("tiktok_ads.csv")
    assert (match.columns["date"], match.columns["clicks"], match.columns["ad_set"]) == (
        "By Day",
        "Clicks (destination)",
        "Ad group name",
    )
    assert match.currency_by_header == {}  # "(destination)" is not a currency
    assert match.known_unused == ["CTR (destination)", "CPC (destination)", "CPM", "Cost per conversion"]


def test_tiktok_indonesian_product_report_columns() -> None:
    headers = ["Nama kampanye", "ID Campaign", "Judul video", "Biaya", "Pesanan SKU", "Pendapatan kotor", "ROI",
               "Impresi iklan produk", "Jumlah klik iklan produk", "Mata uang"]  # fmt: skip
    assert detect_format(headers) == "tiktok_ads"
    match = match_columns(headers, FORMATS["tiktok_ads"])
    assert match.columns == {
        "campaign": "Nama kampanye",
        "ad": "Judul video",
        "currency": "Mata uang",
        "impressions": "Impresi iklan produk",
        "clicks": "Jumlah klik iklan produk",
        "spend": "Biaya",
        "conversions": "Pesanan SKU",
        "conversion_value": "Pendapatan kotor",
    }
    assert match.ignored == match.known_unused == ["ID Campaign", "ROI"]


def test_linkedin_columns() -> None:
    match = _match("linkedin_ads.csv")
    assert match.columns["date"] == "Start Date (in UTC)"
    assert match.columns["spend"] == "Total Spent"
    assert match.columns["campaign"] == "Campaign Name"
    assert match.columns["engagements"] == "Total Engagements"
    assert match.period_end is None
    assert "Campaign Group Name" in match.known_unused


def test_generic_file_needs_a_mapping_for_its_own_column_names() -> None:
    plain = _match("generic.csv")
    assert plain.format_key is None
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

    mapped = _match("generic.csv", {"spend": "anggaran TERPAKAI ", "channel": "Kampanye"})
    assert mapped.columns["spend"] == "Anggaran terpakai"
    assert mapped.columns["channel"] == "Kampanye"  # the mapping wins over the alias…
    assert "campaign" not in mapped.columns  # …and a header feeds one field only
    assert mapped.ignored == ["Saluran", "Catatan"]
    assert mapped.has_money and mapped.header_currency is None and "currency" not in mapped.columns  # currency: asked


def test_mapping_to_a_header_the_file_lacks_is_a_problem_for_the_marketer() -> None:
    match = match_columns(["Tanggal", "Biaya"], None, {"spend": "Anggaran"})
    assert [(p.code, p.params["header"], p.params["field"]) for p in match.problems] == [
        ("mapped_column_missing", "Anggaran", "spend")
    ]
    assert english(match.problems[0]) == (
        'The column "Anggaran" chosen for the amount spent is not in the file. '
        'The file\'s columns are: "Tanggal", "Biaya". Choose one of them.'
    )
    assert match.columns == {"date": "Tanggal"}  # an unmapped alias does not silently take the field
    unmapped_date = match_columns(["Tanggal", "Biaya"], None, {"date": "Periode"})
    assert "date" not in unmapped_date.columns
    assert [p.code for p in unmapped_date.problems] == ["mapped_column_missing"]  # said once
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


def test_a_missing_date_column_is_no_longer_a_problem_of_the_columns() -> None:
    """Changed on purpose: without "Day" the file is imported over its stated or given period (the importer
    refuses with ``period_missing`` only when there is neither, see test_import_periods)."""
    match = _match("missing_date.csv")
    assert "date" not in match.columns
    assert match.problems == [] and match.warnings == []
    assert match.metrics == ["impressions", "clicks", "spend"]


def test_missing_cost_imports_with_a_warning() -> None:
    match = _match("google_ads_missing_cost.csv")
    assert match.problems == []
    assert "spend" not in match.columns
    assert match.warnings == [Notice("metric_missing", {"field": "spend", "header": "Cost", "platform": "Google Ads"})]
    assert english(match.warnings[0]) == (
        'The file has no column for the amount spent ("Cost"), which a Google Ads export normally has; '
        "nothing is counted for the amount spent from these rows."
    )


def test_a_file_without_any_metric_cannot_be_imported() -> None:
    match = match_columns(["Date", "Campaign", "Notes"], None)
    assert [p.code for p in match.problems] == ["no_metric_columns"]
    assert english(match.problems[0]).startswith("None of the file's columns is a figure Alur imports")
    assert '"Date", "Campaign", "Notes"' in english(match.problems[0])
    # Changed on purpose: no date is not a second problem any more.
    assert [p.code for p in match_columns(["Campaign", "Notes"], None).problems] == ["no_metric_columns"]


def test_headers_in_two_currencies_are_refused() -> None:
    match = match_columns(["Day", "Amount spent (IDR)", "Purchases conversion value (USD)"], FORMATS["meta_ads"])
    assert [(p.code, p.params["currencies"]) for p in match.problems] == [("several_header_currencies", "IDR, USD")]
    assert english(match.problems[0]) == (
        "The column headers name different currencies (IDR, USD). "
        "Export the report in one currency, or import each currency as its own file."
    )
    assert match.header_currency is None


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


def test_header_matching_ignores_case_spacing_excel_text_and_currency() -> None:
    assert normalize_header("  AMOUNT  spent (IDR) ") == "amount spent"
    assert normalize_header("\ufeffDay") == "day"
    assert normalize_header('="Biaya"') == "biaya"
    assert normalize_header("Clicks (destination)") == "clicks (destination)"
    match = match_columns([" DAY ", "impr.", "COST (usd)"], FORMATS["google_ads"])
    assert match.columns == {"date": " DAY ", "impressions": "impr.", "spend": "COST (usd)"}
    assert match.header_currency == "USD"


@pytest.mark.parametrize(
    ("headers", "format_key"),
    [
        (["Campaign status", "Campaign", "Currency code", "Impr.", "Cost"], "google_ads"),
        (["Channel", "Status", "Impr.", "Clicks", "Currency code", "Cost"], "google_ads"),
        (["Campaign name", "Reach", "Amount spent (INR)", "Reporting starts", "Reporting ends"], "meta_ads"),
        (["Session primary channel group (Default channel group)", "Sessions", "Engaged sessions"], "ga4"),
        (["Start Date (in UTC)", "Campaign Name", "Total Spent"], "linkedin_ads"),
        (["Tanggal", "Kampanye", "Klik"], None),
    ],
)
def test_the_platform_is_detected_from_the_headers_only_it_writes(headers: list[str], format_key: str | None) -> None:
    assert detect_format(headers) == format_key


def test_no_format_requires_a_date_and_all_list_only_canonical_fields() -> None:
    """Changed on purpose: the date used to be required by every format."""
    for fmt in (*FORMATS.values(), GENERIC):
        assert fmt.required == ()
        assert set(fmt.aliases) <= set(CANONICAL_FIELDS)
        assert set(fmt.expected) <= set(CANONICAL_METRICS)
    assert list(FORMATS) == ["google_ads", "meta_ads", "ga4", "tiktok_ads", "linkedin_ads"]


def test_canonical_fields_match_the_warehouse_columns() -> None:
    assert set(CANONICAL_METRICS) == set(warehouse.FACT_METRICS)
    assert set(CANONICAL_DIMENSIONS) == set(warehouse.FACT_DIMENSIONS) - {"workspace_id", "source", "campaign_id", "date_end"}


# ---------------------------------------------------------------------------------------------- messages


def test_notices_are_keys_with_parameters_rendered_only_when_shown() -> None:
    notice = problem("cell_not_number", row=14, column="Cost", value="abc")
    assert (notice.code, notice.row, notice.column, notice.value) == ("cell_not_number", 14, "Cost", "abc")
    assert english(notice) == 'Row 14, column "Cost": "abc" is not a number Alur reads.'
    assert notice.as_dict()["message"] == english(notice)
    assert english(notice.as_dict()) == english(notice)  # the stored form renders the same


def test_field_parameters_are_named_in_words() -> None:
    notice = warning("totals_differ", label="Total: Campaigns", fields=["spend", "conversion_value"])
    assert english(notice) == (
        "The file's own total (Total: Campaigns) differs from the sum of its rows for the amount spent, the "
        "conversion value (revenue). Rounding, or rows the report hides (removed campaigns, a filter), explain such "
        "a difference."
    )


def test_an_unknown_key_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        problem("no_such_problem")
    with pytest.raises(KeyError):
        warning("no_such_warning")


def test_problem_and_warning_keys_do_not_collide() -> None:
    assert set(PROBLEMS) & set(WARNINGS) == {"text"}
