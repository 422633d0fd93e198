"""Property tests of the pure importer, one per export layout: rows are generated (names from a small alphabet so
they repeat, counts up to ten million, money with up to two decimals, blank and "--" cells), written the way the
platform writes its file, imported with :func:`run_import`, and the receipt and the stored Parquet rows are
compared with what was generated (:mod:`tests.analytics.generated_exports`). Totals lines and summary rows never
count as rows.
"""

from __future__ import annotations

import codecs
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from alur.analytics.imports.layout import Period
from alur.analytics.imports.platforms import MONEY_METRICS
from alur.analytics.imports.run import ImportResult
from tests.analytics.generated_exports import (
    CONVERSIONS,
    COUNTS,
    MONEY,
    NAMES,
    blank_or,
    csv_text,
    day_in,
    english_number,
    expected_totals,
    import_and_check,
    import_spec,
    indonesian_number,
    periods,
    repeated_count,
    sum_or_none,
    warning_codes,
)

SETTINGS = settings(max_examples=25, deadline=None)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip


# ------------------------------------------------------------------------------------------ Google Ads

GOOGLE_METRICS = (("Clicks", "clicks", COUNTS), ("Impr.", "impressions", COUNTS), ("Cost", "spend", MONEY),
                  ("Conversions", "conversions", CONVERSIONS), ("Conv. value", "conversion_value", MONEY))  # fmt: skip


@st.composite
def google_ads_reports(draw: st.DrawFn) -> dict[str, Any]:
    period = draw(periods())
    daily = draw(st.booleans())
    rows = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "status": st.sampled_from(["Enabled", "Paused"]),
                    "date": day_in(period),
                    "campaign": NAMES,
                    "channel": st.sampled_from(["Search", "Performance Max"]),
                    **{field: blank_or(values) for _, field, values in GOOGLE_METRICS},
                }
            ),
            min_size=1,
            max_size=8,
        )
    )
    return {
        "period": period,
        "daily": daily,
        "rows": rows,
        "currency": draw(st.sampled_from(["IDR", "GBP", "EUR", "INR"])),
        "totals": draw(
            st.sampled_from(
                [
                    (),
                    ("Total: Campaigns", "Total: Account"),
                    ("Total: ",),
                    ("Total: Account",),
                    ("Total: Campaign", "Total: Search"),
                ]
            )
        ),
        "utf16": draw(st.booleans()),
        "blank": draw(st.sampled_from([" --", "--", ""])),
        "quoted_title": draw(st.booleans()),
    }


def _google_title(period: Period, *, quoted: bool) -> str:
    if quoted:  # "March 27, 2026 - April 23, 2026", quoted for its commas
        return " - ".join(f"{MONTHS[d.month - 1]} {d.day}, {d.year}" for d in (period.start, period.end))
    return " - ".join(f"{d.day} {MONTHS[d.month - 1]} {d.year}" for d in (period.start, period.end))


@given(google_ads_reports())
@SETTINGS
def test_google_ads_campaign_report(report: dict[str, Any]) -> None:
    """Title lines with the date range, "Campaign status" first (where totals lines put their label), an optional
    Day column, attribute and ratio columns, and totals lines; UTF-8 CSV or UTF-16LE with tabs ("CSV for Excel")."""
    period, daily, currency, blank = report["period"], report["daily"], report["currency"], report["blank"]
    places = {"spend": 2, "conversions": 2, "conversion_value": 2}
    header = ["Campaign status", *(["Day"] if daily else []), "Campaign", "Budget", "Campaign type", "Currency code",
              "CTR", *(h for h, _, _ in GOOGLE_METRICS)]  # fmt: skip
    lines: list[list[str]] = [["Campaign report"], [_google_title(period, quoted=report["quoted_title"])], header]
    facts = []
    for row in report["rows"]:
        figures = [blank if row[f] is None else english_number(row[f], places.get(f, 0)) for _, f, _ in GOOGLE_METRICS]
        day = [row["date"].isoformat()] if daily else []
        lines.append([row["status"], *day, row["campaign"], "10.00", row["channel"], currency, "2.81%", *figures])
        start, end = (row["date"], row["date"]) if daily else (period.start, period.end)
        facts.append({"date": start, "date_end": end, "campaign": row["campaign"], "channel": row["channel"],
                      "currency": currency, **{f: row[f] for _, f, _ in GOOGLE_METRICS}})  # fmt: skip
    for label in report["totals"]:
        sums = [sum_or_none([r[f] for r in report["rows"]]) for _, f, _ in GOOGLE_METRICS]
        figures = [
            " --" if s is None else english_number(s, places.get(f, 0)) for s, (_, f, _) in zip(sums, GOOGLE_METRICS, strict=True)
        ]
        filler = " --" if label == "Total: Campaigns" else ""
        lines.append([label, *([filler] if daily else []), filler, filler, filler, currency, filler, *figures])
    if report["utf16"]:
        content: str | bytes = codecs.BOM_UTF16_LE + csv_text(lines, "\t", "\r\n", quote=",").encode("utf-16-le")
    else:
        content = csv_text(lines)
    file_total = next((label.strip() for label in report["totals"] if label != "Total: Account" and "Search" not in label), None)
    if not expected_totals(facts):
        file_total = None  # a totals line of blanks totals nothing

    def check(result: ImportResult) -> None:
        assert result.totals_rows == len(report["totals"])
        assert ("totals_lines" in warning_codes(result)) is bool(report["totals"])
        assert (result.date_from, result.date_to) == (min(f["date"] for f in facts), max(f["date_end"] for f in facts))
        assert result.file_total_label == file_total
        if file_total is not None:
            assert result.file_totals == result.totals and "totals_differ" not in warning_codes(result)
        count = next((w.params["count"] for w in result.warnings if w.code == "repeated_names"), 0)
        assert count == repeated_count(facts)

    import_and_check(content, "Campaign report.csv", import_spec("google_ads"), facts, check)


# -------------------------------------------------------------------------------------------- Meta Ads

AD_TEXTS = st.sampled_from(["Kopi enak.", "Kopi enak.\n\nBeli sekarang, ya!", 'Diskon "11.11"\n# hemat\nTotal: 50%', ""])
META_METRICS = (("Reach", "reach", COUNTS), ("Impressions", "impressions", COUNTS), ("Link clicks", "clicks", COUNTS),
                ("Amount spent", "spend", MONEY), ("Purchases", "conversions", st.integers(0, 10**5)),
                ("Purchases conversion value", "conversion_value", MONEY))  # fmt: skip


@st.composite
def meta_reports(draw: st.DrawFn) -> dict[str, Any]:
    period = draw(periods())
    return {
        "period": period,
        "dating": draw(st.sampled_from(["whole", "daily", "none"])),  # Reporting starts/ends, or neither
        "dates_first": draw(st.booleans()),
        "breakdowns": draw(st.sampled_from([(), ("Age",), ("Age", "Gender")])),
        "currency": draw(st.sampled_from(["IDR", "USD", "PLN", "INR"])),
        "rows": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "campaign": NAMES,
                        "ad_set": st.sampled_from(["Jabodetabek 25-45", "Pembeli lama"]),
                        "ad": st.sampled_from(["Video 1", "Carousel"]),
                        "Age": st.sampled_from(["18-24", "25-34"]),
                        "Gender": st.sampled_from(["female", "male", "unknown"]),
                        "text": AD_TEXTS,
                        "date": day_in(period),
                        **{field: blank_or(values) for _, field, values in META_METRICS},
                    }
                ),
                min_size=1,
                max_size=8,
            )
        ),
    }


@given(meta_reports())
@SETTINGS
def test_meta_ads_export(report: dict[str, Any]) -> None:
    """A summary row without names first, the currency in a header, optional Reporting starts/ends (whole period
    or one day per row; without them the period is given), optional breakdowns that repeat names, ad texts that
    span lines (with blank lines and a "#" line inside the quotes). Meta writes plain numbers, blanks empty."""
    period, dating, currency = report["period"], report["dating"], report["currency"]
    headers = {"spend": f"Amount spent ({currency})"}
    metric_headers = [headers.get(f, h) for h, f, _ in META_METRICS]
    dates = [] if dating == "none" else ["Reporting starts", "Reporting ends"]
    names = ["Campaign name", "Ad set name", "Ad name", *report["breakdowns"], "Body (ad settings)"]
    header = [*dates, *names, *metric_headers] if report["dates_first"] else [*names, *metric_headers, *dates]

    def line(dating_cells: list[str], name_cells: list[str], figures: list[str]) -> list[str]:
        return [*dating_cells, *name_cells, *figures] if report["dates_first"] else [*name_cells, *figures, *dating_cells]

    whole = [] if dating == "none" else [period.start.isoformat(), period.end.isoformat()]
    sums = [sum_or_none([r[f] for r in report["rows"]]) for _, f, _ in META_METRICS]
    lines = [header, line(whole, [""] * len(names), ["" if s is None else str(s) for s in sums])]
    facts = []
    for row in report["rows"]:
        start, end = (row["date"], row["date"]) if dating == "daily" else (period.start, period.end)
        own = [] if dating == "none" else [start.isoformat(), end.isoformat()]
        cells = [row["campaign"], row["ad_set"], row["ad"], *(row[b] for b in report["breakdowns"]), row["text"]]
        lines.append(line(own, cells, ["" if row[f] is None else str(row[f]) for _, f, _ in META_METRICS]))
        facts.append({"date": start, "date_end": end, "channel": "meta", "campaign": row["campaign"], "ad_set": row["ad_set"],
                      "ad": row["ad"], "currency": currency, **{f: row[f] for _, f, _ in META_METRICS}})  # fmt: skip

    def check(result: ImportResult) -> None:
        assert "summary_row" in warning_codes(result) and result.totals_rows == 1
        assert result.file_total_label == ("" if result.totals else None)  # a summary of blanks totals nothing
        assert result.file_totals == (result.totals or None) and "summary_differs" not in warning_codes(result)
        count = repeated_count(facts)
        kind = "repeated_rows" if report["breakdowns"] else "repeated_names"
        assert [w.params["count"] for w in result.warnings if w.code.startswith("repeated")] == ([count] if count else [])
        assert all(w.code == kind for w in result.warnings if w.code.startswith("repeated"))

    spec = import_spec("meta_ads", period=period if dating == "none" else None)
    import_and_check("\ufeff" + csv_text(lines), "Untitled-report.csv", spec, facts, check)


# ------------------------------------------------------------------------------------------------- GA4

CHANNELS = st.sampled_from(["Organic Search", "Direct", "Paid Social", "Unassigned"])


@st.composite
def ga4_reports(draw: st.DrawFn) -> dict[str, Any]:
    period = draw(periods())

    def row(sessions: int) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries(
            {
                "channel": CHANNELS,
                "date": day_in(period),
                "sessions": st.just(sessions),
                "engaged_sessions": st.integers(0, sessions),
                "conversions": blank_or(CONVERSIONS),
                "conversion_value": blank_or(MONEY),
            }
        )

    return {
        "period": period,
        "daily": draw(st.booleans()),
        "first_row": draw(st.sampled_from(["none", "summary", "Grand total"])),
        "blank_line": draw(st.booleans()),
        "rows": draw(st.lists(COUNTS.flatmap(row), min_size=1, max_size=8)),
    }


@given(ga4_reports())
@SETTINGS
def test_ga4_export(report: dict[str, Any]) -> None:
    """The ``#`` comment block with the start and end date (with or without a blank line after it), an optional
    Date column (20261124), a first row that is a summary without names, a "Grand total" line, or data; the
    bounces are derived as sessions − engaged sessions. GA4 names no currency: the source's is used."""
    period, daily = report["period"], report["daily"]
    comment = ["# ----------------------------------------", "# Traffic acquisition: Session default channel group",
               "# Account: Kopi Nusantara", "# Property: kopinusantara.id - GA4", "# ----------------------------------------",
               "#", "# All Users", f"# Start date: {period.start:%Y%m%d}", f"# End date: {period.end:%Y%m%d}"]  # fmt: skip
    header = ["Session default channel group", *(["Date"] if daily else []), "Users", "Sessions", "Engaged sessions",
              "Engagement rate", "Key events", "Total revenue"]  # fmt: skip
    fields = ("sessions", "engaged_sessions", "conversions", "conversion_value")

    def figures(values: dict[str, Any]) -> list[str]:
        return ["" if values[f] is None else str(values[f]) for f in fields]

    lines: list[list[str]] = [header]
    if report["first_row"] != "none":
        sums = {f: sum_or_none([r[f] for r in report["rows"]]) for f in fields}
        label = "" if report["first_row"] == "summary" else "Grand total"
        lines.append([label, *([""] if daily else []), "123", *figures(sums)[:2], "0.5", *figures(sums)[2:]])
    facts = []
    for row in report["rows"]:
        day = [f"{row['date']:%Y%m%d}"] if daily else []
        lines.append([row["channel"], *day, "7", *figures(row)[:2], "0.61", *figures(row)[2:]])
        start, end = (row["date"], row["date"]) if daily else (period.start, period.end)
        facts.append({"date": start, "date_end": end, "channel": row["channel"], "currency": "USD",
                      "bounces": row["sessions"] - row["engaged_sessions"], **{f: row[f] for f in fields}})  # fmt: skip
    content = "\n".join(comment) + "\n" + ("\n" if report["blank_line"] else "") + csv_text(lines)

    def check(result: ImportResult) -> None:
        assert ("summary_row" in warning_codes(result)) is (report["first_row"] == "summary")
        assert result.totals_rows == (report["first_row"] != "none")
        assert result.file_total_label == {"none": None, "summary": "", "Grand total": "Grand total"}[report["first_row"]]
        if report["first_row"] != "none":
            assert result.file_totals == result.totals
        assert "currency_assumed_source" in warning_codes(result) or all(f["conversion_value"] is None for f in facts)

    import_and_check(content, "Traffic_acquisition.csv", import_spec("ga4", source_currency="USD"), facts, check)


# ---------------------------------------------------------------------------------------------- TikTok

TIKTOK_METRICS = (("Biaya", "spend", MONEY), ("Pesanan SKU", "conversions", st.integers(0, 10**5)),
                  ("Pendapatan kotor", "conversion_value", MONEY), ("Impresi iklan produk", "impressions", COUNTS),
                  ("Jumlah klik iklan produk", "clicks", COUNTS))  # fmt: skip


@st.composite
def tiktok_reports(draw: st.DrawFn) -> dict[str, Any]:
    period = draw(periods())
    return {
        "period": period,
        "daily": draw(st.booleans()),
        "blank": draw(st.sampled_from(["", "-", "--"])),
        "rows": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "campaign": st.sampled_from(["teh 19 mei", "Kopi; Gayo"]),
                        "ad": st.sampled_from(["miliki tubuh ideal bestie!!!", 'kata "bestie"', "=1+1"]),
                        "date": day_in(period),
                        **{field: blank_or(values) for _, field, values in TIKTOK_METRICS},
                    }
                ),
                min_size=1,
                max_size=8,
            )
        ),
    }


@given(tiktok_reports())
@SETTINGS
def test_tiktok_product_report_with_indonesian_headers_in_excel_text_cells(report: dict[str, Any]) -> None:
    """Every cell written as ``="…"`` (quotes inside doubled), tabs, Indonesian headers, "Mata uang" per row, money
    with three decimals; an optional Tanggal column, else the period is given."""
    period, daily = report["period"], report["daily"]
    header = ["Nama kampanye", "ID Campaign", "Judul video", *(["Tanggal"] if daily else []), *(h for h, _, _ in TIKTOK_METRICS),
              "ROI", "Mata uang"]  # fmt: skip
    lines = [header]
    facts = []
    for row in report["rows"]:
        figures = [report["blank"] if row[f] is None else f"{row[f]:.3f}" if f in MONEY_METRICS else str(row[f])
                   for _, f, _ in TIKTOK_METRICS]  # fmt: skip
        day = [row["date"].isoformat()] if daily else []
        lines.append([row["campaign"], "1865607983072722", row["ad"], *day, *figures, "5.77", "IDR"])
        start, end = (row["date"], row["date"]) if daily else (period.start, period.end)
        facts.append({"date": start, "date_end": end, "channel": "tiktok", "campaign": row["campaign"], "ad": row["ad"],
                      "currency": "IDR", **{f: row[f] for _, f, _ in TIKTOK_METRICS}})  # fmt: skip
    content = "".join("\t".join('="' + c.replace('"', '""') + '"' for c in line) + "\n" for line in lines)

    def check(result: ImportResult) -> None:
        assert result.totals_rows == 0 and result.file_totals is None

    # The source's number style is set: without it, a file whose amounts are all under 1,000 ("12.500") is refused
    # as ambiguous (test_import_run.py::test_tiktok_amounts_under_a_thousand_are_read_as_three_decimals).
    spec = import_spec("tiktok_ads", period=None if daily else period, decimal_style="en")
    import_and_check(content, "sample_data.tsv", spec, facts, check)


# -------------------------------------------------------------------------------------------- LinkedIn

LINKEDIN_METRICS = (("Total Spent", "spend", MONEY), ("Impressions", "impressions", COUNTS), ("Clicks", "clicks", COUNTS),
                    ("Conversions", "conversions", st.integers(0, 10**4)), ("Leads", "leads", st.integers(0, 10**4)),
                    ("Total Engagements", "engagements", COUNTS))  # fmt: skip


@st.composite
def linkedin_reports(draw: st.DrawFn) -> dict[str, Any]:
    # The title proves the month-first order: the end's day is past the twelfth.
    end = date(2025, 1, 13) + timedelta(days=draw(st.integers(0, 700)))
    end = end if end.day > 12 else end.replace(day=13)
    period = Period(end - timedelta(days=draw(st.integers(0, 40))), end)
    return {
        "period": period,
        "rows": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "account": st.sampled_from(["Kopi Nusantara B2B", "Kopi, Kantor"]),
                        "campaign": NAMES,
                        "date": day_in(period),
                        **{field: blank_or(values) for _, field, values in LINKEDIN_METRICS},
                    }
                ),
                min_size=1,
                max_size=8,
            )
        ),
    }


def _us(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


@given(linkedin_reports())
@SETTINGS
def test_linkedin_campaign_performance_export(report: dict[str, Any]) -> None:
    """The title block (Report Start/End, Date Generated), month-first dates without leading zeros, the account
    name per row, USD amounts."""
    period = report["period"]
    title = [["Campaign Performance Report (in UTC)"], [f"Report Start: {_us(period.start)}, 12:00 AM"],
             [f"Report End: {_us(period.end)}, 11:59 PM"], [f"Date Generated: {_us(period.end)}, 9:14 AM"]]  # fmt: skip
    header = ["Start Date (in UTC)", "Account Name", "Campaign Group Name", "Campaign Name", "Campaign ID", "Currency",
              *(h for h, _, _ in LINKEDIN_METRICS), "Click Through Rate"]  # fmt: skip
    lines = [*title, header]
    facts = []
    for row in report["rows"]:
        figures = ["" if row[f] is None else str(row[f]) for _, f, _ in LINKEDIN_METRICS]
        lines.append(
            [_us(row["date"]), row["account"], "Kopi untuk Kantor", row["campaign"], "612345678", "USD", *figures, "0.0094"]
        )
        facts.append({"date": row["date"], "date_end": row["date"], "account": row["account"], "channel": "linkedin",
                      "campaign": row["campaign"], "currency": "USD", **{f: row[f] for _, f, _ in LINKEDIN_METRICS}})  # fmt: skip

    def check(result: ImportResult) -> None:
        assert result.accounts == sorted({f["account"] for f in facts})
        assert result.totals_rows == 0

    import_and_check(csv_text(lines), "campaign_performance_report.csv", import_spec("linkedin_ads"), facts, check)


# --------------------------------------------------------------------------------------------- generic

GENERIC_METRICS = (("Tayangan", "impressions", COUNTS), ("Klik", "clicks", COUNTS), ("Anggaran Terpakai", "spend", MONEY))
GENERIC_MAPPING = {"date": "Tanggal", "channel": "Saluran", "campaign": "Nama Program", "impressions": "Tayangan",
                   "clicks": "Klik", "spend": "Anggaran Terpakai"}  # fmt: skip


@st.composite
def generic_files(draw: st.DrawFn) -> dict[str, Any]:
    period = draw(periods())
    return {
        "blank": draw(st.sampled_from(["", "-"])),
        "rows": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "date": day_in(period),
                        "channel": st.sampled_from(["Instagram", "TikTok Organik"]),
                        "campaign": NAMES,
                        "note": st.sampled_from(["", "Live bersama barista; kolaborasi", 'kata "mantap"']),
                        **{field: blank_or(values) for _, field, values in GENERIC_METRICS},
                    }
                ),
                min_size=1,
                max_size=8,
            )
        ),
    }


@given(generic_files())
@SETTINGS
def test_generic_mapped_file_with_indonesian_numbers(report: dict[str, Any]) -> None:
    """A spreadsheet made by hand: semicolons, 23/11/2026 dates (the source says day first), Indonesian numbers
    (1.234.567 and 1.234,56), a notes column with quoted semicolons; the source's mapping and currency."""
    lines = [["Tanggal", "Saluran", "Nama Program", *(h for h, _, _ in GENERIC_METRICS), "Catatan"]]
    facts = []
    for row in report["rows"]:
        figures = [report["blank"] if row[f] is None else indonesian_number(row[f], 2 if f == "spend" else 0)
                   for _, f, _ in GENERIC_METRICS]  # fmt: skip
        lines.append([f"{row['date']:%d/%m/%Y}", row["channel"], row["campaign"], *figures, row["note"]])
        facts.append({"date": row["date"], "date_end": row["date"], "channel": row["channel"], "campaign": row["campaign"],
                      "currency": "IDR", **{f: row[f] for _, f, _ in GENERIC_METRICS}})  # fmt: skip

    def check(result: ImportResult) -> None:
        assert result.format_key is None
        assert "Catatan" in result.ignored_columns
        assert "currency_assumed_source" in warning_codes(result) or all(f["spend"] is None for f in facts)

    spec = import_spec(None, mapping=GENERIC_MAPPING, source_currency="IDR", dayfirst=True)
    import_and_check(csv_text(lines, ";"), "laporan agensi.csv", spec, facts, check)
