"""Counting text the way each platform counts it. Framework-free.

X (Twitter) counts a *weighted* length (twitter-text configuration v3, the one X's own clients use;
github.com/twitter/twitter-text, ``config/v3.json`` and ``config/README.md``): weights are in hundredths
(``scale`` 100); code points in the ranges below weigh 100 (one character), every other code point 200
(two: CJK, most symbols); an emoji — including a whole sequence joined by zero-width joiners, with
skin-tone modifiers and variation selectors, or a flag — weighs 200; every URL counts as 23 characters
(``transformedURLLength``, the length of a t.co link) whatever its real length. The limit is 280.

Other platforms count Unicode code points (what a person sees as characters, minus the emoji subtleties),
which :func:`plain_length` gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

X_SCALE = 100
X_DEFAULT_WEIGHT = 200
X_URL_LENGTH = 23
# (start, end, weight) from twitter-text's v3 configuration: Latin and general punctuation count once.
X_LIGHT_RANGES = ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100))

URL_PATTERN = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
HASHTAG_PATTERN = re.compile(r"(?<![\w&])#(\w*[^\W\d_]\w*)", re.UNICODE)
MENTION_PATTERN = re.compile(r"(?<![\w@])@(\w{1,30})")

_EMOJI_BASE = (
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, supplemental symbols
    "\u2600-\u27bf"  # miscellaneous symbols and dingbats
    "\u2b00-\u2bff"  # arrows and stars such as ⭐
    "\u2190-\u21ff\u2300-\u23ff"  # arrows, technical symbols such as ⌚ ⏰
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u3030\u303d\u3297\u3299"
)
_MODIFIERS = "\ufe0f\ufe0e\U0001f3fb-\U0001f3ff\u20e3"
_EMOJI_UNIT = f"[{_EMOJI_BASE}][{_MODIFIERS}]*"
EMOJI_PATTERN = re.compile(
    "(?:[\U0001f1e6-\U0001f1ff]{2})"  # a flag: two regional indicators
    f"|(?:[0-9#*]\ufe0f?\u20e3)"  # keycaps such as 1️⃣
    f"|(?:{_EMOJI_UNIT}(?:\u200d{_EMOJI_UNIT})*)"
)


def _code_point_weight(character: str) -> int:
    code = ord(character)
    for start, end, weight in X_LIGHT_RANGES:
        if start <= code <= end:
            return weight
    return X_DEFAULT_WEIGHT


def x_weighted_length(text: str) -> int:
    """The length X counts for ``text`` (compare with 280)."""
    total = 0
    position = 0
    for match in URL_PATTERN.finditer(text):
        total += _weight_without_urls(text[position : match.start()])
        total += X_URL_LENGTH * X_SCALE
        position = match.end()
    total += _weight_without_urls(text[position:])
    return total // X_SCALE


def _weight_without_urls(text: str) -> int:
    total = 0
    position = 0
    for match in EMOJI_PATTERN.finditer(text):
        total += sum(_code_point_weight(c) for c in text[position : match.start()])
        total += X_DEFAULT_WEIGHT
        position = match.end()
    return total + sum(_code_point_weight(c) for c in text[position:])


def plain_length(text: str) -> int:
    """Characters as most platforms count them: Unicode code points."""
    return len(text)


def hashtags(text: str) -> list[str]:
    """The hashtags of a text, without '#', in order (a tag needs at least one letter: #2024 is not one)."""
    return HASHTAG_PATTERN.findall(text)


def mentions(text: str) -> list[str]:
    return MENTION_PATTERN.findall(text)


def urls(text: str) -> list[str]:
    return [match.group(0).rstrip(".,;:!?)") for match in URL_PATTERN.finditer(text)]


@dataclass(frozen=True)
class TextStats:
    length: int
    hashtags: list[str]
    mentions: list[str]
    urls: list[str]


def text_stats(text: str, *, counting: str = "plain") -> TextStats:
    """Length (``counting`` is "x" for X's weighted length, else "plain"), hashtags, mentions and links."""
    length = x_weighted_length(text) if counting == "x" else plain_length(text)
    return TextStats(length=length, hashtags=hashtags(text), mentions=mentions(text), urls=urls(text))
