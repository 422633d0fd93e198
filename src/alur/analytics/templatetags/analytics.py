"""Showing KPI values: "—" for a missing value (a zero denominator), grouping and decimals in the reader's
language, the currency for money and "%" for percentages; spans of days, and the mark of an estimate."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext

register = template.Library()


@register.filter
def kpi_value(value: Any, spec: Any) -> str:
    """``{{ row.ctr|kpi_value:spec }}`` → ``1,75 %`` (Indonesian) / ``1.75 %``; None → ``—``."""
    if value is None or value == "":
        return "—"
    number = float(value)
    unit = getattr(spec, "unit", spec)
    if unit == "percent":
        return f"{grouped(number, 2)} %"
    if unit == "money":
        return amount(number)
    if unit == "ratio":
        return grouped(number, 2)
    return grouped(number, 0 if number == int(number) else 1)


def grouped(number: float, places: int) -> str:
    """``number`` rounded (half away from zero) to ``places`` and grouped in the active language. Django's
    number_format cuts digits off (1.8298 → "1,82"); this rounds (→ "1,83")."""
    rounded = Decimal(str(number)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(rounded, places, force_grouping=True)


@register.filter
def receipt_value(value: Any) -> str:
    """A receipt total ("365.22" or 9380) grouped in the reader's language: "365,22" / "9.380" (id)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int):
        return grouped(value, 0)
    return grouped(float(value), 2)


def amount(number: float) -> str:
    """Two decimals below 100, none from 100 up, grouped in the active language: 64,75 / 1.234.567 (id)."""
    places = 0 if abs(number) >= 100 else 2
    return number_format(round(number, places), places, force_grouping=True)  # number_format cuts, not rounds


@register.filter
def short_money(value: Any) -> str:
    """A large amount in the short form people say aloud: ``68,0 jt`` (Indonesian: ribu, juta, miliar,
    triliun) / ``68.0M``; below a thousand it is written out. For tables where the full figure would not
    fit; put the full figure in a tooltip beside it."""
    if value is None or value == "":
        return "—"
    number = float(value)
    steps = (
        (1e12, pgettext("short for trillion", "T")),
        (1e9, pgettext("short for billion", "B")),
        (1e6, pgettext("short for million", "M")),
        (1e3, pgettext("short for thousand", "K")),
    )
    for size, suffix in steps:
        if abs(number) >= size * 0.9995:  # 999,600 is shown as 1.0M rather than 1,000.0K
            places = 1 if abs(number / size) < 99.95 else 0
            scaled = round(number / size, places)  # number_format cuts digits off; round first
            return f"{number_format(scaled, places, force_grouping=True)} {suffix}"
    return number_format(round(number), 0, force_grouping=True)


@register.filter
def share_percent(value: Any) -> str:
    """A part of a whole (0.256) as "25.6 %" ("25,6 %" in Indonesian); None → "—"."""
    if value is None or value == "":
        return "—"
    return f"{number_format(round(float(value) * 100, 1), 1, force_grouping=True)} %"


@register.filter
def change_percent(value: Any) -> str:
    """A relative change (0.25) as "+25 %"; None → ""."""
    if value is None:
        return ""
    number = float(value) * 100
    sign = "+" if number > 0 else ""
    return f"{sign}{number_format(number, 1, force_grouping=True)} %"


@register.filter
def day_span(first: dt.date, last: dt.date) -> str:
    """The days from ``first`` to ``last`` in the reader's language, the year once when both share it:
    "2 – 8 Feb 2026", "27 Jan – 23 Feb 2026", "29 Dec 2025 – 4 Jan 2026"."""
    if first == last:
        return date_format(last, "j M Y")
    if first.year != last.year:
        return f"{date_format(first, 'j M Y')} – {date_format(last, 'j M Y')}"
    if first.month != last.month:
        return f"{date_format(first, 'j M')} – {date_format(last, 'j M Y')}"
    return f"{date_format(first, 'j')} – {date_format(last, 'j M Y')}"


@register.simple_tag
def estimate_mark(*, label: bool = False) -> str:
    """The "≈" beside a value that counts a share of a whole-period report, with the rule in its tooltip;
    ``label=True`` adds the word ("≈ estimate") where there is room, as on a KPI tile."""
    title = gettext(
        "Estimate: a report for a whole period that reaches beyond these dates counts by its days within them, "
        "its totals spread evenly over its days."
    )
    word = gettext("estimate")
    if label:
        return format_html('<span class="badge text-bg-light border" title="{}" data-estimate>≈ {}</span>', title, word)
    return format_html(
        '<span class="text-body-secondary" title="{}" data-estimate>≈<span class="visually-hidden"> {}</span></span>',
        title,
        word,
    )
