"""The platforms' export layouts: which header names each of Alur's fields goes by, per platform.

Standard library only. :class:`SourceFormat` holds one platform's vocabulary; :data:`FORMATS` the five
platforms Alur knows and :data:`GENERIC` the union of all names for files from anywhere. Reading files is
elsewhere (:mod:`.layout` finds the table, :mod:`.columns` matches headers to fields).

The alias lists are written from the platforms' export and UI vocabulary as of 2024–2026 (Google Ads
report editor and its channel-distribution report, Meta Ads Manager export, GA4 standard reports, report
snapshots and explorations, TikTok Ads Manager custom reports and the GMV Max product report, LinkedIn
Campaign Manager "Export" of campaign performance), checked against real downloaded files (see
``shared/real-exports/README.md`` in the project's workspace). The Indonesian names are those of the
platforms' Bahasa Indonesia UIs; platforms rename columns now and then (GA4 "Conversions" became "Key
events" in 2024), so older and newer names are both listed. Within one field, aliases are listed in order
of preference: when a file has several of them, the first one listed is used and the others are reported
as not kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from alur.analytics.imports.messages import FIELD_LABELS, gettext_noop
from alur.analytics.numbers import DecimalStyle

__all__ = [
    "CANONICAL_DIMENSIONS",
    "CANONICAL_FIELDS",
    "CANONICAL_METRICS",
    "FIELD_LABELS",
    "FORMATS",
    "GENERIC",
    "INTEGER_METRICS",
    "LABEL_DIMENSIONS",
    "MONEY_METRICS",
    "Difference",
    "SourceFormat",
]

# The fact table's dimensions and metrics (alur.analytics.warehouse.FACT_DIMENSIONS / FACT_METRICS minus
# the bookkeeping columns). Kept literal so this module stays importable without Ibis.
CANONICAL_DIMENSIONS: tuple[str, ...] = (
    "date", "account", "channel", "campaign", "ad_set", "ad", "region", "device", "currency",
)  # fmt: skip
CANONICAL_METRICS: tuple[str, ...] = (
    "impressions", "reach", "clicks", "spend", "conversions", "conversion_value", "sessions",
    "engaged_sessions", "bounces", "new_users", "leads", "followers", "engagements", "mentions", "video_views",
)  # fmt: skip
CANONICAL_FIELDS: tuple[str, ...] = CANONICAL_DIMENSIONS + CANONICAL_METRICS
# Money is kept per currency; the other decimals are counts platforms report with fractions (modelled conversions).
MONEY_METRICS: tuple[str, ...] = ("spend", "conversion_value")
INTEGER_METRICS: frozenset[str] = frozenset(CANONICAL_METRICS) - {"spend", "conversions", "conversion_value"}
# Dimensions that name something (as opposed to the date and the currency): a platform's summary row has
# none of them.
LABEL_DIMENSIONS: tuple[str, ...] = ("account", "channel", "campaign", "ad_set", "ad", "region", "device")


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
    date aliases that start a row's reporting period and ``period_ends`` the headers that end it (Meta's
    "Reporting starts"/"Reporting ends"): a row whose end is its start is a daily fact, any other a
    whole-period fact. ``day_index`` are date headers that count days from the file's start date (GA4's
    "Nth day"). ``expected`` are metrics a normal export of the platform has; their absence is worth a
    warning, not an error. ``signature`` holds headers only this platform writes, for ``detect_format``.
    ``has_summary_row``: the platform may write a summary row without names right below the header.
    ``date_hint`` tells the marketer how to get per-day rows from the platform, when a daily view needs them.
    ``decimal_style`` and ``dayfirst`` are how the platform writes numbers and dates whatever the person's
    interface language, used only when neither the source's settings nor the file itself settle it.
    """

    key: str
    label: str
    default_channel: str
    channel_from: str
    aliases: Mapping[str, tuple[str, ...]]
    derived: tuple[str, ...] = ()
    derive: Mapping[str, Difference] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    expected: tuple[str, ...] = ()
    signature: tuple[str, ...] = ()
    period_starts: tuple[str, ...] = ()
    period_ends: tuple[str, ...] = ()
    day_index: tuple[str, ...] = ()
    has_summary_row: bool = False
    date_hint: str = ""
    decimal_style: DecimalStyle | None = None
    dayfirst: bool | None = None

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
        # "Channel" is the channel-distribution report's only dimension (Google Search, YouTube, Display Network…).
        "channel": ("Campaign type", "Advertising channel type", "Channel", "Jenis kampanye", "Saluran"),
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
        "video_views": ("Video views", "Views", "TrueView views", "Tayangan video"),
        "engagements": ("Engagements", "Engagement"),
    },
    derived=(
        "CTR", "Avg. CPC", "Avg. CPM", "Avg. cost", "Conv. rate", "Cost / conv.", "Conv. value / cost",
        "Interaction rate", "Interactions", "Search impr. share", "Search lost IS (budget)", "Search lost IS (rank)",
        "All conv.", "All conv. value", "View-through conv.", "Video view rate", "View rate", "Avg. CPV",
        "Engagement rate", "Invalid clicks", "RKT", "BPK rata-rata", "BPM rata-rata", "Biaya rata-rata", "Rasio konv.",
        "Biaya / konv.", "Biaya/konv.", "Nilai konv. / biaya", "Rasio interaksi", "Interaksi", "Semua konv.",
        "Nilai semua konv.", "Campaign status", "Campaign state", "Status kampanye", "Budget", "Anggaran", "Campaign ID",
        "ID kampanye", "Customer ID", "ID pelanggan", "Bid strategy type", "Jenis strategi bidding", "Budget name",
        "Budget type", "Status", "Status reasons", "Optimisation score", "Optimization score", "Target CPA",
        "Avg. target CPA", "Target ROAS", "Avg. target ROAS", "Original conv. value", "Conv. (Platform comparable)",
        "Conv. value/Cost (platform comparable)", "TrueView avg. CPV", "Unique users", "Results", "Results value",
        "Reports", "Ad group status", "Ad group state", "Keyword status", "Match type", "Keyword", "Search keyword",
        "Search keyword match type", "Final URL", "Quality Score", "Labels", "Account status",
    ),
    expected=("impressions", "clicks", "spend"),
    signature=(
        "Impr.", "Conv. value", "Currency code", "Campaign type", "Avg. CPC", "Ad group", "Cost / conv.",
        "Kode mata uang", "Nilai konv.", "Jenis kampanye", "Grup iklan", "BPK rata-rata", "RKT", "Optimisation score",
        "Status reasons", "Search impr. share",
    ),
    date_hint=gettext_noop('In Google Ads, add the "Day" segment (Segments → Time → Day) and download the report again.'),
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
        "Akhir pelaporan", "Tujuan", "Delivery status", "Delivery level", "Result value type", "Results ROAS",
        "Quality ranking", "Engagement rate ranking", "Conversion rate ranking", "Link (ad settings)", "Body (ad settings)",
        "Cost per add to cart", "Cost per checkout initiated", "Cost per landing page view", "Cost per results",
        "Ad set budget", "Ad set budget type", "Average purchases conversion value", "Age", "Gender", "Usia", "Umur",
        "Jenis kelamin", "Hook Rate", "Hold Rate", "CPM (cost per 1,000 impressions)",
    ),
    expected=("impressions", "spend"),
    signature=(
        "Reporting starts", "Reporting ends", "Amount spent", "Link clicks", "Ad set name", "Clicks (all)",
        "CTR (link click-through rate)", "Result indicator", "Awal pelaporan", "Akhir pelaporan",
        "Jumlah yang dibelanjakan", "Klik tautan", "Nama set iklan", "Indikator hasil", "Delivery level",
        "Attribution setting", "Pengaturan atribusi",
    ),
    period_starts=("Reporting starts", "Awal pelaporan"),
    period_ends=("Reporting ends", "Akhir pelaporan"),
    has_summary_row=True,
    date_hint=gettext_noop("In Ads Manager, choose Breakdown → By time → Day before exporting, then import the new file."),
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
            "First user primary channel group (Default Channel Group)", "First user default channel group",
            "Default channel group", "Primary channel group (Default Channel Group)", "Grup saluran default sesi",
            "Grup saluran utama sesi (Grup Saluran Default)", "Grup saluran default pengguna pertama",
            "Grup saluran default", "Session source / medium", "First user source / medium", "Sumber / media sesi",
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
        # New users are additive (a person is new once): unlike users, they sum over days and channels.
        "new_users": ("New users", "Pengguna baru"),
    },
    derived=(
        "Users", "Total users", "New users", "Active users", "Returning users", "Engagement rate", "Bounce rate",
        "Average engagement time per session", "Average engagement time", "Engaged sessions per user",
        "Events per session", "Event count", "Session key event rate", "Session conversion rate", "User key event rate",
        "Views", "Views per session", "Sessions per user", "Pengguna", "Total pengguna",
        "Pengguna aktif", "Rasio interaksi", "Rasio pantulan", "Rata-rata waktu interaksi per sesi",
        "Sesi dengan interaksi per pengguna", "Peristiwa per sesi", "Jumlah peristiwa", "Rasio peristiwa utama sesi",
        "Tampilan", "Average session duration", "Total purchasers", "Purchaser conversion", "ARPU", "ARPPU",
        "Max daily revenue", "Average daily revenue", "Min daily revenue", "Max daily purchasers",
        "Average daily purchasers", "Min daily purchasers", "Nth month", "Cohort", "Day 1", "Day 7", "Day 30",
        "Country ID", "Page path and screen class", "Page title and screen class", "Event name",
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
    decimal_style="en",  # GA4 writes plain numbers (0.6849529780564263) in every language
    day_index=("Nth day", "Hari ke-N"),
    has_summary_row=True,
    date_hint=gettext_noop('In GA4, add the "Date" dimension to the report (or the exploration) and export it again.'),
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
        "ad": ("Ad name", "Nama iklan", "Video title", "Judul video"),
        "region": ("Region", "Province", "Wilayah"),
        "currency": ("Currency", "Mata uang"),
        # The product (GMV Max) report counts impressions and clicks of the product ads, orders per SKU and the
        # gross revenue they brought.
        "impressions": ("Impressions", "Impresi", "Product ad impressions", "Impresi iklan produk"),
        "reach": ("Reach", "Jangkauan"),
        "clicks": ("Clicks (destination)", "Clicks", "Klik (tujuan)", "Klik", "Product ad clicks", "Jumlah klik iklan produk"),
        "spend": ("Cost", "Total cost", "Biaya"),
        "conversions": ("Conversions", "Konversi", "SKU orders", "Pesanan SKU"),
        "conversion_value": (
            "Total complete payment value", "Total purchase value", "Nilai pembayaran lengkap total", "Gross revenue",
            "Pendapatan kotor",
        ),
        "video_views": ("Video views", "Tayangan video"),
        "followers": ("Paid followers", "Follows"),
        "leads": ("Leads", "Form submissions", "Prospek"),
    },
    derived=(
        "CTR", "CTR (destination)", "CPC", "CPC (destination)", "CPM", "Cost per conversion", "Conversion rate",
        "Conversion rate (CVR)", "CVR", "Frequency", "Cost per 1,000 people reached", "Average play time per video view",
        "Average play time per user", "2-second video views", "6-second video views", "Video views at 25%",
        "Video views at 50%", "Video views at 75%", "Video views at 100%", "Campaign ID", "Ad group ID", "Ad ID",
        "Primary status", "Budget", "Frekuensi", "BPK", "BPM", "ID Campaign", "Campaign ID", "ID produk", "Product ID",
        "Jenis materi iklan", "Creative type", "ID video", "Video ID", "Akun TikTok", "TikTok account", "Waktu posting",
        "Post time", "Status", "Jenis otorisasi", "Authorization type", "Biaya per pesanan", "Cost per order", "ROI",
        "Tingkat klik iklan produk", "Product ad click rate", "Rasio konversi iklan", "Ad conversion rate",
        "Rasio tayang video iklan 2 detik", "Rasio tayang video iklan 6 detik", "Rasio tayang video iklan 25%",
        "Rasio tayang video iklan 50%", "Rasio tayang video iklan 75%", "Rasio tayang video iklan 100%",
    ),
    expected=("impressions", "clicks", "spend"),
    signature=(
        "By Day", "Ad group name", "Clicks (destination)", "CTR (destination)", "CPC (destination)",
        "Cost per 1,000 people reached", "2-second video views", "6-second video views", "Advertiser name",
        "Total complete payment value", "Impresi iklan produk", "Jumlah klik iklan produk", "Pesanan SKU",
        "Pendapatan kotor", "Biaya per pesanan", "Jenis materi iklan", "Product ad impressions", "SKU orders",
    ),
    # Amounts come with a dot and three decimals (="161074.000") in every interface language, Indonesian included.
    decimal_style="en",
    date_hint=gettext_noop(
        'In TikTok Ads Manager, choose the "By Day" time dimension for the custom report and export it again.'
    ),
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
    dayfirst=False,  # Campaign Manager writes dates month first (1/27/2026) in its exports
    date_hint=gettext_noop('In Campaign Manager, choose the "Daily" time breakdown when exporting the performance report.'),
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
        "new_users": ("new_users", "new users", "pengguna baru"),
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
    date_hint=gettext_noop("Map one of the file's columns to the date."),
)
"""Files from anywhere (a spreadsheet, an agency, a CRM): used by :func:`match_columns` when no platform
format applies. Its ``default_channel`` is empty: the importer stores the source's own name."""
