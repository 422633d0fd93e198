"""Server-rendered charts: spec builders, SVG rendering with vl-convert, locales, escaping, caching."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest

from alur.analytics import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises if the SVG is not well-formed XML


def texts(svg: str) -> list[str]:
    return [element.text or "" for element in parse(svg).iter(f"{SVG}text")]


def marks(svg: str, description: str) -> int:
    """How many marks of one kind ("bar", "line mark", "point", "tick", "text mark") were drawn."""
    return len(re.findall(f'aria-roledescription="{description}"', svg))


def axis_labels(svg: str) -> list[list[str]]:
    """The label texts of each axis, in drawing order (top to bottom, left to right)."""
    return [
        [text.text or "" for text in group.iter(f"{SVG}text")]
        for group in parse(svg).iter(f"{SVG}g")
        if "role-axis-label" in group.get("class", "")
    ]


DAYS = [dt.date(2026, 5, 1) + dt.timedelta(days=i) for i in range(3)]


# ------------------------------------------------------------------------------------------ time_series


def test_time_series_single_line_with_locale_numbers() -> None:
    rows = [{"period": day, "spend": Decimal(value)} for day, value in zip(DAYS, ["1234.5", "1500", "2000"], strict=True)]
    spec = charts.time_series(rows, y="spend", title="Spend per day", y_format=",.1f")

    assert spec["layer"][0]["data"]["values"][0] == {"x": "2026-05-01", "y": 1234.5}
    english = charts.render_svg(spec, locale="en")
    indonesian = charts.render_svg(spec, locale="id")
    assert parse(english).get("aria-label") == "Spend per day"
    assert "Spend per day" in texts(english)
    assert marks(english, "line mark") == 1
    assert "2,000.0" in texts(english) and "1,500.0" in texts(english)
    assert "2.000,0" in texts(indonesian) and "1.500,0" in texts(indonesian)
    assert "2,000.0" not in texts(indonesian)


def test_time_series_series_compare_and_markers() -> None:
    rows = [{"period": day, "spend": 100 + i, "channel": channel} for i, day in enumerate(DAYS) for channel in ("Meta", "Google")]
    previous = [{"period": day, "spend": 90, "channel": channel} for day in DAYS for channel in ("Meta", "Google")]
    spec = charts.time_series(
        rows,
        y="spend",
        color="channel",
        title="Spend",
        compare_rows=previous,
        markers=[{"day": DAYS[1], "value": Decimal("101"), "label": "Spike"}],
    )
    svg = charts.render_svg(spec)

    assert marks(svg, "line mark") == 4  # two channels, now and the previous period
    assert svg.count("stroke-dasharray") == 2  # only the previous-period lines are dashed
    assert marks(svg, "point") == 1
    assert "Spike" in texts(svg)
    assert re.search(r'aria-roledescription="point"[^>]*fill="#dc3545"', svg)
    assert {"Meta", "Google"} <= set(texts(svg))  # legend
    assert spec["layer"][2]["data"]["values"] == [{"x": "2026-05-02", "y": 101.0, "label": "Spike"}]


def test_time_series_months_use_locale_month_names() -> None:
    rows = [{"period": dt.date(2026, month, 1), "leads": month * 10} for month in (4, 5, 6)]
    spec = charts.time_series(rows, y="leads", title="Leads")

    assert spec["encoding"]["x"]["timeUnit"] == "utcyearmonth"
    assert axis_labels(charts.render_svg(spec, locale="en"))[0] == ["Apr 2026", "May 2026", "Jun 2026"]
    assert axis_labels(charts.render_svg(spec, locale="id"))[0] == ["Apr 2026", "Mei 2026", "Jun 2026"]


def test_time_series_non_dates_are_categories_in_row_order() -> None:
    rows = [{"period": "W10", "y": 1}, {"period": "W02", "y": 2}]
    svg = charts.render_svg(charts.time_series(rows, y="y", title="Weekly"))
    assert axis_labels(svg)[0] == ["W10", "W02"]


def test_time_series_missing_field_names_the_row() -> None:
    with pytest.raises(ValueError, match='Row 2 has no "spend" value'):
        charts.time_series([{"period": DAYS[0], "spend": 1}, {"period": DAYS[1]}], y="spend", title="t")
    with pytest.raises(ValueError, match='Marker 1 has no "spend"'):
        charts.time_series([{"period": DAYS[0], "spend": 1}], y="spend", title="t", markers=[{"period": DAYS[0]}])


# ------------------------------------------------------------------------------------------ bar_by

CHANNELS = [{"channel": "Meta", "spend": 1234.5}, {"channel": "Google Ads", "spend": 5000}, {"channel": "TikTok", "spend": 300}]


def test_bar_by_labels_sorting_and_locales() -> None:
    spec = charts.bar_by(CHANNELS, category="channel", value="spend", title="Spend by channel", value_format=",.1f")
    english = charts.render_svg(spec, locale="en")
    indonesian = charts.render_svg(spec, locale="id")

    assert marks(english, "bar") == 3
    assert "Spend by channel" in texts(english)
    assert {"1,234.5", "5,000.0", "300.0"} <= set(texts(english))
    assert {"1.234,5", "5.000,0", "300,0"} <= set(texts(indonesian))
    assert "1,234.5" not in texts(indonesian)
    assert ["Google Ads", "Meta", "TikTok"] in axis_labels(english)  # largest first

    ascending = charts.render_svg(charts.bar_by(CHANNELS, category="channel", value="spend", title="t", sort="x"))
    assert ["TikTok", "Meta", "Google Ads"] in axis_labels(ascending)
    as_given = charts.render_svg(charts.bar_by(CHANNELS, category="channel", value="spend", title="t", sort=None))
    assert ["Meta", "Google Ads", "TikTok"] in axis_labels(as_given)


def test_bar_by_vertical_and_currency() -> None:
    spec = charts.bar_by(CHANNELS, category="channel", value="spend", title="t", horizontal=False, value_format="$,.0f")
    assert spec["encoding"]["x"]["field"] == "category" and spec["encoding"]["x"]["sort"] == "-y"
    svg = charts.render_svg(spec, locale="id")
    assert ["Google Ads", "Meta", "TikTok"] in axis_labels(svg)  # left to right, largest first
    assert "Rp1.235" in texts(svg)  # 1234.5 rounded (JavaScript toFixed)
    assert "US$1,235" in texts(charts.render_svg(spec, locale="en", currency="US$"))


def test_bar_by_rejects_unknown_sort() -> None:
    wrong: Any = "value"
    with pytest.raises(ValueError, match="Unknown sort"):
        charts.bar_by(CHANNELS, category="channel", value="spend", title="t", sort=wrong)


def test_bar_by_keeps_only_the_drawn_fields() -> None:
    rows = [{"channel.name": "Meta", "spend": Decimal("10.50"), "secret": "do not leak"}]
    spec = charts.bar_by(rows, category="channel.name", value="spend", title="t")
    assert spec["data"]["values"] == [{"category": "Meta", "value": 10.5}]
    assert "do not leak" not in charts.to_json(spec)


# ------------------------------------------------------------------------------------------ planned_vs_actual


def test_planned_vs_actual_grouped_bars_with_forecast() -> None:
    rows = [
        {"month": "Jan", "planned": 100, "actual": 90, "forecast": None},
        {"month": "Feb", "planned": 120, "actual": 130, "forecast": None},
        {"month": "Mar", "planned": 120, "actual": None, "forecast": Decimal("125")},
    ]
    labels = {"planned": "Rencana", "actual": "Realisasi", "forecast": "Perkiraan"}
    spec = charts.planned_vs_actual(rows, category="month", forecast="forecast", title="Budget", series_labels=labels)
    svg = charts.render_svg(spec, locale="id")

    assert marks(svg, "bar") == 6  # 3 planned + 2 actual + 1 forecast; missing values draw nothing
    assert {"Rencana", "Realisasi", "Perkiraan", "Budget"} <= set(texts(svg))
    assert ["Jan", "Feb", "Mar"] in axis_labels(svg)
    fills = re.findall(r'aria-roledescription="bar"[^>]*fill="(#[0-9a-f]+)"', svg)
    assert sorted(fills) == sorted(["#6c757d"] * 3 + ["#0d6efd"] * 2 + ["#fd7e14"])


def test_planned_vs_actual_without_forecast() -> None:
    rows = [{"channel": "Meta", "plan": 10, "spent": 12}]
    svg = charts.render_svg(charts.planned_vs_actual(rows, category="channel", planned="plan", actual="spent", title="t"))
    assert marks(svg, "bar") == 2
    assert "Forecast" not in texts(svg)


# ------------------------------------------------------------------------------------------ progress_bullet


def test_progress_bullet_progress_and_labels() -> None:
    rows = [
        {"kr": "Revenue", "value": Decimal("1240000"), "target": 2000000, "start": None},
        {"kr": "CPA", "value": 40000, "target": 35000, "start": 50000},  # should go down: 10k of 15k = 2/3
        {"kr": "Leads", "value": 1200, "target": 1000, "start": 0},
        {"kr": "Churn", "value": 2, "target": 2, "start": 2},
    ]
    spec = charts.progress_bullet(rows, label="kr", value="value", target="target", start="start", title="Key results")
    progress = [row["progress"] for row in spec["data"]["values"]]
    assert progress == pytest.approx([0.62, 2 / 3, 1.2, 1.0])

    svg = charts.render_svg(spec, locale="id")
    assert "1.240.000 / 2.000.000 (62%)" in texts(svg)
    assert "40.000 / 35.000 (67%)" in texts(svg)
    assert "1,240,000 / 2,000,000 (62%)" in texts(charts.render_svg(spec, locale="en"))
    assert marks(svg, "tick") == 4
    assert marks(svg, "bar") == 8  # a grey band and a progress bar per KR
    fills = re.findall(r'aria-roledescription="bar"[^>]*fill="(#[0-9a-f]+)"', svg)
    assert fills.count("#198754") == 2  # Leads and Churn reached their target
    assert fills.count("#0d6efd") == 2
    assert parse(svg).get("viewBox") == f"0 0 640 {40 + 34 * 4}"


def test_progress_bullet_requires_a_target() -> None:
    with pytest.raises(ValueError, match="Row 1 has no target"):
        charts.progress_bullet([{"kr": "x", "v": 1, "t": None}], label="kr", value="v", target="t", title="t")


# ------------------------------------------------------------------------------------------ interval_chart


def test_interval_chart_points_intervals_and_reference() -> None:
    rows = [
        {"variant": "B", "lift": 0.05, "low": -0.01, "high": 0.11},
        {"variant": "C", "lift": Decimal("-0.02"), "low": -0.06, "high": 0.02},
    ]
    spec = charts.interval_chart(
        rows, label="variant", estimate="lift", low="low", high="high", title="Lift", value_format="+.0%", reference=0
    )
    svg = charts.render_svg(spec)

    assert marks(svg, "point") == 2
    assert marks(svg, "rule mark") == 3  # two intervals and the reference line
    assert svg.count("stroke-dasharray") == 1
    assert ["B", "C"] in axis_labels(svg)
    assert "+5%" in texts(svg) and "−5%" in texts(svg)  # d3 writes a real minus sign


# ------------------------------------------------------------------------------------------ empty data


@pytest.mark.parametrize(
    "spec",
    [
        charts.time_series([], y="y", title="Empty title"),
        charts.bar_by([], category="c", value="v", title="Empty title"),
        charts.planned_vs_actual([], category="c", title="Empty title"),
        charts.progress_bullet([], label="l", value="v", target="t", title="Empty title"),
        charts.interval_chart([], label="l", estimate="e", low="lo", high="hi", title="Empty title"),
    ],
)
def test_empty_rows_render_no_data(spec: dict[str, Any]) -> None:
    svg = charts.render_svg(spec)
    assert texts(svg) == ["No data", "Empty title"]


def test_empty_text_is_given_by_the_caller() -> None:
    svg = charts.render_svg(charts.bar_by([], category="c", value="v", title="Belanja", empty_text="Belum ada data"))
    assert "Belum ada data" in texts(svg)


# ------------------------------------------------------------------------------------------ render_svg


def test_data_text_is_escaped_never_live_markup() -> None:
    evil = "<script>alert(1)</script>"
    spec = charts.bar_by([{"c": evil, "v": 1}], category="c", value="v", title='Spend <b>"&"</b>')
    svg = charts.render_svg(spec)

    root = parse(svg)
    assert not [element for element in root.iter() if element.tag.rsplit("}", 1)[-1] in {"script", "b"}]
    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert evil in texts(svg)  # shown to the reader as text
    assert root.get("aria-label") == 'Spend <b>"&"</b>'


def test_root_element_is_accessible_and_responsive() -> None:
    spec = charts.bar_by(CHANNELS, category="channel", value="spend", title="Spend", width=500, height=200)
    spec["background"] = "white"  # vl-convert then draws a white <rect> first; render_svg removes it
    svg = charts.render_svg(spec)
    root = parse(svg)

    assert svg.startswith("<svg")
    assert root.get("class") == "alur-chart" and root.get("role") == "img" and root.get("aria-label") == "Spend"
    assert root.get("viewBox") == "0 0 500 200"
    assert root.get("width") == "100%" and root.get("height") is None
    assert 'fill="white"' not in svg


def test_finish_svg_strips_prolog_and_background() -> None:
    raw = (
        '<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="10" height="5"'
        ' viewBox="0 0 10 5"><rect width="10" height="5" fill="white"/><g/></svg>'
    )
    assert charts._finish_svg(raw, "A & B") == (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 5" class="alur-chart" role="img"'
        ' aria-label="A &amp; B" width="100%"><g/></svg>'
    )


def test_render_cache_returns_the_same_string() -> None:
    charts.clear_render_cache()
    spec = charts.bar_by(CHANNELS, category="channel", value="spend", title="Cached")
    first = charts.render_svg(spec)
    again = charts.render_svg(json.loads(json.dumps(spec)))  # an equal spec, another object
    assert again is first
    assert charts._render.cache_info().hits == 1
    assert charts.render_svg(spec, locale="id") is not first  # the locale is part of the key


def test_unknown_locale_is_refused() -> None:
    french: Any = "fr"
    with pytest.raises(ValueError, match='Unknown chart locale "fr"'):
        charts.render_svg(charts.bar_by([], category="c", value="v", title="t"), locale=french)


# ------------------------------------------------------------------------------------------ to_json


def test_to_json_is_safe_inside_a_script_element() -> None:
    spec = charts.bar_by([{"c": "</script><b>&", "v": Decimal("2.5")}], category="c", value="v", title="t")
    text = charts.to_json(spec)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["data"]["values"] == [{"category": "</script><b>&", "value": 2.5}]


def test_plain_values() -> None:
    aware = dt.datetime(2026, 5, 1, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert charts._plain(aware) == "2026-05-01T10:30:00Z"  # wall-clock kept, drawn on a UTC scale
    assert charts._plain(dt.date(2026, 5, 1)) == "2026-05-01"
    assert charts._plain(Decimal("1.25")) == 1.25
    assert charts._plain(float("nan")) is None
    with pytest.raises(ValueError, match='"abc" is not a number'):
        charts._number("abc")
