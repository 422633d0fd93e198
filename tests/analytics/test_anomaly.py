"""Anomaly detection on daily series: planted anomalies are found, normal weekly life is not flagged."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pytest

from alur.analytics.anomaly import METRIC_RULES, Anomaly, dedupe_key, detect, detect_ratio

MONDAY = date(2026, 1, 5)
# With a flat baseline the scale is the 5% floor widened by √(1 + π/(2n)) for n = 8 same-weekday ratios.
WIDENING = math.sqrt(1 + math.pi / 16)  # 1.0937776


def days(count: int, start: date = MONDAY) -> list[date]:
    return [start + timedelta(days=i) for i in range(count)]


def weekly(count: int, *, weekday: float = 100.0, weekend: float = 60.0) -> list[tuple[date, float | None]]:
    """Weekdays at ``weekday``, Saturdays and Sundays at ``weekend`` (40% lower by default), from a Monday."""
    return [(day, weekend if day.weekday() >= 5 else weekday) for day in days(count)]


def replaced(series: Sequence[tuple[date, float | None]], changes: dict[int, float | None]) -> list[tuple[date, float | None]]:
    return [(day, changes.get(index, value)) for index, (day, value) in enumerate(series)]


def test_flat_series_flags_nothing() -> None:
    rng = np.random.default_rng(1)
    assert detect([(day, 250.0) for day in days(120)]) == []
    assert detect([(day, 250.0 * (1 + 0.005 * rng.standard_normal())) for day in days(120)]) == []


def test_single_spike_is_flagged_upwards_with_its_band() -> None:
    series = replaced(weekly(120), {70: 200.0})  # day 70 is Monday 16 March 2026

    [anomaly] = detect(series)

    scale = 5.0 * WIDENING  # 5% of the expected 100
    assert anomaly == Anomaly(
        day=date(2026, 3, 16),
        value=200.0,
        expected=pytest.approx(100.0),
        low=pytest.approx(100.0 - 3.5 * scale),  # 80.86
        high=pytest.approx(100.0 + 3.5 * scale),  # 119.14
        score=pytest.approx(100.0 / scale),  # 18.28
        direction="up",
        severity="critical",
    )


def test_moderate_drop_is_a_warning_and_a_large_one_critical() -> None:
    series = replaced(weekly(120), {70: 78.0, 80: 30.0})  # a Monday; day 80 is Thursday 26 March

    warning, critical = detect(series, better="higher")

    assert (warning.day, warning.direction, warning.severity) == (date(2026, 3, 16), "down", "warning")
    assert warning.score == pytest.approx(-22.0 / (5.0 * WIDENING))  # −4.02
    assert (critical.day, critical.direction, critical.severity) == (date(2026, 3, 26), "down", "critical")


def test_weekend_dip_is_not_flagged_but_a_weekday_at_weekend_level_is() -> None:
    rng = np.random.default_rng(7)
    noisy = [(day, None if value is None else value * (1 + 0.03 * rng.standard_normal())) for day, value in weekly(120)]

    assert detect(noisy, better="higher") == []

    [anomaly] = detect(replaced(noisy, {72: 60.0}), better="higher")  # a Wednesday as low as a Saturday
    assert (anomaly.day, anomaly.direction) == (date(2026, 3, 18), "down")


def test_steady_trend_is_not_flagged() -> None:
    rng = np.random.default_rng(11)
    growing = [
        (day, (60.0 if day.weekday() >= 5 else 100.0) * 1.01**index * (1 + 0.03 * rng.standard_normal()))
        for index, day in enumerate(days(120))
    ]  # +1% a day: the last day is 3.3 times the first
    shrinking = [
        (day, (60.0 if day.weekday() >= 5 else 100.0) * (1 - 0.004 * index) * (1 + 0.03 * rng.standard_normal()))
        for index, day in enumerate(days(120))
    ]  # −0.4 points a day, to half

    assert detect(growing, better="either") == []
    assert detect(shrinking, better="either") == []


def test_lasting_step_alarms_for_four_days_then_is_the_new_normal() -> None:
    series = [(day, value * 2 if index >= 70 and value is not None else value) for index, (day, value) in enumerate(weekly(160))]

    anomalies = detect(series)

    assert [a.day for a in anomalies] == days(4, start=date(2026, 3, 16))
    assert {a.direction for a in anomalies} == {"up"}


def test_drop_on_a_lower_is_better_metric_is_not_flagged() -> None:
    dropped = replaced(weekly(120), {70: 30.0})
    raised = replaced(weekly(120), {70: 200.0})

    assert detect(dropped, better="lower") == []
    assert detect(raised, better="higher") == []
    assert [a.direction for a in detect(dropped, better="either")] == ["down"]
    assert [a.direction for a in detect(raised, better="lower")] == ["up"]


def test_missing_values_are_skipped_not_taken_as_zero() -> None:
    gappy = replaced(weekly(120), dict.fromkeys(range(3, 120, 5)) | {66: math.nan})

    assert detect(gappy, better="higher") == []

    [anomaly] = detect(replaced(gappy, {70: 200.0}))
    assert (anomaly.day, anomaly.direction) == (date(2026, 3, 16), "up")
    assert anomaly.expected == pytest.approx(100.0)


def test_too_little_history_flags_nothing() -> None:
    assert detect(replaced(weekly(13), {12: 1_000.0})) == []

    spiked = replaced(weekly(60), {45: 1_000.0})
    assert [a.value for a in detect(spiked)] == [1_000.0]
    assert detect(spiked, min_history=46) == []
    # Missing days are not history: of the 45 days before day 45, the first 16 are empty, leaving 29.
    gappy = replaced(spiked, dict.fromkeys(range(16)))
    assert [a.value for a in detect(gappy, min_history=29)] == [1_000.0]
    assert detect(gappy, min_history=30) == []


def test_zero_baseline_is_judged_only_with_a_minimum_scale() -> None:
    # Differences instead of ratios when the level is not positive; exact zeros give no spread to judge by.
    series = replaced([(day, 0.0) for day in days(120)], {70: 10.0})

    assert detect(series) == []
    [anomaly] = detect(series, min_scale=1.0)
    assert (anomaly.expected, anomaly.direction) == (0.0, "up")
    assert anomaly.score == pytest.approx(10.0 / WIDENING)  # 9.14


def test_flagged_days_stay_out_of_later_baselines() -> None:
    # Every Monday of weeks 9–13 doubles: with the flagged Mondays in the baseline the fifth would look normal.
    mondays = dict.fromkeys(range(63, 92, 7), 200.0)

    anomalies = detect(replaced(weekly(120), mondays))

    assert [a.day for a in anomalies] == [MONDAY + timedelta(days=index) for index in mondays]


def test_ratio_is_judged_and_tiny_denominators_are_ignored() -> None:
    impressions: list[tuple[date, float | None]] = [(day, 10_000.0) for day in days(120)]
    clicks: list[tuple[date, float | None]] = [(day, 200.0) for day in days(120)]  # CTR 2% every day
    clicks[70] = (clicks[70][0], 100.0)  # CTR halves on Monday 16 March
    impressions[80] = (impressions[80][0], 50.0)  # 25 clicks of 50 impressions: a 50% "CTR" on a tiny day
    clicks[80] = (clicks[80][0], 25.0)
    clicks[90] = (clicks[90][0], None)  # impressions without a clicks row: missing, not a 0% CTR

    [anomaly] = detect_ratio(clicks, impressions, better="higher")
    assert (anomaly.day, anomaly.value, anomaly.direction) == (date(2026, 3, 16), 0.01, "down")
    assert anomaly.expected == pytest.approx(0.02)
    assert anomaly.score == pytest.approx(-0.01 / (0.001 * WIDENING))  # −9.14

    assert [a.day for a in detect_ratio(clicks, impressions, min_denominator=10, better="either")] == [
        date(2026, 3, 16),
        date(2026, 3, 26),
    ]


def test_series_order_does_not_matter_and_a_repeated_day_is_refused() -> None:
    series = replaced(weekly(120), {70: 200.0})
    assert detect(list(reversed(series))) == detect(series)

    with pytest.raises(ValueError, match="2026-01-05 appears more than once"):
        detect([*series, (MONDAY, 1.0)])
    with pytest.raises(ValueError, match="use 'higher', 'lower' or 'either'"):
        detect(series, better="sideways")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"critical level 3\.0 is below the threshold 3\.5"):
        detect(series, critical=3.0)


def test_metric_rules_alarm_on_the_bad_direction() -> None:
    assert {key for key, rule in METRIC_RULES.items() if rule.better == "higher"} >= {"ctr", "conversions", "clicks", "sessions"}
    assert {key for key, rule in METRIC_RULES.items() if rule.better == "lower"} >= {"bounce_rate", "cpc", "cpa", "cpm", "spend"}
    assert METRIC_RULES["ctr"] == ("higher", 3.5)


def test_dedupe_key_is_stable_and_slices_cannot_collide() -> None:
    key = dedupe_key(7, "ctr", "campaign", "Ramadan Sale", date(2026, 3, 16))

    assert key == "anomaly|7|ctr|campaign|Ramadan Sale|2026-03-16"
    assert dedupe_key("7", "ctr", "campaign", "Ramadan Sale", date(2026, 3, 16)) == key
    assert dedupe_key(7, "ctr", "campaign|a", "b", date(2026, 3, 16)) != dedupe_key(
        7, "ctr", "campaign", "a|b", date(2026, 3, 16)
    )


# --- Planted anomalies on synthetic series -------------------------------------------------------------

SERIES = 40
DAYS = 120
# (KPI, what happens on a planted day): a CTR drop of 40%, a bounce-rate jump of 50%, CPC doubling.
PLANTS = (("ctr", 0.6), ("bounce_rate", 1.5), ("cpc", 2.0))


def synthetic_series(
    rng: np.random.Generator, kpi: str, factor: float
) -> tuple[list[tuple[date, float | None]], list[tuple[date, float | None]], set[date]]:
    """Numerator and denominator of one KPI for a mid-size account, and the planted days.

    Traffic (impressions 20,000–100,000 on a weekday) is 40% lower at weekends and drifts by −30%…+50%
    over the 120 days; the rate itself drifts by ±20% and has its own weekend effect (CTR and CPC 40%
    lower, bounce rate 20% higher). Noise: ±5% (normal) day-to-day variation of the rate, and Poisson or
    binomial counts on top. One to three days after day 30 get the planted change.
    """
    index = np.arange(DAYS)
    calendar = days(DAYS)
    is_weekend = np.array([day.weekday() >= 5 for day in calendar])
    traffic = rng.uniform(20_000, 100_000) * (1 + rng.uniform(-0.3, 0.5) * index / DAYS) * np.where(is_weekend, 0.6, 1.0)
    drift = (1 + rng.uniform(-0.2, 0.2) * index / DAYS) * rng.normal(1.0, 0.05, DAYS)
    planted = rng.choice(np.arange(31, DAYS), size=int(rng.integers(1, 4)), replace=False)
    change = np.ones(DAYS)
    change[planted] = factor
    if kpi == "ctr":
        impressions = rng.poisson(traffic)
        numerator, denominator = rng.poisson(impressions * 0.02 * drift * np.where(is_weekend, 0.6, 1.0) * change), impressions
    elif kpi == "bounce_rate":
        sessions = rng.poisson(traffic / 10)
        rate = np.clip(0.4 * drift * np.where(is_weekend, 1.2, 1.0) * change, 0.0, 1.0)
        numerator, denominator = rng.binomial(sessions, rate), sessions
    else:
        clicks = rng.poisson(traffic / 50)
        numerator, denominator = clicks * 3_000.0 * drift * np.where(is_weekend, 0.6, 1.0) * change, clicks
    return (
        [(day, float(value)) for day, value in zip(calendar, numerator, strict=True)],
        [(day, float(value)) for day, value in zip(calendar, denominator, strict=True)],
        {calendar[i] for i in planted},
    )


def test_planted_anomalies_are_found_with_few_false_alarms() -> None:
    rng = np.random.default_rng(2026)
    found = planted = false_alarms = 0
    by_kpi: dict[str, list[int]] = {kpi: [0, 0] for kpi, _ in PLANTS}
    for number in range(SERIES):
        kpi, factor = PLANTS[number % len(PLANTS)]
        numerator, denominator, planted_days = synthetic_series(rng, kpi, factor)
        rule = METRIC_RULES[kpi]
        flagged = {a.day for a in detect_ratio(numerator, denominator, better=rule.better, threshold=rule.threshold)}
        found += len(flagged & planted_days)
        planted += len(planted_days)
        false_alarms += len(flagged - planted_days)
        by_kpi[kpi][0] += len(flagged & planted_days)
        by_kpi[kpi][1] += len(planted_days)

    recall = found / planted
    per_thousand = 1_000 * false_alarms / (SERIES * DAYS)
    print(
        f"\nAnomaly detection, {SERIES} synthetic series × {DAYS} days: recall {found}/{planted} = {recall:.3f} "
        f"({', '.join(f'{kpi} {hit}/{total}' for kpi, (hit, total) in by_kpi.items())}); "
        f"false alarms {false_alarms} = {per_thousand:.2f} per 1,000 series-days"
    )
    assert recall >= 0.9
    assert per_thousand <= 5
