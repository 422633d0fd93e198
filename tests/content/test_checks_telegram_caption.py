"""Telegram: with a photo or video the text is a caption, which the Bot API refuses over 1,024 characters
(https://core.telegram.org/bots/api#sendphoto). The editor refuses it too, instead of warning and failing at send."""

from __future__ import annotations

from alur.content.checks import MediaInfo, VariantInput, check_variant, text_counter

PHOTO = MediaInfo(kind="image", mime_type="image/jpeg", size_bytes=1000)


def test_a_caption_over_1024_characters_is_an_error_for_a_telegram_post_with_media() -> None:
    (violation,) = check_variant(VariantInput(platform="telegram", text="k" * 1025, media=(PHOTO,)))
    assert (violation.code, violation.severity, violation.params["limit"]) == ("text_too_long", "error", 1024)
    assert check_variant(VariantInput(platform="telegram", text="k" * 1024, media=(PHOTO,))) == []
    assert text_counter(VariantInput(platform="telegram", text="k", media=(PHOTO,))).maximum == 1024


def test_without_media_a_telegram_message_takes_4096_characters() -> None:
    assert check_variant(VariantInput(platform="telegram", text="k" * 4096)) == []
    assert text_counter(VariantInput(platform="telegram", text="k")).maximum == 4096
    (violation,) = check_variant(VariantInput(platform="telegram", text="k" * 4097))
    assert (violation.severity, violation.params["limit"]) == ("error", 4096)
