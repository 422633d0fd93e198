"""Server-rendered charts: Vega-Lite v5 specs built in Python, rendered to SVG by ``vl-convert``.

The same SVG goes into a dashboard page, a PDF report and an email, so nothing here needs JavaScript.
Framework-free (no Django): the caller passes rows (mappings of plain Python values), translated titles and
d3-format strings (https://d3js.org/d3-format); this module returns spec dicts and SVG strings.

Spec builders — :func:`time_series`, :func:`bar_by`, :func:`planned_vs_actual`, :func:`progress_bullet`,
:func:`interval_chart` — all share :data:`THEME` and a fixed size (``width`` × ``height`` is the size of
the whole chart, axes and legend included: ``autosize: fit``). Each copies only the fields it draws into
the spec under fixed internal names, so other keys in the caller's rows never end up in the output and a
field name with a dot in it is never read as a nested path. ``date`` becomes an ISO string, ``Decimal`` a
float, NaN and infinities become ``None``. Empty rows give a spec that draws only the title and a short
"No data" text (``empty_text``); the caller shows its own empty state as well.

:func:`render_svg` renders a spec (cached, keyed by the spec's JSON and the locale) and makes the SVG fit
for inlining: no XML prolog, no white background, ``class="alur-chart"``, ``role="img"``, an
``aria-label`` with the title, and responsive sizing (``viewBox`` kept, ``width="100%"``). Text in the
SVG comes from the data and vl-convert escapes it (``<`` → ``&lt;``), which the tests check.

:func:`to_json` serialises a spec for a ``<script type="application/json">`` block or for debugging.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

import vl_convert

__all__ = [
    "DEFAULT_HEIGHT",
    "DEFAULT_WIDTH",
    "FONT",
    "PALETTE",
    "THEME",
    "Locale",
    "bar_by",
    "clear_render_cache",
    "grouped_bars",
    "interval_chart",
    "lift_intervals",
    "planned_vs_actual",
    "progress_bullet",
    "render_svg",
    "time_series",
    "to_json",
]

Row = Mapping[str, Any]
Spec = dict[str, Any]
Locale = Literal["id", "en"]

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
#: The Vega-Lite library vl-convert compiles with (it bundles several; the newest is a 6.x).
VEGA_LITE_VERSION = "5.21"
# Text is laid out by vl-convert, which measures it in Liberation Sans (bundled with it), and drawn by the
# reader's browser; Liberation Sans, Arial and Helvetica share their metrics, so labels fit where they were
# measured. A system-ui stack drew them in a wider font (DejaVu Sans on Linux) and clipped axis labels.
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
#: Bootstrap 5 colours: blue, green, orange, purple, teal, pink, grey, yellow.
PALETTE: tuple[str, ...] = ("#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#d63384", "#6c757d", "#ffc107")
BLUE, GREEN, ORANGE, GREY = PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[6]
RED = "#dc3545"  # Bootstrap "danger": anomaly markers.
DARK = "#212529"  # Bootstrap body text.
MUTED = "#6c757d"
GRID = "#e9ecef"
DEFAULT_WIDTH = 640
DEFAULT_HEIGHT = 220
#: Row height of the one-row-per-item charts (bullets, intervals) when no height is given.
ROW_HEIGHT = 34
#: Used for data labels when the caller gives no format: thousands separated, at most two decimals.
DEFAULT_NUMBER_FORMAT = ",.2~f"
DEFAULT_EMPTY_TEXT = "No data"

#: Vega-Lite ``config`` shared by every chart (https://vega.github.io/vega-lite/docs/config.html).
THEME: dict[str, Any] = {
    "font": FONT,
    "view": {"stroke": None},
    "padding": 4,
    "title": {"font": FONT, "fontSize": 14, "fontWeight": 600, "color": DARK, "anchor": "start", "offset": 10},
    "axis": {
        "labelFont": FONT,
        "titleFont": FONT,
        "labelFontSize": 12,
        "titleFontSize": 12,
        "titleFontWeight": "normal",
        "labelColor": "#495057",
        "titleColor": "#495057",
        "gridColor": GRID,
        "domainColor": "#ced4da",
        "tickColor": "#ced4da",
        "labelLimit": 180,
    },
    "axisBand": {"grid": False},
    "legend": {
        "labelFont": FONT,
        "titleFont": FONT,
        "labelFontSize": 12,
        "titleFontSize": 12,
        "titleFontWeight": "normal",
        "labelColor": "#495057",
        "orient": "bottom",
        "direction": "horizontal",
        # Room between entries for a browser without any font of FONT's metrics (it draws a wider one).
        "columnPadding": 20,
    },
    "text": {"font": FONT, "fontSize": 12, "color": "#495057"},
    "range": {"category": list(PALETTE)},
    "line": {"strokeWidth": 2},
    "bar": {"color": BLUE},
    "point": {"color": BLUE},
}

#: d3-format locales (https://github.com/d3/d3-format#formatLocale). d3 ships no Indonesian locale (and
#: vl-convert accepts only the names d3 ships), so it is spelled out: thousands ".", decimal ",", and the
#: rupiah symbol written before the amount without a space ("Rp5.000,00", PUEBI — Pedoman Umum Ejaan
#: Bahasa Indonesia, "Lambang Mata Uang"). The English locale keeps rupiah too: the amounts are the same.
_FORMAT_LOCALES: dict[str, dict[str, Any]] = {
    "id": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""], "percent": "%"},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["Rp", ""], "percent": "%"},
}
#: d3-time-format locales (https://github.com/d3/d3-time-format#timeFormatLocale); Indonesian names and
#: the "dd/MM/yyyy", "HH.mm.ss" patterns follow CLDR ``id``.
_TIME_LOCALES: dict[str, dict[str, Any]] = {
    "id": {
        "dateTime": "%A, %e %B %Y %H.%M.%S",
        "date": "%d/%m/%Y",
        "time": "%H.%M.%S",
        "periods": ["AM", "PM"],
        "days": ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
        "shortDays": ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
        "months": [
            "Januari",
            "Februari",
            "Maret",
            "April",
            "Mei",
            "Juni",
            "Juli",
            "Agustus",
            "September",
            "Oktober",
            "November",
            "Desember",
        ],
        "shortMonths": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    },
    "en": {
        "dateTime": "%x, %X",
        "date": "%-m/%-d/%Y",
        "time": "%-I:%M:%S %p",
        "periods": ["AM", "PM"],
        "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
        "months": [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    },
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


# --------------------------------------------------------------------------------------------- values


def _plain(value: Any) -> Any:
    """One value as JSON-ready Python.

    Dates become ISO strings. Datetimes keep their wall-clock reading and are marked UTC (``…Z``): charts
    use UTC time scales, so ``10:00`` in the workspace's time zone is drawn at 10:00 whatever zone the
    server renders in. ``Decimal`` becomes ``float``; NaN and infinities become ``None`` (JSON has no NaN).
    """
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat() + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        number = float(value)
        return number if math.isfinite(number) else None
    return str(value)


def _number(value: Any) -> float | None:
    plain = _plain(value)
    if plain is None or isinstance(plain, bool):
        return None
    if isinstance(plain, int | float):
        return float(plain)
    raise ValueError(f'"{plain}" is not a number. Chart values must be numbers (int, float or Decimal).')


def _field(row: Row, name: str, index: int) -> Any:
    try:
        return row[name]
    except KeyError:
        raise ValueError(f'Row {index + 1} has no "{name}" value. Every row of this chart needs one.') from None


def _is_date_like(value: Any) -> bool:
    return isinstance(value, dt.date) or (isinstance(value, str) and bool(_ISO_DATE.match(value)))


def _title_text(title: Any) -> str:
    """The plain text of a Vega-Lite title (a string, a list of lines or ``{"text": …}``)."""
    if isinstance(title, Mapping):
        title = title.get("text", "")
    if isinstance(title, list | tuple):
        return " ".join(str(line) for line in title)
    return "" if title is None else str(title)


def _base(title: str, width: int, height: int) -> Spec:
    return {
        "$schema": SCHEMA,
        "title": title,
        "description": title,
        "width": width,
        "height": height,
        "autosize": {"type": "fit", "contains": "padding"},
        "background": "transparent",
        "config": THEME,
    }


def _empty(title: str, width: int, height: int, empty_text: str) -> Spec:
    """A spec that draws the title and ``empty_text`` in the middle."""
    spec = _base(title, width, height)
    spec["data"] = {"values": [{"text": empty_text}]}
    spec["mark"] = {"type": "text", "fontSize": 14, "color": MUTED}
    spec["encoding"] = {"text": {"field": "text", "type": "nominal"}}
    return spec


def _row_height(count: int, height: int | None) -> int:
    return height if height is not None else max(90, 40 + ROW_HEIGHT * count)


def _expr_format(field: str, fmt: str) -> str:
    """A Vega expression formatting ``datum[field]`` with a d3-format string (JSON is a valid JS literal)."""
    return f"format(datum[{json.dumps(field)}], {json.dumps(fmt)})"


# --------------------------------------------------------------------------------------------- builders


def time_series(
    rows: Sequence[Row],
    *,
    x: str = "period",
    y: str,
    color: str | None = None,
    title: str,
    y_format: str | None = None,
    y_title: str | None = None,
    x_title: str | None = None,
    compare_rows: Sequence[Row] | None = None,
    markers: Sequence[Mapping[str, Any]] | None = None,
    x_unit: Literal["day", "month"] | None = None,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    empty_text: str = DEFAULT_EMPTY_TEXT,
) -> Spec:
    """Lines over time: one per value of ``color`` (e.g. channel), or a single blue line.

    ``x`` values are dates (or ISO strings) drawn on a UTC time axis, by day or — when ``x_unit`` is
    ``"month"``, or is ``None`` and every date is the first of its month — by month; any other ``x``
    values (``"W01"``) are drawn in row order as categories. ``compare_rows`` (same fields, already moved
    onto the current period's dates) is drawn as a thinner dashed line: grey for a single series, the
    series' colour otherwise. ``markers`` (anomalies) are red points with their ``label`` written above;
    each marker gives its position with the row field names (``x``, ``y``) or as ``day`` and ``value``.
    """
    if not rows:
        return _empty(title, width, height, empty_text)
    current = [_ts_row(row, x, y, color, index) for index, row in enumerate(rows)]
    previous = [_ts_row(row, x, y, color, index) for index, row in enumerate(compare_rows or ())]
    xs = [row["x"] for row in current + previous if row["x"] is not None]
    temporal = bool(xs) and all(_is_date_like(value) for value in xs)
    unit = x_unit
    if temporal and unit is None:
        unit = "month" if all(str(value)[8:10] == "01" for value in xs) and len(set(xs)) > 1 else "day"

    x_encoding: dict[str, Any] = {"field": "x", "title": x_title}
    if temporal:
        x_encoding |= {
            "type": "temporal",
            "timeUnit": "utcyearmonth" if unit == "month" else "utcyearmonthdate",
            "axis": {"format": "%b %Y" if unit == "month" else "%-d %b", "labelOverlap": True, "grid": False},
        }
    else:
        x_encoding |= {"type": "ordinal", "sort": None, "axis": {"labelAngle": 0, "grid": False}}
    y_encoding: dict[str, Any] = {"field": "y", "type": "quantitative", "title": y_title, "axis": {"tickCount": 5}}
    if y_format:
        y_encoding["axis"]["format"] = y_format
    value_format = y_format or DEFAULT_NUMBER_FORMAT
    tooltip: list[dict[str, Any]] = [
        {
            "field": "x",
            "type": x_encoding["type"],
            "title": x_title or " ",
            **({"timeUnit": x_encoding["timeUnit"]} if temporal else {}),
        },
        {"field": "y", "type": "quantitative", "title": y_title or " ", "format": value_format},
    ]
    encoding: dict[str, Any] = {"x": x_encoding, "y": y_encoding}
    if color:
        encoding["color"] = {"field": "series", "type": "nominal", "title": None, "sort": None}
        tooltip.insert(0, {"field": "series", "type": "nominal", "title": " "})

    single_point = len({row["x"] for row in current}) == 1
    layers: list[Spec] = []
    if previous:
        dashed: dict[str, Any] = {"type": "line", "strokeDash": [5, 4], "strokeWidth": 1.5, "opacity": 0.75}
        if not color:
            dashed["color"] = GREY
        layers.append({"data": {"values": previous}, "mark": dashed, "encoding": {"tooltip": tooltip}})
    layers.append(
        {
            "data": {"values": current},
            "mark": {"type": "line", "point": single_point, **({} if color else {"color": BLUE})},
            "encoding": {"tooltip": tooltip},
        }
    )
    if markers:
        points = [_marker_row(marker, x, y, index) for index, marker in enumerate(markers)]
        marker_tooltip = [{"field": "label", "type": "nominal", "title": " "}, *tooltip[-2:]]
        layers.append(
            {
                "data": {"values": points},
                "mark": {"type": "point", "filled": True, "color": RED, "size": 64, "opacity": 1},
                "encoding": {"color": {"value": RED}, "tooltip": marker_tooltip},
            }
        )
        layers.append(
            {
                "data": {"values": points},
                "mark": {"type": "text", "color": RED, "dy": -12, "fontSize": 11},
                "encoding": {"color": {"value": RED}, "text": {"field": "label", "type": "nominal"}},
            }
        )
    spec = _base(title, width, height)
    spec["encoding"] = encoding
    spec["layer"] = layers
    return spec


def _ts_row(row: Row, x: str, y: str, color: str | None, index: int) -> dict[str, Any]:
    out = {"x": _plain(_field(row, x, index)), "y": _number(_field(row, y, index))}
    if color:
        out["series"] = _plain(_field(row, color, index))
    return out


def _marker_row(marker: Mapping[str, Any], x: str, y: str, index: int) -> dict[str, Any]:
    def pick(primary: str, fallback: str) -> Any:
        if primary in marker:
            return marker[primary]
        if fallback in marker:
            return marker[fallback]
        raise ValueError(f'Marker {index + 1} has no "{primary}" (or "{fallback}") value. Every marker needs a position.')

    label = marker.get("label")
    return {"x": _plain(pick(x, "day")), "y": _number(pick(y, "value")), "label": "" if label is None else str(label)}


def bar_by(
    rows: Sequence[Row],
    *,
    category: str,
    value: str,
    title: str,
    value_format: str | None = None,
    sort: Literal["-x", "x", "-y", "y"] | None = "-x",
    horizontal: bool = True,
    value_title: str | None = None,
    category_title: str | None = None,
    labels: bool = True,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    empty_text: str = DEFAULT_EMPTY_TEXT,
) -> Spec:
    """One bar per category (spend or CPA per channel), each labelled with its value.

    ``sort``: ``"-x"`` or ``"-y"`` puts the largest value first (top, or left when vertical), ``"x"`` or
    ``"y"`` the smallest; either letter refers to the value axis whatever the orientation. ``None`` keeps
    the rows' order.
    """
    if not rows:
        return _empty(title, width, height, empty_text)
    if sort not in (None, "-x", "x", "-y", "y"):
        raise ValueError(f'Unknown sort "{sort}". Use "-x" (largest first), "x" (smallest first) or None (row order).')
    data = [{"category": _plain(_field(row, category, i)), "value": _number(_field(row, value, i))} for i, row in enumerate(rows)]
    fmt = value_format or DEFAULT_NUMBER_FORMAT
    value_channel, category_channel = ("x", "y") if horizontal else ("y", "x")
    category_sort = None if sort is None else ("-" if sort.startswith("-") else "") + value_channel
    value_axis: dict[str, Any] = {"tickCount": 5}
    if value_format:
        value_axis["format"] = value_format
    category_axis: dict[str, Any] = {"grid": False, "ticks": False}
    if not horizontal:
        category_axis["labelAngle"] = 0
    encoding: dict[str, Any] = {
        category_channel: {
            "field": "category",
            "type": "nominal",
            "sort": category_sort,
            "title": category_title,
            "axis": category_axis,
        },
        value_channel: {
            "field": "value",
            "type": "quantitative",
            "title": value_title,
            "axis": value_axis,
            "scale": {"nice": True},
        },
        "tooltip": [
            {"field": "category", "type": "nominal", "title": category_title or " "},
            {"field": "value", "type": "quantitative", "title": value_title or " ", "format": fmt},
        ],
    }
    layers: list[Spec] = [{"mark": {"type": "bar", "color": BLUE, "cornerRadiusEnd": 2}}]
    if labels:
        label_mark: dict[str, Any] = {"type": "text", "fontSize": 11, "color": "#495057"}
        label_mark |= {"align": "left", "baseline": "middle", "dx": 4} if horizontal else {"baseline": "bottom", "dy": -3}
        layers.append({"mark": label_mark, "encoding": {"text": {"field": "value", "type": "quantitative", "format": fmt}}})
    spec = _base(title, width, height)
    spec["data"] = {"values": data}
    spec["encoding"] = encoding
    spec["layer"] = layers
    return spec


def planned_vs_actual(
    rows: Sequence[Row],
    *,
    category: str,
    planned: str = "planned",
    actual: str = "actual",
    forecast: str | None = None,
    title: str,
    value_format: str | None = None,
    value_title: str | None = None,
    series_labels: Mapping[str, str] | None = None,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    empty_text: str = DEFAULT_EMPTY_TEXT,
) -> Spec:
    """Grouped vertical bars per category (channel or month): planned (grey), actual (blue) and, when
    ``forecast`` names a field, the forecast (orange). Categories keep the rows' order; a missing
    (``None``) value draws no bar. ``series_labels`` translates the legend: keys ``"planned"``,
    ``"actual"``, ``"forecast"``.
    """
    names = {"planned": "Planned", "actual": "Actual", "forecast": "Forecast"} | dict(series_labels or {})
    series = [(planned, names["planned"]), (actual, names["actual"])]
    colours = [GREY, BLUE]
    if forecast:
        series.append((forecast, names["forecast"]))
        colours.append(ORANGE)
    return grouped_bars(
        rows,
        category=category,
        series=series,
        colours=colours,
        title=title,
        value_format=value_format,
        value_title=value_title,
        width=width,
        height=height,
        empty_text=empty_text,
    )


def progress_bullet(
    rows: Sequence[Row],
    *,
    label: str,
    value: str,
    target: str,
    start: str | None = None,
    title: str,
    value_format: str | None = None,
    width: int = DEFAULT_WIDTH,
    height: int | None = None,
    empty_text: str = DEFAULT_EMPTY_TEXT,
) -> Spec:
    """Key-result progress as bullet bars, one row per KR.

    KRs have different units, so every row is drawn on one shared scale of progress,
    ``(value − start) / (target − start)`` (``start`` is 0 when not given): a grey band to 100 %, a bar
    to the progress (green once the target is reached, blue before) and a dark tick at the target. A KR
    that should go down (CPA from 50k to 35k) works the same way. When ``target`` equals ``start`` the
    progress is 100 % if the value equals the target and 0 % otherwise. Each row is labelled on the right
    with ``value / target (progress %)``, the numbers formatted with ``value_format``. ``height`` defaults
    to one row of 34 px per KR.
    """
    if not rows:
        return _empty(title, width, _row_height(1, height), empty_text)
    data: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        current = _number(_field(row, value, index))
        goal = _number(_field(row, target, index))
        origin = _number(_field(row, start, index)) if start else 0.0
        origin = 0.0 if origin is None else origin
        if goal is None:
            raise ValueError(f"Row {index + 1} has no target. Set a target for this key result to show its progress.")
        if current is None:
            progress = 0.0
        elif goal == origin:
            progress = 1.0 if current == goal else 0.0
        else:
            progress = (current - origin) / (goal - origin)
        data.append({"label": _plain(_field(row, label, index)), "value": current, "target": goal, "progress": progress})
    fmt = value_format or DEFAULT_NUMBER_FORMAT
    low = min(0.0, *(row["progress"] for row in data))
    high = max(1.0, *(row["progress"] for row in data))
    # The bars use the left ~55 % of the plot; the labels are right-aligned in the rest.
    domain = [low, low + (high - low) / 0.55]
    x_scale = {"domain": domain, "nice": False, "zero": False}
    y = {
        "field": "label",
        "type": "nominal",
        "sort": None,
        "title": None,
        "axis": {"ticks": False, "domain": False, "grid": False},
    }
    text = (
        f"(datum.value == null ? '–' : {_expr_format('value', fmt)}) + ' / ' + {_expr_format('target', fmt)}"
        f" + ' (' + {_expr_format('progress', '.0%')} + ')'"
    )
    tooltip = [
        {"field": "label", "type": "nominal", "title": " "},
        {"field": "value", "type": "quantitative", "title": " ", "format": fmt},
        {"field": "target", "type": "quantitative", "title": " ", "format": fmt},
        {"field": "progress", "type": "quantitative", "title": " ", "format": ".0%"},
    ]
    layers: list[Spec] = [
        {
            "mark": {"type": "bar", "color": GRID, "height": {"band": 0.7}},
            "encoding": {"x": {"datum": 0, "type": "quantitative", "scale": x_scale, "axis": None}, "x2": {"datum": 1}},
        },
        {
            "mark": {"type": "bar", "height": {"band": 0.38}},
            "encoding": {
                "x": {"field": "progress", "type": "quantitative"},
                "x2": {"datum": 0},
                "color": {"condition": {"test": "datum.progress >= 1", "value": GREEN}, "value": BLUE},
                "tooltip": tooltip,
            },
        },
        {
            "mark": {"type": "tick", "color": DARK, "thickness": 2, "opacity": 1},
            "encoding": {"x": {"datum": 1, "type": "quantitative"}},
        },
        {
            "transform": [{"calculate": text, "as": "text"}],
            "mark": {"type": "text", "align": "right", "baseline": "middle", "x": "width", "fontSize": 12, "color": "#495057"},
            "encoding": {"text": {"field": "text", "type": "nominal"}},
        },
    ]
    spec = _base(title, width, _row_height(len(data), height))
    spec["data"] = {"values": data}
    spec["encoding"] = {"y": y}
    spec["layer"] = layers
    return spec


def interval_chart(
    rows: Sequence[Row],
    *,
    label: str,
    estimate: str,
    low: str,
    high: str,
    title: str,
    value_format: str | None = None,
    value_title: str | None = None,
    reference: float | None = None,
    width: int = DEFAULT_WIDTH,
    height: int | None = None,
    empty_text: str = DEFAULT_EMPTY_TEXT,
) -> Spec:
    """One row per item (experiment variant): a point at the estimate and a line from ``low`` to ``high``
    (a confidence interval). ``reference`` (e.g. 0 for "no lift") draws a dashed vertical line. ``height``
    defaults to one row of 34 px per item.
    """
    if not rows:
        return _empty(title, width, _row_height(1, height), empty_text)
    data = [
        {
            "label": _plain(_field(row, label, i)),
            "estimate": _number(_field(row, estimate, i)),
            "low": _number(_field(row, low, i)),
            "high": _number(_field(row, high, i)),
        }
        for i, row in enumerate(rows)
    ]
    fmt = value_format or DEFAULT_NUMBER_FORMAT
    value_axis: dict[str, Any] = {"tickCount": 5}
    if value_format:
        value_axis["format"] = value_format
    tooltip = [
        {"field": "label", "type": "nominal", "title": " "},
        {"field": "estimate", "type": "quantitative", "title": value_title or " ", "format": fmt},
        {"field": "low", "type": "quantitative", "title": " ", "format": fmt},
        {"field": "high", "type": "quantitative", "title": " ", "format": fmt},
    ]
    y = {"field": "label", "type": "nominal", "sort": None, "title": None, "axis": {"ticks": False, "grid": False}}
    layers: list[Spec] = []
    if reference is not None:
        layers.append(
            {
                "data": {"values": [{"reference": float(reference)}]},
                "mark": {"type": "rule", "color": MUTED, "strokeDash": [4, 4]},
                "encoding": {"x": {"field": "reference", "type": "quantitative"}},
            }
        )
    layers += [
        {
            "mark": {"type": "rule", "color": MUTED, "strokeWidth": 2},
            "encoding": {
                "y": y,
                "x": {"field": "low", "type": "quantitative", "title": value_title, "axis": value_axis, "scale": {"zero": False}},
                "x2": {"field": "high"},
                "tooltip": tooltip,
            },
        },
        {
            "mark": {"type": "point", "filled": True, "color": BLUE, "size": 70, "opacity": 1},
            "encoding": {"y": y, "x": {"field": "estimate", "type": "quantitative"}, "tooltip": tooltip},
        },
    ]
    spec = _base(title, width, _row_height(len(data), height))
    spec["data"] = {"values": data}
    spec["layer"] = layers
    return spec


# --------------------------------------------------------------------------------------------- output


def to_json(spec: Mapping[str, Any], *, indent: int | None = None) -> str:
    """The spec as JSON, safe inside an HTML ``<script>`` element: ``<``, ``>`` and ``&`` are written as
    ``\\u003c``, ``\\u003e``, ``\\u0026`` (still valid JSON, as Django's ``json_script`` does)."""
    text = json.dumps(spec, indent=indent, ensure_ascii=False, default=str, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_svg(spec: Mapping[str, Any], *, locale: Locale = "en", currency: str = "Rp") -> str:
    """Render a Vega-Lite spec to an SVG string ready to inline in HTML, a PDF or an email.

    ``locale`` picks the number format (``"id"``: ``1.234,5``; ``"en"``: ``1,234.5``) and month and day
    names; ``currency`` is the symbol d3's ``$`` format type puts before the amount (``"$,.0f"`` →
    ``Rp1.234``). Results are cached (LRU, 256 entries) by the spec's JSON, the locale and the currency,
    so the same chart on the next page view costs a dictionary look-up; a cached call returns the very
    same string object.
    """
    if locale not in _FORMAT_LOCALES:
        raise ValueError(f'Unknown chart locale "{locale}". Use "id" (Indonesian) or "en" (English).')
    key = json.dumps(spec, sort_keys=True, default=str)
    return _render(key, locale, currency)


def clear_render_cache() -> None:
    """Forget every cached SVG (tests; a theme change at run time)."""
    _render.cache_clear()


@functools.lru_cache(maxsize=256)
def _render(spec_json: str, locale: str, currency: str) -> str:
    format_locale = _FORMAT_LOCALES[locale] | {"currency": [currency, ""]}
    svg = vl_convert.vegalite_to_svg(
        spec_json, vl_version=VEGA_LITE_VERSION, format_locale=format_locale, time_format_locale=_TIME_LOCALES[locale]
    )
    title = _title_text(json.loads(spec_json).get("title")) or "Chart"
    return _finish_svg(svg, title)


_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>\s*(?:<!DOCTYPE[^>]*>\s*)?")
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_ATTRIBUTE = re.compile(r'\s(width|height|class|role|aria-label)="[^"]*"')


def _finish_svg(svg: str, title: str) -> str:
    """Prolog off, white background off, accessible and responsive root element."""
    svg = _PROLOG.sub("", svg)
    match = _SVG_OPEN.search(svg)
    if match is None:
        raise ValueError("vl-convert returned something that is not an SVG document.")
    opening = _ATTRIBUTE.sub("", match.group(0))
    extra = f' class="alur-chart" role="img" aria-label="{html.escape(title, quote=True)}" width="100%"'
    opening = opening[:-1].rstrip("/ ") + extra + ">"
    rest = svg[match.end() :]
    # Vega draws a configured background as the first child: <rect width=".." height=".." fill="white"/>.
    rest = re.sub(r'^<rect width="[\d.]+" height="[\d.]+" fill="(?:white|#fff|#ffffff)"/>', "", rest)
    return svg[: match.start()] + opening + rest


def grouped_bars(
    rows: Sequence[Row],
    *,
    category: str,
    series: Sequence[tuple[str, str]],
    colours: Sequence[str] | None = None,
    title: str,
    value_format: str | None = None,
    value_title: str | None = None,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    empty_text: str = DEFAULT_EMPTY_TEXT,
) -> Spec:
    """Grouped vertical bars: one group per category (a channel), one bar per series (an attribution
    model, or planned/actual), coloured by ``colours`` or else from :data:`PALETTE` in the order of
    ``series`` — ``(field, legend label)`` pairs. Categories keep the rows' order; a ``None`` value draws
    no bar."""
    if not rows or not series:
        return _empty(title, width, height, empty_text)
    palette = list(colours) if colours is not None else list(PALETTE)
    if len(series) > len(palette):
        raise ValueError(f"At most {len(palette)} series fit the palette; {len(series)} were given.")
    data: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        label = _plain(_field(row, category, index))
        for field, name in series:
            number = _number(_field(row, field, index))
            if number is not None:
                data.append({"category": label, "series": name, "value": number})
    order = [name for _field_name, name in series]
    fmt = value_format or DEFAULT_NUMBER_FORMAT
    value_axis: dict[str, Any] = {"tickCount": 5}
    if value_format:
        value_axis["format"] = value_format
    spec = _base(title, width, height)
    spec["data"] = {"values": data}
    spec["mark"] = {"type": "bar", "cornerRadiusEnd": 2}
    spec["encoding"] = {
        "x": {
            "field": "category",
            "type": "nominal",
            "sort": None,
            "title": None,
            "axis": {"labelAngle": 0, "grid": False, "ticks": False, "labelLimit": 120},
            "scale": {"paddingInner": 0.2},
        },
        "xOffset": {"field": "series", "type": "nominal", "sort": order, "scale": {"paddingInner": 0.05}},
        "y": {"field": "value", "type": "quantitative", "title": value_title, "axis": value_axis},
        "color": {
            "field": "series",
            "type": "nominal",
            "title": None,
            "scale": {"domain": order, "range": palette[: len(order)]},
            "legend": {"orient": "top", "direction": "horizontal"},
        },
        "tooltip": [
            {"field": "category", "type": "nominal", "title": " "},
            {"field": "series", "type": "nominal", "title": " "},
            {"field": "value", "type": "quantitative", "title": value_title or " ", "format": fmt},
        ],
    }
    return spec


def lift_intervals(
    rows: Sequence[Row],
    *,
    label: str,
    lift: str,
    low: str,
    high: str,
    title: str,
    value_format: str = "+.1%",
    value_title: str | None = None,
    width: int = DEFAULT_WIDTH,
    height: int | None = None,
    empty_text: str = DEFAULT_EMPTY_TEXT,
) -> Spec:
    """An experiment's lift per variant over the control with its confidence interval (one row each, a
    dashed line at 0 = no difference; :func:`interval_chart`). The point is green when the whole interval
    is above 0, red when below, blue when it crosses 0."""
    spec = interval_chart(
        rows,
        label=label,
        estimate=lift,
        low=low,
        high=high,
        title=title,
        value_format=value_format,
        value_title=value_title,
        reference=0.0,
        width=width,
        height=height,
        empty_text=empty_text,
    )
    if not rows:
        return spec
    for value in spec["data"]["values"]:
        lower, upper = value["low"], value["high"]
        value["tone"] = "up" if lower is not None and lower > 0 else "down" if upper is not None and upper < 0 else "flat"
    # 0 (no difference) always inside the axis and clear of its edge; room on the left for labels drawn in
    # a browser font wider than the one the layout was measured with.
    for layer in spec["layer"]:
        x = layer["encoding"].get("x", {})
        if "axis" in x:
            x["scale"] = {"zero": True, "padding": 14}
    spec["padding"] = {"left": 18, "right": 6, "top": 4, "bottom": 4}
    spec["layer"][-1]["encoding"]["color"] = {
        "field": "tone",
        "type": "nominal",
        "scale": {"domain": ["up", "down", "flat"], "range": [GREEN, RED, BLUE]},
        "legend": None,
    }
    return spec
