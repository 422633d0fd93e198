"""The rules of :mod:`alur.analytics.numbers` as DuckDB SQL expressions, for parsing whole columns at once.

A 10-million-row export cannot go through :func:`~alur.analytics.numbers.parse_number` one cell at a time,
so the importer does the work inside DuckDB: Python looks at a sample of the column to decide its style
(:func:`~alur.analytics.numbers.detect_decimal_style`, :func:`detect_date_form`), this module turns that
style into one SQL expression per cell (regexp_replace / regexp_extract / TRY_CAST, no UDFs), and the rows
that fail go back through :mod:`numbers` for the marketer-facing message (:func:`number_error`,
:func:`date_error`). Only SQL strings are produced here; nothing imports DuckDB.

Failure signalling
    :func:`number_sql` and :func:`date_sql` give ``NULL`` both for empty cells (``""``, ``"-"``, ``"n/a"``,
    ``"(not set)"`` … as :func:`~alur.analytics.numbers.parse_optional_number` treats them) and for
    cells that do not parse. :func:`number_invalid_sql` / :func:`date_invalid_sql` tell the two apart:
    ``TRUE`` for "not empty but did not parse", the ``WHERE`` of the importer's validation query. Run them
    over a projection when you can: DuckDB computes a repeated sub-expression once within a ``SELECT``
    list (its common-subexpression optimizer), not within a ``WHERE``.

Numbers
    The result type is ``DECIMAL(18,4)`` (:data:`NUMBER_TYPE`): money keeps its cents exactly, which a
    ``DOUBLE`` would not. For every value :func:`~alur.analytics.numbers.parse_number` accepts, the SQL
    gives the same value, with two documented limits of the type: more than four decimals are rounded
    half away from zero (DuckDB's cast), and a magnitude of 10^14 or more does not fit and fails (the
    message from :func:`number_error` says so). ``column`` must be ``VARCHAR`` (read the file with
    ``all_varchar``).

Dates
    Every :class:`DateForm` reads every form :func:`~alur.analytics.numbers.parse_date` reads; the form
    fixes ``dayfirst`` for numeric dates (``DMY``: day first, ``MDY``: month first, the others: only
    unambiguous numeric dates) and which form is tried first (the others are tried only on the rows the
    first one left ``NULL``, so a clean column pays for one form). The result type is ``DATE``.

Known differences from :mod:`numbers` (inputs no export produces): digits other than ASCII 0-9 (Python's
``\\d`` also matches Arabic-Indic digits), and words with non-ASCII letters next to an ordinal suffix.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from enum import StrEnum

from alur.analytics import numbers
from alur.analytics.numbers import (
    _CURRENCY_SYMBOLS,
    _EMPTY_CLEAN,
    _MONTHS,
    _WEEKDAYS,
    ISO_CURRENCIES,
    ZERO_DECIMAL_CURRENCIES,
    DecimalStyle,
)

__all__ = [
    "NUMBER_TYPE",
    "DateForm",
    "date_error",
    "date_invalid_sql",
    "date_sql",
    "detect_date_form",
    "empty_sql",
    "number_error",
    "number_invalid_sql",
    "number_sql",
    "quote_identifier",
]

NUMBER_TYPE = "DECIMAL(18,4)"
# The largest magnitude NUMBER_TYPE holds, for the message of values that parse but do not fit.
_NUMBER_LIMIT = 10**14


def quote_identifier(name: str) -> str:
    """``Cost (IDR)`` → ``"Cost (IDR)"``: a column name as a DuckDB identifier, for the functions below."""
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    """A SQL string literal. DuckDB reads backslashes in ``'...'`` literally, so RE2 escapes pass through."""
    return "'" + text.replace("'", "''") + "'"


def _in_list(values: Iterable[str]) -> str:
    return "(" + ", ".join(_lit(v) for v in sorted(values)) + ")"


# ------------------------------------------------------------------------------------------ cleaning

# Exactly the characters str.isspace() accepts (what numbers._clean drops and str.split() splits on).
_SPACES = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_MINUSES = "\u2212\u2012\u2013"  # numbers._clean turns these into "-"
_INVISIBLE = "\u200b\ufeff"  # zero-width space and BOM, also dropped by numbers._clean


def _clean_sql(column: str) -> str:
    """numbers._clean in SQL: minus signs unified, every kind of space dropped, in one ``translate``
    (it deletes the characters of its second argument that have no counterpart in the third). The
    literal holds those characters as they are, invisible ones included."""
    return f"translate({column}, {_lit(_MINUSES + _SPACES + _INVISIBLE)}, '---')"


def empty_sql(column: str) -> str:
    """``TRUE`` when the cell means "no value" (``NULL``, ``""``, dashes, ``"n/a"``, ``"(not set)"`` …),
    exactly as :func:`~alur.analytics.numbers.parse_optional_number` decides it."""
    return f"({column} IS NULL OR lower({_clean_sql(column)}) IN {_in_list(_EMPTY_CLEAN)})"


# ------------------------------------------------------------------------------------------- numbers

_SYMBOLS = sorted(_CURRENCY_SYMBOLS, key=len, reverse=True)  # longest first, as numbers._NUMBER_RE
_CURRENCY_RE = "(?:" + "|".join(re.escape(s) for s in _SYMBOLS) + "|[a-z]{3})"
# numbers._NUMBER_RE in RE2 syntax, its groups rewritten as one record "signs|pct|number|currency|currency"
# (no field can hold a "|"). Its (?![a-z]) after a three-letter code is dropped: in an anchored pattern the
# next character can only be a sign, a digit, "." or "," anyway. RE2 assigns groups as Python's
# backtracking does (leftmost-first alternation): "Rp.1.234" → currency "Rp.", number "1.234". The second
# alternative matches whatever the first does not, giving a record with an empty number.
_NUMBER_RE = f"(?is)^([-+])?({_CURRENCY_RE})?([-+])?([0-9.,]+(?:e[-+]?[0-9]+)?)(%)?({_CURRENCY_RE})?(-)?$|^.*$"
_NUMBER_RECORD = r"\1\3\7|\5|\4|\2|\6"


def _currency_pair_re() -> str:
    """The two currency fields of the record: empty, or known markers of one currency (numbers._match_currency)."""
    tokens: dict[str, set[str]] = {code: {code.lower()} for code in ISO_CURRENCIES}
    for symbol, code in _CURRENCY_SYMBOLS.items():
        tokens[code].add(symbol)
    pairs = []
    for code in sorted(tokens):
        either = "(?:" + "|".join(re.escape(t) for t in sorted(tokens[code])) + ")?"
        pairs.append(f"{either}\\|{either}")
    return "(?:" + "|".join(pairs) + ")"


def _zero_decimal_re() -> str:
    """A record marked with a currency that has no minor units (``Rp``, ``IDR``, ``¥`` …)."""
    zero = [t for t, code in _CURRENCY_SYMBOLS.items() if code in ZERO_DECIMAL_CURRENCIES]
    zero += [code.lower() for code in ZERO_DECIMAL_CURRENCIES]
    one = "(?:" + "|".join(re.escape(t) for t in sorted(zero)) + ")"
    return rf"(?i)[^|]*\|[^|]*\|[^|]*\|(?:{one}\|[^|]*|\|{one})"


# The record's signs, percent and currencies (numbers._parse): at most one sign; with percent=False a
# "%" only without a currency, with percent=True a "%" always and no currency.
_RECORD_RE = {
    False: rf"(?i)[-+]?\|(?:\|[^|]+\|{_currency_pair_re()}|%\|[^|]+\|\|)",
    True: r"[-+]?\|%\|[^|]+\|\|",
}

# The shapes numbers._canonical accepts ("G" = a first thousands group: 1-3 digits, no leading zero).
_G = "[1-9][0-9]{0,2}"
_AMBIGUOUS = f"{_G}[.,][0-9]{{3}}"  # 1.234 / 12,500: the column's style decides
_SHAPES = "|".join(
    [
        "[0-9]+",  # 1234
        r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+",  # 1.5e3: what Decimal() reads, no comma
        rf"{_G}(?:,[0-9]{{3}})+(?:\.[0-9]+)?",  # 1,234,567 / 1,234.5 (and the ambiguous 1,234)
        rf"{_G}(?:\.[0-9]{{3}})+(?:,[0-9]+)?",  # 1.234.567 / 1.234,5 (and the ambiguous 1.234)
        "[0-9]*[.,][0-9]+",  # one decimal separator: 1234,56 / 0.5 / ,5 (and the ambiguous ones)
    ]
)
# Shapes whose dots group thousands or whose comma is the decimal separator (ambiguous ones aside).
_ID_SHAPES = rf"{_G}(?:\.[0-9]{{3}})+(?:,[0-9]+)?|[0-9]*,[0-9]+"


def _canonical_sql(num: str, style: DecimalStyle | None, zero_decimal: str) -> str:
    """numbers._canonical: ``num`` (digits, ``.``, ``,``, maybe an exponent) as ``1234.56`` text, or NULL.

    With ``style`` None an ambiguous value fails, unless ``zero_decimal`` (SQL boolean: the value is in a
    currency without minor units, like ``Rp 50.000``), which makes its separator a thousands separator.
    """
    as_en = f"replace({num}, ',', '')"  # comma groups, dot decimal
    as_id = f"translate({num}, ',.', '.')"  # dot groups, comma decimal
    ambiguous = {"en": as_en, "id": as_id, None: f"CASE WHEN {zero_decimal} THEN translate({num}, ',.', '') END"}[style]
    return (
        f"CASE WHEN NOT regexp_full_match({num}, {_lit(_SHAPES)}) THEN NULL"
        f" WHEN regexp_full_match({num}, {_lit(_AMBIGUOUS)}) THEN {ambiguous}"
        f" WHEN regexp_full_match({num}, {_lit(_ID_SHAPES)}) THEN {as_id}"
        f" ELSE {as_en} END"
    )


def _check_style(style: DecimalStyle | None) -> None:
    if style not in (None, "id", "en"):
        raise ValueError(f"style must be 'id', 'en' or None, not {style!r}")


def number_sql(column: str, style: DecimalStyle | None, *, percent: bool = False) -> str:
    """A DuckDB expression turning the ``VARCHAR`` ``column`` (a quoted identifier such as ``"Cost"``,
    or any SQL expression) into ``DECIMAL(18,4)``; ``NULL`` for empty cells and for cells that fail.

    The value equals ``numbers.parse_number(cell, hint=style)`` (see the module docstring for the limits
    of the type). ``style`` is the column's decimal style from ``detect_decimal_style``; with ``None``
    only values that are unambiguous on their own parse. ``percent=False`` reads like ``parse_number``
    (a trailing ``%`` is allowed and dropped: ``12,5%`` → 12.5); ``percent=True`` like
    ``numbers.parse_percent``: the ``%`` is required, the result is in percentage points.
    """
    _check_style(style)
    cleaned = _clean_sql(column)
    # numbers._strip_parens: one "(" before one ")" anywhere means negative; any other parenthesis fails.
    parens = f"contains({cleaned}, '(')"
    unparened = (
        f"CASE WHEN regexp_full_match({cleaned}, '[^()]*(?:\\([^()]*\\)[^()]*)?')"
        f" THEN replace(replace({cleaned}, '(', ''), ')', '') END"
    )
    record = f"regexp_replace({unparened}, {_lit(_NUMBER_RE)}, {_lit(_NUMBER_RECORD)})"
    sign_ok = f"NOT ({parens} AND regexp_matches({record}, '^[-+]'))"
    zero_decimal = f"regexp_full_match({record}, {_lit(_zero_decimal_re())})"
    number = _canonical_sql(f"split_part({record}, '|', 3)", style, zero_decimal)
    minus = f"CASE WHEN {parens} OR starts_with({record}, '-') THEN '-' ELSE '' END"
    return (
        f"(CASE WHEN regexp_full_match({record}, {_lit(_RECORD_RE[percent])}) AND {sign_ok}"
        f" THEN TRY_CAST({minus} || ({number}) AS {NUMBER_TYPE}) END)"
    )


def number_invalid_sql(column: str, style: DecimalStyle | None, *, percent: bool = False) -> str:
    """``TRUE`` for a cell that is not empty but that :func:`number_sql` (same arguments) cannot read."""
    return f"(NOT {empty_sql(column)} AND {number_sql(column, style, percent=percent)} IS NULL)"


def number_error(text: str, style: DecimalStyle | None, *, percent: bool = False) -> str:
    """The message for a cell :func:`number_invalid_sql` flagged: the one :mod:`numbers` gives, or, for
    a number that parses but does not fit ``DECIMAL(18,4)``, one that says so."""
    try:
        value = numbers.parse_percent(text, hint=style) if percent else numbers.parse_number(text, hint=style)
    except numbers.ParseError as error:
        return str(error)
    if abs(value) >= _NUMBER_LIMIT:
        return f'"{text}" is too large: numbers must be below 100,000,000,000,000. Check the column holds amounts.'
    return f'Could not read "{text}" as a number. {numbers.NUMBER_FORMS}'  # not expected: SQL and Python agree


# --------------------------------------------------------------------------------------------- dates


class DateForm(StrEnum):
    """How a date column is written, from :func:`detect_date_form`.

    Each form's SQL reads every form :func:`~alur.analytics.numbers.parse_date` reads; the form decides
    ``dayfirst`` for numeric dates and which form DuckDB tries first.
    """

    ISO = "iso"  # 2026-11-23, also 2026/11/23, 2026-11-23T10:00:00
    COMPACT = "compact"  # 20261123 (GA4)
    DMY = "dmy"  # 23/11/2026, 23-11-2026, 23.11.26
    MDY = "mdy"  # 11/23/2026
    NAMED = "named"  # Nov 23, 2026 / 23 Nopember 2026 / 23-Des-2026

    @property
    def dayfirst(self) -> bool | None:
        """The ``dayfirst`` for :func:`~alur.analytics.numbers.parse_date` that this form's SQL matches."""
        return {DateForm.DMY: True, DateForm.MDY: False}.get(self)


def _normalise_spaces(text: str) -> str:
    return " ".join(text.split())


# Python twins of the shapes in numbers.parse_date, to sort samples by form.
_ISO_SHAPE = re.compile(r"\d{4}[-/.]")
_COMPACT_SHAPE = re.compile(r"\d{8}")
_NUMERIC_SHAPE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.]")


def detect_date_form(samples: Sequence[str | None], *, dayfirst: bool | None = None) -> DateForm:
    """The :class:`DateForm` of a date column from sample values (empty cells and unreadable values are
    skipped; the validation query reports the latter).

    Numeric dates decide day-first or month-first through :func:`~alur.analytics.numbers.detect_dayfirst`
    (a part above 12 settles it). ``dayfirst`` is the caller's answer for a column whose numeric dates are
    all ambiguous (``03/04/2026``); without it such a column raises
    :class:`~alur.analytics.numbers.AmbiguousDate`. Samples that prove both day-first and month-first
    (``23/11/2026`` beside ``11/23/2026``) raise :class:`~alur.analytics.numbers.DateError`: no one
    expression reads both. Otherwise the most common form wins (numeric dates always bring their
    ``DMY``/``MDY``, which still reads ISO, compact and named dates).
    """
    forms: Counter[DateForm] = Counter()
    numeric: list[str] = []
    first_error: str | None = None
    for sample in samples:
        if sample is None or numbers._is_empty(sample):
            continue
        text = _normalise_spaces(sample)
        try:
            numbers.parse_date(text, dayfirst=True)  # any dayfirst: only "is it a date at all" matters here
        except numbers.DateError as error:
            first_error = first_error or str(error)
            continue
        if _ISO_SHAPE.match(text):
            forms[DateForm.ISO] += 1
        elif _COMPACT_SHAPE.fullmatch(text):
            forms[DateForm.COMPACT] += 1
        elif _NUMERIC_SHAPE.match(text):
            numeric.append(text)
        else:
            forms[DateForm.NAMED] += 1
    if numeric:
        return _numeric_form(numeric, dayfirst)
    if not forms:
        detail = f" For example: {first_error}" if first_error else ""
        raise numbers.DateError(f"None of the sample values is a date we can read.{detail}")
    order = list(DateForm)
    return max(forms, key=lambda form: (forms[form], -order.index(form)))


def _numeric_form(samples: list[str], dayfirst: bool | None) -> DateForm:
    verdict = numbers.detect_dayfirst(samples)
    if verdict is not None:
        return DateForm.DMY if verdict else DateForm.MDY
    pairs = [(s, _NUMERIC_SHAPE.match(s)) for s in samples]
    parts = [(s, int(m[1]), int(m[2])) for s, m in pairs if m]
    day_first = next((s for s, a, b in parts if a > 12 >= b), None)
    month_first = next((s for s, a, b in parts if b > 12 >= a), None)
    if day_first and month_first:
        raise numbers.DateError(
            f'The dates in this column are written both day first ("{day_first}") and month first '
            f'("{month_first}"). Make the whole column use one order, then import it again.'
        )
    ambiguous = next((s for s, a, b in parts if a != b), None)
    if ambiguous is None or dayfirst is not None:
        return DateForm.MDY if dayfirst is False else DateForm.DMY
    raise numbers.AmbiguousDate(
        f'Dates like "{ambiguous}" in this column could be day first or month first, and no date in it '
        "settles which. Tell us whether the file writes the day first (23/11/2026) or the month first "
        "(11/23/2026)."
    )


_ISO_RE = r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?:[T ].*)?$"
_COMPACT_RE = r"^([0-9]{4})([0-9]{2})([0-9]{2})$"
# numbers._NUMERIC_RE without its back-reference (RE2 has none): the same separator twice, spelled out.
_NUMERIC_RE = r"^([0-9]{1,2})(?:/([0-9]{1,2})/|-([0-9]{1,2})-|\.([0-9]{1,2})\.)([0-9]{4}|[0-9]{2})(?:[T ][0-9]{1,2}:[0-9]{2}.*)?$"
# numbers._TIME_RE on text whose spaces are already single " ".
_TIME_RE = r" +[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2})?(?: *(?:am|pm|wib|wita|wit))?$"
_ORDINAL_RE = r"\b([0-9]{1,2})(?:st|nd|rd|th)\b"
_SEPARATORS_RE = r"[ ,/\-.]+"


def _make_date_sql(year: str, month: str, day: str) -> str:
    """A date from integer expressions (NULL if any is NULL): NULL for 30 February, month 13 and year 0,
    which DuckDB has and Python does not (years are never negative here)."""
    return f"try(make_date(nullif({year}, 0), {month}, {day}))"


def _spaces_sql(column: str) -> str:
    """parse_date's ``" ".join(text.split())``: runs of any space become one ``" "``, ends trimmed."""
    return f"trim(regexp_replace({column}, {_lit('[' + _SPACES + ']+')}, ' ', 'g'))"


def _iso_sql(text: str, pattern: str) -> str:
    parts = f"regexp_extract({text}, {_lit(pattern)}, ['y', 'm', 'd'])"  # empty strings when no match
    y, m, d = (f"TRY_CAST({parts}.{g} AS INTEGER)" for g in "ymd")
    return _make_date_sql(y, m, d)


def _numeric_sql(text: str, dayfirst: bool | None) -> str:
    parts = f"regexp_extract({text}, {_lit(_NUMERIC_RE)}, ['a', 'b1', 'b2', 'b3', 'y'])"
    a = f"CAST({parts}.a AS INTEGER)"
    b = f"CAST({parts}.b1 || {parts}.b2 || {parts}.b3 AS INTEGER)"
    y = f"CAST({parts}.y AS INTEGER) + CASE WHEN length({parts}.y) = 2 THEN 2000 ELSE 0 END"
    day_first, month_first = _make_date_sql(y, b, a), _make_date_sql(y, a, b)
    # numbers.parse_date: a part above 12 can only be the day; otherwise dayfirst decides (or equal parts).
    choice = {
        True: f"CASE WHEN {b} > 12 THEN {month_first} ELSE {day_first} END",
        False: f"CASE WHEN {a} > 12 THEN {day_first} ELSE {month_first} END",
        None: f"CASE WHEN {a} > 12 OR {a} = {b} THEN {day_first} WHEN {b} > 12 THEN {month_first} END",
    }[dayfirst]
    return f"CASE WHEN {parts}.a <> '' THEN {choice} END"


def _named_sql(text: str) -> str:
    """numbers._parse_named_month: one month name, a four-digit year and a day, in any order, with
    weekday names, a trailing time and ordinal suffixes ignored."""
    lowered = f"lower({text})"
    no_time = f"regexp_replace({lowered}, {_lit(_TIME_RE)}, '')"
    no_ordinal = f"regexp_replace({no_time}, {_lit(_ORDINAL_RE)}, '\\1', 'g')"
    words = f"trim(regexp_replace({no_ordinal}, {_lit(_SEPARATORS_RE)}, ' ', 'g'))"
    # Each token gets a space on both sides of its own (" 23  nov  2026 "), so one pass of a global
    # regexp_replace can drop weekday tokens even when two are next to each other.
    padded = f"(' ' || replace({words}, ' ', '  ') || ' ')"
    weekdays = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
    tokens = f"regexp_replace({padded}, {_lit(f' (?:{weekdays}) ')}, '', 'g')"
    months = "|".join(sorted(_MONTHS, key=len, reverse=True))
    three_tokens = f"regexp_full_match({tokens}, {_lit(f'(?: (?:[0-9]+|{months}) ){{3}}')})"
    # Empty strings (NULL after TRY_CAST / list_position) when the token is missing.
    year = f"TRY_CAST(regexp_extract({tokens}, ' ([0-9]{{4}}) ', 1) AS INTEGER)"
    day = f"TRY_CAST(regexp_extract({tokens}, ' ([0-9]{{1,3}}|[0-9]{{5,}}) ', 1) AS INTEGER)"
    names = sorted(_MONTHS)
    month = f"regexp_extract({tokens}, {_lit(f' ({months}) ')}, 1)"
    month_number = f"[{', '.join(str(_MONTHS[n]) for n in names)}][list_position([{', '.join(_lit(n) for n in names)}], {month})]"
    # Three tokens, each a number or a month name, among them a year, a day and a month: one of each.
    return f"CASE WHEN {three_tokens} THEN {_make_date_sql(year, month_number, day)} END"


def date_sql(column: str, form: DateForm) -> str:
    """A DuckDB expression turning the ``VARCHAR`` ``column`` into ``DATE``: the value of
    ``numbers.parse_date(cell, dayfirst=form.dayfirst)``, ``NULL`` for empty cells and for cells that fail.

    The forms are tried in turn, ``form`` first; a value can match at most one form's shape, so the
    order changes only the speed.
    """
    form = DateForm(form)
    text = _spaces_sql(column)
    attempts = {
        DateForm.ISO: _iso_sql(text, _ISO_RE),
        DateForm.COMPACT: _iso_sql(text, _COMPACT_RE),
        DateForm.DMY: _numeric_sql(text, form.dayfirst),
        DateForm.NAMED: _named_sql(text),
    }
    first = DateForm.DMY if form is DateForm.MDY else form
    ordered = [attempts[first], *(sql for f, sql in attempts.items() if f is not first)]
    return f"COALESCE({', '.join(ordered)})"


def date_invalid_sql(column: str, form: DateForm) -> str:
    """``TRUE`` for a cell that is not empty but that :func:`date_sql` (same arguments) cannot read."""
    return f"(NOT {empty_sql(column)} AND {date_sql(column, form)} IS NULL)"


def date_error(text: str, form: DateForm) -> str:
    """The message for a cell :func:`date_invalid_sql` flagged, as :mod:`numbers` words it."""
    try:
        numbers.parse_date(text, dayfirst=DateForm(form).dayfirst)
    except numbers.DateError as error:
        return str(error)
    return f'Could not read "{text}" as a date. {numbers.DATE_FORMS}'  # not expected: SQL and Python agree
