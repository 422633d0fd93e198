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
    ``TRUE`` for "not empty but did not parse", the ``WHERE`` of the importer's validation query. They
    name the parsing expression once and test emptiness only on the rows that failed, so they cost about
    what the parsing does, in a ``SELECT`` list or a ``WHERE`` alike.

Speed
    DuckDB has no variables inside an expression, and its common-subexpression elimination does not
    reach into every construct (a conjunction hides its operands), so an expression that names an
    intermediate value twice may compute it twice. The expressions here never do: each is a chain of
    rewrites, with a fast path (one ``regexp_full_match``, one ``translate`` or ``try_strptime``) for
    the plain spellings most cells use, and ``CASE``/``COALESCE``, which DuckDB evaluates only on the
    rows still undecided, in front of the general path. Measured on 2 threads, one million cells:
    about 0.3 s for "1,234.56" or "2026-11-23", 0.6 s for "Rp 1.234.567", 2-2.5 s for cells that need
    the general path ("Rp 1,234" without a style, "23 November 2026"); a bare ``TRY_CAST`` takes 0.07 s.

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
    """numbers._clean in SQL: every kind of space dropped, minus signs unified. The literals hold those
    characters as they are, invisible ones included (two regexp passes beat one ``translate`` with a
    non-ASCII character set by about 2x)."""
    dropped = f"regexp_replace({column}, {_lit('[' + _SPACES + _INVISIBLE + ']')}, '', 'g')"
    return f"regexp_replace({dropped}, {_lit('[' + _MINUSES + ']')}, '-', 'g')"


def empty_sql(column: str) -> str:
    """``TRUE`` when the cell means "no value" (``NULL``, ``""``, dashes, ``"n/a"``, ``"(not set)"`` …),
    exactly as :func:`~alur.analytics.numbers.parse_optional_number` decides it."""
    return f"({column} IS NULL OR lower({_clean_sql(column)}) IN {_in_list(_EMPTY_CLEAN)})"


def _alternatives(*patterns: str) -> str:
    return "(?:" + "|".join(patterns) + ")"


# ------------------------------------------------------------------------------------------- numbers
#
# How number_sql works, cell by cell, without ever naming an intermediate value twice (DuckDB has no
# variables inside an expression, and its common-subexpression elimination does not reach into every
# construct, so a repeated sub-expression may really be computed again):
#
# 1. Fast path: a plain number in the column's style ("-1,234.56", "1.234,56", "12,5%"), tested with one
#    regexp_full_match and cast after one translate. Most cells of a clean export stop here.
# 2. Otherwise the cell is cleaned (spaces dropped, minus signs unified), a valid pair of parentheses is
#    replaced by a leading " " (cleaned text has no spaces, so the marker cannot be forged), and
#    numbers._NUMBER_RE rewrites the cell into the record "  sign|number|percent|currency|currency"
#    (it starts with two spaces, which a cell the pattern did not rewrite cannot have).
# 3. One regexp_replace per reading checks the whole record (one sign at most, known currencies that
#    agree, "%" without a currency, a number shape that reading accepts) and keeps "sign number": the
#    English reading (comma groups, dot decimal) and, only where it failed, the Indonesian one. A record
#    that fails the check stays as it is, and its "|" make TRY_CAST fail: NULL.

_SYMBOLS = sorted(_CURRENCY_SYMBOLS, key=len, reverse=True)  # longest first, as numbers._NUMBER_RE
_CURRENCY_RE = "(?:" + "|".join(re.escape(s) for s in _SYMBOLS) + "|[a-z]{3})"
# numbers._NUMBER_RE in RE2 syntax after the parenthesis marker. Its (?![a-z]) after a three-letter code
# is dropped: in an anchored pattern the next character can only be a sign, a digit, "." or "," anyway.
# RE2 assigns groups as Python's backtracking does (leftmost-first alternation): "Rp.1.234" gives the
# currency "Rp." and the number "1.234".
_NUMBER_RE = f"(?i)^( )?([-+])?({_CURRENCY_RE})?([-+])?([0-9.,]+(?:e[-+]?[0-9]+)?)(%)?({_CURRENCY_RE})?(-)?$"
_NUMBER_RECORD = r"  \1\2\4\8|\5|\6|\3|\7"
_PARENS_RE = r"^([^()]*)\(([^()]*)\)([^()]*)$"  # numbers._strip_parens: one "(" before one ")", anywhere


def _currency_tokens(codes: Iterable[str]) -> dict[str, list[str]]:
    """Each ISO code with the markers numbers._currency_from_token reads as it (lower case)."""
    tokens = {code: [code.lower()] for code in codes}
    for symbol, code in _CURRENCY_SYMBOLS.items():
        if code in tokens:
            tokens[code].append(symbol)
    return tokens


def _one_of(tokens: Iterable[str]) -> str:
    return "(?:" + "|".join(re.escape(t) for t in sorted(tokens, key=lambda t: (-len(t), t))) + ")"


# The record's two currency fields (numbers._match_currency): empty, or known markers of one currency.
_CURRENCY_PAIR = _alternatives(*(f"{_one_of(t)}?\\|{_one_of(t)}?" for _, t in sorted(_currency_tokens(ISO_CURRENCIES).items())))
_ZERO_MARKER = _one_of(t for tokens in _currency_tokens(ZERO_DECIMAL_CURRENCIES).values() for t in tokens)
# At least one marker of a currency without minor units (Rp, IDR, ¥ …), and no other currency.
_ZERO_PAIR = _alternatives(f"{_ZERO_MARKER}\\|{_ZERO_MARKER}?", f"\\|{_ZERO_MARKER}")

# The number shapes numbers._canonical accepts. G: a first thousands group (1-3 digits, no leading zero).
_G = "[1-9][0-9]{0,2}"
_PLAIN = "[0-9]+"
_EXPONENT = r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+"  # what Decimal() reads; no comma allowed
_AMBIGUOUS_DOT = rf"{_G}\.[0-9]{{3}}"  # 1.234
_AMBIGUOUS_COMMA = f"{_G},[0-9]{{3}}"  # 12,500
_EN_GROUPED = rf"{_G}(?:,[0-9]{{3}})+(?:\.[0-9]+)?"  # 1,234,567 / 1,234.5 / (ambiguous) 1,234
_ID_GROUPED = rf"{_G}(?:\.[0-9]{{3}})+(?:,[0-9]+)?"  # 1.234.567 / 1.234,5 / (ambiguous) 1.234
_EN_GROUPED_CLEAR = _alternatives(rf"{_G}(?:,[0-9]{{3}}){{2,}}(?:\.[0-9]+)?", rf"{_G},[0-9]{{3}}\.[0-9]+")
_ID_GROUPED_CLEAR = _alternatives(rf"{_G}(?:\.[0-9]{{3}}){{2,}}(?:,[0-9]+)?", rf"{_G}\.[0-9]{{3}},[0-9]+")


def _decimal(sep: str, *, clear: bool) -> str:
    """One separator used as the decimal separator; ``clear``: only where three digits after it do not
    make it ambiguous (no integer part, a leading zero, or four digits or more before it)."""
    if not clear:
        return f"[0-9]*{sep}[0-9]+"
    return _alternatives(f"[0-9]*{sep}(?:[0-9]{{1,2}}|[0-9]{{4,}})", f"(?:0[0-9]*|[1-9][0-9]{{3,}})?{sep}[0-9]{{3}}")


# The shapes each reading accepts, by the column's style: English readings keep "." as the decimal
# separator and drop ",", Indonesian readings drop "." and turn "," into the decimal separator.
_EN_SHAPES: dict[DecimalStyle | None, str] = {
    "en": _alternatives(_PLAIN, _EXPONENT, _EN_GROUPED, _decimal(r"\.", clear=False)),
    "id": _alternatives(_PLAIN, _EXPONENT, _EN_GROUPED_CLEAR, _decimal(r"\.", clear=True)),
    None: _alternatives(_PLAIN, _EXPONENT, _EN_GROUPED_CLEAR, _decimal(r"\.", clear=True)),
}
_ID_SHAPES: dict[DecimalStyle | None, str] = {
    "en": _alternatives(_ID_GROUPED_CLEAR, _decimal(",", clear=True)),
    "id": _alternatives(_ID_GROUPED, _decimal(",", clear=False)),
    None: _alternatives(_ID_GROUPED_CLEAR, _decimal(",", clear=True)),
}
# Style None: "Rp 50.000" and "Rp 50,000" are 50000, rupiah have no decimals (numbers._parse).
_ZERO_DECIMAL_SHAPE = {"en": _AMBIGUOUS_COMMA, "id": _AMBIGUOUS_DOT}
_SIGN = r"(?:( |-)|\+)?"  # " " is the parenthesis marker


def _reading_re(reading: DecimalStyle, style: DecimalStyle | None, percent: bool) -> str:
    """The whole record, read in ``reading``; groups 1-3 are the sign and the number."""
    shapes = (_EN_SHAPES if reading == "en" else _ID_SHAPES)[style]
    tail = r"\|%\|\|" if percent else _alternatives(rf"\|\|{_CURRENCY_PAIR}", r"\|%\|\|")
    body = f"({shapes}){tail}"
    if style is None and not percent:
        body = _alternatives(body, f"({_ZERO_DECIMAL_SHAPE[reading]})\\|\\|{_ZERO_PAIR}")
    else:
        body += "()"
    return f"(?i)^  {_SIGN}\\|{body}$"


# The fast path: a number in the column's style with at most a sign and a "%" (numbers._parse accepts
# the "%" with percent=False too), read by deleting the thousands separators.
_FAST_SHAPES: dict[DecimalStyle | None, str] = {
    "en": _alternatives(_PLAIN, _EN_GROUPED, _decimal(r"\.", clear=False)),
    "id": _alternatives(_PLAIN, _ID_GROUPED, _decimal(",", clear=False)),
    None: _alternatives(_PLAIN, _EN_GROUPED_CLEAR, _decimal(r"\.", clear=True)),
}


# A second fast path for rupiah, common in Indonesian sheets: "Rp 1.234.567", "-Rp5", "IDR -50.000" (one
# ASCII space at most). Only for a known style: with None, "Rp 1.234" needs the zero-decimal rule.
_RUPIAH = r"(?:rp\.?|idr) ?"
_FAST_RUPIAH = {style: rf"(?i)^(?:(-){_RUPIAH}|{_RUPIAH}(-)?)({_FAST_SHAPES[style]})$" for style in ("en", "id")}


def _check_style(style: DecimalStyle | None) -> None:
    if style not in (None, "id", "en"):
        raise ValueError(f"style must be 'id', 'en' or None, not {style!r}")


_NEVER_RE = r"(?i)(^|[0-9])[.,][-+]|[0-9.,]e[-+]?([.,]|$)|[0-9.,]e[-+]?[0-9]+[.,]"


def _exact_cast(text: str) -> str:
    """Text → ``NUMBER_TYPE`` rounded once, half away from zero. DuckDB casts exponent forms straight to a
    narrow DECIMAL inexactly ("5e-6" → 0.0001), so those pass through a wide DECIMAL first."""
    return (
        f"(CASE WHEN contains(lower({text}), 'e') THEN TRY_CAST(TRY_CAST({text} AS DECIMAL(38,24)) AS {NUMBER_TYPE})"
        f" ELSE TRY_CAST({text} AS {NUMBER_TYPE}) END)"
    )


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
    fast_re = f"-?{_FAST_SHAPES[style]}" + ("%" if percent else "%?")
    fast_text = f"translate({column}, ',.%', '.')" if style == "id" else f"translate({column}, ',%', '')"
    rupiah = ""
    if style is not None and not percent:
        sign_number = f"regexp_replace({column}, {_lit(_FAST_RUPIAH[style])}, '\\1\\2\\3')"
        rupiah_text = f"translate({sign_number}, ',.', '.')" if style == "id" else f"replace({sign_number}, ',', '')"
        rupiah = f" WHEN regexp_full_match({column}, {_lit(_FAST_RUPIAH[style])}) THEN TRY_CAST({rupiah_text} AS {NUMBER_TYPE})"
    marked = f"regexp_replace({_clean_sql(column)}, {_lit(_PARENS_RE)}, ' \\1\\2\\3')"
    record = f"regexp_replace({marked}, {_lit(_NUMBER_RE)}, {_lit(_NUMBER_RECORD)})"
    en = f"translate(regexp_replace({record}, {_lit(_reading_re('en', style, percent))}, '\\1\\2\\3'), ' ,', '-')"
    id_ = f"translate(regexp_replace({record}, {_lit(_reading_re('id', style, percent))}, '\\1\\2\\3'), ' ,.', '-.')"
    return (
        f"(CASE WHEN regexp_full_match({column}, {_lit(fast_re)}) THEN TRY_CAST({fast_text} AS {NUMBER_TYPE}){rupiah}"
        # Shapes numbers._NUMBER_RE never reads: a separator directly before a sign (".-0"), an exponent
        # without digits ("0e.0", "1e") or followed by a separator ("0e0.").
        f" WHEN regexp_matches({_clean_sql(column)}, {_lit(_NEVER_RE)}) THEN NULL"
        f" ELSE COALESCE({_exact_cast(en)}, {_exact_cast(id_)}) END)"
    )


def number_invalid_sql(column: str, style: DecimalStyle | None, *, percent: bool = False) -> str:
    """``TRUE`` for a cell that is not empty but that :func:`number_sql` (same arguments) cannot read."""
    parsed = number_sql(column, style, percent=percent)
    return f"(CASE WHEN {parsed} IS NOT NULL THEN false ELSE NOT {empty_sql(column)} END)"


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


# How date_sql works: a fast path for the form's plainest spelling (one regexp_full_match, then
# try_strptime), else each form in turn, the column's form first, on text whose spaces parse_date's way
# are normalised. Each form is a chain of rewrites that names every intermediate value once, ending in
# make_date(struct) over regexp_extract's groups (empty groups: NULL; 30 February: NULL through try()).

_YEAR = "(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"  # four digits, not 0000 (no year 0 in Python)
_ISO_RE = rf"^{_YEAR}[-/.]([0-9]{{1,2}})[-/.]([0-9]{{1,2}})(?:[T ].*)?$"
_COMPACT_RE = rf"^{_YEAR}([0-9]{{2}})([0-9]{{2}})$"
# numbers._NUMERIC_RE without its back-reference (RE2 has none): the same separator twice, spelled out.
_NUMERIC_RE = r"^([0-9]{1,2})(?:/([0-9]{1,2})/|-([0-9]{1,2})-|\.([0-9]{1,2})\.)([0-9]{4}|[0-9]{2})(?:[T ][0-9]{1,2}:[0-9]{2}.*)?$"
_ABOVE_12 = "(1[3-9]|[2-9][0-9])"  # a one- or two-digit part that can only be a day
_TIME_RE = r" +[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2})?(?: *(?:am|pm|wib|wita|wit))?$"  # numbers._TIME_RE
_ORDINAL_RE = r"\b([0-9]{1,2})(?:st|nd|rd|th)\b"
_SEPARATORS_RE = r"[ ,/\-.]+"
_DAY_TOKEN = "([0-9]{1,3}|[0-9]{5,})"  # a number that is not four digits long
_YMD_RE = rf"^{_YEAR}-([0-9]+)-([0-9]+)$"

# The fast paths: the plainest spelling of each form, read by try_strptime (which would also accept
# things parse_date does not, so the pattern must be exact). DMY/MDY: the second/first part is at most
# 12, so the form's order is the only reading.
_DAY = "(?:0[1-9]|[12][0-9]|3[01])"
_MONTH = "(?:0[1-9]|1[0-2])"
_FAST_DATES: dict[DateForm, tuple[str, str]] = {
    DateForm.ISO: ("[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}", "%Y-%m-%d"),
    DateForm.COMPACT: ("[1-9][0-9]{7}", "%Y%m%d"),
    DateForm.DMY: (f"{_DAY}/{_MONTH}/[1-9][0-9]{{3}}", "%d/%m/%Y"),
    DateForm.MDY: (f"{_MONTH}/{_DAY}/[1-9][0-9]{{3}}", "%m/%d/%Y"),
    DateForm.NAMED: ("[0-9]{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [1-9][0-9]{3}", "%d %b %Y"),
}


def _ymd_sql(text: str, pattern: str = _YMD_RE) -> str:
    """The date of ``pattern``'s three groups (year, month, day) in ``text``; NULL when it does not match
    or is no calendar date."""
    parts = f"regexp_extract({text}, {_lit(pattern)}, ['year', 'month', 'day'])"
    return f"try(make_date(TRY_CAST({parts} AS STRUCT(year INTEGER, month INTEGER, day INTEGER))))"


def _spaces_sql(column: str) -> str:
    """parse_date's ``" ".join(text.split())``: runs of any space become one ``" "``, ends trimmed."""
    return f"trim(regexp_replace({column}, {_lit('[' + _SPACES + ']+')}, ' ', 'g'))"


def _numeric_sql(text: str, dayfirst: bool) -> str:
    """numbers.parse_date on ``23/11/2026``: a part above 12 is the day, else ``dayfirst`` decides."""
    slashed = f"regexp_replace({text}, {_lit(_NUMERIC_RE)}, '\\1/\\2\\3\\4/\\5')"
    four_digit_year = f"regexp_replace({slashed}, '^([0-9]{{1,2}}/[0-9]{{1,2}}/)([0-9]{{2}})$', '\\120\\2')"
    if dayfirst:  # "11/23/2026" is still month first; else day/month
        pattern = rf"^(?:([0-9]{{1,2}})/{_ABOVE_12}/([0-9]{{4}})|([0-9]{{1,2}})/([0-9]{{1,2}})/([0-9]{{4}}))$"
        ymd = r"\3\6-\1\5-\2\4"
    else:  # "23/11/2026" is still day first; else month/day
        pattern = rf"^(?:{_ABOVE_12}/([0-9]{{1,2}})/([0-9]{{4}})|([0-9]{{1,2}})/([0-9]{{1,2}})/([0-9]{{4}}))$"
        ymd = r"\3\6-\2\4-\1\5"
    return _ymd_sql(f"regexp_replace({four_digit_year}, {_lit(pattern)}, {_lit(ymd)})")


def _named_sql(text: str) -> str:
    """numbers._parse_named_month: one month name, a four-digit year and a day, in any order, with
    weekday names, a trailing time and ordinal suffixes ignored."""
    no_time = f"regexp_replace(lower({text}), {_lit(_TIME_RE)}, '')"
    no_ordinal = f"regexp_replace({no_time}, {_lit(_ORDINAL_RE)}, '\\1', 'g')"
    words = f"trim(regexp_replace({no_ordinal}, {_lit(_SEPARATORS_RE)}, ' ', 'g'))"
    # Each token gets a space on both sides of its own (" 23  nov  2026 "), so one pass of a global
    # regexp_replace sees every token, even two weekday names in a row.
    tokens = f"(' ' || replace({words}, ' ', '  ') || ' ')"
    weekdays = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
    tokens = f"regexp_replace({tokens}, {_lit(f' (?:{weekdays}) ')}, '', 'g')"
    by_number: dict[int, list[str]] = {}
    for name, number in _MONTHS.items():
        by_number.setdefault(number, []).append(name)
    for number, names in sorted(by_number.items()):  # " nopember " → " m11 "
        tokens = f"regexp_replace({tokens}, {_lit(f' {_one_of(names)} ')}, ' m{number} ', 'g')"
    # The (last) four-digit token to the front, then the two others must be a month and a day.
    year_first = f"regexp_replace({tokens}, '^(.*) ([0-9]{{4}}) (.*)$', '\\2|\\1\\3')"
    ymd = rf"^([0-9]{{4}})\| (?:m([0-9]{{1,2}})  {_DAY_TOKEN}|{_DAY_TOKEN}  m([0-9]{{1,2}})) $"
    return _ymd_sql(f"regexp_replace({year_first}, {_lit(ymd)}, '\\1-\\2\\5-\\3\\4')")


def date_sql(column: str, form: DateForm) -> str:
    """A DuckDB expression turning the ``VARCHAR`` ``column`` into ``DATE``: the value of
    ``numbers.parse_date(cell, dayfirst=form.dayfirst)``, ``NULL`` for empty cells and for cells that fail.

    The forms are tried in turn, ``form`` first; a value fits at most one form's pattern, so the order
    changes only the speed.
    """
    form = DateForm(form)
    text = _spaces_sql(column)
    dayfirst = form.dayfirst
    numeric = (
        _numeric_sql(text, dayfirst)
        if dayfirst is not None
        # parse_date without dayfirst: only values both orders read the same way (a part above 12, or
        # equal parts) — the two readings are computed and must agree.
        else f"(CASE WHEN {_numeric_sql(text, True)} = {_numeric_sql(text, False)} THEN {_numeric_sql(text, True)} END)"
    )
    attempts = {
        DateForm.ISO: _ymd_sql(text, _ISO_RE),
        DateForm.COMPACT: _ymd_sql(text, _COMPACT_RE),
        DateForm.DMY: numeric,
        DateForm.NAMED: _named_sql(text),
    }
    first = DateForm.DMY if form is DateForm.MDY else form
    ordered = [attempts[first], *(sql for f, sql in attempts.items() if f is not first)]
    fast_re, fast_format = _FAST_DATES[form]
    return (
        f"(CASE WHEN regexp_full_match({column}, {_lit(fast_re)})"
        f" THEN CAST(try_strptime({column}, {_lit(fast_format)}) AS DATE) ELSE COALESCE({', '.join(ordered)}) END)"
    )


def date_invalid_sql(column: str, form: DateForm) -> str:
    """``TRUE`` for a cell that is not empty but that :func:`date_sql` (same arguments) cannot read."""
    return f"(CASE WHEN {date_sql(column, form)} IS NOT NULL THEN false ELSE NOT {empty_sql(column)} END)"


def date_error(text: str, form: DateForm) -> str:
    """The message for a cell :func:`date_invalid_sql` flagged, as :mod:`numbers` words it."""
    try:
        numbers.parse_date(text, dayfirst=DateForm(form).dayfirst)
    except numbers.DateError as error:
        return str(error)
    return f'Could not read "{text}" as a date. {numbers.DATE_FORMS}'  # not expected: SQL and Python agree
