"""What the performance exports marketers download look like, and how to find their columns.

Alur imports the files people download from Google Ads, Meta Ads Manager, GA4, TikTok Ads Manager and
LinkedIn Campaign Manager, plus any CSV/XLSX/Parquet with a column mapping. This module holds the
knowledge of those layouts — standard library only, no Django — and leaves reading the rows to the
importer (which reads through DuckDB):

* :class:`SourceFormat` / :data:`FORMATS`: per platform, the header names each canonical field goes by
  (English and, where the platform's UI is localised, Indonesian), the ratio columns we ignore knowingly,
  the metrics we derive (GA4 bounces), the required fields and the headers that identify the platform.
* :func:`sniff` / :func:`sniff_rows`: the :class:`Layout` of a file — encoding, delimiter, which line is
  the header, the title lines above it, which platform wrote it, and which rows are totals.
* :func:`match_columns`: which header feeds which canonical field (:class:`ColumnMatch`), what is
  ignored, what is missing, with messages a marketer can act on.

Header names are compared after :func:`normalize_header`: case-insensitive, surrounding and repeated
whitespace ignored, and a trailing currency in parentheses dropped (``"Amount spent (IDR)"`` is
``"amount spent"`` in IDR; :func:`currency_from_header`).

The alias lists are written from the platforms' export and UI vocabulary as of 2024–2025 (Google Ads
report editor, Meta Ads Manager export, GA4 standard reports and explorations, TikTok Ads Manager custom
reports, LinkedIn Campaign Manager "Export" of campaign performance). The Indonesian names are those of
the platforms' Bahasa Indonesia UIs; platforms rename columns now and then (GA4 "Conversions" became
"Key events" in 2024), so older and newer names are both listed. Within one field, aliases are listed in
order of preference: when a file has several of them, the first one listed is used and the others are
reported as ignored.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from alur.analytics.numbers import NumberError, parse_currency_code

__all__ = [
    "CANONICAL_DIMENSIONS",
    "CANONICAL_FIELDS",
    "CANONICAL_METRICS",
    "FIELD_LABELS",
    "FORMATS",
    "GENERIC",
    "ColumnMatch",
    "Difference",
    "FormatError",
    "Layout",
    "SourceFormat",
    "currency_from_header",
    "detect_format",
    "match_columns",
    "normalize_header",
    "sniff",
    "sniff_rows",
]

# The fact table's dimensions and metrics (alur.analytics.warehouse.FACT_DIMENSIONS / FACT_METRICS minus
# the bookkeeping columns). Kept literal so this module stays importable without Ibis.
CANONICAL_DIMENSIONS: tuple[str, ...] = (
    "date", "account", "channel", "campaign", "ad_set", "ad", "region", "device", "currency",
)  # fmt: skip
CANONICAL_METRICS: tuple[str, ...] = (
    "impressions", "reach", "clicks", "spend", "conversions", "conversion_value", "sessions",
    "engaged_sessions", "bounces", "leads", "followers", "engagements", "mentions", "video_views",
)  # fmt: skip
CANONICAL_FIELDS: tuple[str, ...] = CANONICAL_DIMENSIONS + CANONICAL_METRICS

# How a field is named in a message to a marketer: 'Column "Day" (the date) is missing.'
FIELD_LABELS: Mapping[str, str] = {
    "date": "the date",
    "account": "the account name",
    "channel": "the channel",
    "campaign": "the campaign name",
    "ad_set": "the ad set or ad group name",
    "ad": "the ad name",
    "region": "the region",
    "device": "the device",
    "currency": "the currency",
    "impressions": "impressions",
    "reach": "reach",
    "clicks": "clicks",
    "spend": "the amount spent",
    "conversions": "conversions",
    "conversion_value": "the conversion value (revenue)",
    "sessions": "sessions",
    "engaged_sessions": "engaged sessions",
    "bounces": "bounces",
    "leads": "leads",
    "followers": "new followers",
    "engagements": "engagements",
    "mentions": "mentions",
    "video_views": "video views",
}

# Dimensions that name something (as opposed to the date and the currency): a row where all of these
# are empty is a platform's summary row (see Layout.is_total_row).
_LABEL_DIMENSIONS = ("account", "channel", "campaign", "ad_set", "ad", "region", "device")
_MONEY_METRICS = ("spend", "conversion_value")


class FormatError(ValueError):
    """A file whose layout we cannot read; the message is meant for the marketer as is."""


# ------------------------------------------------------------------------------------------ source formats


@dataclass(frozen=True)
class Difference:
    """A metric computed as ``minuend − subtrahend`` when a file has both but not the metric itself."""

    target: str
    minuend: str
    subtrahend: str
    source: str  # where the definition comes from

    def describe(self) -> str:
        return f"{self.target} = {self.minuend} − {self.subtrahend} ({self.source})"


@dataclass(frozen=True)
class SourceFormat:
    """One platform's export layout.

    ``aliases`` maps a canonical field to the headers it goes by, as the platform writes them, most
    preferred first. ``channel_from`` says where the stored channel comes from (the ``"channel"`` alias
    column when present, else ``default_channel``). ``derived`` lists the columns that are known and
    deliberately not imported: ratios and averages (CTR, CPC, bounce rate — Alur recomputes ratios as
    sum over sum), non-additive counts (users, frequency: they cannot be summed over days), and IDs,
    statuses and settings.
    ``derive`` holds the metrics computed from others (:class:`Difference`). ``period_starts`` are the
    date aliases that start a reporting period and ``period_ends`` the headers that end it: a file
    dated by them is only usable when each row covers one day (end = start), which the importer checks.
    ``expected`` are metrics a normal export of the platform has; their absence is worth a warning, not
    an error. ``signature`` holds headers only this platform writes, for :func:`detect_format`.
    ``date_hint`` tells the marketer how to add the date to the export.
    """

    key: str
    label: str
    default_channel: str
    channel_from: str
    aliases: Mapping[str, tuple[str, ...]]
    derived: tuple[str, ...] = ()
    derive: Mapping[str, Difference] = field(default_factory=dict)
    required: tuple[str, ...] = ("date",)
    expected: tuple[str, ...] = ()
    signature: tuple[str, ...] = ()
    period_starts: tuple[str, ...] = ()
    period_ends: tuple[str, ...] = ()
    has_summary_row: bool = False
    date_hint: str = ""

    def header_for(self, canonical: str) -> str:
        """The header a marketer would look for in this platform's export (the first alias)."""
        names = self.aliases.get(canonical, ())
        return names[0] if names else canonical


# fmt: off
GOOGLE_ADS = SourceFormat(
    key="google_ads",
    label="Google Ads",
    default_channel="google_ads",
    channel_from='the "Campaign type" column (Search, Display, Video, Performance Max…)',
    aliases={
        "date": ("Day", "Date", "Hari", "Tanggal"),
        "account": ("Account", "Account name", "Akun", "Nama akun"),
        "channel": ("Campaign type", "Advertising channel type", "Jenis kampanye"),
        "campaign": ("Campaign", "Kampanye"),
        "ad_set": ("Ad group", "Grup iklan"),
        "ad": ("Ad name", "Nama iklan"),
        "region": ("Region", "Region (User location)", "Location", "Wilayah", "Lokasi"),
        "device": ("Device", "Perangkat"),
        "currency": ("Currency code", "Currency", "Kode mata uang", "Mata uang"),
        "impressions": ("Impr.", "Impressions", "Tayangan"),
        "clicks": ("Clicks", "Klik"),
        "spend": ("Cost", "Biaya"),
        "conversions": ("Conversions", "Konversi"),
        "conversion_value": ("Conv. value", "Conversion value", "Nilai konv.", "Nilai konversi"),
        "video_views": ("Video views", "Views"),
        "engagements": ("Engagements", "Engagement"),
    },
    derived=(
        "CTR", "Avg. CPC", "Avg. CPM", "Avg. cost", "Conv. rate", "Cost / conv.", "Conv. value / cost",
        "Interaction rate", "Interactions", "Search impr. share", "Search lost IS (budget)", "Search lost IS (rank)",
        "All conv.", "All conv. value", "View-through conv.", "Video view rate", "View rate", "Avg. CPV",
        "Engagement rate", "Invalid clicks", "RKT", "BPK rata-rata", "BPM rata-rata", "Biaya rata-rata", "Rasio konv.",
        "Biaya / konv.", "Biaya/konv.", "Nilai konv. / biaya", "Rasio interaksi", "Interaksi", "Semua konv.",
        "Nilai semua konv.", "Campaign status", "Campaign state", "Status kampanye", "Budget", "Anggaran", "Campaign ID",
        "ID kampanye", "Customer ID", "ID pelanggan", "Bid strategy type", "Jenis strategi bidding",
    ),
    expected=("impressions", "clicks", "spend"),
    signature=(
        "Impr.", "Conv. value", "Currency code", "Campaign type", "Avg. CPC", "Ad group", "Cost / conv.",
        "Kode mata uang", "Nilai konv.", "Jenis kampanye", "Grup iklan", "BPK rata-rata", "RKT",
    ),
    date_hint='In Google Ads, add the "Day" segment (Segments → Time → Day) and download the report again.',
)

META_ADS = SourceFormat(
    key="meta_ads",
    label="Meta Ads",
    default_channel="meta",
    channel_from='the "Platform" column (facebook, instagram, audience_network, messenger), else "Placement"',
    aliases={
        "date": ("Day", "Reporting starts", "Hari", "Awal pelaporan"),
        "account": ("Account name", "Nama akun"),
        "channel": ("Platform", "Placement", "Penempatan"),
        "campaign": ("Campaign name", "Nama kampanye"),
        "ad_set": ("Ad set name", "Nama set iklan"),
        "ad": ("Ad name", "Nama iklan"),
        "region": ("Region", "Wilayah", "Country", "Negara"),
        "device": ("Device platform", "Impression device", "Platform perangkat", "Perangkat tayangan"),
        "currency": ("Currency", "Mata uang"),
        "impressions": ("Impressions", "Impresi"),
        "reach": ("Reach", "Jangkauan"),
        # "Link clicks" is the click Meta's CTR and CPC are built on; "Clicks (all)" adds likes, expands…
        "clicks": ("Link clicks", "Clicks (all)", "Klik tautan", "Klik (semua)"),
        "spend": ("Amount spent", "Jumlah yang dibelanjakan"),
        # "Results" counts whatever the campaign optimises for (see "Result indicator"); purchases are
        # preferred when the export has them, so that lead and sales campaigns are not added together.
        "conversions": ("Purchases", "Website purchases", "Results", "Pembelian", "Pembelian situs web", "Hasil"),
        "conversion_value": (
            "Purchases conversion value", "Website purchases conversion value", "Nilai konversi pembelian",
            "Nilai konversi pembelian situs web",
        ),
        "leads": ("Leads", "On-Facebook leads", "Prospek", "Prospek di Facebook"),
        "engagements": ("Post engagements", "Post engagement", "Interaksi dengan postingan"),
        "followers": ("Follows or likes", "Page likes", "Ikuti atau suka", "Suka halaman"),
        "video_views": ("ThruPlays", "3-second video plays", "Video plays", "ThruPlay", "Putar video 3 detik"),
    },
    derived=(
        "Frequency", "CTR (link click-through rate)", "CTR (all)", "CPC (cost per link click)", "CPC (all)",
        "CPM (cost per 1,000 impressions)", "Cost per result", "Cost per lead", "Cost per purchase",
        "Purchase ROAS (return on ad spend)", "Result rate", "Result indicator", "Result type", "Campaign delivery",
        "Ad set delivery", "Ad delivery", "Budget", "Budget type", "Attribution setting", "Starts", "Ends",
        "Campaign ID", "Ad set ID", "Ad ID", "Reporting ends", "Objective", "Frekuensi",
        "CTR (rasio klik tayang tautan)", "CTR (semua)", "BPK (biaya per klik tautan)", "BPK (semua)",
        "BPM (biaya per 1.000 tayangan)", "Biaya per hasil", "Biaya per prospek", "Indikator hasil",
        "Penayangan kampanye", "Anggaran", "Jenis anggaran", "Pengaturan atribusi", "Mulai", "Berakhir",
        "Akhir pelaporan", "Tujuan",
    ),
    expected=("impressions", "spend"),
    signature=(
        "Reporting starts", "Reporting ends", "Amount spent", "Link clicks", "Ad set name", "Clicks (all)",
        "CTR (link click-through rate)", "Result indicator", "Awal pelaporan", "Akhir pelaporan",
        "Jumlah yang dibelanjakan", "Klik tautan", "Nama set iklan", "Indikator hasil",
    ),
    period_starts=("Reporting starts", "Awal pelaporan"),
    period_ends=("Reporting ends", "Akhir pelaporan"),
    has_summary_row=True,
    date_hint="In Ads Manager, choose Breakdown → By time → Day before exporting, then import the new file.",
)

GA4 = SourceFormat(
    key="ga4",
    label="Google Analytics 4",
    default_channel="website",
    channel_from='the "Session default channel group" column (Organic Search, Paid Social, Direct…)',
    aliases={
        "date": ("Date", "Tanggal"),
        "channel": (
            "Session default channel group", "Session primary channel group (Default Channel Group)",
            "Default channel group", "Grup saluran default sesi", "Grup saluran default",
        ),
        "campaign": ("Session campaign", "Session campaign name", "Campaign", "Kampanye sesi", "Kampanye"),
        "region": ("Region", "Wilayah"),
        "device": ("Device category", "Kategori perangkat"),
        "currency": ("Currency", "Mata uang"),
        "sessions": ("Sessions", "Sesi"),
        "engaged_sessions": ("Engaged sessions", "Sesi dengan interaksi"),
        "bounces": ("Bounces",),
        # GA4 renamed "Conversions" to "Key events" in March 2024; older exports use the old name.
        "conversions": ("Key events", "Conversions", "Peristiwa utama", "Konversi"),
        "conversion_value": ("Total revenue", "Purchase revenue", "Total pendapatan", "Pendapatan pembelian"),
        "video_views": ("Video views",),
    },
    derived=(
        "Users", "Total users", "New users", "Active users", "Returning users", "Engagement rate", "Bounce rate",
        "Average engagement time per session", "Average engagement time", "Engaged sessions per user",
        "Events per session", "Event count", "Session key event rate", "Session conversion rate", "User key event rate",
        "Views", "Views per session", "Sessions per user", "Pengguna", "Total pengguna", "Pengguna baru",
        "Pengguna aktif", "Rasio interaksi", "Rasio pantulan", "Rata-rata waktu interaksi per sesi",
        "Sesi dengan interaksi per pengguna", "Peristiwa per sesi", "Jumlah peristiwa", "Rasio peristiwa utama sesi",
        "Tampilan",
    ),
    derive={
        # GA4 Help, "[GA4] Engagement rate and bounce rate" (https://support.google.com/analytics/answer/12195621):
        # bounce rate is the percentage of sessions that were not engaged sessions, i.e. 1 − engagement rate.
        "bounces": Difference(
            target="bounces",
            minuend="sessions",
            subtrahend="engaged_sessions",
            source="GA4 Help, Engagement rate and bounce rate: https://support.google.com/analytics/answer/12195621",
        ),
    },
    expected=("sessions", "engaged_sessions"),
    signature=(
        "Session default channel group", "Session primary channel group (Default Channel Group)", "Engaged sessions",
        "Session campaign", "Key events", "Total revenue", "Device category", "Engagement rate",
        "Grup saluran default sesi", "Sesi dengan interaksi", "Peristiwa utama", "Kategori perangkat",
    ),
    has_summary_row=True,
    date_hint='In GA4, add the "Date" dimension to the report (or the exploration) and export it again.',
)

TIKTOK_ADS = SourceFormat(
    key="tiktok_ads",
    label="TikTok Ads",
    default_channel="tiktok",
    channel_from="always tiktok",
    aliases={
        "date": ("By Day", "Date", "Day", "Stat time", "Tanggal"),
        "account": ("Advertiser name", "Account name", "Nama pengiklan"),
        "campaign": ("Campaign name", "Nama kampanye"),
        "ad_set": ("Ad group name", "Nama grup iklan"),
        "ad": ("Ad name", "Nama iklan"),
        "region": ("Region", "Province", "Wilayah"),
        "currency": ("Currency", "Mata uang"),
        "impressions": ("Impressions", "Impresi"),
        "reach": ("Reach", "Jangkauan"),
        "clicks": ("Clicks (destination)", "Clicks", "Klik (tujuan)", "Klik"),
        "spend": ("Cost", "Total cost", "Biaya"),
        "conversions": ("Conversions", "Konversi"),
        "conversion_value": ("Total complete payment value", "Total purchase value", "Nilai pembayaran lengkap total"),
        "video_views": ("Video views", "Tayangan video"),
        "followers": ("Paid followers", "Follows"),
        "leads": ("Leads", "Form submissions", "Prospek"),
    },
    derived=(
        "CTR", "CTR (destination)", "CPC", "CPC (destination)", "CPM", "Cost per conversion", "Conversion rate",
        "Conversion rate (CVR)", "CVR", "Frequency", "Cost per 1,000 people reached", "Average play time per video view",
        "Average play time per user", "2-second video views", "6-second video views", "Video views at 25%",
        "Video views at 50%", "Video views at 75%", "Video views at 100%", "Campaign ID", "Ad group ID", "Ad ID",
        "Primary status", "Budget", "Frekuensi", "BPK", "BPM",
    ),
    expected=("impressions", "clicks", "spend"),
    signature=(
        "By Day", "Ad group name", "Clicks (destination)", "CTR (destination)", "CPC (destination)",
        "Cost per 1,000 people reached", "2-second video views", "6-second video views", "Advertiser name",
        "Total complete payment value",
    ),
    date_hint='In TikTok Ads Manager, choose the "By Day" time dimension for the custom report and export it again.',
)

LINKEDIN_ADS = SourceFormat(
    key="linkedin_ads",
    label="LinkedIn Ads",
    default_channel="linkedin",
    channel_from="always linkedin",
    aliases={
        "date": ("Start Date (in UTC)", "Start Date", "Date", "Day"),
        "account": ("Account Name", "Account"),
        # A LinkedIn "campaign" has the budget, audience and schedule — the unit an Alur campaign maps to;
        # "Campaign Group Name" is a folder of campaigns and is reported as ignored.
        "campaign": ("Campaign Name", "Campaign"),
        "ad": ("Ad Name", "Creative Name", "Creative"),
        "region": ("Region", "Location"),
        "currency": ("Currency",),
        "impressions": ("Impressions",),
        "reach": ("Approximate Member Reach", "Reach"),
        "clicks": ("Clicks",),
        "spend": ("Total Spent", "Amount Spent", "Spent"),
        "conversions": ("Conversions",),
        "conversion_value": ("Total Conversion Value", "Conversion Value"),
        "leads": ("Leads",),
        "followers": ("Follows",),
        "engagements": ("Total Engagements",),
        "video_views": ("Video Views",),
    },
    derived=(
        "Click Through Rate", "Average CPM", "Average CPC", "Engagement Rate", "Conversion Rate", "Cost per Conversion",
        "Cost per Lead", "Lead Form Completion Rate", "Return on Ad Spend", "Average Frequency", "Campaign ID",
        "Campaign Group ID", "Campaign Group Name", "Campaign Type", "Campaign Status", "Campaign Group Status",
        "Cost Type", "Campaign Objective", "Daily Budget", "End Date (in UTC)", "End Date", "Reactions", "Comments",
        "Shares", "Other Clicks", "Total Social Actions", "Viral Impressions", "Viral Clicks", "Post-Click Conversions",
        "View-Through Conversions", "Lead Forms Opened", "Video Completions", "Video Starts",
    ),
    expected=("impressions", "clicks", "spend"),
    signature=(
        "Start Date (in UTC)", "End Date (in UTC)", "Campaign Group Name", "Total Spent", "Click Through Rate",
        "Total Engagements", "Total Social Actions", "Approximate Member Reach", "Average CPM", "Campaign Group ID",
    ),
    period_starts=("Start Date (in UTC)", "Start Date"),
    period_ends=("End Date (in UTC)", "End Date"),
    date_hint='In Campaign Manager, choose the "Daily" time breakdown when exporting the performance report.',
)

# fmt: on
FORMATS: dict[str, SourceFormat] = {fmt.key: fmt for fmt in (GOOGLE_ADS, META_ADS, GA4, TIKTOK_ADS, LINKEDIN_ADS)}


# Platform aliases too vague for a file from anywhere: "Views" are video views in Google Ads, page views elsewhere.
_NOT_GENERIC = frozenset({"Views", "Results", "Hasil"})


def _generic_aliases() -> dict[str, tuple[str, ...]]:
    """Every platform's aliases plus plain English and Indonesian names, for files from anywhere."""
    plain: dict[str, tuple[str, ...]] = {
        "date": ("date", "day", "tanggal", "tgl", "hari", "periode"),
        "account": ("account", "akun", "nama akun"),
        "channel": ("channel", "saluran", "kanal", "platform", "media", "source", "sumber"),
        "campaign": ("campaign", "campaign name", "kampanye", "nama kampanye"),
        "ad_set": ("ad set", "ad_set", "ad group", "set iklan", "grup iklan"),
        "ad": ("ad", "ad name", "iklan", "nama iklan"),
        "region": ("region", "wilayah", "provinsi", "province", "kota", "city"),
        "device": ("device", "perangkat"),
        "currency": ("currency", "mata uang", "kode mata uang"),
        "impressions": ("impressions", "impresi", "tayangan"),
        "reach": ("reach", "jangkauan"),
        "clicks": ("clicks", "klik"),
        "spend": ("spend", "cost", "biaya", "belanja", "belanja iklan", "pengeluaran"),
        "conversions": ("conversions", "konversi"),
        "conversion_value": ("conversion_value", "conversion value", "revenue", "nilai konversi", "pendapatan", "omzet"),
        "sessions": ("sessions", "sesi"),
        "engaged_sessions": ("engaged_sessions", "engaged sessions"),
        "bounces": ("bounces", "pantulan"),
        "leads": ("leads", "prospek"),
        "followers": ("followers", "new followers", "pengikut", "pengikut baru"),
        "engagements": ("engagements", "engagement", "interaksi", "keterlibatan"),
        "mentions": ("mentions", "sebutan", "penyebutan"),
        "video_views": ("video_views", "video views", "tayangan video"),
    }
    merged: dict[str, list[str]] = {name: list(plain.get(name, ())) for name in CANONICAL_FIELDS}
    for fmt in FORMATS.values():
        for name, names in fmt.aliases.items():
            merged[name].extend(n for n in names if n not in merged[name] and n not in _NOT_GENERIC)
    return {name: tuple(names) for name, names in merged.items() if names}


GENERIC = SourceFormat(
    key="generic",
    label="Spreadsheet",
    default_channel="",
    channel_from="the column mapped to the channel (the source's name when there is none)",
    aliases=_generic_aliases(),
    derived=tuple(dict.fromkeys(name for fmt in FORMATS.values() for name in fmt.derived)),
    derive=dict(GA4.derive),
    date_hint="Map one of the file's columns to the date.",
)
"""Files from anywhere (a spreadsheet, an agency, a CRM): used by :func:`match_columns` when no platform
format applies. Its ``default_channel`` is empty: the importer stores the source's own name."""


# ------------------------------------------------------------------------------------------------ headers

_TRAILING_PARENS_RE = re.compile(r"\(([^()]*)\)\s*$")


def currency_from_header(header: str) -> str | None:
    """The ISO 4217 currency a header announces in trailing parentheses, else ``None``.

    ``"Amount spent (IDR)"`` → ``"IDR"``, ``"Cost (USD)"`` → ``"USD"``, ``"Biaya (Rp)"`` → ``"IDR"``;
    ``"Clicks (destination)"`` and ``"Start Date (in UTC)"`` → ``None``.
    """
    match = _TRAILING_PARENS_RE.search(header.strip())
    if match is None:
        return None
    try:
        return parse_currency_code(match[1])
    except NumberError:
        return None


def normalize_header(header: str) -> str:
    """The form headers are compared in: lower case, single spaces, no trailing currency in parentheses."""
    text = " ".join(header.replace("\ufeff", "").replace("\u00a0", " ").split())
    if currency_from_header(text) is not None:
        text = _TRAILING_PARENS_RE.sub("", text).rstrip()
    return text.casefold()


def _normalized_set(names: Sequence[str]) -> frozenset[str]:
    return frozenset(normalize_header(n) for n in names)


_SIGNATURES: dict[str, frozenset[str]] = {key: _normalized_set(fmt.signature) for key, fmt in FORMATS.items()}
_KNOWN_HEADERS: frozenset[str] = frozenset(
    normalize_header(name)
    for fmt in (*FORMATS.values(), GENERIC)
    for names in (*fmt.aliases.values(), fmt.derived, fmt.period_ends)
    for name in names
)


def detect_format(headers: Sequence[str]) -> str | None:
    """The :data:`FORMATS` key whose signature headers the file has most of, or ``None`` for none.

    Ties (rare: a file mixing two platforms' vocabularies) go to the format with more alias hits."""
    normalized = {normalize_header(h) for h in headers}
    best: tuple[int, int, str] | None = None
    for key, fmt in FORMATS.items():
        hits = len(normalized & _SIGNATURES[key])
        if not hits:
            continue
        aliases = _normalized_set([n for names in fmt.aliases.values() for n in names])
        score = (hits, len(normalized & aliases), key)
        if best is None or score[:2] > best[:2]:
            best = score
    return best[2] if best else None


# ------------------------------------------------------------------------------------------ column match


@dataclass(frozen=True)
class ColumnMatch:
    """Which header feeds which canonical field.

    ``columns`` maps canonical field → header as written in the file. ``currency_by_header`` holds the
    currency announced by a header (``"Amount spent (IDR)"`` → ``"IDR"``). ``ignored`` lists every header
    that feeds nothing, in file order, so the importer can tell the marketer; ``known_unused`` is the part
    of it the format knows and leaves out on purpose (``SourceFormat.derived``: ratios, users, IDs). ``missing``
    lists required fields without a column; ``derivations`` the metrics to compute (GA4 bounces).
    ``period_end`` is the header that ends each row's period when the date column starts one (Meta's
    "Reporting ends"): the importer rejects rows whose end differs from their date. ``problems`` holds one
    message per reason the file cannot be imported; ``warnings`` things worth telling but not blocking.
    """

    format_key: str | None
    columns: dict[str, str]
    currency_by_header: dict[str, str]
    ignored: list[str]
    known_unused: list[str]
    missing: list[str]
    derivations: list[Difference]
    period_end: str | None
    problems: list[str]
    warnings: list[str]

    @property
    def metrics(self) -> list[str]:
        """The canonical metrics the file provides, read or derived."""
        derived = {d.target for d in self.derivations}
        return [m for m in CANONICAL_METRICS if m in self.columns or m in derived]

    @property
    def currency(self) -> str | None:
        """The one currency the money headers announce, or ``None`` (none, or several — see problems)."""
        codes = {self.currency_by_header[h] for h in self.currency_by_header if h in self.columns.values()}
        return codes.pop() if len(codes) == 1 else None

    @property
    def needs_currency(self) -> bool:
        """Money is imported but neither a currency column nor a header says in which currency."""
        has_money = any(m in self.columns for m in _MONEY_METRICS)
        return has_money and "currency" not in self.columns and self.currency is None

    def require(self) -> None:
        """Raise :class:`FormatError` with every problem when the file cannot be imported."""
        if self.problems:
            raise FormatError(" ".join(self.problems))


def match_columns(headers: Sequence[str], fmt: SourceFormat | None, mapping: Mapping[str, str] | None = None) -> ColumnMatch:
    """Match a file's headers to canonical fields.

    ``fmt`` is the detected platform (``None`` for a generic file, matched with :data:`GENERIC`'s
    aliases). ``mapping`` (canonical field → header, from the user) wins over aliases; a mapping naming a
    field Alur does not know raises :class:`ValueError` (a programming error, not the marketer's), one
    naming a header the file does not have is reported in ``problems``. When headers repeat, the first
    one is used and the repeats are ignored.
    """
    source = fmt or GENERIC
    index: dict[str, int] = {}  # normalized header → position of its first occurrence
    for number, header in enumerate(headers):
        index.setdefault(normalize_header(header), number)
    columns: dict[str, str] = {}
    used: set[int] = set()
    problems: list[str] = []
    unmapped: set[str] = set()  # fields whose mapped header is not in the file

    for canonical, header in (mapping or {}).items():
        if canonical not in CANONICAL_FIELDS:
            raise ValueError(f"{canonical!r} is not a canonical field; expected one of {', '.join(CANONICAL_FIELDS)}")
        found = index.get(normalize_header(header))
        if found is None:
            problems.append(
                f'The column "{header}" chosen for {FIELD_LABELS[canonical]} is not in the file. '
                f"The file's columns are: {_quoted(headers)}. Choose one of them."
            )
            unmapped.add(canonical)
            continue
        columns[canonical] = headers[found]
        used.add(found)

    def take(names: Sequence[str]) -> str | None:
        for name in names:
            position = index.get(normalize_header(name))
            if position is not None and position not in used:
                used.add(position)
                return headers[position]
        return None

    for canonical, names in source.aliases.items():
        if canonical in columns or (mapping and canonical in mapping):
            continue
        if (chosen := take(names)) is not None:
            columns[canonical] = chosen

    period_end = None
    date_header = columns.get("date")
    if date_header is not None and normalize_header(date_header) in _normalized_set(source.period_starts):
        period_end = take(source.period_ends)

    ratio_names = _normalized_set(source.derived)
    ignored = [h for i, h in enumerate(headers) if i not in used]
    known_unused = [h for h in ignored if normalize_header(h) in ratio_names]
    currency_by_header = {h: code for h in headers if (code := currency_from_header(h)) is not None}

    missing = [name for name in source.required if name not in columns]
    problems.extend(_missing_message(source, name, headers) for name in missing if name not in unmapped)
    derivations = [
        d for target, d in source.derive.items() if target not in columns and d.minuend in columns and d.subtrahend in columns
    ]
    if not any(m in columns for m in CANONICAL_METRICS) and not derivations and not unmapped:
        problems.append(
            "None of the file's columns is a number Alur imports "
            f"({', '.join(FIELD_LABELS[m] for m in CANONICAL_METRICS)}). "
            f"The file's columns are: {_quoted(headers)}. Map at least one of them to a metric."
        )
    money_codes = sorted({currency_by_header[headers[i]] for i in used if headers[i] in currency_by_header})
    if len(money_codes) > 1:
        problems.append(
            f"The column headers name different currencies ({', '.join(money_codes)}). "
            "Export the report in one currency, or import each currency as its own file."
        )
    warnings = [
        f'The file has no column for {FIELD_LABELS[name]} ("{source.header_for(name)}"), '
        f"which a {source.label} export normally has; {FIELD_LABELS[name]} will be empty for these rows."
        for name in source.expected
        if name not in columns
    ]
    return ColumnMatch(
        format_key=fmt.key if fmt else None,
        columns=columns,
        currency_by_header=currency_by_header,
        ignored=ignored,
        known_unused=known_unused,
        missing=missing,
        derivations=derivations,
        period_end=period_end,
        problems=problems,
        warnings=warnings,
    )


def _quoted(headers: Sequence[str]) -> str:
    return ", ".join(f'"{h}"' for h in headers if h.strip()) or "(none)"


def _missing_message(source: SourceFormat, canonical: str, headers: Sequence[str]) -> str:
    label = FIELD_LABELS[canonical]
    if source is GENERIC:
        return (
            f"No column holds {label}. The file's columns are: {_quoted(headers)}. "
            f"Choose the column that holds {label} in the column mapping."
        )
    hint = source.date_hint if canonical == "date" else f"Add it to the {source.label} report and download it again."
    return f'Column "{source.header_for(canonical)}" ({label}) is missing from this {source.label} export. {hint}'


# ------------------------------------------------------------------------------------------------- layout

# How far down the header may be: report titles and GA4's comment block take about a dozen lines.
_MAX_HEADER_LINE = 100
_DELIMITERS = ("\t", ";", ",")  # in order of preference when a header line has as many of each
_TOTAL_LABEL_RE = re.compile(
    r"^(?:total|totals|grand total|subtotal|total keseluruhan|jumlah|jumlah total)(?:\s*:.*|\s+(?:of|dari)\s.*)?$",
    re.IGNORECASE,
)
_EMPTY_CELLS = frozenset({"", "-", "--", "---", "—", "–"})
_VALUE_RE = re.compile(r"[\d\s.,:/%()+\-−]+")


@dataclass(frozen=True)
class Layout:
    """Where the table is in a file.

    ``encoding`` is ``"utf-8"``, ``"utf-8-sig"`` (UTF-8 with a byte order mark), ``"utf-16"`` (with a
    byte order mark, as Google Ads' "CSV for Excel" writes), or ``"utf-16-le"``/``"utf-16-be"`` for
    UTF-16 without one; ``delimiter`` is ``","``, ``";"`` or ``"\\t"``. Both are ``None`` for a layout
    found in a workbook's rows (:func:`sniff_rows`). ``header_line`` is the 0-based index of the header
    in the decoded text, lines split at ``\\n``, ``\\r\\n`` or ``\\r`` (for rows: the 0-based row index);
    ``title_lines`` are the lines above it, exactly ``header_line`` of them (Google Ads' report title
    and date range, GA4's ``#`` comment block, LinkedIn's report metadata). ``headers`` are the header
    cells with surrounding whitespace removed, blank ones kept so positions match the data cells.
    """

    encoding: str | None
    delimiter: str | None
    header_line: int
    headers: list[str]
    format_key: str | None
    title_lines: list[str]

    @property
    def source_format(self) -> SourceFormat | None:
        return FORMATS.get(self.format_key) if self.format_key else None

    @cached_property
    def _label_positions(self) -> tuple[int, ...]:
        """Positions of the naming dimensions, for formats that write a summary row without names."""
        fmt = self.source_format
        if fmt is None or not fmt.has_summary_row:
            return ()
        match = match_columns(self.headers, fmt)
        return tuple(self.headers.index(match.columns[d]) for d in _LABEL_DIMENSIONS if d in match.columns)

    def is_total_row(self, cells: Sequence[object]) -> bool:
        """Whether a row below the header holds totals rather than data; the importer skips (and counts) it.

        * Any format: the first non-empty cell is a total label — Google Ads' ``"Total: Account"``,
          ``"Total: Campaigns"``, ``"Total: Search"`` (Indonesian ``"Total: Akun"``, ``"Total: Kampanye"``;
          the other cells hold ``"--"``), GA4's ``"Grand total"``, ``"Total of 12 results"``, ``"Total"``,
          ``"Jumlah"``. A campaign named "Total Promo" is not a total: the label must stand alone or be
          followed by ``":"`` or ``"of …"``.
        * Meta Ads and GA4 (``SourceFormat.has_summary_row``): every naming column (account, channel,
          campaign, ad set, ad, region, device) the file has is empty or ``"--"`` — Meta's summary row
          with an empty "Campaign name", GA4's totals line with an empty dimension.

        Cells may be text or workbook values (``None`` counts as empty).
        """
        values = [_cell_text(c).strip() for c in cells]
        first = next((v for v in values if v), None)
        if first is None:
            return False
        if _TOTAL_LABEL_RE.match(first):
            return True
        positions = self._label_positions
        return bool(positions) and all((values[p] if p < len(values) else "") in _EMPTY_CELLS for p in positions)

    def is_data_row(self, cells: Sequence[object]) -> bool:
        """Not blank, not a ``#`` comment (GA4 repeats its comment block between tables), not totals."""
        values = [_cell_text(c).strip() for c in cells]
        if not any(values):
            return False
        if next(v for v in values if v).startswith("#"):
            return False
        return not self.is_total_row(values)

    def metadata(self) -> dict[str, str]:
        """``Key: value`` pairs from the title lines: GA4's ``# Account: Kopi Nusantara`` and
        ``# Start date: 20261101``, LinkedIn's ``Report Start: 11/1/2026, 12:00 AM``."""
        found: dict[str, str] = {}
        for line in self.title_lines:
            text = line.strip().lstrip("#").strip().rstrip(",;\t").strip()
            if len(text) >= 2 and text[0] == text[-1] == '"':
                text = text[1:-1].replace('""', '"')
            key, sep, value = text.partition(":")
            if sep and key.strip() and value.strip() and len(key) <= 40:
                found.setdefault(key.strip(), value.strip())
        return found


def sniff(path: Path, *, sample_bytes: int = 65536) -> Layout:
    """The layout of a CSV/TSV export, read from its first ``sample_bytes``.

    Raises :class:`FormatError` when the file is empty, is not text (an Excel workbook, a Parquet file,
    a PDF passed as CSV), is not UTF-8/UTF-16 (a Windows-1252 "CSV (MS-DOS)" file — only bytes within
    the sample are checked; the importer reports later ones), has no header line we can find, or has a
    header but no data rows.
    """
    size = path.stat().st_size
    if size == 0:
        raise FormatError(
            f'The file "{path.name}" is empty (0 bytes). Download the report again; if it keeps coming out '
            "empty, check that the report's date range has data."
        )
    with path.open("rb") as handle:
        sample = handle.read(sample_bytes)
    truncated = size > len(sample)
    _reject_binary(sample, path.name)
    encoding = _detect_encoding(sample, path.name)
    text = _decode(sample, encoding, final=not truncated, name=path.name)
    if truncated:  # the last line may be cut in the middle
        cut = max(text.rfind("\n"), text.rfind("\r"))
        if cut > 0:
            text = text[: cut + 1]
    lines = re.split(r"\r\n|\r|\n", text)
    if not any(line.strip() for line in lines):
        raise FormatError(f'The file "{path.name}" is empty: it has no rows. Download the report again.')

    header_line, delimiter = _find_header_line(lines, path.name)
    headers = [c.strip() for c in _split(lines[header_line], delimiter)]
    headers[0] = headers[0].lstrip("\ufeff")
    layout = Layout(
        encoding=encoding,
        delimiter=delimiter,
        header_line=header_line,
        headers=headers,
        format_key=detect_format(headers),
        title_lines=lines[:header_line],
    )
    if not truncated:
        body = [_split(line, delimiter) for line in lines[header_line + 1 :] if line.strip()]
        _require_data(layout, body, path.name)
    return layout


def sniff_rows(rows: Sequence[Sequence[object]], *, name: str = "The sheet") -> Layout:
    """The layout of a table already read into rows (an XLSX sheet read with openpyxl).

    Cells may be ``None`` or typed values; they are compared as text. ``name`` names the sheet or file
    in messages. Raises :class:`FormatError` like :func:`sniff` for an empty sheet, a sheet without a
    header row, or one without data rows.
    """
    table = [[_cell_text(c) for c in row] for row in rows]
    if not any(any(c.strip() for c in row) for row in table):
        raise FormatError(f'"{name}" is empty: it has no rows. Check that you chose the sheet with the report.')
    candidates: list[tuple[int, Sequence[str]]] = [
        (i, row) for i, row in enumerate(table[:_MAX_HEADER_LINE]) if _is_candidate(row)
    ]
    header_index = _first_known_header(candidates)
    if header_index is None:
        pairs = [(i, row, below) for (i, row), (_, below) in itertools.pairwise(candidates)]
        header_index = _first_plain_header(pairs)
    if header_index is None:
        raise _header_not_found(name)
    headers = [c.strip() for c in table[header_index]]
    while headers and not headers[-1]:  # openpyxl pads rows to the sheet's widest row
        headers.pop()
    layout = Layout(
        encoding=None,
        delimiter=None,
        header_line=header_index,
        headers=headers,
        format_key=detect_format(headers),
        title_lines=[" ".join(c.strip() for c in row if c.strip()) for row in table[:header_index]],
    )
    _require_data(layout, table[header_index + 1 :], name)
    return layout


# --------------------------------------------------------------------------------------- sniff internals

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"PAR1", "a Parquet file"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
)


def _reject_binary(sample: bytes, name: str) -> None:
    for magic, what in _BINARY_SIGNATURES:
        if sample.startswith(magic):
            raise FormatError(
                f'"{name}" is {what}, not a CSV text file. Upload it as the file type it is (.xlsx and .parquet '
                "are accepted), or open it and save it as CSV UTF-8."
            )
    head = sample[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")):
        raise FormatError(
            f'"{name}" is a web page (HTML or XML), not a CSV file. Some platforms save such pages with an '
            ".xls or .csv name: open it in Excel or Google Sheets and save it as CSV UTF-8."
        )


def _detect_encoding(sample: bytes, name: str) -> str:
    """From the byte order mark, else from where the NUL bytes are (UTF-16 text without one)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" not in sample:
        return "utf-8"
    even, odd = sample[0::2], sample[1::2]
    # ASCII text in UTF-16 has a NUL in every other byte: the high byte of each code unit.
    if odd and odd.count(0) >= 0.7 * len(odd) and even.count(0) <= 0.05 * len(even):
        return "utf-16-le"
    if even and even.count(0) >= 0.7 * len(even) and odd.count(0) <= 0.05 * len(odd):
        return "utf-16-be"
    raise FormatError(f'"{name}" is not a text file (it contains binary data). Export the report as CSV and upload that file.')


def _decode(sample: bytes, encoding: str, *, final: bool, name: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        return str(decoder.decode(sample, final=final))
    except UnicodeDecodeError as error:
        line = sample[: error.start].count(b"\n") + 1
        if encoding.startswith("utf-16"):
            raise FormatError(
                f'"{name}" looks like UTF-16 text but has invalid bytes on line {line}. Download the report '
                "again, or open it and save it as CSV UTF-8."
            ) from None
        bad = sample[error.start : error.start + 1]
        as_windows = bad.decode("cp1252", errors="replace")
        raise FormatError(
            f'"{name}" is not saved as UTF-8 text: line {line} contains the byte 0x{bad.hex().upper()} '
            f'("{as_windows}" in the older Windows encoding). In Excel choose File → Save As → '
            '"CSV UTF-8 (Comma delimited)"; in Google Sheets, File → Download → CSV. Then upload the new file.'
        ) from None


def line_delimiter(line: str) -> str | None:
    """The candidate delimiter occurring most often outside quotes; ``None`` when there is none."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equals: tab, then ; then ,
    return best if counts[best] else None


def _split(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return [line]
    return next(csv.reader([line], delimiter=delimiter), [])


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _is_candidate(cells: Sequence[str]) -> bool:
    values = [c.strip() for c in cells if c.strip()]
    return len(values) >= 2 and not values[0].startswith("#")


def _known_count(cells: Sequence[str]) -> int:
    return sum(1 for c in cells if c.strip() and normalize_header(c) in _KNOWN_HEADERS)


def _looks_like_header(cells: Sequence[str]) -> bool:
    values = [c.strip() for c in cells if c.strip()]
    return any(ch.isalpha() for v in values for ch in v) and not any(_VALUE_RE.fullmatch(v) for v in values)


def _first_known_header(candidates: Sequence[tuple[int, Sequence[str]]]) -> int | None:
    """The first row with two or more header names some format knows."""
    return next((index for index, cells in candidates if _known_count(cells) >= 2), None)


def _first_plain_header(pairs: Sequence[tuple[int, Sequence[str], Sequence[str]]]) -> int | None:
    """For a generic file with names of its own: the first row that reads as names (no cell is a number or
    a date) and has as many cells as the row below it. ``pairs`` are (index, cells, cells below)."""
    return next(
        (index for index, cells, below in pairs if _looks_like_header(cells) and len(cells) == len(below)),
        None,
    )


def _header_not_found(name: str) -> FormatError:
    return FormatError(
        f'We could not find the line with the column names in "{name}". The file should have one line of '
        'column names (for example "Date, Campaign, Clicks, Cost") with one line per row below it, '
        "separated by commas, semicolons or tabs."
    )


def _find_header_line(lines: Sequence[str], name: str) -> tuple[int, str | None]:
    delimiters: dict[int, str | None] = {}
    candidates: list[tuple[int, Sequence[str]]] = []
    for index, line in enumerate(lines[:_MAX_HEADER_LINE]):
        delimiter = line_delimiter(line)
        cells = _split(line, delimiter)
        if _is_candidate(cells):
            delimiters[index] = delimiter
            candidates.append((index, cells))
    header = _first_known_header(candidates)
    if header is None:
        # The row below is split with the candidate's delimiter: a data row of a semicolon file may hold
        # more commas (Indonesian decimals) than semicolons.
        pairs = [
            (index, cells, _split(lines[below], delimiters[index]))
            for (index, cells), (below, _) in itertools.pairwise(candidates)
        ]
        header = _first_plain_header(pairs)
    if header is None:
        raise _header_not_found(name)
    return header, delimiters[header]


def _require_data(layout: Layout, rows: Sequence[Sequence[str]], name: str) -> None:
    totals = 0
    for cells in rows:
        if layout.is_data_row(cells):
            return
        if any(c.strip() for c in cells) and layout.is_total_row(cells):
            totals += 1
    columns = ", ".join(f'"{h}"' for h in layout.headers[:4] if h)
    if totals:
        raise FormatError(
            f'"{name}" has column names ({columns}…) and totals but no data rows. The report\'s date range '
            "probably has no data: choose another range and download it again."
        )
    raise FormatError(
        f'"{name}" has column names ({columns}…) but no data rows. Check the report\'s date range and filters '
        "and download it again."
    )
