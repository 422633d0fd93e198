"""A Mastodon instance sets its own limits (GET /api/v2/instance, configuration.statuses; read when the account
is tested and kept in its settings). The editor checks a variant bound to that account against them."""

from __future__ import annotations

from alur.content.checks import MediaInfo, VariantInput, check_variant, text_counter
from alur.content.selectors.guidelines import variant_input

IMAGE = MediaInfo(kind="image", mime_type="image/png", size_bytes=1000)


def test_an_instances_larger_limits_replace_the_defaults() -> None:
    assert [v.code for v in check_variant(VariantInput(platform="mastodon", text="k" * 501))] == ["text_too_long"]
    roomy = VariantInput(platform="mastodon", text="k" * 1000, media=(IMAGE,) * 6, max_text=1000, max_media=6)
    assert check_variant(roomy) == []
    assert text_counter(roomy).maximum == 1000
    over = VariantInput(platform="mastodon", text="k" * 1001, media=(IMAGE,) * 7, max_text=1000, max_media=6)
    assert sorted((v.code, v.params["limit"]) for v in check_variant(over)) == [("media_too_many", 6), ("text_too_long", 1000)]


def test_an_instances_smaller_limits_are_enforced() -> None:
    tight = VariantInput(platform="mastodon", text="k" * 301, media=(IMAGE,) * 3, max_text=300, max_media=2)
    assert sorted(v.code for v in check_variant(tight)) == ["media_too_many", "text_too_long"]


def test_variant_input_reads_the_limits_the_account_learned() -> None:
    data = variant_input(
        platform="mastodon", kind="social_post", text="k", account_config={"max_characters": 1000, "max_media_attachments": 6}
    )
    assert (data.max_text, data.max_media) == (1000, 6)
    plain = variant_input(platform="mastodon", kind="social_post", text="k", account_config={"base_url": "https://m.id"})
    assert (plain.max_text, plain.max_media) == (None, None)
