"""Anomaly detection on daily marketing series: a CTR drop, a bounce-rate jump, a cost or CPC spike (SPEC §6).

Framework-free (standard library only) so it can run in a worker, a report or a notebook.

The method, for each day ``d`` of a daily series, in date order:

1. **Level.** ``level(t)`` is the median of the values on the 7 days before ``t`` (``t − 7 … t − 1``,
   at least four of them present, otherwise ``t`` is not judged). Seven consecutive days hold each
   weekday once, so the level is comparable from one day to the next whatever the weekly pattern.
2. **Weekday baseline, level-adjusted** (multiplicative). For each of the same weekdays in the previous
   ``window_weeks`` weeks (``s = d − 7``, ``d − 14`` …) take the ratio ``value(s) ÷ level(s)``: how that
   weekday stood against the week before it. At least three such ratios are needed. Then
   ``expected = level(d) × median(ratios)``. A trend or a planned budget increase moves the level and so
   does not alarm.

   This is the brief's "last 7 days' median" level adjustment, with one change: it compares each past
   weekday with *its own* preceding week instead of comparing the last 7 days with the median of the whole
   window. The window-median version raises a burst of false alarms three to five weeks after any lasting
   step in the series (measured: a noise-free weekly series whose level doubles on day 70 got ten false
   "drop" alarms on days 105–114), because the weekday medians and the window median cross over to the
   new level on different days. A ratio rather than a difference because marketing series scale: when traffic doubles, both the
   value and its day-to-day spread double. When ``level(d)`` is not positive (a series of zeros or of
   negative values) differences ``value(s) − level(s)`` are used instead and added to the level.
3. **Scale.** ``1.4826 × MAD`` of the ratios, times ``level(d)`` to bring it back to the series' unit.
   1.4826 = 1 / Φ⁻¹(3/4) makes the median absolute deviation estimate the standard deviation of normal
   data (P. J. Rousseeuw and C. Croux, "Alternatives to the Median Absolute Deviation", JASA 88(424),
   1993). Three safeguards:

   * With eight or fewer values the MAD is often far too small by chance, so the scale is never below the
     *pooled* spread: the same statistic over every weekday of the window (each ratio's deviation from its
     own weekday's median, as a share of that median), about 56 values instead of 8. On pure normal
     noise (10% spread) the same-weekday MAD alone flagged 5% of the judged days as drops; with the
     pooled spread, 0.4%.
   * It is never below the floor: ``min_scale`` when given, else 5% of ``|expected|``, so a nearly flat
     series does not alarm on noise of a few tenths of a percent (a day must then be at least
     ``3.5 × 5%`` = 17.5% off to be flagged).
   * ``expected`` is itself the median of only ``n`` ratios, so the scale is widened to the error of a
     prediction: × √(1 + π/(2n)), the sample median of ``n`` normal values having variance ≈ π/2 · σ²/n
     (its asymptotic efficiency is 2/π). The noise of the levels needs no term of its own: it is already
     in the ratios' spread. With these, a score on noise alone has a robust spread of 1.0–1.05 (measured),
     which is what the 3.5 rule assumes.

   When the scale is zero (a baseline of exact zeros and no ``min_scale``) there is nothing to judge by
   and the day is not judged.
4. ``score = (value − expected) ÷ scale``, a robust (modified) z-score. The day is flagged when
   ``|score| ≥ threshold`` — 3.5 by default, the cut-off Iglewicz & Hoaglin recommend for the modified
   z-score (B. Iglewicz and D. C. Hoaglin, "How to Detect and Handle Outliers", ASQC Basic References in
   Quality Control vol. 16, 1993) — and the direction is bad for the metric (see ``better``).
   ``|score| ≥ critical`` (default 5) makes it critical rather than a warning.

Flagged days are left out of every later baseline (the ratios), so one bad Monday does not make the next
bad Monday look normal. They still count in the 7-day level: a median of seven tolerates three odd days,
so a single spike does not move it, while a lasting shift (four days or more) becomes the new normal and
its alarms stop instead of ringing for weeks.

Days with fewer than ``min_history`` earlier observations are never flagged; in a complete series the
first day that can be judged is the 26th (three same-weekday days before it, the earliest with at least
four days of its own before it). Missing values (``None``, NaN or infinity) are skipped: they are neither zeros nor part of any
baseline.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, NamedTuple, TypedDict, Unpack

__all__ = [
    "METRIC_RULES",
    "Anomaly",
    "Better",
    "DetectOptions",
    "MetricRule",
    "dedupe_key",
    "detect",
    "detect_ratio",
]

Better = Literal["higher", "lower", "either"]
Direction = Literal["up", "down"]
Severity = Literal["warning", "critical"]

MAD_TO_SIGMA = 1.4826
RELATIVE_SCALE_FLOOR = 0.05
MIN_SAME_WEEKDAY = 3
MIN_DAYS_FOR_LEVEL = 4
ONE_DAY = timedelta(days=1)


WINDOW_WEEKS = 8  # same weekdays a day is judged against (step 2)


@dataclass(frozen=True)
class Anomaly:
    """One flagged day: the value, the band ``[low, high]`` around ``expected`` that would not have
    alarmed (``expected ± threshold × scale``), and the robust z-score."""

    day: date
    value: float
    expected: float
    low: float
    high: float
    score: float
    direction: Direction
    severity: Severity


class MetricRule(NamedTuple):
    better: Better
    threshold: float


# Which way is bad for each KPI (keys as in alur.analytics.kpis). Every threshold is Iglewicz & Hoaglin's
# 3.5; the mapping exists so a noisy metric can be given a higher one without touching the callers.
METRIC_RULES: Mapping[str, MetricRule] = {
    # Higher is better: a drop is the alarm.
    "ctr": MetricRule("higher", 3.5),
    "clicks": MetricRule("higher", 3.5),
    "sessions": MetricRule("higher", 3.5),
    "engaged_sessions": MetricRule("higher", 3.5),
    "engagement_rate": MetricRule("higher", 3.5),
    "conversions": MetricRule("higher", 3.5),
    "conversion_rate": MetricRule("higher", 3.5),
    "leads": MetricRule("higher", 3.5),
    "revenue": MetricRule("higher", 3.5),
    "roas": MetricRule("higher", 3.5),
    # Lower is better: a spike is the alarm.
    "bounce_rate": MetricRule("lower", 3.5),
    "cpc": MetricRule("lower", 3.5),
    "cpa": MetricRule("lower", 3.5),
    "cpm": MetricRule("lower", 3.5),
    "cost_per_lead": MetricRule("lower", 3.5),
    "spend": MetricRule("lower", 3.5),
}


class DetectOptions(TypedDict, total=False):
    """The keyword arguments of :func:`detect`, for :func:`detect_ratio` to pass on."""

    better: Better
    window_weeks: int
    threshold: float
    critical: float
    min_history: int
    min_scale: float | None


def detect(
    series: Sequence[tuple[date, float | None]],
    *,
    better: Better = "either",
    window_weeks: int = WINDOW_WEEKS,
    threshold: float = 3.5,
    critical: float = 5.0,
    min_history: int = 14,
    min_scale: float | None = None,
) -> list[Anomaly]:
    """The anomalous days of a daily series, oldest first (method in the module docstring).

    ``better`` says which way is good: ``"higher"`` flags drops only, ``"lower"`` flags rises only,
    ``"either"`` flags both. The series may be in any order and have gaps; a day given twice is an error.
    """
    _check_options(better=better, window_weeks=window_weeks, threshold=threshold, critical=critical, min_scale=min_scale)
    observed = _observed_values(series)
    days = sorted(observed)
    levels = {day: _level(observed, day) for day in days}
    clean: dict[date, float] = {}  # observed values that were not flagged: the baseline
    anomalies: list[Anomaly] = []
    for position, day in enumerate(days):
        anomaly = None
        if position >= min_history:
            anomaly = _judge(
                day,
                observed[day],
                levels=levels,
                clean=clean,
                better=better,
                window_weeks=window_weeks,
                threshold=threshold,
                critical=critical,
                min_scale=min_scale,
            )
        if anomaly is None:
            clean[day] = observed[day]
        else:
            anomalies.append(anomaly)
    return anomalies


def detect_ratio(
    numerator: Sequence[tuple[date, float | None]],
    denominator: Sequence[tuple[date, float | None]],
    *,
    min_denominator: float = 100.0,
    **options: Unpack[DetectOptions],
) -> list[Anomaly]:
    """:func:`detect` on the daily ratio ``numerator ÷ denominator`` (CTR = clicks ÷ impressions, bounce
    rate = bounces ÷ sessions, CPC = spend ÷ clicks).

    A day whose denominator is missing or below ``min_denominator`` (default 100, e.g. impressions or
    sessions) counts as missing, so a day with 20 impressions and 3 clicks does not alarm on a 15% CTR.
    Pass a smaller ``min_denominator`` for denominators that are naturally small, such as clicks for CPC.
    A day with a denominator but no numerator is missing too (no clicks row is not zero clicks).
    """
    numerators = _observed_values(numerator)
    ratios: list[tuple[date, float | None]] = []
    for day, bottom in _observed_values(denominator).items():
        top = numerators.get(day)
        if top is None or bottom <= 0 or bottom < min_denominator:
            ratios.append((day, None))
        else:
            ratios.append((day, top / bottom))
    return detect(ratios, **options)


def dedupe_key(workspace_id: int | str, metric: str, dimension: str, value: str, day: date) -> str:
    """A stable key for one alert, so the same anomaly found by two runs is stored and sent once.

    ``dimension``/``value`` name the slice (``"campaign"``/``"Ramadan Sale"``; ``""``/``""`` for the
    workspace total). Parts are percent-encoded so a ``|`` inside a campaign name cannot make two
    different slices collide.
    """
    parts = (str(workspace_id), metric, dimension, value, day.isoformat())
    return "anomaly|" + "|".join(part.replace("%", "%25").replace("|", "%7C") for part in parts)


def _check_options(*, better: str, window_weeks: int, threshold: float, critical: float, min_scale: float | None) -> None:
    if better not in ("higher", "lower", "either"):
        raise ValueError(f"'better' is {better!r}; use 'higher', 'lower' or 'either'.")
    if window_weeks < MIN_SAME_WEEKDAY:
        raise ValueError(f"The window is {window_weeks} weeks; use at least {MIN_SAME_WEEKDAY} so each weekday has a baseline.")
    if threshold <= 0:
        raise ValueError(f"The threshold is {threshold}; use a positive number such as 3.5.")
    if critical < threshold:
        raise ValueError(f"The critical level {critical} is below the threshold {threshold}; use a level at or above it.")
    if min_scale is not None and min_scale <= 0:
        raise ValueError(f"The minimum scale is {min_scale}; use a positive number or leave it empty.")


def _observed_values(series: Sequence[tuple[date, float | None]]) -> dict[date, float]:
    """The finite values by day; ``None``, NaN and infinity are left out. A repeated day is an error."""
    seen: set[date] = set()
    values: dict[date, float] = {}
    for day, value in series:
        if day in seen:
            raise ValueError(f"The day {day.isoformat()} appears more than once in the series; give one value per day.")
        seen.add(day)
        if value is not None and math.isfinite(value):
            values[day] = float(value)
    return values


class _Level(NamedTuple):
    median: float
    days: int  # how many of the 7 days had a value


def _level(observed: Mapping[date, float], day: date) -> _Level | None:
    """The median of the 7 days before ``day``, or None when fewer than four of them have a value."""
    week = [observed[d] for d in (day - ONE_DAY * offset for offset in range(1, 8)) if d in observed]
    return _Level(statistics.median(week), len(week)) if len(week) >= MIN_DAYS_FOR_LEVEL else None


def _judge(
    day: date,
    value: float,
    *,
    levels: Mapping[date, _Level | None],
    clean: Mapping[date, float],
    better: Better,
    window_weeks: int,
    threshold: float,
    critical: float,
    min_scale: float | None,
) -> Anomaly | None:
    """The anomaly on ``day``, or None when the value is normal or there is too little history to judge."""
    level = levels[day]
    if level is None:
        return None
    is_multiplicative = level.median > 0

    def relative(past: date) -> float | None:
        """The past value against the level of its own preceding week: a ratio, or a difference."""
        past_level = levels.get(past)
        if past not in clean or past_level is None:
            return None
        if not is_multiplicative:
            return clean[past] - past_level.median
        return clean[past] / past_level.median if past_level.median > 0 else None

    # groups[k] holds the window's relatives k + 1 days before ``day`` modulo a week; groups[6] is ``day``'s
    # own weekday.
    groups = [
        [r for week in range(window_weeks) if (r := relative(day - ONE_DAY * (offset + 7 * week))) is not None]
        for offset in range(1, 8)
    ]
    same_weekday = groups[6]
    if len(same_weekday) < MIN_SAME_WEEKDAY:
        return None
    typical = statistics.median(same_weekday)
    unit = level.median if is_multiplicative else 1.0  # turns a spread of relatives into the series' unit
    expected = level.median * typical if is_multiplicative else level.median + typical

    weekday_spread = MAD_TO_SIGMA * _mad(same_weekday) * unit
    pooled_spread = MAD_TO_SIGMA * _pooled_deviation(groups, relative=is_multiplicative)
    pooled_spread *= abs(expected) if is_multiplicative else 1.0
    floor = min_scale if min_scale is not None else RELATIVE_SCALE_FLOOR * abs(expected)
    estimate_error = math.pi / (2 * len(same_weekday))
    scale = math.sqrt(1 + estimate_error) * max(weekday_spread, pooled_spread, floor)
    if scale <= 0:
        return None

    score = (value - expected) / scale
    direction: Direction = "up" if score > 0 else "down"
    is_bad_direction = better == "either" or (better == "higher") == (direction == "down")
    if abs(score) < threshold or not is_bad_direction:
        return None
    return Anomaly(
        day=day,
        value=value,
        expected=expected,
        low=expected - threshold * scale,
        high=expected + threshold * scale,
        score=score,
        direction=direction,
        severity="critical" if abs(score) >= critical else "warning",
    )


def _mad(values: Sequence[float]) -> float:
    center = statistics.median(values)
    return statistics.median(abs(v - center) for v in values)


def _pooled_deviation(groups: Sequence[Sequence[float]], *, relative: bool) -> float:
    """The median deviation of the window's relatives from their own weekday's median, over all weekdays
    with a baseline — as a share of that median when ``relative``. Zero when no weekday has one."""
    deviations: list[float] = []
    for group in groups:
        if len(group) < MIN_SAME_WEEKDAY:
            continue
        center = statistics.median(group)
        if not relative:
            deviations.extend(abs(v - center) for v in group)
        elif center > 0:
            deviations.extend(abs(v - center) / center for v in group)
    return statistics.median(deviations) if deviations else 0.0
