"""Demo content for Kopi Nusantara (on the channel accounts publishing's demo made): a two-level approval workflow, posting guidelines
and a month of content around today (published, failed, scheduled, approved, in review, draft, idea,
expired), created through the services so approvals, versions and audit records are real."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from alur.accounts.models import User, Workspace
from alur.campaigns.models import Campaign
from alur.content.models import ContentItem, ContentStatus
from alur.content.services import approvals, items
from alur.content.services.calendar import calendar_event_create
from alur.content.services.guidelines import guidelines_update


@dataclass(frozen=True)
class DemoPost:
    day: int  # days from today
    hour: int
    title: str
    kind: str
    texts: dict[str, str]
    state: str
    hashtags: tuple[str, ...] = ("#KopiNusantara",)
    owner: str = "creator"
    link: str = ""
    titles: dict[str, str] = field(default_factory=dict)


POSTS = (
    DemoPost(
        -12,
        9,
        "Selamat pagi dari kebun Gayo",
        "social_post",
        {
            "instagram": "Pagi ini kami menyapa petani kopi di dataran tinggi Gayo. Dari merekalah secangkir kopimu berasal ☕🌄",
            "facebook": "Pagi ini kami menyapa petani kopi di dataran tinggi Gayo, Aceh. Kenalan dengan Pak Hasan yang sudah 20 tahun merawat kebunnya.",
        },
        "published",
        ("#KopiNusantara", "#KopiGayo"),
    ),
    DemoPost(
        -11,
        12,
        "Tips seduh V60 di rumah",
        "short_video",
        {
            "tiktok": "3 langkah seduh V60 ala barista: rasio 1:15, air 92°C, tuang perlahan 3 tahap. Coba di rumah! #KopiNusantara",
            "instagram": "Seduh V60 ala barista di rumah: rasio 1:15, air 92°C, tuang perlahan tiga tahap. Simpan untuk nanti ✨",
        },
        "published",
        ("#KopiNusantara", "#ManualBrew"),
    ),
    DemoPost(
        -10,
        19,
        "Kuis: kopi favoritmu?",
        "social_post",
        {
            "x": "Tim kopi susu gula aren atau tim kopi hitam tanpa gula? Jawab di balasan ya ☕👇",
            "instagram": "Tim kopi susu gula aren 🥛 atau tim kopi hitam ☕? Tulis di komentar!",
        },
        "published",
    ),
    DemoPost(
        -9,
        10,
        "Artikel: mengenal proses honey",
        "article",
        {
            "blog": "Proses honey adalah cara pascapanen yang menjemur biji kopi bersama sebagian lendir buahnya. Hasilnya rasa manis alami yang lembut. Di artikel ini kami membahas perbedaan proses honey, natural dan full-washed, serta cara memilih biji untuk seduhan di rumah."
        },
        "published",
        (),
        "campaign",
        "https://kopinusantara.id/blog/proses-honey",
        {"blog": "Mengenal proses honey: manis alami dari kebun"},
    ),
    DemoPost(
        -8,
        8,
        "Newsletter Sahabat Kopi #47",
        "email",
        {
            "email": "Halo Sahabat Kopi! Minggu ini: cerita petani Gayo, resep es kopi susu gula aren, dan voucher 10% khusus pelanggan newsletter."
        },
        "published",
        (),
        "community",
        "https://kopinusantara.id/promo/newsletter",
        {"email": "Cerita dari Gayo + voucher 10% untukmu"},
    ),
    DemoPost(
        -6,
        11,
        "Lowongan: barista Surabaya",
        "social_post",
        {
            "linkedin": "Kopi Nusantara membuka lowongan barista untuk gerai baru di Surabaya. Kami mencari orang yang ramah, teliti, dan suka belajar. Lamar melalui tautan berikut."
        },
        "published",
        ("#Lowongan", "#KopiNusantara"),
        "manager",
        "https://kopinusantara.id/karier",
    ),
    DemoPost(
        -5, 16, "Di balik layar sangrai", "story", {"instagram": "Intip proses sangrai pagi ini di roastery kami 🔥"}, "published"
    ),
    DemoPost(
        -4,
        20,
        "Promo gajian akhir bulan",
        "ad",
        {
            "instagram": "Gajian tiba! Diskon 15% semua biji kopi sampai Minggu. Syarat & ketentuan berlaku.",
            "facebook": "Gajian tiba! Diskon 15% semua biji kopi sampai hari Minggu. Syarat & ketentuan berlaku.",
        },
        "failed",
        ("#KopiNusantara", "#PromoGajian"),
    ),
    DemoPost(
        -3,
        9,
        "Resep es kopi susu gula aren",
        "short_video",
        {"tiktok": "Resep es kopi susu gula aren 60 detik: espresso, susu segar, gula aren cair, es batu. Gampang banget!"},
        "published",
        ("#KopiNusantara", "#ResepKopi"),
    ),
    DemoPost(
        -1,
        15,
        "Ulasan pelanggan minggu ini",
        "social_post",
        {"instagram": "“Aromanya wangi, rasanya bersih.” Terima kasih @rina.ngopi atas ulasannya! 💛"},
        "expired",
    ),
    DemoPost(
        1,
        9,
        "Hari Ayah: kopi untuk Ayah",
        "social_post",
        {
            "instagram": "Selamat Hari Ayah! Traktir Ayah secangkir kopi favoritnya hari ini ☕❤️",
            "facebook": "Selamat Hari Ayah untuk semua ayah hebat. Ajak Ayah ngopi bareng hari ini, yuk!",
            "x": "Selamat Hari Ayah ☕ Kopi pertama hari ini untuk siapa?",
        },
        "scheduled",
        ("#KopiNusantara", "#HariAyah"),
    ),
    DemoPost(
        2,
        12,
        "Kenalan dengan roaster kami",
        "short_video",
        {"tiktok": "Kenalan sama Mas Dimas, roaster kami yang sudah menyangrai lebih dari 10 ton kopi!"},
        "scheduled",
    ),
    DemoPost(
        3,
        19,
        "Thread: 5 mitos kopi",
        "social_post",
        {"x": "5 mitos kopi yang sering kita dengar, dan faktanya. Utas 🧵👇"},
        "scheduled",
        ("#KopiNusantara",),
        "social",
    ),
    DemoPost(
        4,
        10,
        "Studi kasus: kemitraan petani",
        "article",
        {
            "linkedin": "Bagaimana kemitraan langsung dengan 120 petani meningkatkan pendapatan mereka 18% dalam dua musim panen. Baca studi kasus lengkapnya.",
            "blog": "Studi kasus kemitraan petani Kopi Nusantara: harga dasar yang adil, pelatihan pascapanen, dan kontrak jangka panjang.",
        },
        "scheduled",
        (),
        "campaign",
        "https://kopinusantara.id/blog/kemitraan-petani",
        {"blog": "Studi kasus: kemitraan langsung dengan petani"},
    ),
    DemoPost(
        5,
        8,
        "Newsletter Sahabat Kopi #48",
        "email",
        {"email": "Halo Sahabat Kopi! Edisi ini: panduan memilih biji untuk pemula dan jadwal cupping gratis di Jakarta."},
        "scheduled",
        (),
        "community",
        "https://kopinusantara.id/cupping",
        {"email": "Panduan biji untuk pemula + cupping gratis"},
    ),
    DemoPost(
        6,
        18,
        "Live cupping Jumat malam",
        "social_post",
        {
            "instagram": "Jumat ini jam 19.00 WIB kita live cupping bareng Q-grader! Siapkan catatan rasamu 📝",
            "facebook": "Live cupping bersama Q-grader, Jumat 19.00 WIB. Tonton di halaman ini!",
        },
        "scheduled",
    ),
    DemoPost(
        8,
        10,
        "Kopi susu botol: teaser",
        "social_post",
        {"instagram": "Sesuatu yang segar sedang disiapkan… 👀 #ComingSoon", "x": "Sesuatu yang segar sedang disiapkan… 👀"},
        "approved",
        ("#KopiNusantara", "#ComingSoon"),
        "designer",
    ),
    DemoPost(
        9,
        12,
        "Tips menyimpan biji kopi",
        "infographic",
        {"instagram": "Simpan biji kopi di wadah kedap udara, jauh dari cahaya, dan habiskan dalam 4 minggu setelah sangrai."},
        "approved",
    ),
    DemoPost(
        10,
        19,
        "Giveaway 1.000 followers TikTok",
        "social_post",
        {"tiktok": "Giveaway! Ikuti akun kami, tag 2 teman, menangkan paket kopi senilai Rp500.000. Syarat & ketentuan berlaku."},
        "in_review",
        ("#KopiNusantara", "#Giveaway"),
        "social",
    ),
    DemoPost(
        11,
        9,
        "Harbolnas 12.12: bundling hemat",
        "ad",
        {
            "instagram": "Harbolnas 12.12: beli 2 gratis 1 untuk semua biji single origin! Syarat & ketentuan berlaku.",
            "facebook": "Harbolnas 12.12: beli 2 gratis 1 untuk semua biji single origin. Syarat & ketentuan berlaku.",
        },
        "in_review_level2",
        ("#KopiNusantara", "#Harbolnas"),
    ),
    DemoPost(
        12,
        11,
        "Profil petani: Ibu Ratna dari Toraja",
        "article",
        {
            "blog": "Ibu Ratna telah menanam kopi arabika di lereng Toraja sejak 1998. Kami berbincang tentang cuaca, harga, dan harapannya untuk generasi berikutnya."
        },
        "in_review",
        (),
        "creator",
        "https://kopinusantara.id/blog/ibu-ratna",
        {"blog": "Profil petani: Ibu Ratna dari Toraja"},
    ),
    DemoPost(
        14,
        10,
        "Kalender promo Desember",
        "social_post",
        {
            "linkedin": "Rencana kolaborasi akhir tahun dengan kafe mitra di lima kota.",
            "instagram": "Desember penuh kejutan! Tandai kalendermu 🗓️",
        },
        "draft",
        ("#KopiNusantara",),
        "campaign",
    ),
    DemoPost(
        15,
        19,
        "Video: sehari di roastery",
        "short_video",
        {"tiktok": "Ikut kami seharian di roastery, dari biji hijau sampai siap kirim."},
        "draft",
        ("#KopiNusantara",),
        "contractor",
    ),
    DemoPost(
        16,
        9,
        "Resep kopi rempah Natal",
        "social_post",
        {"instagram": "Kopi rempah kayu manis dan cengkih untuk menemani libur akhir tahun 🎄"},
        "draft",
    ),
    DemoPost(18, 12, "Ide: kolaborasi dengan musisi indie", "social_post", {"instagram": ""}, "idea", (), "campaign"),
    DemoPost(20, 12, "Ide: seri edukasi origin kopi Indonesia", "short_video", {"tiktok": ""}, "idea", (), "creator"),
)


def _at(workspace: Workspace, day: int, hour: int) -> dt.datetime:
    zone = zoneinfo.ZoneInfo(workspace.time_zone)
    today = timezone.localtime(timezone.now(), zone).date()
    local = dt.datetime.combine(today + dt.timedelta(days=day), dt.time(hour, 0), tzinfo=zone)
    return local.astimezone(dt.UTC)


# What the publishing worker would have recorded for a past item (publishing's demo gives it).
RecordHistory = Callable[[ContentItem, bool], None]


def content_demo_seed(
    workspace: Workspace, users: dict[str, User], *, accounts: dict[str, Any], record_history: RecordHistory | None = None
) -> None:
    """Create the demo content once; a second run finds it and changes nothing. ``accounts`` are the demo's
    channel accounts by platform (publishing's demo creates them; content never imports publishing)."""
    manager = users["manager"]
    if approvals.workspace_route(workspace) is None:
        approvals.approval_route_set(
            actor=manager,
            workspace=workspace,
            mode="multi_level",
            levels=[
                {"name": "Editor naskah", "people": [users["community"].pk, users["strategist"].pk]},
                {"name": "Legal & brand", "roles": ["approver"]},
            ],
        )
        # The newsletter needs only one approval (the workspace's default approvers).
        approvals.approval_route_set(
            actor=manager,
            workspace=workspace,
            mode="required",
            levels=[{"name": "Approver", "roles": ["manager", "approver"]}],
            account=accounts["email"],
        )
    if ContentItem.objects.filter(workspace=workspace).exists():
        return
    guidelines_update(
        actor=manager,
        workspace=workspace,
        voice_tone="Hangat, akrab, seperti teman ngopi; pakai 'kamu', hindari jargon berlebihan.",
        topics=["Cerita petani", "Resep & cara seduh", "Promo", "Di balik layar"],
        posting_frequency={"instagram": 5, "tiktok": 3, "x": 5, "facebook": 3, "linkedin": 1, "email": 1},
        banned_words=["termurah", "murahan", "dijamin sembuh"],
        required_disclaimer="Syarat & ketentuan berlaku.",
        disclaimer_kinds=["ad"],
        allowed_link_domains=["kopinusantara.id"],
    )
    today = timezone.localdate()
    for offset, title in ((11, "Harbolnas 12.12"), (4, "Rapat konten bulanan"), (16, "Sesi foto produk baru")):
        calendar_event_create(actor=manager, workspace=workspace, title=title, start_date=today + dt.timedelta(days=offset))
    _demo_media(workspace, users["designer"])
    campaign = Campaign.objects.filter(workspace=workspace).order_by("pk").first()
    for post in POSTS:
        _seed_post(workspace, users, accounts, post, campaign, record_history)


def _approve_all(item: ContentItem, users: dict[str, User], *, stop_after: int | None = None) -> None:
    order = [users["community"], users["approver"], users["manager"]]
    passed = 0
    for _attempt in range(4):
        item.refresh_from_db()
        if item.status != ContentStatus.IN_REVIEW or (stop_after is not None and passed >= stop_after):
            return
        for person in order:
            if approvals.can_approve(person, item):
                approvals.approval_decide(actor=person, item=item, verdict="approve")
                passed += 1
                break


def _seed_post(
    workspace: Workspace,
    users: dict[str, User],
    accounts: dict[str, Any],
    post: DemoPost,
    campaign: Campaign | None,
    record_history: RecordHistory | None,
) -> None:
    owner = users[post.owner]
    publish_at = _at(workspace, post.day, post.hour)
    variants = [
        {
            "platform": platform,
            "account_id": accounts[platform].pk,
            "text": text,
            "title": post.titles.get(platform, ""),
            "link": post.link,
            "hashtags": list(post.hashtags) if platform not in ("email", "blog", "linkedin") else [],
        }
        for platform, text in post.texts.items()
    ]
    item = items.content_create(
        actor=owner,
        workspace=workspace,
        title=post.title,
        kind=post.kind,
        owner=owner,
        publish_at=publish_at,
        due_date=(publish_at - dt.timedelta(days=2)).date(),
        variants=variants,
        is_idea=post.state == "idea",
        is_shared_with_clients=post.day % 2 == 0,
    )
    if post.state in ("idea", "draft"):
        return
    if post.state == "expired":
        approvals.content_submit(actor=owner, item=item)
        items.expire_unapproved(now=timezone.now())
        return
    item = approvals.content_submit(actor=owner, item=item)
    if post.state == "in_review":
        return
    if post.state == "in_review_level2":
        _approve_all(item, users, stop_after=1)
        return
    _approve_all(item, users)
    if post.state == "approved":
        return
    if post.day > 0:
        items.content_schedule(actor=users["social"], item=ContentItem.objects.get(pk=item.pk), publish_at=publish_at)
        return
    # In the past: what the publishing worker would have recorded (published, or failed).
    ContentItem.objects.filter(pk=item.pk).update(
        status=ContentStatus.PUBLISHED if post.state == "published" else ContentStatus.FAILED, updated_at=publish_at
    )
    if record_history is not None:
        record_history(ContentItem.objects.get(pk=item.pk), post.state == "failed")


def _demo_media(workspace: Workspace, designer: User) -> None:
    """A few generated product images (plain colour cards with a label), so the library is not empty."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    from alur.content.services.media import media_upload

    for name, colour, tags in (
        ("kopi-susu-botol.jpg", (120, 72, 40), "produk, kopi susu"),
        ("kebun-gayo.jpg", (46, 110, 70), "petani, gayo"),
        ("promo-harbolnas.png", (200, 60, 50), "promo, harbolnas"),
    ):
        image = Image.new("RGB", (1080, 1080), colour)
        ImageDraw.Draw(image).text((60, 60), name.rsplit(".", 1)[0].replace("-", " ").title(), fill=(255, 255, 255))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG" if name.endswith(".png") else "JPEG")
        media_upload(
            actor=designer,
            workspace=workspace,
            file=SimpleUploadedFile(name, buffer.getvalue()),
            title=name.rsplit(".", 1)[0].replace("-", " ").title(),
            tags=tags,
        )
