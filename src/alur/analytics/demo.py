"""Demo data of analytics: three months (24 Aug – 22 Nov 2026) of Kopi Nusantara's exports — a Google Ads
report, a Meta Ads Manager export and a GA4 traffic export by day, and a TikTok Shop product report for 1–22
November as a whole period (Indonesian interface, no date column), written in the platforms' real layouts and
imported through the real importer — with a few anomalies planted in the last week (a CPC spike on Search,
a CTR drop on Instagram, a bounce-rate jump from paid social), key results linked to the data,
November budget lines so planned vs. spent has something to show, and three thousand customer journeys
(Instagram, TikTok, Google Search, Email, WhatsApp, Direct) for the attribution page.

Deterministic: the same seed gives the same files, and importing them again changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import random
from typing import Any

from django.core.exceptions import ValidationError

from alur.accounts.models import User, Workspace
from alur.analytics.models import DataSource, Import, KeyResultMetric
from alur.analytics.services import experiments, imports, keyresults, sources

START = dt.date(2026, 8, 24)
END = dt.date(2026, 11, 22)
CPC_SPIKE = dt.date(2026, 11, 18)
CTR_DROP = dt.date(2026, 11, 19)
BOUNCE_JUMP = dt.date(2026, 11, 20)
LAUNCH = "Peluncuran Kopi Susu Gula Aren Botol"


def _days() -> list[dt.date]:
    return [START + dt.timedelta(days=n) for n in range((END - START).days + 1)]


def _weekday_factor(day: dt.date) -> float:
    return 0.7 if day.weekday() >= 5 else 1.0


def _en(value: float, places: int = 2) -> str:
    return f"{value:,.{places}f}"


def google_ads_csv(rng: random.Random) -> str:
    """A Google Ads campaign report by day, as downloaded (title, date range, totals lines)."""
    lines = ["Campaign report", f'"{START:%B} {START.day}, {START.year} - {END:%B} {END.day}, {END.year}"']
    lines.append("Day,Campaign,Campaign type,Currency code,Clicks,Impr.,CTR,Avg. CPC,Cost,Conversions,Conv. value")
    totals = [0, 0, 0.0, 0.0, 0.0]
    for day in _days():
        trend = 1 + (day - START).days / 400
        for campaign, kind, impressions, ctr, cpc, cvr, aov in (
            ("Kopi Susu Gula Aren - Search", "Search", 5200, 0.052, 1450.0, 0.045, 142000),
            ("Kopi Nusantara - Display Remarketing", "Display", 26000, 0.0065, 620.0, 0.012, 128000),
        ):
            impr = int(impressions * trend * _weekday_factor(day) * rng.uniform(0.9, 1.1))
            clicks = int(impr * ctr * rng.uniform(0.92, 1.08))
            cost = clicks * cpc * rng.uniform(0.93, 1.07)
            if day == CPC_SPIKE and kind == "Search":
                cost *= 2.6  # a bidding war on the brand keyword
            conversions = round(clicks * cvr * rng.uniform(0.8, 1.2), 2)
            value = conversions * aov
            lines.append(
                f'{day.isoformat()},{campaign},{kind},IDR,{clicks},"{_en(impr, 0)}",{clicks / impr * 100:.2f}%,'
                f'"{_en(cost / clicks if clicks else 0)}","{_en(cost)}",{conversions:.2f},"{_en(value)}"'
            )
            totals = [totals[0] + clicks, totals[1] + impr, totals[2] + cost, totals[3] + conversions, totals[4] + value]
    lines.append(
        f'Total: Account,--,--,IDR,{totals[0]},"{_en(totals[1], 0)}",--,--,"{_en(totals[2])}",{totals[3]:.2f},"{_en(totals[4])}"'
    )
    return "\n".join(lines) + "\n"


def meta_ads_csv(rng: random.Random) -> str:
    """A Meta Ads Manager export broken down by day and platform, spend in IDR in the header."""
    header = (
        "Reporting starts,Reporting ends,Campaign name,Platform,Reach,Impressions,Link clicks,"
        "Amount spent (IDR),Purchases,Purchases conversion value,Post engagements,Follows or likes"
    )
    lines = [header]
    for day in _days():
        for campaign, followers_base in (("Kopi Nusantara - Awareness Reels", 150), ("Kopi Susu Gula Aren - Konversi", 40)):
            for platform, share in (("instagram", 0.7), ("facebook", 0.3)):
                impressions = int(38000 * share * _weekday_factor(day) * rng.uniform(0.9, 1.1))
                reach = int(impressions * rng.uniform(0.55, 0.7))
                ctr = 0.011 if platform == "instagram" else 0.008
                if day == CTR_DROP and platform == "instagram":
                    ctr *= 0.35  # a creative that stopped working
                clicks = int(impressions * ctr * rng.uniform(0.9, 1.1))
                spend = impressions / 1000 * 21000 * rng.uniform(0.95, 1.05)
                purchases = int(clicks * 0.02 * rng.uniform(0.6, 1.4)) if "Konversi" in campaign else 0
                engagements = int(impressions * 0.035 * rng.uniform(0.8, 1.2))
                follows = (
                    int(followers_base * share * rng.uniform(0.8, 1.2))
                    if platform == "instagram"
                    else int(8 * rng.uniform(0.5, 1.5))
                )
                lines.append(
                    f"{day.isoformat()},{day.isoformat()},{campaign},{platform},{reach},{impressions},{clicks},"
                    f"{spend:.2f},{purchases},{purchases * 135000:.2f},{engagements},{follows}"
                )
    return "\n".join(lines) + "\n"


def ga4_csv(rng: random.Random) -> str:
    """A GA4 traffic-acquisition export by date, channel group and region, with its comment header."""
    lines = [
        "# ----------------------------------------",
        "# Traffic acquisition: Session default channel group",
        "# Account: Kopi Nusantara",
        "# Property: kopinusantara.id",
        "# ----------------------------------------",
        "# ",
        f"# Start date: {START:%Y%m%d}",
        f"# End date: {END:%Y%m%d}",
        "# ----------------------------------------",
        "",
        "Date,Session default channel group,Region,Sessions,Engaged sessions,Engagement rate,Key events,Total revenue",
    ]
    regions = (("DKI Jakarta", 0.38), ("Jawa Barat", 0.24), ("Jawa Timur", 0.22), ("Banten", 0.16))
    channels = (
        ("Organic Search", 820, 0.52),
        ("Paid Search", 430, 0.47),
        ("Paid Social", 380, 0.36),
        ("Direct", 300, 0.49),
        ("Email", 90, 0.61),
    )
    for day in _days():
        growth = 1 + (day - START).days / 250
        for channel, base, engaged_rate in channels:
            for region, share in regions:
                boost = growth * 1.25 if region == "Jawa Timur" else 1.0
                sessions = int(base * share * boost * _weekday_factor(day) * rng.uniform(0.88, 1.12))
                rate = engaged_rate * rng.uniform(0.95, 1.05)
                if day == BOUNCE_JUMP and channel == "Paid Social":
                    rate *= 0.45  # a broken landing page: most visitors leave at once
                engaged = int(sessions * rate)
                key_events = int(sessions * 0.03 * rng.uniform(0.6, 1.4))
                revenue = key_events * 0.4 * 140000
                lines.append(
                    f"{day:%Y%m%d},{channel},{region},{sessions},{engaged},{engaged / sessions if sessions else 0:.4f},{key_events},{revenue:.2f}"
                )
    return "\n".join(lines) + "\n"


# Customer journeys: where people first meet the brand, where they go next, and how likely a journey that
# has met a channel is to end in a purchase. Instagram and TikTok bring people in; Google Search and
# WhatsApp close; Email brings back people who bought before.
JOURNEY_CAMPAIGNS = {
    "Instagram": "Kopi Nusantara - Awareness Reels",
    "TikTok": "Kopi Nusantara - Awareness Reels",
    "Google Search": "Kopi Susu Gula Aren - Search",
    "Email": "Newsletter Mingguan",
    "WhatsApp": "Promo WhatsApp Broadcast",
    "Direct": "",
}
_FIRST_TOUCH = (
    ("Instagram", 0.32),
    ("TikTok", 0.22),
    ("Google Search", 0.22),
    ("Direct", 0.1),
    ("Email", 0.08),
    ("WhatsApp", 0.06),
)
_NEXT_TOUCH = {
    "Instagram": (("Google Search", 0.35), ("WhatsApp", 0.25), ("Instagram", 0.15), ("Direct", 0.15), ("TikTok", 0.1)),
    "TikTok": (("Instagram", 0.35), ("Google Search", 0.35), ("TikTok", 0.15), ("Direct", 0.15)),
    "Google Search": (("Direct", 0.4), ("WhatsApp", 0.25), ("Instagram", 0.2), ("Email", 0.15)),
    "Direct": (("Google Search", 0.4), ("WhatsApp", 0.3), ("Email", 0.3)),
    "Email": (("Direct", 0.5), ("WhatsApp", 0.3), ("Google Search", 0.2)),
    "WhatsApp": (("Direct", 0.6), ("Google Search", 0.4)),
}
_CLOSE_RATE = {"Instagram": 0.05, "TikTok": 0.03, "Google Search": 0.22, "Direct": 0.16, "Email": 0.14, "WhatsApp": 0.3}
_GIVEN_NAMES = ("rina", "budi", "siti", "agus", "dewi", "eko", "putri", "andi", "wulan", "rizky", "ayu", "fajar", "intan", "yoga")
_FAMILY_NAMES = ("wijaya", "santoso", "lestari", "saputra", "pratama", "hidayat", "kurniawan", "rahayu", "setiawan", "nugroho")


TIKTOK_PERIOD = (dt.date(2026, 11, 1), dt.date(2026, 11, 22))


def tiktok_shop_tsv(rng: random.Random) -> str:
    """A TikTok Ads Manager product (GMV Max) report from the Indonesian interface, as downloaded: tab-separated,
    every cell an Excel text formula (``="…"``), no date — the period (1–22 November) is given with the upload,
    so its rows are whole-period facts."""
    headers = [
        "Nama kampanye", "ID Campaign", "ID produk", "Jenis materi iklan", "Judul video", "ID video", "Akun TikTok",
        "Status", "Biaya", "Pesanan SKU", "Biaya per pesanan", "Pendapatan kotor", "ROI", "Impresi iklan produk",
        "Jumlah klik iklan produk", "Tingkat klik iklan produk", "Mata uang",
    ]  # fmt: skip
    videos = (
        ("GMV Max - Kopi Susu Botol", "Seduh dingin 10 detik, langsung segar", "kopinusantara.id"),
        ("GMV Max - Kopi Susu Botol", "Kopi susu gula aren botol: review jujur", "racun.kopi"),
        ("GMV Max - Kopi Susu Botol", "-", "-"),
        ("GMV Max - Biji Kopi Gayo", "Cara seduh V60 untuk pemula", "baristarumah"),
        ("GMV Max - Biji Kopi Gayo", "Unboxing biji kopi Gayo 250 g", "kopinusantara.id"),
    )
    lines = ["\t".join(f'="{h}"' for h in headers)]
    for number, (campaign, title, account) in enumerate(videos):
        impressions = rng.randrange(18000, 90000)
        clicks = int(impressions * rng.uniform(0.02, 0.06))
        orders = int(clicks * rng.uniform(0.03, 0.08))
        cost = round(clicks * rng.uniform(380, 620), 0)
        revenue = round(orders * rng.uniform(58000, 76000), 3)
        cells = [
            campaign, f"18656079830{number:05d}", "17308299741173", "Video" if title != "-" else "Kartu produk", title,
            f"76034112393{number:08d}" if title != "-" else "N/A", account, "Ditayangkan", f"{cost:.3f}", str(orders),
            f"{cost / orders if orders else 0:.3f}", f"{revenue:.3f}", f"{revenue / cost if cost else 0:.2f}", str(impressions),
            str(clicks), f"{clicks / impressions * 100:.2f}%", "IDR",
        ]  # fmt: skip
        lines.append("\t".join(f'="{c}"' for c in cells))
    return "\n".join(lines) + "\n"


def _pick(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([name for name, _ in choices], weights=[weight for _, weight in choices])[0]


def journeys_csv(rng: random.Random, people: int = 3000) -> str:
    """A customer-journey export (one row per touchpoint; Indonesian headers and numbers, ";" between fields)
    for ``people`` pseudonymous customers over the demo period. Emails are made up on the reserved
    ``.example`` domain; the importer replaces them with a keyed hash."""
    lines = ["Email;Waktu;Kanal;Kampanye;Konversi;Nilai"]
    span_minutes = ((END - START).days + 1) * 24 * 60
    for person in range(people):
        email = f"{rng.choice(_GIVEN_NAMES)}.{rng.choice(_FAMILY_NAMES)}.{person:04d}@pelanggan.example"
        at = dt.datetime.combine(START, dt.time(7)) + dt.timedelta(minutes=rng.randrange(span_minutes - 14 * 24 * 60))
        channel = _pick(rng, _FIRST_TOUCH)
        for _step in range(rng.choice((1, 2, 2, 3, 3, 4, 5, 6))):
            converted = rng.random() < _CLOSE_RATE[channel]
            value = f"{rng.randrange(45, 351) * 1000:,}".replace(",", ".") + ",00" if converted else ""
            if at.date() > END:
                break
            lines.append(
                f"{email};{at:%Y-%m-%d %H:%M};{channel};{JOURNEY_CAMPAIGNS[channel]};{'ya' if converted else 'tidak'};{value}"
            )
            if converted and rng.random() < 0.8:
                break  # most people buy once in the period; some come back for more
            at += dt.timedelta(minutes=rng.randrange(20, 4 * 24 * 60))
            channel = _pick(rng, _NEXT_TOUCH[channel])
    return "\n".join(lines) + "\n"


def _import(
    workspace: Workspace, actor: User, source_key: str, name: str, text: str, period: tuple[dt.date, dt.date] | None = None
) -> None:
    source = DataSource.objects.get(workspace=workspace, key=source_key)
    imp = imports.import_start(
        actor=actor, workspace=workspace, source=source, upload=io.BytesIO(text.encode("utf-8")), name=name, run_now=True,
        period=period,
    )  # fmt: skip
    if imp.status not in ("succeeded", "unchanged"):
        raise RuntimeError(f"demo import {name} failed: {imp.report}")


def _link(workspace: Workspace, actor: User, metric: str, kpi: str, mode: str, filters: dict[str, Any]) -> None:
    from alur.strategy.models import KeyResult

    kr = KeyResult.objects.filter(workspace=workspace, metric=metric).first()
    if kr is None or KeyResultMetric.objects.filter(key_result=kr).exists():
        return
    keyresults.key_result_link(actor=actor, key_result=kr, kpi=kpi, mode=mode, filters=filters)


def analytics_demo_seed(workspace: Workspace, users: dict[str, User]) -> None:
    """Import the demo exports once, map the Google Ads search campaign to the launch campaign, plan
    November's budget, link key results to the data, and add three experiments."""
    from alur.campaigns.models import Campaign
    from alur.campaigns.services import budget_line_set

    analyst, performance, manager = users["analyst"], users["performance"], users["manager"]
    sources.sources_ensure(workspace)
    experiments_demo_seed(workspace, users)
    if not Import.objects.filter(workspace=workspace, source__key="journeys").exists():
        journeys = journeys_csv(random.Random(7))  # noqa: S311 - demo data, not secrets
        _import(workspace, analyst, "journeys", "Perjalanan pelanggan 2026-08-24 - 2026-11-22.csv", journeys)
    if Import.objects.filter(workspace=workspace).exclude(source__key="journeys").exists():
        return  # seeded before: a second run changes nothing
    launch = Campaign.objects.filter(workspace=workspace, name=LAUNCH).first()
    if launch is not None:
        sources.campaign_mapping_set(
            actor=analyst, workspace=workspace, platform_campaign="Kopi Susu Gula Aren - Search", campaign=launch
        )
        sources.campaign_mapping_set(
            actor=analyst, workspace=workspace, platform_campaign="Kopi Susu Gula Aren - Konversi", campaign=launch
        )
        for channel, planned in (("sem", "6.000.000"), ("ads", "14.000.000")):
            with contextlib.suppress(ValidationError):  # a plan the campaign's rules refuse is left out of the demo
                budget_line_set(
                    actor=users["campaign"], campaign=launch, channel=channel, month=dt.date(2026, 11, 1), planned=planned
                )
    rng = random.Random(2026)  # noqa: S311 - demo numbers, not secrets
    _import(workspace, analyst, "google_ads", "Campaign report (Kopi Nusantara) 2026-08-24 - 2026-11-22.csv", google_ads_csv(rng))
    _import(workspace, performance, "meta_ads", "Kopi-Nusantara-Campaigns-Aug-24-2026-Nov-22-2026.csv", meta_ads_csv(rng))
    _import(workspace, analyst, "ga4", "Traffic_acquisition_Session_default_channel_group.csv", ga4_csv(rng))
    tiktok = tiktok_shop_tsv(random.Random(11))  # noqa: S311 - demo numbers, not secrets
    _import(workspace, performance, "tiktok_ads", "Laporan GMV Max produk 1-22 Nov 2026.tsv", tiktok, period=TIKTOK_PERIOD)
    _link(workspace, manager, "Followers Instagram", "followers", "start_plus", {"channel": "instagram"})
    _link(workspace, manager, "Bounce rate", "bounce_rate", "trailing_30", {"source": "ga4"})
    _link(workspace, manager, "Kunjungan website dari Jawa Timur", "sessions", "trailing_30", {"region": "Jawa Timur"})
    _link(workspace, manager, "Lead dari Jawa Timur", "conversions", "trailing_30", {"region": "Jawa Timur", "source": "ga4"})
    # Counted from the whole-period TikTok report: its 1–22 November lie inside the key result's quarter.
    _link(workspace, manager, "Pesanan TikTok Shop", "conversions", "start_plus", {"source": "tiktok_ads"})


def experiments_demo_seed(workspace: Workspace, users: dict[str, User]) -> None:
    """Three of Kopi Nusantara's A/B tests: the 12.12 email subject (concluded, free shipping won), a
    landing-page test still short of its planned sample, and a checkout-button test whose traffic split
    is broken (sample-ratio mismatch). Seeded once."""
    from alur.analytics.models import Experiment
    from alur.campaigns.models import Campaign

    if Experiment.objects.filter(workspace=workspace).exists():
        return
    analyst, performance = users["analyst"], users["performance"]
    launch = Campaign.objects.filter(workspace=workspace, name=LAUNCH).first()
    plans: list[dict[str, Any]] = [
        {
            "actor": analyst,
            "values": {
                "name": "Judul email promo 12.12: diskon 20% vs. gratis ongkir",
                "hypothesis": "Pelanggan email lebih tergerak oleh gratis ongkir daripada diskon 20%, karena ongkir "
                "terasa sebagai biaya tambahan yang menyebalkan saat checkout.",
                "metric_name": "Pembelian dari email",
                "guardrails": "Berhenti berlangganan",
                "baseline_rate": "3.2%",
                "mde": "15%",
                "mde_relative": True,
                "daily_visitors": "6000",
            },
            "variants": [{"name": "Diskon 20%"}, {"name": "Gratis ongkir"}],
            "counts": [(24000, 768, 48), (24000, 912, 52)],
            "dates": (dt.date(2026, 11, 1), dt.date(2026, 11, 9)),
            "decision": "Gratis ongkir menang (+18,8% pembelian, tanpa kenaikan berhenti berlangganan). Kampanye 12.12 "
            "memakai judul gratis ongkir; uji berikutnya: batas minimum belanja untuk gratis ongkir.",
        },
        {
            "actor": performance,
            "values": {
                "name": "Landing page Kopi Susu Gula Aren Botol: foto produk vs. video 15 detik",
                "hypothesis": "Video singkat proses penyeduhan membuat pengunjung lebih yakin pada rasa dan menaikkan pesanan.",
                "metric_name": "Pesanan dari landing page",
                "campaign": str(launch.pk) if launch else "",
                "baseline_rate": "2.5%",
                "mde": "10%",
                "mde_relative": True,
                "daily_visitors": "1800",
            },
            "variants": [{"name": "Foto produk"}, {"name": "Video 15 detik"}],
            "counts": [(9400, 240, None), (9350, 262, None)],
            "dates": (dt.date(2026, 11, 12), None),
        },
        {
            "actor": analyst,
            "values": {
                "name": "Tombol checkout: “Beli sekarang” vs. “Pesan, bayar di tempat (COD)”",
                "hypothesis": "Menyebut COD di tombol mengurangi keraguan pembeli baru yang belum percaya bayar di muka.",
                "metric_name": "Checkout selesai",
                "baseline_rate": "4%",
                "mde": "10%",
                "mde_relative": True,
                "daily_visitors": "2500",
            },
            "variants": [{"name": "Beli sekarang"}, {"name": "Bayar di tempat (COD)"}],
            "counts": [(15200, 610, None), (13900, 590, None)],
            "dates": (dt.date(2026, 11, 10), None),
        },
    ]
    for plan in plans:
        actor = plan["actor"]
        experiment = experiments.experiment_create(
            actor=actor, workspace=workspace, values=plan["values"], variants=plan["variants"]
        )
        experiments.experiment_start(actor=actor, experiment=experiment)
        rows = []
        for variant, (visitors, conversions, unsubscribes) in zip(experiment.variants.all(), plan["counts"], strict=True):
            row: dict[str, Any] = {"variant": variant.name, "visitors": visitors, "conversions": conversions}
            if unsubscribes is not None:
                row["guardrails"] = {"Berhenti berlangganan": unsubscribes}
            rows.append(row)
        experiments.experiment_counts_record(actor=actor, experiment=experiment, rows=rows)
        started, ended = plan["dates"]
        Experiment.objects.filter(pk=experiment.pk).update(started_on=started, ended_on=ended)
        if "decision" in plan:
            experiments.experiment_conclude(actor=actor, experiment=experiment, decision=plan["decision"])
            Experiment.objects.filter(pk=experiment.pk).update(ended_on=ended)
