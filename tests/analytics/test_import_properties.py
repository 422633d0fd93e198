"""Property tests of the pure importer, one per export layout: rows are generated (names from a small alphabet so
they repeat, counts up to ten million, money with up to two decimals, blank and "--" cells), written the way the
platform writes its file, imported with :func:`run_import`, and the receipt and the stored Parquet rows are
compared with what was generated. Totals lines and summary rows never count as rows.

Each import writes to its own temporary directory (``tmp_path`` is shared by every example of a test).
"""

from __future__ import annotations

import codecs
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from alur.analytics.imports.layout import Period
from alur.analytics.imports.platforms import CANONICAL_METRICS, INTEGER_METRICS, MONEY_METRICS
from alur.analytics.imports.run import ImportResult, ImportSpec, run_import

SETTINGS = settings(max_examples=25, deadline=None)
DIMENSIONS = ("date", "date_end", "account", "channel", "campaign", "ad_set", "ad", "region", "device", "currency")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip

# A comma, quotes, non-ASCII, and a name that starts with "Total" but is no totals line.
NAMES = st.sampled_from(["Kopi Gayo", "Teh, Manis", 'Promo "11.11"', "Ω Susu", "Total Promo"])
COUNTS = st.integers(0, 10**7)
MONEY = st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2)
CONVERSIONS = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2)


def blank_or(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A figure, or ``None`` for a blank cell (about one in five)."""
    return st.one_of(st.none(), values, values, values, values)


@st.composite
def periods(draw: st.DrawFn) -> Period:
    start = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
    return Period(start, start + timedelta(days=draw(st.integers(0, 45))))


def day_in(period: Period) -> st.SearchStrategy[date]:
    return st.integers(0, (period.end - period.start).days).map(lambda n: period.start + timedelta(days=n))


# --------------------------------------------------------------------------------------- writing files


def _text(rows: Sequence[Sequence[str]], delimiter: str = ",", newline: str = "\n", *, quote: str = "") -> str:
    """Cells quoted where needed (the delimiter, a quote, a line break, and the characters in ``quote``: Google
    quotes "1,234" in its tab-separated files too)."""
    special = {delimiter, '"', "\n", *quote}

    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in special) else text

    return "".join(delimiter.join(cell(c) for c in row) + newline for row in rows)


def _english(value: Any, places: int = 0) -> str:
    """Google's and LinkedIn's English grouping: 1,234,567 and 1,234.56."""
    return f"{Decimal(value):,.{places}f}"


def _indonesian(value: Any, places: int = 0) -> str:
    return _english(value, places).translate(str.maketrans(",.", ".,"))


def _sum(values: Sequence[Any]) -> Any:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


# -------------------------------------------------------------------------------------------- checking


def _metric(name: str, value: Any) -> Any:
    if name in INTEGER_METRICS:
        return int(value)
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def expected_totals(facts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The receipt's shape: money per currency as "%.2f" rounded half up, counts as ints, conversions as a
    2-decimal string; a metric blank in every row (or not in the file) is left out."""
    totals: dict[str, Any] = {}
    for name in CANONICAL_METRICS:
        values = [f for f in facts if f.get(name) is not None]
        if not values:
            continue
        if name in MONEY_METRICS:
            by_currency: dict[str, Decimal] = {}
            for fact in values:
                by_currency[fact["currency"]] = by_currency.get(fact["currency"], Decimal(0)) + fact[name]
            totals[name] = {c: _metric(name, v) for c, v in by_currency.items()}
        else:
            totals[name] = _metric(name, sum(f[name] for f in values))
    return totals


def expected_rows(facts: Sequence[dict[str, Any]]) -> Counter[tuple[Any, ...]]:
    """The stored rows: a blank figure of a metric the file gives is zero, a metric it does not give is NULL."""
    present = {name for name in CANONICAL_METRICS if any(f.get(name) is not None for f in facts)}
    rows = []
    for fact in facts:
        dimensions = tuple(fact.get(d, "" if d == "account" else None) for d in DIMENSIONS)
        metrics = tuple((fact.get(m) or 0) if m in present else None for m in CANONICAL_METRICS)
        rows.append(dimensions + metrics)
    return Counter(rows)


def stored_rows(output: Path) -> Counter[tuple[Any, ...]]:
    columns = ", ".join((*DIMENSIONS, *CANONICAL_METRICS))
    return Counter(duckdb.sql(f"SELECT {columns} FROM read_parquet('{output}')").fetchall())


def repeated(facts: Sequence[dict[str, Any]]) -> int:
    """How many rows share their dimensions with an earlier row."""
    return len(facts) - len({tuple(f.get(d) for d in DIMENSIONS) for f in facts})


def import_and_check(
    content: str | bytes, name: str, spec: ImportSpec, facts: Sequence[dict[str, Any]], check: Callable[[ImportResult], None]
) -> ImportResult:
    with tempfile.TemporaryDirectory(prefix="alur-property-") as directory:
        path, output = Path(directory) / name, Path(directory) / "facts.parquet"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        result = run_import(path, spec, output=output)
        assert result.rows == len(facts)
        assert result.totals == expected_totals(facts)
        assert stored_rows(output) == expected_rows(facts)
        check(result)
        return result


def _spec(format_key: str | None, **fields: Any) -> ImportSpec:
    return ImportSpec(workspace_id=1, source=format_key or "agency_sheet", import_id=1, display_name="report", **fields)


def _codes(result: ImportResult) -> list[str]:
    return [w.code for w in result.warnings]


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
        "totals": draw(st.sampled_from([(), ("Total: Campaigns", "Total: Account"), ("Total: ",), ("Total: Account",),
                                         ("Total: Campaign", "Total: Search")])),  # fmt: skip
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
        figures = [blank if row[f] is None else _english(row[f], places.get(f, 0)) for _, f, _ in GOOGLE_METRICS]
        day = [row["date"].isoformat()] if daily else []
        lines.append([row["status"], *day, row["campaign"], "10.00", row["channel"], currency, "2.81%", *figures])
        start, end = (row["date"], row["date"]) if daily else (period.start, period.end)
        facts.append({"date": start, "date_end": end, "campaign": row["campaign"], "channel": row["channel"],
                      "currency": currency, **{f: row[f] for _, f, _ in GOOGLE_METRICS}})  # fmt: skip
    for label in report["totals"]:
        sums = [_sum([r[f] for r in report["rows"]]) for _, f, _ in GOOGLE_METRICS]
        figures = [" --" if s is None else _english(s, places.get(f, 0)) for s, (_, f, _) in zip(sums, GOOGLE_METRICS, strict=True)]
        filler = " --" if label == "Total: Campaigns" else ""
        lines.append([label, *([filler] if daily else []), filler, filler, filler, currency, filler, *figures])
    if report["utf16"]:
        content: str | bytes = codecs.BOM_UTF16_LE + _text(lines, "\t", "\r\n", quote=",").encode("utf-16-le")
    else:
        content = _text(lines)
    file_total = next((label.strip() for label in report["totals"] if label != "Total: Account" and "Search" not in label), None)
    if not expected_totals(facts):
        file_total = None  # a totals line of blanks totals nothing

    def check(result: ImportResult) -> None:
        assert result.totals_rows == len(report["totals"])
        assert ("totals_lines" in _codes(result)) is bool(report["totals"])
        assert (result.date_from, result.date_to) == (min(f["date"] for f in facts), max(f["date_end"] for f in facts))
        assert result.file_total_label == file_total
        if file_total is not None:
            assert result.file_totals == result.totals and "totals_differ" not in _codes(result)
        count = next((w.params["count"] for w in result.warnings if w.code == "repeated_names"), 0)
        assert count == repeated(facts)

    import_and_check(content, "Campaign report.csv", _spec("google_ads"), facts, check)


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
    sums = [_sum([r[f] for r in report["rows"]]) for _, f, _ in META_METRICS]
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
        assert "summary_row" in _codes(result) and result.totals_rows == 1
        assert result.file_total_label == ("" if result.totals else None)  # a summary of blanks totals nothing
        assert result.file_totals == (result.totals or None) and "summary_differs" not in _codes(result)
        count = repeated(facts)
        kind = "repeated_rows" if report["breakdowns"] else "repeated_names"
        assert [w.params["count"] for w in result.warnings if w.code.startswith("repeated")] == ([count] if count else [])
        assert all(w.code == kind for w in result.warnings if w.code.startswith("repeated"))

    spec = _spec("meta_ads", period=period if dating == "none" else None)
    import_and_check("\ufeff" + _text(lines), "Untitled-report.csv", spec, facts, check)


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
        sums = {f: _sum([r[f] for r in report["rows"]]) for f in fields}
        label = "" if report["first_row"] == "summary" else "Grand total"
        lines.append([label, *([""] if daily else []), "123", *figures(sums)[:2], "0.5", *figures(sums)[2:]])
    facts = []
    for row in report["rows"]:
        day = [f"{row['date']:%Y%m%d}"] if daily else []
        lines.append([row["channel"], *day, "7", *figures(row)[:2], "0.61", *figures(row)[2:]])
        start, end = (row["date"], row["date"]) if daily else (period.start, period.end)
        facts.append({"date": start, "date_end": end, "channel": row["channel"], "currency": "USD",
                      "bounces": row["sessions"] - row["engaged_sessions"], **{f: row[f] for f in fields}})  # fmt: skip
    content = "\n".join(comment) + "\n" + ("\n" if report["blank_line"] else "") + _text(lines)

    def check(result: ImportResult) -> None:
        assert ("summary_row" in _codes(result)) is (report["first_row"] == "summary")
        assert result.totals_rows == (report["first_row"] != "none")
        assert result.file_total_label == {"none": None, "summary": "", "Grand total": "Grand total"}[report["first_row"]]
        if report["first_row"] != "none":
            assert result.file_totals == result.totals
        assert "currency_assumed_source" in _codes(result) or all(f["conversion_value"] is None for f in facts)

    import_and_check(content, "Traffic_acquisition.csv", _spec("ga4", source_currency="USD"), facts, check)


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
    spec = _spec("tiktok_ads", period=None if daily else period, decimal_style="en")
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
        lines.append([_us(row["date"]), row["account"], "Kopi untuk Kantor", row["campaign"], "612345678", "USD", *figures, "0.0094"])
        facts.append({"date": row["date"], "date_end": row["date"], "account": row["account"], "channel": "linkedin",
                      "campaign": row["campaign"], "currency": "USD", **{f: row[f] for _, f, _ in LINKEDIN_METRICS}})  # fmt: skip

    def check(result: ImportResult) -> None:
        assert result.accounts == sorted({f["account"] for f in facts})
        assert result.totals_rows == 0

    import_and_check(_text(lines), "campaign_performance_report.csv", _spec("linkedin_ads"), facts, check)


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
        figures = [report["blank"] if row[f] is None else _indonesian(row[f], 2 if f == "spend" else 0)
                   for _, f, _ in GENERIC_METRICS]  # fmt: skip
        lines.append([f"{row['date']:%d/%m/%Y}", row["channel"], row["campaign"], *figures, row["note"]])
        facts.append({"date": row["date"], "date_end": row["date"], "channel": row["channel"], "campaign": row["campaign"],
                      "currency": "IDR", **{f: row[f] for _, f, _ in GENERIC_METRICS}})  # fmt: skip

    def check(result: ImportResult) -> None:
        assert result.format_key is None
        assert "Catatan" in result.ignored_columns
        assert "currency_assumed_source" in _codes(result) or all(f["spend"] is None for f in facts)

    spec = _spec(None, mapping=GENERIC_MAPPING, source_currency="IDR", dayfirst=True)
    import_and_check(_text(lines, ";"), "laporan agensi.csv", spec, facts, check)
