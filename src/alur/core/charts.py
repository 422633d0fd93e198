"""Small server-side SVG charts: no JavaScript, no CDN, the same picture in a page, a PDF or an email.

Framework-free: numbers in, an SVG string out. Values are escaped; the SVG has a <title> for screen
readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Point:
    label: str
    value: float


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    target: float | None = None,
    start: float | None = None,
    width: int = 560,
    height: int = 180,
    target_label: str = "target",
) -> str:
    """A line of values over time with optional dashed lines for the start and the target."""
    pad_left, pad_right, pad_top, pad_bottom = 56, 16, 16, 28
    values = [p.value for p in points] + [v for v in (target, start) if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high == low:
        high, low = high + 1, low - 1
    span = high - low
    low, high = low - span * 0.08, high + span * 0.08
    inner_w, inner_h = width - pad_left - pad_right, height - pad_top - pad_bottom

    def x(index: int) -> float:
        return pad_left + (inner_w * index / (len(points) - 1) if len(points) > 1 else inner_w / 2)

    def y(value: float) -> float:
        return pad_top + inner_h * (1 - (value - low) / (high - low))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="alur-chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad_left}" y1="{pad_top + inner_h}" x2="{width - pad_right}" y2="{pad_top + inner_h}" class="axis"/>',
    ]
    for value in (low + (high - low) * share for share in (0.1, 0.5, 0.9)):
        parts.append(
            f'<text x="{pad_left - 6}" y="{y(value) + 4:.1f}" class="tick" text-anchor="end">{escape(_short(value))}</text>'
        )
    if start is not None:
        parts.append(f'<line x1="{pad_left}" y1="{y(start):.1f}" x2="{width - pad_right}" y2="{y(start):.1f}" class="start"/>')
    if target is not None:
        parts.append(f'<line x1="{pad_left}" y1="{y(target):.1f}" x2="{width - pad_right}" y2="{y(target):.1f}" class="target"/>')
        label = escape(f"{target_label} {_short(target)}")
        parts.append(
            f'<text x="{width - pad_right}" y="{y(target) - 4:.1f}" class="target-label" text-anchor="end">{label}</text>'
        )
    if points:
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(p.value):.1f}" for i, p in enumerate(points))
        parts.append(f'<path d="{path}" class="line"/>')
        for i, p in enumerate(points):
            tooltip = f"<title>{escape(p.label)}: {escape(_short(p.value))}</title>"
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="3.5" class="dot">{tooltip}</circle>')
        for i in sorted({0, len(points) - 1}):
            anchor = "start" if i == 0 and len(points) > 1 else "end" if i else "middle"
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 8}" class="tick" text-anchor="{anchor}">{escape(points[i].label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _short(value: float) -> str:
    """1234567 → 1.2M, 15300 → 15.3k, 0.45 → 0.45: labels that fit beside an axis."""
    magnitude = abs(value)
    if magnitude >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if magnitude >= 10_000:
        return f"{value / 1_000:.1f}k"
    if magnitude >= 100 or value == int(value):
        return f"{value:.0f}"
    return f"{value:.2f}"
