"""The demo workspace's OKRs: the three examples of seed 004, as written, with monthly check-ins."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from alur.accounts.models import User, Workspace
from alur.strategy import services
from alur.strategy.models import BusinessGoal, Objective, Period

JAKARTA = ZoneInfo("Asia/Jakarta")

# (title, metric, unit, direction, start, change in percent, owner, [(date, value, confidence, comment)])
KeyResultSeed = tuple[str, str, str, str, str, str, str, list[tuple[str, str, int, str]]]

OBJECTIVES: list[tuple[str, str, str, str, list[KeyResultSeed]]] = [
    (
        "Meningkatkan brand awareness di kalangan target audiens (milenial di kota besar)",
        "Semester 2 2026",
        "strategist",
        "Tumbuhkan pendapatan online 35% pada 2026",
        [
            (
                "Meningkatkan jumlah followers Instagram sebesar 50% dalam 6 bulan",
                "Followers Instagram",
                "followers",
                "increase_to",
                "48000",
                "50",
                "social",
                [
                    ("2026-08-01", "52300", 8, "Reels seri 'Pagi di Kebun' naik di Explore."),
                    ("2026-09-01", "57100", 8, ""),
                    ("2026-10-01", "61900", 7, "Kolaborasi dengan 3 kreator kopi."),
                    ("2026-11-16", "64800", 7, "Pertumbuhan melambat setelah kampanye selesai."),
                ],
            ),
            (
                "Meningkatkan engagement rate postingan Instagram sebesar 30% dalam 6 bulan",
                "Engagement rate Instagram",
                "%",
                "increase_to",
                "2.4",
                "30",
                "social",
                [
                    ("2026-08-01", "2.5", 6, ""),
                    ("2026-09-01", "2.7", 6, "Carousel resep lebih disukai daripada foto produk."),
                    ("2026-10-01", "2.8", 6, ""),
                    ("2026-11-16", "2.9", 5, "Perlu format baru untuk Desember."),
                ],
            ),
            (
                "Meningkatkan jumlah mention brand di media sosial sebesar 40% dalam 6 bulan",
                "Mention brand per bulan",
                "mentions",
                "increase_to",
                "1150",
                "40",
                "community",
                [
                    ("2026-08-01", "1180", 6, ""),
                    ("2026-09-01", "1260", 6, ""),
                    ("2026-10-01", "1340", 5, ""),
                    ("2026-11-16", "1390", 5, "Butuh program UGC untuk mengejar target."),
                ],
            ),
            (
                "Meningkatkan skor sentiment brand di media sosial sebesar 20% dalam 6 bulan",
                "Skor sentimen (0–100)",
                "poin",
                "increase_to",
                "62",
                "20",
                "community",
                [
                    ("2026-08-01", "63", 7, ""),
                    ("2026-09-01", "65", 7, ""),
                    ("2026-10-01", "66", 6, ""),
                    ("2026-11-16", "68", 6, "Keluhan pengiriman turun sejak ganti kurir."),
                ],
            ),
        ],
    ),
    (
        "Meningkatkan konversi penjualan melalui website",
        "Q4 2026",
        "performance",
        "Tumbuhkan pendapatan online 35% pada 2026",
        [
            (
                "Meningkatkan jumlah lead yang dihasilkan melalui website sebesar 60% dalam 3 bulan",
                "Lead dari website",
                "leads",
                "increase_to",
                "420",
                "60",
                "performance",
                [("2026-10-31", "470", 6, "Formulir baru di halaman langganan."), ("2026-11-20", "530", 6, "")],
            ),
            (
                "Meningkatkan rasio konversi lead menjadi pelanggan sebesar 20% dalam 3 bulan",
                "Rasio lead → pelanggan",
                "%",
                "increase_to",
                "8",
                "20",
                "analyst",
                [("2026-10-31", "8.3", 6, ""), ("2026-11-20", "8.6", 5, "Follow-up email belum otomatis.")],
            ),
            (
                "Meningkatkan nilai rata-rata pesanan (Average Order Value/AOV) sebesar 15% dalam 3 bulan",
                "AOV",
                "IDR",
                "increase_to",
                "185000",
                "15",
                "analyst",
                [("2026-10-31", "188000", 7, ""), ("2026-11-20", "196500", 7, "Bundel biji kopi + V60 laris.")],
            ),
            (
                "Meningkatkan pesanan dari TikTok Shop sebesar 60% dalam 3 bulan",
                "Pesanan TikTok Shop",
                "pesanan",
                "increase_to",
                "900",
                "60",
                "performance",
                [("2026-10-31", "640", 6, "Video kreator afiliasi mulai jalan.")],
            ),
            (
                "Mengurangi tingkat bounce rate website sebesar 10% dalam 3 bulan",
                "Bounce rate",
                "%",
                "decrease_to",
                "58",
                "10",
                "performance",
                [("2026-10-31", "57.1", 7, ""), ("2026-11-20", "55.4", 7, "Halaman produk lebih cepat setelah kompresi gambar.")],
            ),
        ],
    ),
    (
        "Memperluas jangkauan pasar ke wilayah baru (Jawa Timur)",
        "Semester 2 2026",
        "manager",
        "Perluas pasar ke luar Jabodetabek",
        [
            (
                "Meningkatkan jumlah kunjungan website dari Jawa Timur sebesar 70% dalam 6 bulan",
                "Kunjungan website dari Jawa Timur",
                "sesi",
                "increase_to",
                "9800",
                "70",
                "performance",
                [
                    ("2026-08-01", "10500", 7, ""),
                    ("2026-09-01", "11900", 7, ""),
                    ("2026-10-01", "12700", 6, ""),
                    ("2026-11-16", "13600", 5, "Iklan lokal Surabaya mulai jenuh."),
                ],
            ),
            (
                "Meningkatkan jumlah lead yang dihasilkan dari Jawa Timur sebesar 50% dalam 6 bulan",
                "Lead dari Jawa Timur",
                "leads",
                "increase_to",
                "140",
                "50",
                "performance",
                [
                    ("2026-08-01", "150", 6, ""),
                    ("2026-09-01", "162", 6, ""),
                    ("2026-10-01", "171", 5, ""),
                    ("2026-11-16", "180", 5, ""),
                ],
            ),
            (
                "Meningkatkan jumlah penjualan dari Jawa Timur sebesar 40% dalam 6 bulan",
                "Penjualan dari Jawa Timur",
                "pesanan",
                "increase_to",
                "95",
                "40",
                "analyst",
                [
                    ("2026-08-01", "97", 5, ""),
                    ("2026-09-01", "101", 4, "Ongkir ke Jatim masih mahal."),
                    ("2026-10-01", "108", 4, ""),
                    ("2026-11-16", "112", 3, "Butuh mitra gudang di Surabaya."),
                ],
            ),
            (
                "Meningkatkan brand awareness di Jawa Timur dengan mencapai 20% tingkat pengenalan merek dalam 6 bulan",
                "Tingkat pengenalan merek di Jawa Timur",
                "%",
                "increase_to",
                "8",
                "",
                "strategist",
                [
                    ("2026-08-01", "9", 6, "Survei panel bulanan."),
                    ("2026-09-01", "11", 6, ""),
                    ("2026-10-01", "12.5", 5, ""),
                    ("2026-11-16", "13", 5, ""),
                ],
            ),
        ],
    ),
]

PERIODS = {"Semester 2 2026": ("2026-07-01", "2026-12-31"), "Q4 2026": ("2026-10-01", "2026-12-31")}


def strategy_demo_seed(workspace: Workspace, users: dict[str, User]) -> None:
    """Create the three example OKRs once; a second run finds them and changes nothing."""
    manager = users["manager"]
    periods = {}
    for name, (start, end) in PERIODS.items():
        periods[name] = Period.objects.filter(workspace=workspace, name=name).first() or services.period_create(
            actor=manager, workspace=workspace, name=name, start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end)
        )
    for title, period_name, owner, goal_title, key_results in OBJECTIVES:
        if Objective.objects.filter(workspace=workspace, title=title).exists():
            continue
        goal = BusinessGoal.objects.filter(workspace=workspace, title=goal_title).first() or services.business_goal_create(
            actor=manager, workspace=workspace, title=goal_title
        )
        objective = services.objective_create(
            actor=manager,
            workspace=workspace,
            title=title,
            period=periods[period_name],
            owner=users[owner],
            business_goal=goal,
            is_shared_with_clients=True,
        )
        for kr_title, metric, unit, direction, start_value, change, kr_owner, check_ins in key_results:
            key_result = services.key_result_create(
                actor=manager,
                objective=objective,
                title=kr_title,
                metric=metric,
                unit=unit,
                direction=direction,
                start_value=start_value,
                target_change_percent=change or None,
                target_value=None if change else "20",
                deadline=objective.period.end,
                owner=users[kr_owner],
            )
            for day, value, confidence, comment in check_ins:
                recorded_at = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10), tzinfo=JAKARTA)
                services.key_result_check_in(
                    actor=users[kr_owner],
                    key_result=key_result,
                    value=Decimal(value),
                    confidence=confidence,
                    comment=comment,
                    recorded_at=recorded_at,
                )
