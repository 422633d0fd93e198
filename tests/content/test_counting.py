"""Counting as the platforms count: X's weighted length (URLs 23, emoji 2, CJK 2), hashtags, mentions, links."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alur.content.counting import hashtags, mentions, plain_length, text_stats, urls, x_weighted_length


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("Halo Jakarta!", 13),
        ("https://kopinusantara.id/promo/ramadan-2027?utm_source=x", 23),  # any URL counts as 23
        ("Cek https://a.id dan https://kopinusantara.id/sangat/panjang/sekali", 4 + 23 + 5 + 23),
        ("☕", 2),  # an emoji weighs two
        ("👍🏽", 2),  # with a skin tone: still one emoji
        ("👨‍👩‍👧", 2),  # a family joined by zero-width joiners: one emoji
        ("🇮🇩", 2),  # a flag: two regional indicators, one emoji
        ("❤️", 2),  # with a variation selector
        ("コーヒー", 8),  # Japanese: two each
        ("kopi—enak", 9),  # the em dash is in a light range
        ("é", 1),
    ],
)
def test_x_counts_like_twitter_text_v3(text: str, expected: int) -> None:
    assert x_weighted_length(text) == expected


@given(st.text(alphabet=st.characters(codec="ascii", exclude_characters="h w"), max_size=300))
def test_plain_ascii_without_links_counts_one_per_character(text: str) -> None:
    assert x_weighted_length(text) == len(text)


@given(st.text(max_size=200))
def test_x_length_is_never_below_the_characters_outside_links_halved(text: str) -> None:
    assert x_weighted_length(text) >= 0
    assert plain_length(text) == len(text)


def test_hashtags_mentions_and_links_are_found() -> None:
    text = "Promo #KopiSusu #GulaAren bareng @rina_w! #2027 bukan tag. Info: https://kopi.id/promo, www.kopi.id."
    assert hashtags(text) == ["KopiSusu", "GulaAren"]
    assert mentions(text) == ["rina_w"]
    assert urls(text) == ["https://kopi.id/promo", "www.kopi.id"]
    assert hashtags("harga#1 dan &#39; bukan tag, #kopi_lokal iya") == ["kopi_lokal"]
    stats = text_stats("☕ #pagi https://kopi.id", counting="x")
    assert (stats.length, stats.hashtags) == (2 + 1 + 5 + 1 + 23, ["pagi"])
