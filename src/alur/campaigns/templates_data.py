"""Brief templates: reusable starting points for a campaign's brief, in Indonesian and English."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BriefTemplate:
    key: str
    names: dict[str, str]
    channels: tuple[str, ...]
    fields: dict[str, dict[str, str]]  # brief field -> {"id": …, "en": …}

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]

    def brief(self, language: str) -> dict[str, str]:
        return {field: texts.get(language) or texts["en"] for field, texts in self.fields.items()}


CHANNELS = ("seo", "sem", "social", "email", "content", "ads", "influencer", "offline")

BRIEF_TEMPLATES = (
    BriefTemplate(
        key="awareness",
        names={"id": "Brand awareness", "en": "Brand awareness"},
        channels=("social", "content", "influencer"),
        fields={
            "smart_goal": {
                "id": "Meningkatkan jumlah followers Instagram sebesar 50% dalam 6 bulan.",
                "en": "Grow Instagram followers by 50% in 6 months.",
            },
            "target_audience": {"id": "Milenial 25–35 tahun di kota besar.", "en": "Millennials aged 25–35 in big cities."},
            "conversion_path": {
                "id": "Konten sosial → profil → situs → langganan newsletter.",
                "en": "Social content → profile → website → newsletter sign-up.",
            },
            "call_to_action": {"id": "Ikuti kami", "en": "Follow us"},
        },
    ),
    BriefTemplate(
        key="product_launch",
        names={"id": "Peluncuran produk", "en": "Product launch"},
        channels=("social", "ads", "email", "content"),
        fields={
            "smart_goal": {
                "id": "Menjual 2.000 unit produk baru dalam 8 minggu setelah peluncuran.",
                "en": "Sell 2,000 units of the new product within 8 weeks of launch.",
            },
            "value_proposition": {
                "id": "Apa yang membuat produk ini berbeda, dalam satu kalimat.",
                "en": "What makes the product different, in one sentence.",
            },
            "conversion_path": {
                "id": "Iklan → halaman produk → keranjang → checkout.",
                "en": "Ad → product page → cart → checkout.",
            },
            "call_to_action": {"id": "Beli sekarang", "en": "Buy now"},
        },
    ),
    BriefTemplate(
        key="lead_generation",
        names={"id": "Perolehan lead", "en": "Lead generation"},
        channels=("sem", "seo", "email", "content"),
        fields={
            "smart_goal": {
                "id": "Meningkatkan jumlah lead dari website sebesar 60% dalam 3 bulan.",
                "en": "Grow website leads by 60% in 3 months.",
            },
            "conversion_path": {
                "id": "Pencarian → artikel → formulir unduhan → email nurturing.",
                "en": "Search → article → download form → nurturing emails.",
            },
            "call_to_action": {"id": "Unduh panduan gratis", "en": "Download the free guide"},
        },
    ),
)


def brief_template(key: str) -> BriefTemplate | None:
    return next((template for template in BRIEF_TEMPLATES if template.key == key), None)


# Built-in playbooks, offered in every workspace until a team writes its own (seed 002's examples).
PLAYBOOKS: tuple[dict[str, Any], ...] = (
    {
        "key": "launch",
        "kind": "launch",
        "names": {"id": "Checklist peluncuran", "en": "Launch checklist"},
        "items": {
            "id": [
                "Format materi sesuai tiap kanal (rasio, durasi, ukuran file)",
                "Persyaratan hukum dicek (klaim produk, izin promo, syarat & ketentuan)",
                "Rencana cadangan (fallback) bila materi atau kanal gagal",
                "Tautan dan tag UTM diuji",
                "Tim layanan pelanggan diberi tahu jadwal peluncuran",
            ],
            "en": [
                "Assets in each channel's format (ratio, duration, file size)",
                "Legal requirements checked (product claims, promotion permits, terms)",
                "Fallback plan if an asset or a channel fails",
                "Links and UTM tags tested",
                "Customer service told the launch schedule",
            ],
        },
    },
    {
        "key": "qa",
        "kind": "qa",
        "names": {"id": "Checklist QA konten", "en": "Content QA checklist"},
        "items": {
            "id": [
                "Ejaan dan tata bahasa",
                "Sesuai panduan merek (logo, warna, nada)",
                "Semua tautan berfungsi",
                "Tampilan di ponsel dicek",
                "Teks alternatif gambar ada",
            ],
            "en": [
                "Spelling and grammar",
                "On brand (logo, colours, tone)",
                "Every link works",
                "Checked on a phone",
                "Images have alt text",
            ],
        },
    },
)
