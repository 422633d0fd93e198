"""numbers.py: the rules in its module docstring, one test (or a few) per rule, and a round trip."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alur.analytics.numbers import (
    AmbiguousDate,
    AmbiguousNumber,
    DateError,
    NumberError,
    ParseError,
    detect_dayfirst,
    detect_decimal_style,
    format_number,
    parse_currency_code,
    parse_date,
    parse_number,
    parse_optional_date,
    parse_optional_number,
    parse_percent,
)

D = Decimal

# ---------------------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234 567", D("1234567")),  # spaces
        ("1\u00a0234,5", D("1234.5")),  # non-breaking space
        ("1\u2009234.5", D("1234.5")),  # thin space
        ("Rp 1.234.567", D("1234567")),
        ("Rp.1.234.567", D("1234567")),
        ("1.234.567 IDR", D("1234567")),
        ("$1,234.50", D("1234.50")),
        ("US$ 1,234.50", D("1234.50")),
        ("€ 1.234,50", D("1234.50")),
        ("1,234.50 sgd", D("1234.50")),  # ISO code in any case
        ("Rp 1.234 IDR", D("1234")),  # two markers of the same currency
    ],
)
def test_spaces_and_currency_markers_are_dropped(text: str, expected: Decimal) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["-1.234,5", "1.234,5-", "\u22121.234,5", "(1.234,5)", "Rp(1.234,5)", "(Rp 1.234,5)"])
def test_negatives(text: str) -> None:
    assert parse_number(text) == D("-1234.5")


def test_percent_sign_is_dropped_and_parse_percent_insists_on_it() -> None:
    assert parse_number("12,5%") == D("12.5")
    assert parse_percent("12,5%") == D("12.5")
    assert parse_percent(D("12.5")) == D("12.5")  # numbers pass through as percentage points
    with pytest.raises(NumberError, match=r'"12,5" is not a percentage'):
        parse_percent("12,5")


@pytest.mark.parametrize(
    ("text", "expected"), [("1.234,56", D("1234.56")), ("1,234.56", D("1234.56")), ("1.234.567,8", D("1234567.8"))]
)
def test_with_both_separators_the_last_one_is_the_decimal_separator(text: str, expected: Decimal) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234.567", D("1234567")),  # repeated: thousands
        ("12,345,678", D("12345678")),
        ("1234,56", D("1234.56")),  # not three digits after: decimal
        ("0.5", D("0.5")),
        ("12,5", D("12.5")),
        ("0.123", D("0.123")),  # groups never start with 0
        ("1234.567", D("1234.567")),  # more than three digits before a group
        (",5", D("0.5")),
    ],
)
def test_unambiguous_values_need_no_hint(text: str, expected: Decimal) -> None:
    assert parse_number(text) == expected


def test_single_separator_with_three_digits_is_ambiguous_and_the_message_gives_both_readings() -> None:
    with pytest.raises(AmbiguousNumber) as caught:
        parse_number("1.234")
    message = str(caught.value)
    assert '"1.234" is ambiguous' in message
    assert "1234 in Indonesian style" in message
    assert "1.234 in English style" in message
    with pytest.raises(AmbiguousNumber, match=r"12\.500 in Indonesian style"):
        parse_number("12,500")


def test_the_hint_settles_ambiguous_values_only() -> None:
    assert parse_number("1.234", hint="id") == D("1234")
    assert parse_number("1.234", hint="en") == D("1.234")
    assert parse_number("12,500", hint="id") == D("12.5")
    assert parse_number("12,500", hint="en") == D("12500")
    # Unambiguous values are read as written whatever the hint.
    assert parse_number("1.234,56", hint="en") == D("1234.56")
    assert parse_number("0.5", hint="id") == D("0.5")
    assert parse_number("1234,56", hint="en") == D("1234.56")


def test_currencies_without_minor_units_settle_ambiguity() -> None:
    assert parse_number("Rp 50.000") == D("50000")
    assert parse_number("IDR 50,000") == D("50000")
    assert parse_number("¥1,500") == D("1500")
    with pytest.raises(AmbiguousNumber):
        parse_number("$1,500")  # dollars have cents


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("abc", 'Could not read "abc" as a number'),
        ("5 XYZ", '"XYZ" in "5 XYZ" is not a currency we know'),
        ("$5 SGD", "names two different currencies (USD and SGD)"),
        ("--5", "has more than one sign"),
        ("(-5)", "has more than one sign"),
        ("(5", "unmatched parenthesis"),
        (")5(", "unmatched parenthesis"),
        ("Rp 5%", "has both a currency and a percent sign"),
        ("1,23,456", "thousands separators in the wrong places"),
        ("0,123.45", "thousands separators in the wrong places"),
        ("1.234,5,6", "more than one decimal separator"),
        ("1,5e3", 'Could not read "1,5e3"'),
        ("", "Could not read"),
    ],
)
def test_rejected_numbers_say_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(NumberError) as caught:
        parse_number(text)
    assert fragment in str(caught.value)
    assert isinstance(caught.value, ParseError)
    assert isinstance(caught.value, ValueError)


def test_non_text_values() -> None:
    assert parse_number(5) == D(5)
    assert parse_number(1.5) == D("1.5")
    assert parse_number(D("2.25")) == D("2.25")
    with pytest.raises(NumberError, match="yes/no"):
        parse_number(True)
    with pytest.raises(NumberError, match="not a finite number"):
        parse_number(float("nan"))
    with pytest.raises(ValueError, match="hint must be"):
        parse_number("1", hint="fr")  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [None, "", " ", "-", "--", "\u2014", "\u2013", "n/a", "N/A", "n / a", "null", "(not set)"])
def test_empty_cells_are_none_for_optional_numbers(text: str | None) -> None:
    assert parse_optional_number(text) is None


def test_parse_currency_code() -> None:
    assert parse_currency_code("Rp 1.234") == "IDR"
    assert parse_currency_code("Rp.") == "IDR"
    assert parse_currency_code("1,234 usd") == "USD"
    assert parse_currency_code("S$5") == "SGD"
    assert parse_currency_code("1.234") is None
    with pytest.raises(NumberError, match='"XYZ" is not a currency we know'):
        parse_currency_code("XYZ")


def test_detect_decimal_style_counts_votes_of_unambiguous_values() -> None:
    assert detect_decimal_style(["1.234", "1.234,56", "12,5", None, "7"]) == "id"
    assert detect_decimal_style(["1,234", "1,234.56", "0.5"]) == "en"
    assert detect_decimal_style(["1.234", "12,500", "7"]) is None  # nothing settles it
    assert detect_decimal_style(["1.234,5", "1,234.5"]) is None  # a tie
    assert detect_decimal_style(["1.234,5", "1,234.5", "1.234.567"]) == "id"
    assert detect_decimal_style(["(1.234,56)"]) == "id"  # accountants' negatives vote too


# ------------------------------------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-23",
        "2026/11/23",
        "2026-11-23T10:00:00+07:00",
        "2026-11-23 10:00",
        "20261123",
        "23/11/2026",
        "11/23/2026",
        "23-11-2026",
        "23.11.2026",
        "23/11/26",
        "Nov 23, 2026",
        "23 Nov 2026",
        "23 Nopember 2026",
        "23 november 2026",
        "23-Nop-2026",
        "Senin, 23 Nopember 2026",
        "Nov 23rd, 2026",
        "23 Nov 2026 10.00 WIB",
        " 23\u00a0Nov  2026 ",
    ],
)
def test_date_forms(text: str) -> None:
    assert parse_date(text) == date(2026, 11, 23)


def test_indonesian_month_names() -> None:
    assert parse_date("23-Des-2026") == date(2026, 12, 23)
    assert parse_date("17 Agustus 2026") == date(2026, 8, 17)
    assert parse_date("5 Mei 2026") == date(2026, 5, 5)
    assert parse_date("1 Okt 2026") == date(2026, 10, 1)
    assert parse_date("29 Pebruari 2028") == date(2028, 2, 29)


def test_ambiguous_dates_need_dayfirst_and_say_so() -> None:
    with pytest.raises(AmbiguousDate) as caught:
        parse_date("03/04/2026")
    assert "day 3 of month 4 or month 3 day 4" in str(caught.value)
    assert parse_date("03/04/2026", dayfirst=True) == date(2026, 4, 3)
    assert parse_date("03/04/2026", dayfirst=False) == date(2026, 3, 4)
    assert parse_date("04/04/2026") == date(2026, 4, 4)  # equal parts read the same either way


def test_a_part_above_12_settles_the_order_regardless_of_dayfirst() -> None:
    assert parse_date("11/23/2026", dayfirst=True) == date(2026, 11, 23)
    assert parse_date("23/11/2026", dayfirst=False) == date(2026, 11, 23)
    with pytest.raises(DateError, match="has no month"):
        parse_date("23/13/2026")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2026-02-29", "is not a real calendar date"),
        ("0000-01-01", "is not a real calendar date"),  # a placeholder, not the year 2000
        ("23 Nov 26", "Could not find a four-digit year"),
        ("23 Nov", "Could not read"),
        ("Nov Dec 2026", "Could not read"),
        ("23 Nov ²⁰²⁶", "Could not read"),  # superscripts: a DateError, not int()'s ValueError
        ("", "The date is empty"),
    ],
)
def test_rejected_dates_say_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(text)
    assert fragment in str(caught.value)


def test_years() -> None:
    assert parse_date("2028-02-29") == date(2028, 2, 29)  # leap day
    assert parse_date("29/02/28", dayfirst=True) == date(2028, 2, 29)  # two-digit years are 20xx
    assert parse_date("0026-11-23") == date(26, 11, 23)  # four digits are read as written


def test_optional_dates() -> None:
    assert parse_optional_date(None) is None
    assert parse_optional_date("-") is None
    assert parse_optional_date("(not set)") is None
    assert parse_optional_date(date(2026, 1, 2)) == date(2026, 1, 2)


def test_detect_dayfirst() -> None:
    assert detect_dayfirst(["03/04/2026", "23/11/2026", None]) is True
    assert detect_dayfirst(["03/04/2026", "11/23/2026"]) is False
    assert detect_dayfirst(["03/04/2026", "2026-11-23"]) is None  # nothing settles it
    assert detect_dayfirst(["23/11/2026", "11/23/2026"]) is None  # contradiction


# ------------------------------------------------------------------------------------------- round trip


@settings(max_examples=300)
@given(
    value=st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False, allow_infinity=False),
    style=st.sampled_from(["id", "en"]),
    places=st.integers(min_value=0, max_value=4),
)
def test_format_number_round_trips_through_parse_number(value: Decimal, style: str, places: int) -> None:
    text = format_number(value, style, places)  # type: ignore[arg-type]
    assert parse_number(text, hint=style) == value.quantize(Decimal(1).scaleb(-places))  # type: ignore[arg-type]
