"""Scoring of key results and objectives: exhaustive cases and properties (bounded, monotone, direction-correct)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from alur.strategy.scoring import (
    Colour,
    Direction,
    Status,
    colour,
    elapsed_share,
    grade,
    objective_grade,
    raw_progress,
    score_key_result,
    smart_problems,
    status_from_confidence,
    status_from_pace,
)

numbers = st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, allow_infinity=False, places=2)


@pytest.mark.parametrize(
    ("direction", "start", "target", "value", "expected_raw"),
    [
        # Seed 004: followers +50% in 6 months, from 10 000 to 15 000.
        (Direction.INCREASE_TO, "10000", "15000", "12500", "0.5"),
        (Direction.INCREASE_TO, "10000", "15000", "15000", "1"),
        (Direction.INCREASE_TO, "10000", "15000", "16000", "1.2"),
        (Direction.INCREASE_TO, "10000", "15000", "9000", "-0.2"),
        (Direction.INCREASE_TO, "10000", "15000", None, "0"),
        # Seed 004: bounce rate down 10% in 3 months, from 60 to 54.
        (Direction.DECREASE_TO, "60", "54", "57", "0.5"),
        (Direction.DECREASE_TO, "60", "54", "54", "1"),
        (Direction.DECREASE_TO, "60", "54", "63", "-0.5"),
        (Direction.STAY_AT_OR_ABOVE, "0", "4.5", "4.6", "1"),
        (Direction.STAY_AT_OR_ABOVE, "0", "4.5", "4.4", "0"),
        (Direction.STAY_AT_OR_BELOW, "0", "2", "2", "1"),
        (Direction.STAY_AT_OR_BELOW, "0", "2", "2.01", "0"),
        (Direction.MILESTONE, "0", "1", "1", "1"),
        (Direction.MILESTONE, "0", "1", "0", "0"),
        (Direction.MILESTONE, "0", "1", None, "0"),
    ],
)
def test_progress_follows_the_documented_formulas(
    direction: Direction, start: str, target: str, value: str | None, expected_raw: str
) -> None:
    raw = raw_progress(direction, D(start), D(target), D(value) if value is not None else None)
    assert raw == D(expected_raw)
    assert grade(direction, D(start), D(target), D(value) if value is not None else None) == max(D(0), min(D(1), D(expected_raw)))


@given(start=numbers, target=numbers, value=numbers)
def test_grades_are_bounded_for_every_direction(start: D, target: D, value: D) -> None:
    for direction in Direction:
        assert D(0) <= grade(direction, start, target, value) <= D(1)


@given(start=numbers, target=numbers, low=numbers, high=numbers)
def test_increase_is_monotone_up_and_decrease_monotone_down(start: D, target: D, low: D, high: D) -> None:
    assume(low <= high)
    if target > start:
        assert grade(Direction.INCREASE_TO, start, target, low) <= grade(Direction.INCREASE_TO, start, target, high)
    if target < start:
        assert grade(Direction.DECREASE_TO, start, target, low) >= grade(Direction.DECREASE_TO, start, target, high)
    assert grade(Direction.STAY_AT_OR_ABOVE, start, target, low) <= grade(Direction.STAY_AT_OR_ABOVE, start, target, high)
    assert grade(Direction.STAY_AT_OR_BELOW, start, target, low) >= grade(Direction.STAY_AT_OR_BELOW, start, target, high)


@given(start=numbers, target=numbers)
def test_reaching_the_target_is_full_marks_and_staying_at_the_start_is_zero(start: D, target: D) -> None:
    assume(start != target)
    direction = Direction.INCREASE_TO if target > start else Direction.DECREASE_TO
    assert grade(direction, start, target, target) == 1
    assert grade(direction, start, target, start) == 0


def test_objective_grade_is_the_weighted_mean_with_negatives_counted_as_zero() -> None:
    assert objective_grade([(D("1"), D("1")), (D("0.5"), D("1"))]) == D("0.75")
    assert objective_grade([(D("1"), D("3")), (D("0"), D("1"))]) == D("0.75")
    assert objective_grade([(D("-0.4"), D("1")), (D("0.6"), D("1"))]) == D("0.3")
    assert objective_grade([]) == 0
    assert objective_grade([(D("0.9"), D("0"))]) == 0


@given(
    st.lists(
        st.tuples(st.decimals(min_value=-2, max_value=2, places=3), st.decimals(min_value=0, max_value=10, places=2)), max_size=6
    )
)
def test_objective_grade_is_bounded(pairs: list[tuple[D, D]]) -> None:
    assert D(0) <= objective_grade(pairs) <= D(1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", Colour.GREEN),
        ("0.7", Colour.GREEN),
        ("0.69", Colour.YELLOW),
        ("0.4", Colour.YELLOW),
        ("0.39", Colour.RED),
        ("0", Colour.RED),
    ],
)
def test_colour_bands_follow_google_grading(value: str, expected: Colour) -> None:
    assert colour(D(value)) is expected


@pytest.mark.parametrize(
    ("confidence", "expected"),
    [
        (10, Status.ON_TRACK),
        (7, Status.ON_TRACK),
        (6, Status.AT_RISK),
        (4, Status.AT_RISK),
        (3, Status.OFF_TRACK),
        (0, Status.OFF_TRACK),
    ],
)
def test_confidence_sets_the_status(confidence: int, expected: Status) -> None:
    assert status_from_confidence(confidence) is expected


@pytest.mark.parametrize(
    ("progress", "elapsed", "expected"),
    [
        ("0.5", "0.5", Status.ON_TRACK),
        ("0.45", "0.5", Status.ON_TRACK),
        ("0.35", "0.5", Status.AT_RISK),
        ("0.2", "0.5", Status.OFF_TRACK),
        ("0", "0.05", Status.ON_TRACK),
        ("1", "1", Status.ON_TRACK),
    ],
)
def test_pace_sets_the_status_when_there_is_no_confidence(progress: str, elapsed: str, expected: Status) -> None:
    assert status_from_pace(D(progress), D(elapsed)) is expected


def test_elapsed_share_of_a_window() -> None:
    start, end = dt.date(2026, 7, 1), dt.date(2026, 12, 31)
    assert elapsed_share(start, end, dt.date(2026, 6, 1)) == 0
    assert elapsed_share(start, end, dt.date(2027, 1, 5)) == 1
    assert D("0.49") < elapsed_share(start, end, dt.date(2026, 9, 30)) < D("0.5")


def test_a_recent_confidence_overrides_pace() -> None:
    common = {
        "direction": Direction.INCREASE_TO,
        "start": D(0),
        "target": D(100),
        "value": D(10),
        "window_start": dt.date(2026, 1, 1),
        "deadline": dt.date(2026, 12, 31),
        "today": dt.date(2026, 7, 1),
    }
    assert score_key_result(**common).status is Status.OFF_TRACK  # type: ignore[arg-type]
    assert score_key_result(**common, confidence=8).status is Status.ON_TRACK  # type: ignore[arg-type]
    assert score_key_result(**common).percent == D("10.0")  # type: ignore[arg-type]


PERIOD = {"period_start": dt.date(2026, 7, 1), "period_end": dt.date(2026, 12, 31)}


def smart(**overrides: object) -> list[tuple[str, str]]:
    arguments: dict[str, object] = {
        "title": "Meningkatkan jumlah followers Instagram sebesar 50% dalam 6 bulan",
        "metric": "Followers Instagram",
        "unit": "followers",
        "direction": Direction.INCREASE_TO,
        "start": D(10000),
        "target": D(15000),
        "deadline": dt.date(2026, 12, 31),
        **PERIOD,
        **overrides,
    }
    return [(p.part, p.code) for p in smart_problems(**arguments)]  # type: ignore[arg-type]


def test_a_smart_key_result_passes() -> None:
    assert smart() == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"title": "Naik"}, ("specific", "title_too_short")),
        ({"metric": " "}, ("specific", "no_metric")),
        ({"unit": ""}, ("measurable", "no_unit")),
        ({"target": None}, ("measurable", "no_target")),
        ({"start": None}, ("measurable", "no_start")),
        ({"target": D(9000)}, ("measurable", "increase_not_above_start")),
        ({"direction": Direction.DECREASE_TO}, ("measurable", "decrease_not_below_start")),
        ({"deadline": None}, ("time_bound", "no_deadline")),
        ({"deadline": dt.date(2027, 3, 1)}, ("time_bound", "deadline_outside_period")),
        ({"deadline": dt.date(2026, 7, 1)}, ("time_bound", "deadline_outside_period")),
    ],
)
def test_the_smart_check_names_the_missing_part(overrides: dict[str, object], expected: tuple[str, str]) -> None:
    assert expected in smart(**overrides)


def test_a_milestone_needs_no_unit() -> None:
    assert smart(direction=Direction.MILESTONE, unit="", start=D(0), target=D(1)) == []
