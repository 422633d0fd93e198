"""sqlparse: the SQL expressions give what numbers.parse_number / parse_date give, cell for cell, in DuckDB."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alur.analytics import numbers
from alur.analytics.imports.sqlparse import (
    DateForm,
    date_error,
    date_invalid_sql,
    date_sql,
    detect_date_form,
    empty_sql,
    number_error,
    number_invalid_sql,
    number_sql,
    quote_identifier,
)
from alur.analytics.numbers import DecimalStyle

D = Decimal
INVALID = "invalid"  # the expected outcome of a cell numbers rejects: NULL and flagged
STYLES: list[DecimalStyle | None] = [None, "en", "id"]
WRITTEN_STYLES: list[DecimalStyle] = ["id", "en"]
COLUMN = quote_identifier("Nilai sel")  # a name that needs quoting


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


def evaluate(
    con: duckdb.DuckDBPyConnection, value_sql: str, invalid_sql: str, cells: Sequence[str | None]
) -> list[tuple[Any, bool]]:
    """(value, flagged) of each cell, in order, with the cells as a VARCHAR column named "Nilai sel"."""
    query = (
        f"SELECT {value_sql}, {invalid_sql} FROM "
        f"(SELECT unnest($cells::VARCHAR[]) AS {COLUMN}, unnest(range(len($cells))) AS i) ORDER BY i"
    )
    return [(value, flagged) for value, flagged in con.execute(query, {"cells": list(cells)}).fetchall()]


# ---------------------------------------------------------------------------------------------- numbers


def expected_number(text: str | None, style: DecimalStyle | None, percent: bool) -> Decimal | str | None:
    """What number_sql must give: numbers' value in DECIMAL(18,4) (rounded half away from zero, as
    DuckDB casts), None for empty cells, INVALID for cells numbers rejects or the type cannot hold."""
    try:
        if text is None or numbers.parse_optional_number(text, hint=style) is None:
            return None
        value = numbers.parse_percent(text, hint=style) if percent else numbers.parse_number(text, hint=style)
    except numbers.ParseError:
        return INVALID
    if abs(value) >= 10**14:
        return INVALID
    return value.quantize(D("0.0001"), rounding=ROUND_HALF_UP)


def check_numbers(con: duckdb.DuckDBPyConnection, cells: Sequence[str | None], style: DecimalStyle | None, percent: bool) -> None:
    results = evaluate(con, number_sql(COLUMN, style, percent=percent), number_invalid_sql(COLUMN, style, percent=percent), cells)
    for cell, (value, flagged) in zip(cells, results, strict=True):
        expected = expected_number(cell, style, percent)
        got = INVALID if flagged else value
        assert (got, value is None or not flagged) == (expected, True), (cell, style, percent)


CURRENCIES = ["Rp", "Rp.", "IDR", "idr", "$", "US$", "€", "USD", "SGD", "S$", "¥", "RM"]
SPACES = ["", " ", "\u00a0", "\u2009"]


@st.composite
def number_texts(draw: st.DrawFn) -> str:
    """A number as people write it: a style, grouping or not, a sign in any of its forms, maybe a
    currency marker before or after, maybe a percent sign."""
    places = draw(st.integers(min_value=0, max_value=4))
    value = D(draw(st.integers(min_value=0, max_value=10**17 - 1))).scaleb(-places)
    style = draw(st.sampled_from(WRITTEN_STYLES))
    digits = numbers.format_number(value, style, places)
    if not draw(st.booleans()):
        digits = digits.replace("." if style == "id" else ",", "")
    negative = draw(st.sampled_from(["", "", "+", "-", "\u2212", "trailing", "parens"]))
    currency = draw(st.sampled_from([None, None, *CURRENCIES]))
    space = draw(st.sampled_from(SPACES))
    if currency is None:
        body = digits + ("%" if draw(st.booleans()) else "")
    elif draw(st.booleans()):
        body = currency + space + digits
    else:
        body = digits + space + currency
    if negative == "trailing":
        return body + "-"
    if negative == "parens":
        return f"({body})"
    if negative and currency and body.startswith(currency) and draw(st.booleans()):
        return currency + space + negative + body[len(currency) :].lstrip(space)  # "Rp -5"
    return negative + body


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(number_texts(), min_size=1, max_size=40))
def test_numbers_parity_with_parse_number(con: duckdb.DuckDBPyConnection, cells: list[str]) -> None:
    for style in STYLES:
        for percent in (False, True):
            check_numbers(con, cells, style, percent)


NUMBER_ALPHABET = "0123456789.,-+()%  Rp$€IDRUSDe\u00a0\u2212"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.text(NUMBER_ALPHABET, max_size=12), min_size=1, max_size=60))
def test_numbers_parity_on_arbitrary_text(con: duckdb.DuckDBPyConnection, cells: list[str]) -> None:
    """Mostly garbage: what numbers rejects, the SQL must reject too (and accept what it accepts)."""
    for style in STYLES:
        for percent in (False, True):
            check_numbers(con, cells, style, percent)


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        ("1.234,56", None, D("1234.56")),
        ("1,234.56", "id", D("1234.56")),  # unambiguous: read as written
        ("Rp 1.234.567", "id", D("1234567")),
        ("-Rp5", "en", D("-5")),
        ("Rp -50.000", "id", D("-50000")),
        ("Rp 1.234", None, D("1234")),  # rupiah have no decimals
        ("IDR 50,000", None, D("50000")),
        ("Rp 1.234", "en", D("1.234")),  # the hint wins over the currency
        ("(1,234)", "en", D("-1234")),
        ("(1,234)", "id", D("-1.234")),
        ("1.234-", "id", D("-1234")),
        ("\u22121.234,5", "id", D("-1234.5")),
        ("12,5%", None, D("12.5")),
        ("US$ 1,234.50", "en", D("1234.50")),
        ("1\u00a0234\u00a0567,89", "id", D("1234567.89")),
        ("1.5e3", "en", D("1500")),
        ("0.12345", "en", D("0.1235")),  # rounded to four places
        ("99999999999999.9999", "en", D("99999999999999.9999")),
        ("1.234", "en", D("1.234")),
        ("1.234", "id", D("1234")),
        ("12,500", "en", D("12500")),
        ("12,500", "id", D("12.5")),
    ],
)
def test_number_examples(con: duckdb.DuckDBPyConnection, text: str, style: DecimalStyle | None, expected: Decimal) -> None:
    assert evaluate(con, number_sql(COLUMN, style), number_invalid_sql(COLUMN, style), [text]) == [(expected, False)]


@pytest.mark.parametrize(
    ("text", "style", "percent"),
    [
        ("1.234", None, False),  # ambiguous without a style
        ("12,500", None, False),
        ("$1,500", None, False),  # dollars have cents: still ambiguous
        ("--5", "en", False),
        ("(-5)", "en", False),
        ("-Rp -5", "id", False),
        ("(5", "en", False),
        ("5)", "en", False),
        ("$5 SGD", "en", False),
        ("5 XYZ", "en", False),
        ("Rp 5%", "id", False),
        ("12,5", "id", True),  # percent=True needs the sign
        ("1,23,456", "en", False),
        ("0,123.45", "en", False),
        ("1.234,5,6", "id", False),
        ("1,5e3", "en", False),
        ("5.", "en", False),
        ("abc", "en", False),
        ("|5||", "en", False),
        ("100000000000000", "en", False),  # parses, but does not fit DECIMAL(18,4)
    ],
)
def test_rejected_numbers_are_null_and_flagged(
    con: duckdb.DuckDBPyConnection, text: str, style: DecimalStyle | None, percent: bool
) -> None:
    assert evaluate(
        con, number_sql(COLUMN, style, percent=percent), number_invalid_sql(COLUMN, style, percent=percent), [text]
    ) == [(None, True)]


@pytest.mark.parametrize("text", [None, "", "  ", "-", "—", "–", "n/a", "N / A", "null", "(not set)"])
def test_empty_cells_are_null_and_not_flagged(con: duckdb.DuckDBPyConnection, text: str | None) -> None:
    assert evaluate(con, number_sql(COLUMN, "en"), number_invalid_sql(COLUMN, "en"), [text]) == [(None, False)]
    assert evaluate(con, date_sql(COLUMN, DateForm.ISO), date_invalid_sql(COLUMN, DateForm.ISO), [text]) == [(None, False)]
    assert con.execute(f"SELECT {empty_sql('$v::VARCHAR')}", {"v": text}).fetchone() == (True,)


def test_number_error_gives_numbers_message_or_the_range_limit() -> None:
    assert '"1.234" is ambiguous' in number_error("1.234", None)
    assert "is not a percentage" in number_error("12,5", "id", percent=True)
    assert number_error("100.000.000.000.000", "id").startswith('"100.000.000.000.000" is too large')


def test_bad_style_is_refused() -> None:
    with pytest.raises(ValueError, match="style must be"):
        number_sql(COLUMN, "fr")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------ dates


def expected_date(text: str | None, form: DateForm) -> date | str | None:
    try:
        return numbers.parse_optional_date(text, dayfirst=form.dayfirst)
    except numbers.DateError:
        return INVALID


def check_dates(con: duckdb.DuckDBPyConnection, cells: Sequence[str | None], form: DateForm) -> None:
    results = evaluate(con, date_sql(COLUMN, form), date_invalid_sql(COLUMN, form), cells)
    for cell, (value, flagged) in zip(cells, results, strict=True):
        expected = expected_date(cell, form)
        got = INVALID if flagged else value
        assert (got, value is None or not flagged) == (expected, True), (cell, form)


MONTH_NAMES: dict[int, list[str]] = {}
for _name, _number in numbers._MONTHS.items():
    MONTH_NAMES.setdefault(_number, []).append(_name)


@st.composite
def date_texts(draw: st.DrawFn) -> str:
    """A date in one of parse_date's forms, with the variations each form allows."""
    day = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
    pad = draw(st.booleans())
    dd, mm = (f"{day.day:02d}", f"{day.month:02d}") if pad else (str(day.day), str(day.month))
    form = draw(st.sampled_from(["iso", "compact", "numeric", "named"]))
    if form == "iso":
        sep = draw(st.sampled_from("-/."))
        time = draw(st.sampled_from(["", "T10:00:00", " 10:00", "T10:00:00+07:00"]))
        return f"{day.year}{sep}{mm}{sep}{dd}{time}"
    if form == "compact":
        return day.strftime("%Y%m%d")
    if form == "numeric":
        sep = draw(st.sampled_from("/-."))
        year = f"{day.year % 100:02d}" if day.year >= 2000 and draw(st.booleans()) else str(day.year)
        first, second = (dd, mm) if draw(st.booleans()) else (mm, dd)
        return f"{first}{sep}{second}{sep}{year}" + draw(st.sampled_from(["", " 10:00"]))
    name = draw(st.sampled_from(MONTH_NAMES[day.month]))
    name = draw(st.sampled_from([name, name.title(), name.upper()]))
    ordinal = draw(st.sampled_from(["", "th"])) if day.day in (4, 11, 24) else ""
    sep = draw(st.sampled_from([" ", "-", "/", ". "]))
    pattern = draw(st.sampled_from(["dmy", "mdy", "ymd"]))
    text = {
        "dmy": f"{dd}{ordinal}{sep}{name}{sep}{day.year}",
        "mdy": f"{name} {dd}{ordinal}, {day.year}",
        "ymd": f"{day.year} {name} {dd}",
    }[pattern]
    prefix = draw(st.sampled_from(["", "Senin, ", "Sab ", "Monday "]))
    suffix = draw(st.sampled_from(["", " 10:00", " 10.00 WIB", " 9:30 pm"]))
    return prefix + text + suffix


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(date_texts(), min_size=1, max_size=40))
def test_dates_parity_with_parse_date(con: duckdb.DuckDBPyConnection, cells: list[str]) -> None:
    for form in DateForm:
        check_dates(con, cells, form)


DATE_ALPHABET = "0123456789/-. :T,novdesagumeiNOVDesSenin"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.text(DATE_ALPHABET, max_size=16), min_size=1, max_size=60))
def test_dates_parity_on_arbitrary_text(con: duckdb.DuckDBPyConnection, cells: list[str]) -> None:
    for form in DateForm:
        check_dates(con, cells, form)


@pytest.mark.parametrize(
    ("text", "form", "expected"),
    [
        ("2026-11-23", DateForm.ISO, date(2026, 11, 23)),
        ("2026-11-23T10:00:00Z", DateForm.ISO, date(2026, 11, 23)),
        ("20261123", DateForm.COMPACT, date(2026, 11, 23)),
        ("23/11/2026", DateForm.DMY, date(2026, 11, 23)),
        ("03/04/2026", DateForm.DMY, date(2026, 4, 3)),
        ("03/04/2026", DateForm.MDY, date(2026, 3, 4)),
        ("11/23/2026", DateForm.DMY, date(2026, 11, 23)),  # a part above 12 is the day
        ("23.11.26", DateForm.DMY, date(2026, 11, 23)),
        ("Nov 23, 2026", DateForm.NAMED, date(2026, 11, 23)),
        ("23 Nopember 2026", DateForm.NAMED, date(2026, 11, 23)),
        ("23-Des-2026", DateForm.NAMED, date(2026, 12, 23)),
        ("Senin, 17 Agustus 2026 10.00 WIB", DateForm.NAMED, date(2026, 8, 17)),
        ("5 MEI 2026", DateForm.ISO, date(2026, 5, 5)),  # every form reads every form
        ("29 Pebruari 2028", DateForm.NAMED, date(2028, 2, 29)),  # leap day
        ("2028-02-29", DateForm.ISO, date(2028, 2, 29)),
        ("29/02/2028", DateForm.DMY, date(2028, 2, 29)),
        ("20280229", DateForm.COMPACT, date(2028, 2, 29)),
        ("0026-11-23", DateForm.ISO, date(26, 11, 23)),
    ],
)
def test_date_examples(con: duckdb.DuckDBPyConnection, text: str, form: DateForm, expected: date) -> None:
    assert evaluate(con, date_sql(COLUMN, form), date_invalid_sql(COLUMN, form), [text]) == [(expected, False)]


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("2026-02-29", DateForm.ISO),  # no leap day in 2026
        ("29 Feb 2026", DateForm.NAMED),
        ("29/02/2026", DateForm.DMY),
        ("20260229", DateForm.COMPACT),
        ("0000-01-01", DateForm.ISO),
        ("03/04/2026", DateForm.ISO),  # ambiguous without dayfirst
        ("23/13/2026", DateForm.DMY),
        ("23/11-2026", DateForm.DMY),  # two different separators
        ("23 Nov 26", DateForm.NAMED),  # named months need four-digit years
        ("1 Jan Feb 2026", DateForm.NAMED),
        ("2026 2027 Jan", DateForm.NAMED),
        ("Nov 23", DateForm.NAMED),
        ("soon", DateForm.NAMED),
    ],
)
def test_rejected_dates_are_null_and_flagged(con: duckdb.DuckDBPyConnection, text: str, form: DateForm) -> None:
    assert evaluate(con, date_sql(COLUMN, form), date_invalid_sql(COLUMN, form), [text]) == [(None, True)]


def test_date_error_uses_the_forms_dayfirst() -> None:
    assert "is ambiguous" in date_error("03/04/2026", DateForm.ISO)
    assert "not a real calendar date" in date_error("2026-02-29", DateForm.ISO)


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        (["2026-11-23", "2026-11-24", None, "", "-"], DateForm.ISO),
        (["20261123", "20261124", "2026-11-25"], DateForm.COMPACT),
        (["23/11/2026", "03/04/2026"], DateForm.DMY),
        (["11/23/2026", "03/04/2026", "2026-11-23", "2026-11-24"], DateForm.MDY),  # numeric dates bring their order
        (["23 Nopember 2026", "Nov 24, 2026", "2026-11-23"], DateForm.NAMED),
        (["04/04/2026"], DateForm.DMY),  # equal parts: either order, Indonesian by default
        (["2026-11-23", "not a date"], DateForm.ISO),  # unreadable samples are left to validation
    ],
)
def test_detect_date_form(samples: list[str | None], expected: DateForm) -> None:
    assert detect_date_form(samples) is expected


def test_detect_date_form_refuses_what_one_expression_cannot_read() -> None:
    with pytest.raises(numbers.DateError, match=r'both day first \("23/11/2026"\) and month first \("11/23/2026"\)'):
        detect_date_form(["23/11/2026", "11/23/2026", "03/04/2026"])
    with pytest.raises(numbers.AmbiguousDate, match='Dates like "03/04/2026"'):
        detect_date_form(["03/04/2026", "2026-11-23"])
    assert detect_date_form(["03/04/2026"], dayfirst=False) is DateForm.MDY
    assert detect_date_form(["03/04/2026"], dayfirst=True) is DateForm.DMY
    with pytest.raises(numbers.DateError, match="None of the sample values is a date"):
        detect_date_form(["soon", None])


# ------------------------------------------------------------------------------------------------ speed


def test_speed_of_a_million_rows(con: duckdb.DuckDBPyConnection, capsys: pytest.CaptureFixture[str]) -> None:
    """Printed, not asserted: seconds to parse one column of a million rows, beside a bare TRY_CAST."""
    con.execute(
        """CREATE OR REPLACE TEMP TABLE million AS SELECT
            format('{:,}.{:02d}', (hash(i) % 100000000)::BIGINT, (i % 100)::INTEGER) AS en,
            'Rp ' || replace(format('{:,}', (hash(i) % 100000000)::BIGINT), ',', '.') AS rupiah,
            'Rp ' || format('{:,}', (hash(i) % 100000000)::BIGINT) AS rupiah_en,
            strftime(DATE '2020-01-01' + (i % 2000)::INTEGER, '%Y-%m-%d') AS iso,
            strftime(DATE '2020-01-01' + (i % 2000)::INTEGER, '%-d %B %Y') AS named
        FROM range(1000000) AS r(i)"""
    )
    cases = {
        "bare TRY_CAST (reference)": "TRY_CAST(replace(en, ',', '') AS DECIMAL(18,4))",
        "number en, fast path": number_sql("en", "en"),
        "number id, 'Rp 1.234.567'": number_sql("rupiah", "id"),
        "number None, 'Rp 1,234' (slow path)": number_sql("rupiah_en", None),
        "invalid flag, en": number_invalid_sql("en", "en"),
        "date ISO": date_sql("iso", DateForm.ISO),
        "date '23 November 2026' (slow path)": date_sql("named", DateForm.NAMED),
    }
    with capsys.disabled():
        print()
        for name, sql in cases.items():
            start = time.perf_counter()
            parsed, total = con.execute(f"SELECT count(v), count(*) FROM (SELECT {sql} AS v FROM million)").fetchone()  # type: ignore[misc]
            print(f"  1M rows, {name:40} {time.perf_counter() - start:6.2f}s")
            assert parsed == total == 1_000_000
