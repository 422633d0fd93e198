"""Realistic export files for the import tests and the import benchmark, for the brand "Kopi Nusantara".

Each sample copies the layout a platform really downloads (title lines, comment blocks, encodings,
delimiters, number styles, total rows), with made-up numbers for November 2026. Run

    .venv/bin/python -m tests.analytics.samples.make_samples

to rewrite them all in this directory. The output is deterministic (seeded random numbers, fixed
timestamps inside the XLSX), so a rerun changes no byte; ``test_formats`` checks the committed files
against a fresh run.

The samples:

* ``google_ads_campaigns.csv`` — Google Ads campaign report, UTF-8, title and date-range lines, Day ×
  Campaign (60 rows), English numbers with quoted thousands separators, four ``Total: …`` lines.
* ``google_ads_utf16.csv`` — the same report as Google Ads' "CSV for Excel": UTF-16 LE with BOM, tabs,
  Indonesian UI headers (``Hari``, ``Kampanye``…) and Indonesian numbers (``1.234,56``), 24 rows.
* ``meta_ads.csv`` — Meta Ads Manager export, UTF-8 with BOM, Day × Campaign × Platform (40 rows): one
  row per day, so "Reporting starts" = "Reporting ends"; plain numbers.
* ``meta_ads.xlsx`` — Meta export as a workbook with Indonesian headers and Meta's summary row (empty
  campaign name) above 20 data rows.
* ``ga4_traffic.csv`` — GA4 "Traffic acquisition" export: ``#`` comment block, blank line, header, a totals
  line with empty dimensions, Session default channel group × Date (42 rows), dates as ``20261124``.
* ``ga4_regions.csv`` — GA4 region report with a "Grand total" line, Region × Date (28 rows).
* ``tiktok_ads.csv`` — TikTok Ads Manager custom report, By Day × Ad group (30 rows).
* ``linkedin_ads.csv`` — LinkedIn Campaign Manager performance export in USD: four metadata lines, then
  the header, Start Date (in UTC) as ``11/17/2026`` (month first) × Campaign (28 rows).
* ``generic.csv`` — a spreadsheet made by hand: semicolons, Indonesian numbers, ``23/11/2026`` dates,
  one column ("Anggaran terpakai", the spend) that only a user mapping can place (24 rows).
* ``generic.parquet`` — a typed table with English column names, spend as decimal(18, 2) in IDR.
* Broken: ``empty.csv`` (0 bytes); ``header_only.csv``; ``google_ads_missing_cost.csv`` (no Cost column:
  importable, with a warning); ``missing_date.csv`` (a Google Ads report by campaign, without "Day");
  ``bad_number.csv`` (``write_big_csv`` with 30 rows and "12,3x4" in Clicks on data row 17, line 20 of
  the file); ``duplicate_rows.csv`` (2026-11-05 × "KN - Search - Kopi Arabika Gayo" twice, data rows 9
  and 16); ``latin1.csv`` (Windows-1252 bytes: "Pemasaran Ñ" on line 4 is invalid UTF-8).
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import re
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent

NOVEMBER = [date(2026, 11, day) for day in range(1, 31)]
BIG_CSV_TITLE = ("Campaign report", "November 1, 2026 - November 30, 2026")
BIG_CSV_HEADER = "Day,Campaign,Campaign type,Currency code,Clicks,Impr.,Cost,Conversions,Conv. value"
BAD_NUMBER = "12,3x4"

_XLSX_TIME = datetime(2026, 12, 1, 9, 0, 0)


def _rng(name: str) -> random.Random:
    """A generator per sample: adding a sample never changes the numbers of another."""
    return random.Random(f"kopi-nusantara/{name}")  # a str seed is hashed with SHA-512: stable across runs


def _en(value: int | Decimal, places: int = 0) -> str:
    return f"{Decimal(value):,.{places}f}"


def _id(value: int | Decimal, places: int = 0) -> str:
    return _en(value, places).translate(str.maketrans(",.", ".,"))


def _csv(rows: Sequence[Sequence[object]], *, delimiter: str = ",", newline: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerows(rows)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------- Google Ads

GOOGLE_CAMPAIGNS = (
    ("KN - Search - Kopi Arabika Gayo", "Search", "Penelusuran"),
    ("KN - PMax - Toko Online", "Performance Max", "Performa Maksimal"),
)


def _google_day(rng: random.Random, campaign_type: str) -> dict[str, Decimal]:
    """One day of one campaign, in IDR: impressions, clicks, cost, conversions, value."""
    search = campaign_type == "Search"
    impressions = rng.randint(3_000, 9_000) if search else rng.randint(20_000, 140_000)
    clicks = int(impressions * rng.uniform(0.045, 0.09 if search else 0.02))
    cost = clicks * rng.randint(900, 2_600) // 100 * 100
    conversions = Decimal(rng.randint(0, max(1, clicks // 40) * 4)) / 4  # Google models fractional conversions
    value = conversions * rng.randint(120, 260) * 1_000
    return {
        "impressions": Decimal(impressions),
        "clicks": Decimal(clicks),
        "cost": Decimal(cost),
        "conversions": conversions,
        "value": value,
    }


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    return numerator / denominator if denominator else Decimal(0)


def _google_total(label: str, days: Sequence[dict[str, Decimal]], style: str) -> list[str]:
    fmt = _en if style == "en" else _id
    total = {key: sum((d[key] for d in days), Decimal(0)) for key in days[0]}
    ctr = _ratio(total["clicks"] * 100, total["impressions"])
    cpc = _ratio(total["cost"], total["clicks"])
    return [
        label, "--", "--", "--",
        fmt(total["clicks"]), fmt(total["impressions"]), fmt(ctr, 2) + "%", fmt(cpc, 2),
        fmt(total["cost"]), fmt(total["conversions"], 2), fmt(total["value"], 2),
    ]  # fmt: skip


def _google_rows(
    name: str, days: Sequence[date], *, style: str
) -> tuple[list[list[str]], list[tuple[str, str, dict[str, Decimal]]]]:
    rng = _rng(name)
    fmt = _en if style == "en" else _id
    rows: list[list[str]] = []
    raw: list[tuple[str, str, dict[str, Decimal]]] = []
    for day in days:
        for campaign, type_en, type_id in GOOGLE_CAMPAIGNS:
            numbers = _google_day(rng, type_en)
            campaign_type = type_en if style == "en" else type_id
            raw.append((campaign, campaign_type, numbers))
            rows.append([
                day.isoformat(), campaign, campaign_type, "IDR",
                fmt(numbers["clicks"]), fmt(numbers["impressions"]),
                fmt(_ratio(numbers["clicks"] * 100, numbers["impressions"]), 2) + "%",
                fmt(_ratio(numbers["cost"], numbers["clicks"]), 2),
                fmt(numbers["cost"]), fmt(numbers["conversions"], 2), fmt(numbers["value"], 2),
            ])  # fmt: skip
    return rows, raw


def _google_totals(
    raw: Sequence[tuple[str, str, dict[str, Decimal]]], *, account: str, campaigns: str, style: str
) -> list[list[str]]:
    totals = [_google_total(account, [n for _, _, n in raw], style)]
    for campaign_type in dict.fromkeys(t for _, t, _ in raw):
        totals.append(_google_total(f"Total: {campaign_type}", [n for _, t, n in raw if t == campaign_type], style))
    totals.append(_google_total(campaigns, [n for _, _, n in raw], style))
    return totals


def google_ads_campaigns() -> bytes:
    header = ["Day", "Campaign", "Campaign type", "Currency code", "Clicks", "Impr.", "CTR", "Avg. CPC", "Cost",
              "Conversions", "Conv. value"]  # fmt: skip
    rows, raw = _google_rows("google_ads_campaigns", NOVEMBER, style="en")
    totals = _google_totals(raw, account="Total: Account", campaigns="Total: Campaigns", style="en")
    lines = [["Campaign report"], ["November 1, 2026 - November 30, 2026"], header, *rows, *totals]
    return _csv(lines).encode("utf-8")


def google_ads_utf16() -> bytes:
    header = ["Hari", "Kampanye", "Jenis kampanye", "Kode mata uang", "Klik", "Tayangan", "RKT", "BPK rata-rata",
              "Biaya", "Konversi", "Nilai konv."]  # fmt: skip
    rows, raw = _google_rows("google_ads_utf16", NOVEMBER[18:], style="id")
    totals = _google_totals(raw, account="Total: Akun", campaigns="Total: Kampanye", style="id")
    lines = [["Laporan kampanye"], ["19 November 2026 - 30 November 2026"], header, *rows, *totals]
    return codecs.BOM_UTF16_LE + _csv(lines, delimiter="\t", newline="\r\n").encode("utf-16-le")


def google_ads_missing_cost() -> bytes:
    header = ["Day", "Campaign", "Campaign type", "Currency code", "Clicks", "Impr.", "CTR", "Conversions"]
    rows, _ = _google_rows("google_ads_missing_cost", NOVEMBER[20:], style="en")
    body = [[*row[:7], row[9]] for row in rows]
    lines = [["Campaign report"], ["November 21, 2026 - November 30, 2026"], header, *body]
    return _csv(lines).encode("utf-8")


def missing_date() -> bytes:
    header = ["Campaign", "Campaign type", "Currency code", "Clicks", "Impr.", "CTR", "Avg. CPC", "Cost"]
    rows, _ = _google_rows("missing_date", NOVEMBER[:1], style="en")
    body = [row[1:9] for row in rows]
    lines = [["Campaign report"], ["November 1, 2026"], header, *body]
    return _csv(lines).encode("utf-8")


def duplicate_rows() -> bytes:
    header = ["Day", "Campaign", "Campaign type", "Currency code", "Clicks", "Impr.", "CTR", "Avg. CPC", "Cost",
              "Conversions", "Conv. value"]  # fmt: skip
    rows, _ = _google_rows("duplicate_rows", NOVEMBER[:10], style="en")
    rows.insert(15, list(rows[8]))  # 2026-11-05, Kopi Arabika Gayo: data rows 9 and 16
    return _csv([header, *rows]).encode("utf-8")


def write_big_csv(path: Path, rows: int, bad_row: int | None = None) -> None:
    """A Google-Ads-like campaign report of ``rows`` data rows, fast enough for millions of rows.

    Layout: two title lines, the header (:data:`BIG_CSV_HEADER`) on line 3, data row ``k`` (1-based) on
    line ``k + 3`` of the file, then a ``Total: Account`` line. Day × Campaign is unique (30 days per
    campaign). With ``bad_row``, the Clicks cell of that data row holds ``"12,3x4"`` (:data:`BAD_NUMBER`).
    Numbers are English style with quoted thousands separators, as Google Ads writes them.
    """
    if bad_row is not None and not 1 <= bad_row <= rows:
        raise ValueError(f"bad_row must be between 1 and {rows}, not {bad_row}")
    days = [d.isoformat() for d in NOVEMBER]
    sums = [0, 0, 0, 0, 0]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(_csv([[line] for line in BIG_CSV_TITLE]) + BIG_CSV_HEADER + "\n")
        chunk: list[str] = []
        for k in range(1, rows + 1):
            clicks = 20 + (k * 37) % 900
            impressions = clicks * 25 + (k * 13) % 97
            cost = clicks * 1_500 + (k % 7) * 100
            conversions = clicks // 25
            value = conversions * 85_000
            sums[0] += clicks
            sums[1] += impressions
            sums[2] += cost
            sums[3] += conversions
            sums[4] += value
            clicks_cell = f'"{BAD_NUMBER}"' if k == bad_row else str(clicks)  # below 1,000: no separator
            chunk.append(
                f"{days[(k - 1) % 30]},KN - Search - Produk {(k - 1) // 30:05d},Search,IDR,{clicks_cell},"
                f'"{impressions:,}","{cost:,}",{conversions}.00,"{value:,}.00"\n'
            )
            if len(chunk) == 50_000:
                handle.write("".join(chunk))
                chunk.clear()
        handle.write("".join(chunk))
        handle.write(f'Total: Account,--,--,--,"{sums[0]:,}","{sums[1]:,}","{sums[2]:,}","{sums[3]:,}.00","{sums[4]:,}.00"\n')


def bad_number(path: Path) -> None:
    write_big_csv(path, 30, bad_row=17)


def latin1() -> bytes:
    lines = [
        ["Tanggal", "Kampanye", "Klik", "Biaya"],
        ["2026-11-21", "Promo Akhir Tahun", "120", "150000"],
        ["2026-11-22", "Promo Akhir Tahun", "98", "132000"],
        ["2026-11-22", "Pemasaran Ñ", "45", "61000"],
        ["2026-11-23", "Pemasaran Ñ", "51", "70500"],
    ]
    return _csv(lines, newline="\r\n").encode("cp1252")


def header_only() -> bytes:
    return b"Day,Campaign,Clicks,Impr.,Cost\n"


# ------------------------------------------------------------------------------------------------- Meta

META_CAMPAIGNS = (
    ("KN - Leads - Langganan Kopi Bulanan", "Langganan 25-45 Jabodetabek", "leads"),
    ("KN - Sales - Promo 11.11", "Pembeli Lama 180 Hari", "purchases"),
)
META_INDICATORS = {
    "leads": "actions:offsite_conversion.fb_pixel_lead",
    "purchases": "actions:offsite_conversion.fb_pixel_purchase",
}


def _meta_rows(name: str, days: Sequence[date]) -> Iterator[dict[str, object]]:
    rng = _rng(name)
    for day in days:
        for campaign, ad_set, goal in META_CAMPAIGNS:
            for platform in ("facebook", "instagram"):
                impressions = rng.randint(8_000, 45_000) if platform == "instagram" else rng.randint(4_000, 20_000)
                reach = int(impressions / rng.uniform(1.05, 1.6))
                link_clicks = int(impressions * rng.uniform(0.006, 0.018))
                spend = impressions * rng.randint(12, 35) // 100 * 100  # CPM Rp12.000–35.000
                results = max(0, int(link_clicks * rng.uniform(0.02, 0.09)))
                yield {
                    "day": day.isoformat(),
                    "campaign": campaign,
                    "ad_set": ad_set,
                    "platform": platform,
                    "reach": reach,
                    "impressions": impressions,
                    "frequency": round(impressions / reach, 6),
                    "spend": spend,
                    "link_clicks": link_clicks,
                    "ctr": round(link_clicks * 100 / impressions, 6),
                    "cpc": round(spend / link_clicks, 6) if link_clicks else "",
                    "results": results,
                    "indicator": META_INDICATORS[goal],
                    "cost_per_result": round(spend / results, 6) if results else "",
                    "purchases": results if goal == "purchases" else "",
                    "purchase_value": results * rng.randint(150, 320) * 1000 if goal == "purchases" else "",
                    "leads": results if goal == "leads" else "",
                }


def meta_ads_csv() -> bytes:
    header = ["Reporting starts", "Reporting ends", "Campaign name", "Platform", "Reach", "Impressions", "Frequency",
              "Amount spent (IDR)", "Link clicks", "CTR (link click-through rate)", "CPC (cost per link click) (IDR)",
              "Results", "Result indicator", "Cost per result", "Purchases", "Purchases conversion value",
              "Leads"]  # fmt: skip
    keys = ["day", "day", "campaign", "platform", "reach", "impressions", "frequency", "spend", "link_clicks", "ctr",
            "cpc", "results", "indicator", "cost_per_result", "purchases", "purchase_value", "leads"]  # fmt: skip
    rows = [[row[k] for k in keys] for row in _meta_rows("meta_ads_csv", NOVEMBER[20:])]
    return codecs.BOM_UTF8 + _csv([header, *rows]).encode("utf-8")


META_XLSX_HEADER = ["Awal pelaporan", "Akhir pelaporan", "Nama kampanye", "Nama set iklan", "Platform", "Jangkauan",
                    "Impresi", "Frekuensi", "Jumlah yang dibelanjakan (IDR)", "Klik tautan",
                    "CTR (rasio klik tayang tautan)", "Hasil", "Indikator hasil", "Prospek"]  # fmt: skip


def meta_ads_xlsx_rows() -> list[list[object]]:
    """The sheet's rows: header, Meta's summary row (no campaign name, the whole period), 20 data rows."""
    keys = ["day", "day", "campaign", "ad_set", "platform", "reach", "impressions", "frequency", "spend",
            "link_clicks", "ctr", "results", "indicator", "leads"]  # fmt: skip
    data = list(_meta_rows("meta_ads_xlsx", NOVEMBER[25:]))
    reach = sum(int(str(r["reach"])) for r in data)
    impressions = sum(int(str(r["impressions"])) for r in data)
    clicks = sum(int(str(r["link_clicks"])) for r in data)
    summary: list[object] = [
        "2026-11-26", "2026-11-30", None, None, None, reach, impressions, round(impressions / reach, 6),
        sum(int(str(r["spend"])) for r in data), clicks, round(clicks * 100 / impressions, 6), None, None,
        sum(int(str(r["leads"] or 0)) for r in data),
    ]  # fmt: skip
    rows: list[list[object]] = [list(META_XLSX_HEADER), summary]
    rows.extend([None if row[k] == "" else row[k] for k in keys] for row in data)
    return rows


def write_meta_ads_xlsx(path: Path) -> None:
    """Written with openpyxl, then re-zipped with fixed entry times so the bytes do not change per run."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Raw Data Report"
    for row in meta_ads_xlsx_rows():
        sheet.append(row)
    workbook.properties.creator = "Kopi Nusantara"
    workbook.properties.created = _XLSX_TIME
    workbook.properties.modified = _XLSX_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with the time of saving
                data = _fixed_core_times(data)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=_XLSX_TIME.timetuple()[:6]), data, zipfile.ZIP_DEFLATED)


def _fixed_core_times(xml: bytes) -> bytes:
    stamp = _XLSX_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, xml)


# -------------------------------------------------------------------------------------------------- GA4

GA4_CHANNELS = {  # channel group → (sessions low, high, engagement rate low, high)
    "Organic Search": (380, 620, 0.58, 0.70),
    "Direct": (250, 420, 0.50, 0.64),
    "Paid Social": (300, 700, 0.35, 0.52),
    "Organic Social": (150, 300, 0.45, 0.60),
    "Paid Search": (200, 380, 0.55, 0.72),
    "Email": (40, 120, 0.62, 0.80),
}
GA4_REGIONS = {"DKI Jakarta": 0.36, "Jawa Barat": 0.24, "Jawa Timur": 0.18, "Bali": 0.06}
GA4_WEEK = NOVEMBER[23:]


def _ga4_comment(title: str) -> list[list[str]]:
    return [
        ["# ----------------------------------------"], [f"# {title}"], ["# Account: Kopi Nusantara"],
        ["# Property: kopinusantara.id - GA4"], ["# ----------------------------------------"], ["#"],
        ["# All Users"], ["# Start date: 20261124"], ["# End date: 20261130"], [],
    ]  # fmt: skip


def ga4_traffic() -> bytes:
    rng = _rng("ga4_traffic")
    header = ["Session default channel group", "Date", "Users", "Sessions", "Engaged sessions",
              "Average engagement time per session", "Engaged sessions per user", "Events per session",
              "Engagement rate", "Event count", "Key events", "Total revenue"]  # fmt: skip
    rows: list[list[object]] = []
    sums = [0, 0, 0, 0, 0, 0]  # users, sessions, engaged, events, key events, revenue
    for day in GA4_WEEK:
        for channel, (low, high, rate_low, rate_high) in GA4_CHANNELS.items():
            sessions = rng.randint(low, high)
            users = int(sessions * rng.uniform(0.78, 0.92))
            engaged = int(sessions * rng.uniform(rate_low, rate_high))
            events = int(sessions * rng.uniform(5.5, 9.5))
            key_events = rng.randint(0, max(1, sessions // 60))
            revenue = key_events * rng.randint(90, 240) * 1000
            for i, value in enumerate((users, sessions, engaged, events, key_events, revenue)):
                sums[i] += value
            rows.append([
                channel, day.strftime("%Y%m%d"), users, sessions, engaged, round(rng.uniform(35, 95), 6),
                round(engaged / users, 6), round(events / sessions, 6), round(engaged / sessions, 6), events,
                key_events, revenue,
            ])  # fmt: skip
    users, sessions, engaged, events, key_events, revenue = sums
    total: list[object] = ["", "", users, sessions, engaged, "", round(engaged / users, 6),
                           round(events / sessions, 6), round(engaged / sessions, 6), events, key_events, revenue]  # fmt: skip
    lines: list[Sequence[object]] = [*_ga4_comment("Traffic acquisition: Session default channel group"), header, total, *rows]
    return _csv(lines).encode("utf-8")


def ga4_regions() -> bytes:
    rng = _rng("ga4_regions")
    header = ["Region", "Date", "Users", "Sessions", "Engaged sessions", "Bounce rate", "Key events", "Total revenue"]
    rows: list[list[object]] = []
    sums = [0, 0, 0, 0, 0]
    for day in GA4_WEEK:
        for region, share in GA4_REGIONS.items():
            sessions = int(rng.randint(1_900, 2_600) * share)
            users = int(sessions * rng.uniform(0.8, 0.9))
            engaged = int(sessions * rng.uniform(0.5, 0.68))
            key_events = rng.randint(0, max(1, sessions // 70))
            revenue = key_events * rng.randint(90, 240) * 1000
            for i, value in enumerate((users, sessions, engaged, key_events, revenue)):
                sums[i] += value
            bounce = round(1 - engaged / sessions, 6)
            rows.append([region, day.strftime("%Y%m%d"), users, sessions, engaged, bounce, key_events, revenue])
    users, sessions, engaged, key_events, revenue = sums
    total: list[object] = ["Grand total", "", users, sessions, engaged, round(1 - engaged / sessions, 6), key_events, revenue]
    lines: list[Sequence[object]] = [*_ga4_comment("Demographic details: Region"), header, total, *rows]
    return _csv(lines).encode("utf-8")


# ----------------------------------------------------------------------------------------------- TikTok

TIKTOK_AD_GROUPS = (
    ("KN_TT_Awareness_Nov", "18-24 Jabodetabek"),
    ("KN_TT_Awareness_Nov", "25-34 Jawa Timur"),
    ("KN_TT_Konversi_Nov", "Retargeting 30 hari"),
)


def tiktok_ads() -> bytes:
    rng = _rng("tiktok_ads")
    header = ["By Day", "Campaign name", "Ad group name", "Currency", "Cost", "Impressions", "Reach",
              "Clicks (destination)", "CTR (destination)", "CPC (destination)", "CPM", "Conversions",
              "Cost per conversion", "Video views"]  # fmt: skip
    rows: list[list[object]] = []
    for day in NOVEMBER[20:]:
        for campaign, ad_group in TIKTOK_AD_GROUPS:
            impressions = rng.randint(15_000, 90_000)
            reach = int(impressions / rng.uniform(1.2, 1.9))
            clicks = int(impressions * rng.uniform(0.004, 0.015))
            cost = Decimal(impressions * rng.randint(9_000, 22_000)) / 1000  # CPM Rp9.000–22.000
            conversions = rng.randint(0, max(1, clicks // 30))
            views = int(impressions * rng.uniform(0.2, 0.45))
            rows.append([
                day.isoformat(), campaign, ad_group, "IDR", f"{cost:.2f}", impressions, reach, clicks,
                f"{clicks * 100 / impressions:.2f}%", f"{cost / clicks:.2f}" if clicks else "0.00",
                f"{cost * 1000 / impressions:.2f}", conversions,
                f"{cost / conversions:.2f}" if conversions else "0.00", views,
            ])  # fmt: skip
    return _csv([header, *rows]).encode("utf-8")


# --------------------------------------------------------------------------------------------- LinkedIn

LINKEDIN_CAMPAIGNS = (
    ("KN B2B - Lead Gen - HR Manager", "612345678", "Sponsored Content"),
    ("KN B2B - Video - Kopi untuk Kantor", "612345901", "Sponsored Video"),
)


def linkedin_ads() -> bytes:
    rng = _rng("linkedin_ads")
    header = ["Start Date (in UTC)", "Account Name", "Campaign Group Name", "Campaign Name", "Campaign ID",
              "Campaign Type", "Campaign Status", "Currency", "Total Spent", "Impressions", "Clicks",
              "Click Through Rate", "Average CPM", "Average CPC", "Conversions", "Leads", "Follows",
              "Total Engagements", "Engagement Rate", "Video Views"]  # fmt: skip
    rows: list[list[object]] = []
    for day in NOVEMBER[16:]:
        for campaign, campaign_id, campaign_type in LINKEDIN_CAMPAIGNS:
            impressions = rng.randint(900, 4_200)
            clicks = int(impressions * rng.uniform(0.004, 0.012))
            spent = Decimal(rng.randint(3_500, 14_000)) / 100
            leads = rng.randint(0, 3) if "Lead" in campaign else 0
            engagements = clicks + rng.randint(2, 25)
            views = int(impressions * rng.uniform(0.15, 0.3)) if "Video" in campaign else 0
            rows.append([
                f"{day.month}/{day.day}/{day.year}", "Kopi Nusantara B2B", "Kopi untuk Kantor", campaign, campaign_id,
                campaign_type, "ACTIVE", "USD", f"{spent:.2f}", impressions, clicks,
                f"{clicks / impressions:.4f}", f"{spent * 1000 / impressions:.2f}",
                f"{spent / clicks:.2f}" if clicks else "0.00", leads, leads, rng.randint(0, 4), engagements,
                f"{engagements / impressions:.4f}", views,
            ])  # fmt: skip
    metadata = [["Campaign Performance Report (in UTC)"], ["Report Start: 11/17/2026, 12:00 AM"],
                ["Report End: 11/30/2026, 11:59 PM"], ["Date Generated: 12/1/2026, 9:14 AM"]]  # fmt: skip
    return _csv([*metadata, header, *rows]).encode("utf-8")


# ---------------------------------------------------------------------------------------------- generic

GENERIC_CHANNELS = ("Instagram", "TikTok Organik", "Influencer")
GENERIC_NOTES = {(date(2026, 11, 20), "Influencer"): "Live bersama barista; kolaborasi @baristanusantara"}


def _generic_rows() -> Iterator[tuple[date, str, str, str, int, int, Decimal, int, int, str]]:
    rng = _rng("generic")
    regions = ("Jawa Timur", "Jawa Barat", "DKI Jakarta")
    for day in NOVEMBER[15:23]:
        for channel, region in zip(GENERIC_CHANNELS, regions, strict=True):
            impressions = rng.randint(2_000, 30_000)
            clicks = int(impressions * rng.uniform(0.005, 0.03))
            spend = Decimal(rng.randint(0, 2_500_000)) + Decimal(rng.choice((0, 50))) / 100
            note = GENERIC_NOTES.get((day, channel), "")
            yield (
                day,
                channel,
                "Promo Akhir Tahun",
                region,
                impressions,
                clicks,
                spend,
                rng.randint(0, 12),
                rng.randint(0, 60),
                note,
            )


def generic_csv() -> bytes:
    header = ["Tanggal", "Saluran", "Kampanye", "Wilayah", "Tayangan", "Klik", "Anggaran terpakai", "Prospek",
              "Pengikut baru", "Catatan"]  # fmt: skip
    rows = [
        [day.strftime("%d/%m/%Y"), channel, campaign, region, _id(impressions), _id(clicks), _id(spend, 2),
         str(leads), str(followers), note]
        for day, channel, campaign, region, impressions, clicks, spend, leads, followers, note in _generic_rows()
    ]  # fmt: skip
    return _csv([header, *rows], delimiter=";", newline="\r\n").encode("utf-8")


def write_generic_parquet(path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = list(_generic_rows())
    table = pa.table(
        {
            "date": pa.array([r[0] for r in rows], pa.date32()),
            "channel": pa.array([r[1] for r in rows], pa.string()),
            "campaign": pa.array([r[2] for r in rows], pa.string()),
            "region": pa.array([r[3] for r in rows], pa.string()),
            "impressions": pa.array([r[4] for r in rows], pa.int64()),
            "clicks": pa.array([r[5] for r in rows], pa.int64()),
            "spend": pa.array([r[6] for r in rows], pa.decimal128(18, 2)),
            "currency": pa.array(["IDR"] * len(rows), pa.string()),
            "leads": pa.array([r[7] for r in rows], pa.int64()),
            "followers": pa.array([r[8] for r in rows], pa.int64()),
        }
    )
    pq.write_table(table, path)


# ------------------------------------------------------------------------------------------------- main

TEXT_SAMPLES = {
    "google_ads_campaigns.csv": google_ads_campaigns,
    "google_ads_utf16.csv": google_ads_utf16,
    "google_ads_missing_cost.csv": google_ads_missing_cost,
    "missing_date.csv": missing_date,
    "duplicate_rows.csv": duplicate_rows,
    "latin1.csv": latin1,
    "header_only.csv": header_only,
    "empty.csv": bytes,
    "meta_ads.csv": meta_ads_csv,
    "ga4_traffic.csv": ga4_traffic,
    "ga4_regions.csv": ga4_regions,
    "tiktok_ads.csv": tiktok_ads,
    "linkedin_ads.csv": linkedin_ads,
    "generic.csv": generic_csv,
}


def write_samples(directory: Path = SAMPLES) -> list[Path]:
    """Write every sample into ``directory``; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in TEXT_SAMPLES.items():
        path = directory / name
        path.write_bytes(make())
        written.append(path)
    for name, write in (
        ("bad_number.csv", bad_number),
        ("meta_ads.xlsx", write_meta_ads_xlsx),
        ("generic.parquet", write_generic_parquet),
    ):
        path = directory / name
        write(path)
        written.append(path)
    return written


def main() -> None:
    for path in write_samples():
        print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
