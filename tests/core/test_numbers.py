"""core.numbers, the product's one number reader, and core.forms.read_number, the way people's numbers reach it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal, format_percent
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from alur.core.forms import number_style, read_number
from alur.core.numbers import AmbiguousNumber, DecimalStyle, NumberError, parse_number, read, style_of_language

D = Decimal

# text, hint, expected (a Decimal, or the exception raised)
CASES: list[tuple[str, DecimalStyle | None, Decimal | type[Exception]]] = [
    # the ambiguous shape: one separator followed by exactly three digits
    ("48.000", "id", D(48000)),
    ("48.000", "en", D(48)),
    ("48.000", None, AmbiguousNumber),
    ("1,234", "id", D("1.234")),
    ("1,234", "en", D(1234)),
    ("1,234", None, AmbiguousNumber),
    ("-48.000", "id", D(-48000)),
    # Indonesian forms, read as written whatever the hint
    ("1.234.567", "en", D(1234567)),
    ("1.234.567,89", "en", D("1234567.89")),
    ("12,5", "en", D("12.5")),
    ("1234,56", None, D("1234.56")),
    # English forms, read as written whatever the hint
    ("1,234,567", "id", D(1234567)),
    ("1,234,567.89", "id", D("1234567.89")),
    ("0.5", "id", D("0.5")),
    ("1234.567", None, D("1234.567")),
    ("0.123", None, D("0.123")),
    # what marketers type around the digits
    ("Rp 1.234.567", "en", D(1234567)),
    ("Rp48.000", None, D(48000)),  # rupiah have no decimals
    ("Rp48.000", "en", D(48)),  # …but a workspace's style is the stronger word
    ("IDR 48,000", None, D(48000)),
    ("48.000 IDR", "id", D(48000)),
    ("$1,234.50", None, D("1234.50")),
    ("US$ 1,234.50", "id", D("1234.50")),
    ("1\u00a0234\u00a0567", None, D(1234567)),
    (" 1 234,5 ", None, D("1234.5")),
    ("12,5%", "en", D("12.5")),
    ("12.5 %", "id", D("12.5")),
    ("-1.234,5", None, D("-1234.5")),
    ("\u22121.234,5", None, D("-1234.5")),
    ("1.234,5-", None, D("-1234.5")),
    ("(1.234,5)", None, D("-1234.5")),
    ("Rp -48.000", None, D(-48000)),
    ("+7", None, D(7)),
    # not numbers
    ("", "id", NumberError),
    ("banyak", "id", NumberError),
    ("4,80,00", "en", NumberError),
    ("1.234,5,6", "id", NumberError),
    ("1.", "id", NumberError),
    ("--5", "id", NumberError),
    ("Rp 5%", "id", NumberError),
    ("5 XYZ", "id", NumberError),
    ("$5 SGD", "en", NumberError),
]


@pytest.mark.parametrize(("text", "hint", "expected"), CASES)
def test_the_reader(text: str, hint: DecimalStyle | None, expected: Decimal | type[Exception]) -> None:
    if isinstance(expected, Decimal):
        assert parse_number(text, hint=hint) == expected
    else:
        with pytest.raises(expected):
            parse_number(text, hint=hint)


def test_an_ambiguous_number_carries_both_readings() -> None:
    with pytest.raises(AmbiguousNumber) as caught:
        parse_number("48.000")
    assert caught.value.readings == {"id": D(48000), "en": D(48)}
    assert caught.value.value == "48.000"
    assert "48000 in Indonesian style" in str(caught.value)


def test_an_amount_in_a_currency_without_minor_units_is_never_three_decimals() -> None:
    assert parse_number("15.000", hint="en", currency="IDR") == D(15000)
    assert parse_number("15,000", hint="id", currency="IDR") == D(15000)
    assert parse_number("15.000", hint="en", currency="USD") == D(15)
    assert parse_number("15,5", hint="en", currency="IDR") == D("15.5")  # unambiguous text is read as written


def test_read_tells_percent_and_currency() -> None:
    assert read("12,5%", hint="id") == (D("12.5"), True, None)
    assert read("Rp 1.000", hint="id") == (D(1000), False, "IDR")
    with pytest.raises(NumberError, match="is a percentage where an amount was expected"):
        read("5%", percent=False)
    for nothing in (None, [], True, float("nan"), D("Infinity")):
        with pytest.raises(NumberError):
            read(nothing)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,5 jt", D(1500000)),
        ("1,5jt", D(1500000)),
        ("48 rb", D(48000)),
        ("48 ribu", D(48000)),
        ("10k", D(10000)),
        ("Rp 2,5 juta", D(2500000)),
        ("2 miliar", D(2000000000)),
        ("-1,5 jt", D(-1500000)),
        ("1.500 jt", D(1500000000)),  # Indonesian hint: 1.500 is one thousand five hundred
    ],
)
def test_people_may_shorten_big_numbers(text: str, expected: Decimal) -> None:
    assert read(text, hint="id", words=True).value == expected
    with pytest.raises(NumberError):
        read(text, hint="id")  # files are read without words, as the importer's SQL reads them


def test_words_do_not_make_a_percentage_or_a_bare_word_a_number() -> None:
    for text in ("5%jt", "jt", "k", "1,5 M"):
        with pytest.raises(NumberError):
            read(text, hint="id", words=True)


def test_style_of_language() -> None:
    assert [style_of_language(code) for code in ("id", "id-ID", "en", "en-us", "en_GB", "fr", "", None)] == [
        "id", "id", "en", "en", "en", None, None, None,
    ]  # fmt: skip


# ------------------------------------------------------------------------------ Babel's own formats read back


@settings(max_examples=300)
@given(
    value=st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False, allow_infinity=False),
    style=st.sampled_from(["id", "en"]),
)
def test_babel_formatted_numbers_read_back_equal(value: Decimal, style: DecimalStyle) -> None:
    text = format_decimal(value, locale=style, group_separator=True, decimal_quantization=False)
    assert parse_number(text, hint=style) == value
    try:
        alone = parse_number(text)
    except AmbiguousNumber as error:  # "48.000": without a hint both readings are offered, this one among them
        assert error.readings[style] == value
    else:
        assert alone == value


@settings(max_examples=200)
@given(
    value=st.decimals(min_value=-(10**10), max_value=10**10, places=2, allow_nan=False, allow_infinity=False),
    style=st.sampled_from(["id", "en"]),
    currency=st.sampled_from(["IDR", "USD", "EUR", "SGD"]),
)
def test_babel_formatted_money_and_percentages_read_back_equal(value: Decimal, style: DecimalStyle, currency: str) -> None:
    money = format_currency(value, currency, locale=style)
    expected = value.quantize(D(1)) if currency == "IDR" else value  # Babel writes rupiah without decimals
    assert parse_number(money, hint=style) == expected
    percent = format_percent(value / 100, locale=style, decimal_quantization=False)
    assert read(percent, hint=style) == (value, True, None)


# ---------------------------------------------------------------------------- people's numbers (core.forms)


def test_the_workspace_language_decides_else_the_active_one() -> None:
    with translation.override("en"):
        assert number_style("id") == "id"
        assert number_style(None) == "en"
        assert read_number("48.000", field="x", language="id") == D(48000)
        assert read_number("48.000", field="x") == D(48)
    with translation.override("id"):
        assert read_number("48.000", field="x") == D(48000)
        assert read_number(D("48.000"), field="x", language="id") == D(48)  # a number stays the number it is
        assert read_number("1,5 jt", field="x", language="id") == D(1500000)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "“48.000” could be 48000 or 48 — write 48000 or 48.0."),
        ("id", "“48.000” bisa berarti 48000 atau 48 — tulis 48000 atau 48,0."),
    ],
)
def test_an_ambiguous_number_is_explained_on_its_field_in_the_persons_language(language: str, message: str) -> None:
    with translation.override(language), pytest.raises(ValidationError) as caught:
        read_number("48.000", field="start_value", language="fr")  # a language that settles nothing
    assert caught.value.message_dict == {"start_value": [message]}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "“banyak” is not a number. Write it like 1,234,567.89."),
        ("id", "“banyak” bukan angka. Tulis seperti 1.234.567,89."),
    ],
)
def test_text_that_is_no_number_is_explained_on_its_field(language: str, message: str) -> None:
    with translation.override(language), pytest.raises(ValidationError) as caught:
        read_number("banyak", field="value", language=language)
    assert caught.value.message_dict == {"value": [message]}
