"""Reading numbers, dates and currencies out of marketers' export files.

Exports from ad platforms, GA4, spreadsheets and agencies arrive with whatever locale the person who
made them had: Indonesian ``1.234,56`` beside English ``1,234.56``, ``Rp 1.234.567``, ``(1,234)`` for a
negative, ``12,5%``, ``23 Nopember 2026`` or GA4's ``20261123``. This module turns such text into
:class:`~decimal.Decimal` and :class:`~datetime.date` values — standard library only, no Django.

Numbers
    :func:`parse_number` reads one value. The rules, in order:

    * spaces, non-breaking and thin spaces are ignored; a currency marker before or after the number
      (``Rp``, ``Rp.``, ``IDR``, ``$``, ``US$``, ``€``, any ISO 4217 code we know) is dropped;
    * ``-1.234``, ``1.234-``, ``−1.234`` (Unicode minus) and ``(1,234)`` are negative; ``%`` at the end
      is allowed and dropped (``12,5%`` → ``12.5``; :func:`parse_percent` insists on the sign);
    * with both ``.`` and ``,`` the last one is the decimal separator (``1.234,56`` and ``1,234.56``);
    * a separator repeated (``1.234.567``) or followed by a group of other than three digits
      (``1234,56``, ``0.5``) is unambiguous;
    * a single separator followed by exactly three digits (``1.234``, ``12,500``) is ambiguous —
      one thousand two hundred thirty-four in Indonesian, one point two three four in English. The
      ``hint`` (``"id"`` or ``"en"``, usually from :func:`detect_decimal_style` over the whole column)
      decides; without it :class:`AmbiguousNumber` is raised. ``0.123`` and ``1234.567`` are not
      ambiguous (thousands groups never start with 0 and have at most three digits before them).

    The hint only settles ambiguous values: a value that is unambiguous on its own is read as written.

Dates
    :func:`parse_date` reads ISO ``2026-11-23``, GA4 ``20261123``, ``23/11/2026``, ``11/23/2026``,
    ``23-11-2026``, ``23.11.2026`` (two-digit years are 20xx), and month names in English or
    Indonesian: ``Nov 23, 2026``, ``23 Nov 2026``, ``23 Nopember 2026``, ``23 Agu 2026``, ``23-Des-2026``.
    ``03/04/2026`` is ambiguous: ``dayfirst`` (usually from :func:`detect_dayfirst`) decides; a part
    greater than 12 can only be the day, which settles it regardless.

Every failure raises a :class:`ParseError` (a :class:`ValueError`) whose message names the value and the
forms we expected, so it can be shown to the marketer as is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal

__all__ = [
    "AmbiguousDate",
    "AmbiguousNumber",
    "DateError",
    "DecimalStyle",
    "NumberError",
    "ParseError",
    "detect_dayfirst",
    "detect_decimal_style",
    "format_number",
    "parse_currency_code",
    "parse_date",
    "parse_number",
    "parse_optional_date",
    "parse_optional_number",
    "parse_percent",
]

DecimalStyle = Literal["id", "en"]

NUMBER_FORMS = 'Expected a number like "1.234,56" (Indonesian), "1,234.56" (English), "1234.56" or "Rp 1.234.567".'
DATE_FORMS = 'Expected a date like "2026-11-23", "23/11/2026", "23 Nov 2026", "23 Nopember 2026" or "20261123".'

# Values that mean "no value" in exports: empty cells, dashes, "n/a".
_EMPTY = frozenset({"", "-", "--", "---", "—", "–", "n/a", "na", "n.a.", "-/-", "null", "none", "(not set)"})


class ParseError(ValueError):
    """A value from an export file could not be read; the message is meant for the marketer."""


class NumberError(ParseError):
    """Text that is not a number in any of the forms we accept."""


class AmbiguousNumber(NumberError):
    """``1.234`` and the like: thousands in Indonesian, a decimal in English. Pass ``hint``."""


class DateError(ParseError):
    """Text that is not a date in any of the forms we accept."""


class AmbiguousDate(DateError):
    """``03/04/2026`` and the like: 3 April or March 4. Pass ``dayfirst``."""


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
            raise NumberError(f'"{text}" is not a currency we know. Expected an ISO code like "IDR" or "USD", or "Rp"/"$".')
        raise NumberError(f'Could not read a currency from "{text}". {NUMBER_FORMS}')
    return _match_currency(match, text)


def _match_currency(match: re.Match[str], text: str) -> str | None:
    codes = []
    for token in (match["c1"], match["c2"]):
        if token is None:
            continue
        code = _currency_from_token(token)
        if code is None:
            raise NumberError(f'"{token}" in "{text}" is not a currency we know. {NUMBER_FORMS}')
        codes.append(code)
    if len(codes) == 2 and codes[0] != codes[1]:
        raise NumberError(f'"{text}" names two different currencies ({codes[0]} and {codes[1]}).')
    return codes[0] if codes else None


# ------------------------------------------------------------------------------------------------ numbers


def _grouped_integer(part: str, sep: str, text: str) -> str:
    """Check ``1.234.567``-style grouping and return the bare digits."""
    groups = part.split(sep)
    first, rest = groups[0], groups[1:]
    ok = (
        first.isdigit()
        and 1 <= len(first) <= 3
        and not (first.startswith("0") and rest)
        and all(len(g) == 3 and g.isdigit() for g in rest)
    )
    if not ok:
        raise NumberError(f'"{text}" has thousands separators in the wrong places. {NUMBER_FORMS}')
    return "".join(groups)


def _strip_parens(cleaned: str, text: str) -> tuple[str, bool]:
    """``(1,234)`` and ``Rp(1.234)`` are accountants' negatives: drop the pair, report it."""
    opening, closing = cleaned.count("("), cleaned.count(")")
    if opening == closing == 0:
        return cleaned, False
    if opening != 1 or closing != 1 or cleaned.index("(") > cleaned.index(")"):
        raise NumberError(f'"{text}" has an unmatched parenthesis. {NUMBER_FORMS}')
    return cleaned.replace("(", "").replace(")", ""), True


def _single_three_digit_group(num: str) -> str | None:
    """The separator of an ambiguous ``1.234``/``12,500`` (one separator, three digits after), else ``None``."""
    match = re.fullmatch(r"([1-9][0-9]{0,2})([.,])([0-9]{3})", num)
    return match[2] if match else None


def _canonical(num: str, hint: DecimalStyle | None, text: str) -> str:
    """``num`` holds digits, ``.`` and ``,`` only (and maybe an exponent); return ``1234.56`` form."""
    if "e" in num.lower():
        mantissa = num.lower().split("e")[0]
        if "," in mantissa:
            raise NumberError(f'Could not read "{text}" as a number. {NUMBER_FORMS}')
        return num
    dots, commas = num.count("."), num.count(",")
    if not dots and not commas:
        return num
    if dots and commas:
        dec = "." if num.rfind(".") > num.rfind(",") else ","
        group = "," if dec == "." else "."
        if num.count(dec) != 1:
            raise NumberError(f'"{text}" has more than one decimal separator. {NUMBER_FORMS}')
        int_part, frac = num.split(dec)
        if not frac.isdigit():
            raise NumberError(f'Could not read "{text}" as a number. {NUMBER_FORMS}')
        return f"{_grouped_integer(int_part, group, text)}.{frac}"
    sep = "." if dots else ","
    if dots + commas > 1:  # 1.234.567 — only thousands separators repeat
        return _grouped_integer(num, sep, text)
    int_part, frac = num.split(sep)
    if not frac.isdigit() or (int_part and not int_part.isdigit()):
        raise NumberError(f'Could not read "{text}" as a number. {NUMBER_FORMS}')
    if len(frac) != 3 or not int_part or int_part.startswith("0") or len(int_part) > 3:
        return f"{int_part or '0'}.{frac}"
    # One separator followed by exactly three digits: "1.234" / "12,500".
    if hint is None:
        thousands, decimal = int_part + frac, f"{int_part}.{frac}"
        id_reading, en_reading = (thousands, decimal) if sep == "." else (decimal, thousands)
        raise AmbiguousNumber(
            f'"{text}" is ambiguous: it means {id_reading} in Indonesian style (1.234,56) and {en_reading} '
            "in English style (1,234.56). Tell us which style the file uses."
        )
    thousands_sep = "." if hint == "id" else ","
    return int_part + frac if sep == thousands_sep else f"{int_part}.{frac}"


def _parse(text: str | int | float | Decimal, hint: DecimalStyle | None, *, percent: bool | None) -> Decimal:
    if isinstance(text, bool):
        raise NumberError(f'"{text}" is a yes/no value, not a number.')
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        if text != text or text in (float("inf"), float("-inf")):
            raise NumberError(f'"{text}" is not a finite number.')
        return Decimal(repr(text))
    if hint not in (None, "id", "en"):
        raise ValueError(f"hint must be 'id', 'en' or None, not {hint!r}")
    cleaned, parens = _strip_parens(_clean(text), text)
    match = _NUMBER_RE.match(cleaned)
    if match is None:
        raise NumberError(f'Could not read "{text}" as a number. {NUMBER_FORMS}')
    currency = _match_currency(match, text)
    signs = [match[g] for g in ("s1", "s2", "s3") if match[g]]
    if len(signs) > 1 or (signs and parens):
        raise NumberError(f'"{text}" has more than one sign. {NUMBER_FORMS}')
    if hint is None and currency in ZERO_DECIMAL_CURRENCIES:
        # "Rp 50.000": rupiah (like yen, won, dong) are never written with three decimals.
        hint = "id" if _single_three_digit_group(match["num"]) == "." else "en"
    if percent is True and not match["pct"]:
        raise NumberError(f'"{text}" is not a percentage. Expected a value like "12,5%" or "12.5%".')
    if percent is not False and match["pct"] and (match["c1"] or match["c2"]):
        raise NumberError(f'"{text}" has both a currency and a percent sign.')
    if percent is False and match["pct"]:
        raise NumberError(f'"{text}" is a percentage where an amount was expected.')
    canonical = _canonical(match["num"], hint, text)
    try:
        value = Decimal(canonical)
    except InvalidOperation:
        raise NumberError(f'Could not read "{text}" as a number. {NUMBER_FORMS}') from None
    negative = parens or (bool(signs) and signs[0] == "-")
    return -value if negative else value


def parse_number(text: str | int | float | Decimal, *, hint: DecimalStyle | None = None) -> Decimal:
    """Read one number from an export cell; see the module docstring for the rules.

    ``hint`` is the column's decimal style, ``"id"`` (``1.234,56``) or ``"en"`` (``1,234.56``); it is
    needed only for values like ``1.234``. A trailing ``%`` is accepted and dropped (``"12,5%"`` →
    ``Decimal("12.5")``, percentage points). Empty cells and dashes are errors here; use
    :func:`parse_optional_number` where they mean "no value".
    """
    return _parse(text, hint, percent=None)


def parse_percent(text: str | int | float | Decimal, *, hint: DecimalStyle | None = None) -> Decimal:
    """Read a percentage in percentage points: ``"12,5%"`` → ``Decimal("12.5")``; the ``%`` is required
    for text (numbers pass through as percentage points). Divide by 100 for a fraction."""
    if not isinstance(text, str):
        return _parse(text, hint, percent=None)
    return _parse(text, hint, percent=True)


def parse_optional_number(text: str | int | float | Decimal | None, *, hint: DecimalStyle | None = None) -> Decimal | None:
    """Like :func:`parse_number`, but ``None``, ``""``, ``"-"``, ``"--"``, ``"—"`` and ``"n/a"`` give ``None``."""
    if text is None:
        return None
    if isinstance(text, str) and _is_empty(text):
        return None
    return parse_number(text, hint=hint)


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


# -------------------------------------------------------------------------------------------------- dates

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("jan", "january", "januari"),
        ("feb", "february", "februari", "pebruari"),
        ("mar", "march", "maret"),
        ("apr", "april"),
        ("may", "mei"),
        ("jun", "june", "juni"),
        ("jul", "july", "juli"),
        ("aug", "agu", "agt", "ags", "agus", "august", "agustus"),
        ("sep", "sept", "september"),
        ("oct", "okt", "october", "oktober"),
        ("nov", "nop", "november", "nopember"),
        ("dec", "des", "december", "desember"),
    ],
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _number

_WEEKDAYS = frozenset(
    {
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "sen", "sel", "rab", "kam", "jum", "sab", "min",
        "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "ahad",
    }
)  # fmt: skip

_ISO_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC_RE = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?:[T ]\d{1,2}:\d{2}.*)?$")
_TIME_RE = re.compile(r"\s+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*(?:am|pm|wib|wita|wit))?$", re.IGNORECASE)


def _make_date(year: int, month: int, day: int, text: str, *, two_digit_year: bool = False) -> date:
    """``two_digit_year``: the year was written with two digits (``23/11/26``) and means 20xx. Four-digit
    years are read as written, so a placeholder like ``0000-01-01`` is an error, not the year 2000."""
    if two_digit_year:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f'"{text}" is not a real calendar date. {DATE_FORMS}') from None


def _numeric_parts(text: str) -> tuple[int, int, int] | None:
    """``(first, second, year)`` of ``23/11/2026``; a two-digit year is already 20xx."""
    match = _NUMERIC_RE.match(text)
    if match is None:
        return None
    year = int(match[4]) + (2000 if len(match[4]) == 2 else 0)
    return int(match[1]), int(match[3]), year


def parse_date(text: str | date, *, dayfirst: bool | None = None) -> date:
    """Read one date; see the module docstring for the accepted forms.

    ``dayfirst`` settles ``03/04/2026`` (``True`` → 3 April, ``False`` → March 4); without it such a value
    raises :class:`AmbiguousDate`. A part greater than 12 can only be a day, so ``23/11/2026`` and
    ``11/23/2026`` need no hint. A time after the date (``2026-11-23 10:00``) is ignored.
    """
    if isinstance(text, date):
        return text
    raw = text
    text = " ".join(text.replace("\u00a0", " ").split())
    if not text:
        raise DateError(f"The date is empty. {DATE_FORMS}")
    if match := _ISO_RE.match(text):
        return _make_date(int(match[1]), int(match[2]), int(match[3]), raw)
    if match := _COMPACT_RE.match(text):
        return _make_date(int(match[1]), int(match[2]), int(match[3]), raw)
    if parts := _numeric_parts(text):
        first, second, year = parts
        if first > 12 and second <= 12:
            day, month = first, second
        elif second > 12 and first <= 12:
            day, month = second, first
        elif first > 12:
            raise DateError(f'"{raw}" has no month (both {first} and {second} are above 12). {DATE_FORMS}')
        elif first == second or dayfirst is not None:
            day, month = (second, first) if dayfirst is False else (first, second)
        else:
            raise AmbiguousDate(
                f'"{raw}" is ambiguous: it could be day {first} of month {second} or month {first} day '
                f"{second}. Tell us whether the file writes the day first (23/11/2026) or the month first "
                "(11/23/2026)."
            )
        return _make_date(year, month, day, raw)
    return _parse_named_month(_TIME_RE.sub("", text), raw)


def _parse_named_month(text: str, raw: str) -> date:
    text = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1", text, flags=re.IGNORECASE)  # "Nov 23rd, 2026"
    tokens = [t for t in re.split(r"[\s,/\-.]+", text.lower()) if t]
    months = [_MONTHS[t] for t in tokens if t in _MONTHS]
    # isdecimal, not isdigit: "²" is a digit to Python but int() cannot read it.
    numbers = [t for t in tokens if t.isdecimal()]
    rest = [t for t in tokens if t not in _MONTHS and not t.isdecimal() and t not in _WEEKDAYS]
    if len(months) != 1 or len(numbers) != 2 or rest:
        raise DateError(f'Could not read "{raw}" as a date. {DATE_FORMS}')
    years = [n for n in numbers if len(n) == 4]
    if len(years) != 1:
        raise DateError(f'Could not find a four-digit year in "{raw}". {DATE_FORMS}')
    day = next(n for n in numbers if len(n) != 4)
    return _make_date(int(years[0]), months[0], int(day), raw)


def parse_optional_date(text: str | date | None, *, dayfirst: bool | None = None) -> date | None:
    """Like :func:`parse_date`, but empty cells and dashes give ``None``."""
    if text is None:
        return None
    if isinstance(text, str) and _is_empty(text):
        return None
    return parse_date(text, dayfirst=dayfirst)


def detect_dayfirst(samples: Iterable[str | None]) -> bool | None:
    """Whether a column writes numeric dates day first: ``True``, ``False``, or ``None`` when no value
    settles it (no part above 12, only ISO/named-month dates) or values contradict each other."""
    day_first = month_first = False
    for sample in samples:
        if sample is None:
            continue
        parts = _numeric_parts(" ".join(str(sample).split()))
        if parts is None:
            continue
        first, second, _ = parts
        if first > 12 >= second:
            day_first = True
        elif second > 12 >= first:
            month_first = True
    if day_first == month_first:
        return None
    return day_first
