"""Reading numbers, dates and currencies out of marketers' export files.

Exports from ad platforms, GA4, spreadsheets and agencies arrive with whatever locale the person who
made them had: Indonesian ``1.234,56`` beside English ``1,234.56``, ``Rp 1.234.567``, ``(1,234)`` for a
negative, ``12,5%``, ``23 Nopember 2026`` or GA4's ``20261123``. This module turns such text into
:class:`~decimal.Decimal` and :class:`~datetime.date` values — no Django.

Numbers
    :func:`parse_number`, :func:`parse_percent`, :func:`parse_optional_number`, :func:`parse_currency_code`
    and :func:`detect_decimal_style` are the product's one number reader, :mod:`alur.core.numbers` (its
    docstring has the rules), passed on here with its errors. A file's column gives the ``hint``
    (:func:`detect_decimal_style` over the whole column) that settles ``1.234``; without one such a value
    raises :class:`AmbiguousNumber`.

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

# Numbers are read by the product's one reader, alur.core.numbers; this module passes it on to the importer.
from alur.core.numbers import _CURRENCY_SYMBOLS as _CURRENCY_SYMBOLS
from alur.core.numbers import _EMPTY_CLEAN as _EMPTY_CLEAN
from alur.core.numbers import ISO_CURRENCIES as ISO_CURRENCIES
from alur.core.numbers import NUMBER_FORMS as NUMBER_FORMS
from alur.core.numbers import ZERO_DECIMAL_CURRENCIES as ZERO_DECIMAL_CURRENCIES
from alur.core.numbers import (
    AmbiguousNumber,
    DecimalStyle,
    NumberError,
    ParseError,
    _is_empty,
    detect_decimal_style,
    format_number,
    parse_currency_code,
    parse_number,
    parse_optional_number,
    parse_percent,
)

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

DATE_FORMS = 'Expected a date like "2026-11-23", "23/11/2026", "23 Nov 2026", "23 Nopember 2026" or "20261123".'


class DateError(ParseError):
    """Text that is not a date in any of the forms we accept."""


class AmbiguousDate(DateError):
    """``03/04/2026`` and the like: 3 April or March 4. Pass ``dayfirst``."""


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
