"""Form helpers shared by every context, and the one way a person's number is read (:func:`read_number`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alur.core.numbers import AmbiguousNumber, DecimalStyle, NumberError, read, style_of_language


class StyledFormMixin:
    """Give every widget the Bootstrap class it needs, so templates render fields uniformly."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


# Numbers ------------------------------------------------------------------------------------------

# What the API accepts where a person's number goes: a JSON number as is, or text read like a form's
# ("48.000" in an Indonesian workspace is 48000). Services read either with :func:`read_number`.
NumberInput = Decimal | str
NUMBER_TEXT = (
    "A number, or text written as the workspace writes numbers: '48.000' is 48000 in an Indonesian workspace "
    "and 48 in an English one; '1.234,5', '1,234.5', 'Rp 1.234.567' and '12,5%' are read as written."
)

_NUMBER_EXAMPLES: dict[DecimalStyle | None, str] = {"id": "1.234.567,89", "en": "1,234,567.89", None: "1234567.89"}


def number_style(language: str | None = None) -> DecimalStyle | None:
    """The decimal style that settles ``48.000``: the workspace's language when given, else the active
    language (the person's, on a page or an API call)."""
    return style_of_language(language) if language else style_of_language(get_language())


def _written_decimal(value: Decimal, style: DecimalStyle | None) -> str:
    """``value`` written so that no style reads it otherwise: ``48`` → ``48,0``, ``1.234`` → ``1,2340``."""
    text = format(value.normalize(), "f")
    whole, _sep, fraction = text.partition(".")
    fraction = fraction or "0"
    if len(fraction) == 3:
        fraction += "0"
    return f"{whole}{'.' if style == 'en' else ','}{fraction}"


def number_error_message(error: NumberError, style: DecimalStyle | None) -> str:
    """The reader's error in the person's language: both readings of an ambiguous value, else the forms we read."""
    if isinstance(error, AmbiguousNumber):
        decimal, thousands = sorted(error.readings.values(), key=abs)  # 48 and 48000
        return _("“%(value)s” could be %(thousands)s or %(decimal)s — write %(thousands)s or %(written)s.") % {
            "value": error.value,
            "thousands": format(thousands, "f"),
            "decimal": format(decimal.normalize(), "f"),
            "written": _written_decimal(decimal, style or style_of_language(get_language())),
        }
    return _("“%(value)s” is not a number. Write it like %(example)s.") % {
        "value": error.value,
        "example": _NUMBER_EXAMPLES[style],
    }


def read_number(
    value: Any,
    *,
    field: str,
    language: str | None = None,
    currency: str | None = None,
    percent: bool | None = None,
) -> Decimal:
    """A number a person gave, from a form, an API text field or the command line, as :mod:`alur.core.numbers`
    reads it with the workspace ``language`` (else the active one) settling ``48.000``; a JSON number
    passes as is; "1,5 jt" and "48 rb" are understood. ``currency``: the amount's currency (see
    :func:`alur.core.numbers.read`). Raises ``ValidationError({field: message})`` in the person's language."""
    style = number_style(language)
    try:
        return read(value, hint=style, currency=currency, percent=percent, words=True).value
    except NumberError as error:
        raise ValidationError({field: number_error_message(error, style)}) from None
