"""Brief templates: reusable starting points for a campaign's brief, in Indonesian and English."""

from __future__ import annotations

from dataclasses import dataclass


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
