"""The one reader of numbers people and files write: forms, API text fields, imports and the command line.

Marketers write ``48.000`` and mean forty-eight thousand; their English-speaking colleagues write
``48,000``. Both write ``Rp 1.234.567``, ``12,5%`` or ``(1,234)``. This module turns such text into a
:class:`~decimal.Decimal` — pure Python on top of Babel's locale data, no Django.

The rules, in order:

* spaces, non-breaking and thin spaces are ignored; a currency marker before or after the number
  (``Rp``, ``Rp.``, ``IDR``, ``$``, ``US$``, ``€``, any ISO 4217 code we know) is dropped;
* ``-1.234``, ``1.234-``, ``−1.234`` (Unicode minus) and ``(1,234)`` are negative; ``%`` at the end is
  allowed and dropped (``12,5%`` → ``12.5``; :func:`parse_percent` insists on the sign);
* the digits are read by Babel (``parse_decimal(..., strict=True)``) in Indonesian (``1.234.567,89``) and
  in English (``1,234,567.89``). Text only one of the two reads (``1.234,56``, ``1.234.567``, ``12,5``,
  ``0.5``) is read that way whatever the hint; text neither reads (``1,23,456``) is an error;
* text both read differently — one separator followed by exactly three digits, ``48.000`` or ``1,234`` —
  is ambiguous: the ``hint`` (``"id"`` or ``"en"``: the workspace language for a person, the column's
  style from :func:`detect_decimal_style` for a file) decides; without it :class:`AmbiguousNumber` is
  raised, carrying both readings;
* an amount in a currency without minor units (rupiah, yen, won, dong …), marked in the text
  (``Rp 48.000``) when there is no hint, or given as ``currency`` by the caller (a budget in the
  workspace currency), is never read with three decimals: ``48.000`` is 48000.
* what a person types (``words=True``, never a file) may be shortened: ``1,5 jt``, ``48 rb``, ``10k``,
  ``2 miliar``.

Every failure raises a :class:`NumberError` (a :class:`ValueError`) whose message names the value and the
forms we expected; :class:`AmbiguousNumber` also carries the two readings so that a page can say
"48.000 could be 48000 or 48" in the person's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Literal, NamedTuple

from babel import Locale
from babel.numbers import NumberFormatError, parse_decimal

__all__ = [
    "ISO_CURRENCIES",
    "ZERO_DECIMAL_CURRENCIES",
    "AmbiguousNumber",
    "DecimalStyle",
    "NumberError",
    "ParseError",
    "Reading",
    "detect_decimal_style",
    "format_number",
    "parse_currency_code",
    "parse_number",
    "parse_optional_number",
    "parse_percent",
    "read",
    "style_of_language",
]

DecimalStyle = Literal["id", "en"]
STYLES: tuple[DecimalStyle, ...] = ("id", "en")

NUMBER_FORMS = 'Expected a number like "1.234,56" (Indonesian), "1,234.56" (English), "1234.56" or "Rp 1.234.567".'

# Values that mean "no value" in exports: empty cells, dashes, "n/a".
_EMPTY = frozenset({"", "-", "--", "---", "—", "–", "n/a", "na", "n.a.", "-/-", "null", "none", "(not set)"})

# Babel's number symbols of the two languages Alur speaks.
_LOCALES: dict[DecimalStyle, Locale] = {style: Locale.parse(style) for style in STYLES}


class ParseError(ValueError):
    """A value could not be read; the message is meant for the marketer."""


class NumberError(ParseError):
    """Text that is not a number in any of the forms we accept."""

    def __init__(self, message: str, *, value: str = "") -> None:
        super().__init__(message)
        self.value = value


class AmbiguousNumber(NumberError):
    """``48.000`` and the like: thousands in Indonesian, a decimal in English. Pass ``hint``.

    ``readings`` holds what the text means in each style (``{"id": Decimal("48000"), "en":
    Decimal("48.000")}``)."""

    def __init__(self, message: str, *, value: str, readings: dict[DecimalStyle, Decimal]) -> None:
        super().__init__(message, value=value)
        self.readings = readings


def style_of_language(language: str | None) -> DecimalStyle | None:
    """The decimal style of a language code: ``"id"``/``"id-ID"`` → ``"id"``, ``"en-us"`` → ``"en"``,
    anything else (or nothing) → ``None``."""
    base = (language or "").lower().replace("_", "-").split("-")[0]
    return "id" if base == "id" else "en" if base == "en" else None


# --------------------------------------------------------------------------------------------- currencies

# Symbols and local abbreviations, longest first so that "US$" wins over "$".
_CURRENCY_SYMBOLS: dict[str, str] = {
    "us$": "USD",
    "s$": "SGD",
    "sg$": "SGD",
    "a$": "AUD",
    "au$": "AUD",
    "c$": "CAD",
    "ca$": "CAD",
    "hk$": "HKD",
    "nz$": "NZD",
    "rp.": "IDR",
    "rp": "IDR",
    "rm": "MYR",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₱": "PHP",
    "฿": "THB",
    "₫": "VND",
    "₩": "KRW",
}

# ISO 4217 codes a marketer in the region is likely to meet.
ISO_CURRENCIES = frozenset(
    {
        "IDR", "USD", "SGD", "MYR", "THB", "PHP", "VND", "EUR", "GBP", "JPY", "CNY", "HKD", "TWD", "KRW",
        "INR", "AUD", "NZD", "CAD", "CHF", "SEK", "NOK", "DKK", "AED", "SAR", "BND", "MMK", "KHR", "LAK",
        "BRL", "MXN", "ZAR", "TRY", "RUB", "PLN",
    }
)  # fmt: skip

# Currencies without minor units in practice: an amount never has three decimals.
ZERO_DECIMAL_CURRENCIES = frozenset({"IDR", "JPY", "KRW", "VND", "KHR", "LAK", "MMK"})

_SYMBOL_PATTERN = "|".join(re.escape(s) for s in sorted(_CURRENCY_SYMBOLS, key=len, reverse=True))
_CURRENCY = rf"(?:{_SYMBOL_PATTERN}|[a-z]{{3}}(?![a-z]))"

_NUMBER_RE = re.compile(
    rf"""^
    (?P<s1>[-+])?
    (?P<c1>{_CURRENCY})?
    (?P<s2>[-+])?
    (?P<num>[0-9.,]+(?:e[-+]?[0-9]+)?)
    (?P<pct>%)?
    (?P<c2>{_CURRENCY})?
    (?P<s3>-)?
    $""",
    re.IGNORECASE | re.VERBOSE,
)


def _currency_from_token(token: str | None) -> str | None:
    if token is None:
        return None
    code = _CURRENCY_SYMBOLS.get(token.lower())
    if code is not None:
        return code
    return token.upper() if token.upper() in ISO_CURRENCIES else None


def _clean(text: str) -> str:
    """Drop every kind of space and unify minus signs."""
    text = text.replace("\u2212", "-").replace("\u2012", "-").replace("\u2013", "-")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "\u200b\ufeff")


def _is_empty(text: str) -> bool:
    """Whether a cell means "no value": compared after :func:`_clean`, so ``"(not set)"`` and ``"n / a"`` count."""
    return _clean(text).lower() in _EMPTY_CLEAN


# The "no value" markers as :func:`_is_empty` compares them (spaces dropped: "(not set)" → "(notset)").
_EMPTY_CLEAN = frozenset(_clean(v).lower() for v in _EMPTY)


def parse_currency_code(text: str) -> str | None:
    """The ISO 4217 code a value is marked with, or ``None`` when it carries no marker.

    ``Rp``/``Rp.``/``IDR`` → ``IDR``; ``$`` → ``USD`` (the plain dollar sign as ad platforms print it;
    ``S$``, ``A$``, ``HK$`` … are their own currencies); ``€``, ``£``, ``RM``, ISO codes as written.
    Nothing is ever assumed: an unmarked ``1.234`` gives ``None``, never a default currency. Works on a
    value (``"Rp 1.234"``) or a header/cell holding only the marker (``"IDR"``).
    """
    cleaned = _clean(text)
    if not cleaned:
        return None
    alone = _currency_from_token(cleaned)
    if alone is not None:
        return alone
    match = _NUMBER_RE.match(cleaned)
    if match is None:
        if re.fullmatch(r"[a-z]{3}", cleaned, re.IGNORECASE):
            raise NumberError(
                f'"{text}" is not a currency we know. Expected an ISO code like "IDR" or "USD", or "Rp"/"$".', value=text
            )
        raise NumberError(f'Could not read a currency from "{text}". {NUMBER_FORMS}', value=text)
    return _match_currency(match, text)


def _match_currency(match: re.Match[str], text: str) -> str | None:
    codes = []
    for token in (match["c1"], match["c2"]):
        if token is None:
            continue
        code = _currency_from_token(token)
        if code is None:
            raise NumberError(f'"{token}" in "{text}" is not a currency we know. {NUMBER_FORMS}', value=text)
        codes.append(code)
    if len(codes) == 2 and codes[0] != codes[1]:
        raise NumberError(f'"{text}" names two different currencies ({codes[0]} and {codes[1]}).', value=text)
    return codes[0] if codes else None


# ------------------------------------------------------------------------------------------------ numbers


def _strip_parens(cleaned: str, text: str) -> tuple[str, bool]:
    """``(1,234)`` and ``Rp(1.234)`` are accountants' negatives: drop the pair, report it."""
    opening, closing = cleaned.count("("), cleaned.count(")")
    if opening == closing == 0:
        return cleaned, False
    if opening != 1 or closing != 1 or cleaned.index("(") > cleaned.index(")"):
        raise NumberError(f'"{text}" has an unmatched parenthesis. {NUMBER_FORMS}', value=text)
    return cleaned.replace("(", "").replace(")", ""), True


def _thousands_style(num: str) -> DecimalStyle:
    """The style in which the single separator of an ambiguous ``1.234``/``12,500`` groups thousands."""
    return "id" if "." in num else "en"


def _babel_readings(num: str) -> dict[DecimalStyle, Decimal]:
    """What Babel reads ``num`` (digits, ``.`` and ``,``) as in each style, strictly: a grouping
    separator in the wrong place (``1,23,456``) or a style's decimal separator used twice is no reading.
    A separator at the end (``1.``, ``1,``) is refused here, as by the importer's SQL twin."""
    if not num[-1].isdigit():
        return {}
    readings: dict[DecimalStyle, Decimal] = {}
    for style in STYLES:
        try:
            readings[style] = parse_decimal(num, locale=_LOCALES[style], strict=True)
        except NumberFormatError:
            continue
    return readings


def _unreadable(num: str, text: str) -> NumberError:
    """Why neither style reads ``num``, as specifically as the shape allows."""
    dots, commas = num.count("."), num.count(",")
    if dots and commas:
        decimal_sep = "." if num.rfind(".") > num.rfind(",") else ","
        frac = num.rsplit(decimal_sep, 1)[1]
        if num.count(decimal_sep) != 1:
            return NumberError(f'"{text}" has more than one decimal separator. {NUMBER_FORMS}', value=text)
        if frac.isdigit():
            return NumberError(f'"{text}" has thousands separators in the wrong places. {NUMBER_FORMS}', value=text)
    elif dots + commas > 1 and num[-1].isdigit():
        return NumberError(f'"{text}" has thousands separators in the wrong places. {NUMBER_FORMS}', value=text)
    return NumberError(f'Could not read "{text}" as a number. {NUMBER_FORMS}', value=text)


def _digits_value(num: str, hint: DecimalStyle | None, text: str, *, thousands: bool, negative: bool) -> Decimal:
    """``num`` holds digits, ``.`` and ``,`` only (and maybe an exponent); the value, negated when
    ``negative``. ``thousands``: an ambiguous value is an amount without minor units, so its separator
    groups thousands."""
    value = _unsigned_value(num, hint, text, thousands=thousands, negative=negative)
    return -value if negative else value


def _unsigned_value(num: str, hint: DecimalStyle | None, text: str, *, thousands: bool, negative: bool) -> Decimal:
    if "e" in num.lower():
        mantissa = num.lower().split("e")[0]
        if "," in mantissa:
            raise NumberError(f'Could not read "{text}" as a number. {NUMBER_FORMS}', value=text)
        try:
            return Decimal(num)
        except InvalidOperation:
            raise NumberError(f'Could not read "{text}" as a number. {NUMBER_FORMS}', value=text) from None
    if num.isdigit():  # no separator: nothing for a style to decide
        return Decimal(num)
    readings = _babel_readings(num)
    if not readings:
        raise _unreadable(num, text)
    values = set(readings.values())
    if len(values) == 1:
        return values.pop()
    # Both styles read it, differently: one separator followed by exactly three digits.
    if thousands:
        return readings[_thousands_style(num)]
    if hint is None:
        signed: dict[DecimalStyle, Decimal] = {style: -v if negative else v for style, v in readings.items()}
        id_reading, en_reading = (format(signed[style], "f") for style in STYLES)
        raise AmbiguousNumber(
            f'"{text}" is ambiguous: it means {id_reading} in Indonesian style (1.234,56) and {en_reading} '
            "in English style (1,234.56). Tell us which style the file uses.",
            value=text,
            readings=signed,
        )
    return readings[hint]


# How people shorten big numbers when typing ("1,5 jt", "48 rb", "10k"); "M" is left out on purpose: a
# million in English, a billion (miliar) in Indonesian.
_SCALE_WORDS: dict[str, int] = {
    "k": 10**3, "rb": 10**3, "ribu": 10**3, "jt": 10**6, "juta": 10**6, "miliar": 10**9, "milyar": 10**9, "triliun": 10**12,
}  # fmt: skip
_SCALE_RE = re.compile(
    r"^(?P<rest>.*[0-9)])(?P<word>" + "|".join(sorted(_SCALE_WORDS, key=len, reverse=True)) + r")\.?$", re.IGNORECASE
)


class Reading(NamedTuple):
    """A number as read: its value (percentage points when ``is_percent``) and the currency it was marked with."""

    value: Decimal
    is_percent: bool
    currency: str | None


def read(
    text: str | int | float | Decimal,
    *,
    hint: DecimalStyle | None = None,
    currency: str | None = None,
    percent: bool | None = None,
    words: bool = False,
) -> Reading:
    """Read one number with what was written around it; see the module docstring for the rules.

    ``hint``: the decimal style that settles ``48.000`` (``"id"`` or ``"en"``). ``currency``: the
    currency the amount is in whatever its marker (a budget in the workspace currency); a currency
    without minor units reads ``48.000`` as 48000. ``percent``: ``True`` insists on ``%``, ``False``
    refuses it, ``None`` accepts either. ``words``: a person typed it, so ``1,5 jt``, ``48 rb``/``48 ribu``,
    ``10k``, ``2 miliar`` are understood (files are read without, as the importer's SQL twin reads them)."""
    if words and isinstance(text, str) and (scaled := _SCALE_RE.match(_clean(text))):
        base = read(scaled["rest"], hint=hint, currency=currency, percent=False if percent is None else percent)
        return Reading(base.value * _SCALE_WORDS[scaled["word"].lower()], base.is_percent, base.currency)
    if isinstance(text, bool):
        raise NumberError(f'"{text}" is a yes/no value, not a number.', value=str(text))
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise NumberError(f'"{text}" is not a finite number.', value=str(text))
        return Reading(text, False, None)
    if isinstance(text, int):
        return Reading(Decimal(text), False, None)
    if isinstance(text, float):
        if text != text or text in (float("inf"), float("-inf")):
            raise NumberError(f'"{text}" is not a finite number.', value=str(text))
        return Reading(Decimal(repr(text)), False, None)
    if not isinstance(text, str):  # None, a list sent to the API …
        raise NumberError(f'Could not read "{text}" as a number. {NUMBER_FORMS}', value=str(text))
    if hint not in (None, "id", "en"):
        raise ValueError(f"hint must be 'id', 'en' or None, not {hint!r}")
    cleaned, parens = _strip_parens(_clean(text), text)
    match = _NUMBER_RE.match(cleaned)
    if match is None:
        raise NumberError(f'Could not read "{text}" as a number. {NUMBER_FORMS}', value=text)
    marked = _match_currency(match, text)
    signs = [match[g] for g in ("s1", "s2", "s3") if match[g]]
    if len(signs) > 1 or (signs and parens):
        raise NumberError(f'"{text}" has more than one sign. {NUMBER_FORMS}', value=text)
    if percent is True and not match["pct"]:
        raise NumberError(f'"{text}" is not a percentage. Expected a value like "12,5%" or "12.5%".', value=text)
    if percent is not False and match["pct"] and (match["c1"] or match["c2"]):
        raise NumberError(f'"{text}" has both a currency and a percent sign.', value=text)
    if percent is False and match["pct"]:
        raise NumberError(f'"{text}" is a percentage where an amount was expected.', value=text)
    # "Rp 50.000": rupiah (like yen, won, dong) are never written with three decimals.
    thousands = (currency or "").upper() in ZERO_DECIMAL_CURRENCIES or (hint is None and marked in ZERO_DECIMAL_CURRENCIES)
    negative = parens or (bool(signs) and signs[0] == "-")
    value = _digits_value(match["num"], hint, text, thousands=thousands, negative=negative)
    return Reading(value, bool(match["pct"]), marked)


def parse_number(text: str | int | float | Decimal, *, hint: DecimalStyle | None = None, currency: str | None = None) -> Decimal:
    """Read one number; see the module docstring for the rules.

    ``hint`` is the decimal style, ``"id"`` (``1.234,56``) or ``"en"`` (``1,234.56``); it is needed only
    for values like ``48.000``. A trailing ``%`` is accepted and dropped (``"12,5%"`` →
    ``Decimal("12.5")``, percentage points). Empty text and dashes are errors here; use
    :func:`parse_optional_number` where they mean "no value".
    """
    return read(text, hint=hint, currency=currency).value


def parse_percent(text: str | int | float | Decimal, *, hint: DecimalStyle | None = None) -> Decimal:
    """Read a percentage in percentage points: ``"12,5%"`` → ``Decimal("12.5")``; the ``%`` is required
    for text (numbers pass through as percentage points). Divide by 100 for a fraction."""
    if not isinstance(text, str):
        return read(text, hint=hint).value
    return read(text, hint=hint, percent=True).value


def parse_optional_number(
    text: str | int | float | Decimal | None, *, hint: DecimalStyle | None = None, currency: str | None = None
) -> Decimal | None:
    """Like :func:`parse_number`, but ``None``, ``""``, ``"-"``, ``"--"``, ``"—"`` and ``"n/a"`` give ``None``."""
    if text is None:
        return None
    if isinstance(text, str) and _is_empty(text):
        return None
    return parse_number(text, hint=hint, currency=currency)


def _style_vote(text: str) -> DecimalStyle | None:
    """The decimal style one value proves, or ``None`` when it fits both (or is not a number)."""
    match = _NUMBER_RE.match(_clean(text).replace("(", "").replace(")", ""))  # "(1.234,56)" votes too
    if match is None:
        return None
    num = match["num"]
    if "e" in num.lower():
        return None
    dots, commas = num.count("."), num.count(",")
    if dots and commas:
        return "en" if num.rfind(".") > num.rfind(",") else "id"
    if dots + commas == 0:
        return None
    sep = "." if dots else ","
    if dots + commas > 1:  # repeated → thousands separator
        return "id" if sep == "." else "en"
    int_part, frac = num.split(sep)
    if len(frac) != 3 or not int_part or int_part.startswith("0") or len(int_part) > 3:  # decimal separator
        return "en" if sep == "." else "id"
    return None


def detect_decimal_style(samples: Iterable[str | None]) -> DecimalStyle | None:
    """The decimal style of a column from its values: ``"id"``, ``"en"``, or ``None`` when no value
    settles it (``1.234`` alone, plain integers) or the column is evenly split between the two.

    Each value that can only be read one way (``1.234,56``, ``1.234.567``, ``12,5``) casts a vote; the
    majority wins. Feed it the whole column, then pass the result as ``hint`` to :func:`parse_number`.
    """
    votes = {"id": 0, "en": 0}
    for sample in samples:
        if sample is None:
            continue
        vote = _style_vote(str(sample))
        if vote is not None:
            votes[vote] += 1
    if votes["id"] > votes["en"]:
        return "id"
    if votes["en"] > votes["id"]:
        return "en"
    return None


def format_number(value: Decimal | int | float, style: DecimalStyle, places: int = 2) -> str:
    """Format ``value`` with thousands separators in ``style`` (the inverse of :func:`parse_number`)."""
    text = f"{Decimal(value):,.{places}f}"
    if style == "id":
        text = text.translate(str.maketrans(",.", ".,"))
    return text
