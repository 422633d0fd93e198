"""Scoring of objectives and key results. Framework-free: plain numbers and dates in, plain results out.

Sources of the formulas:

- **Linear progress** for "increase to" / "decrease to" key results: the share of the distance from the
  start value to the target that has been covered, ``(value - start) / (target - start)``. This is how
  seed 004 reads its examples ("Meningkatkan jumlah followers Instagram sebesar 50% dalam 6 bulan": from
  10 000 to 15 000 followers, 12 500 is half way), and how OKR tools grade numeric key results.
  The raw share is shown as a percentage (it may be negative or above 100 %); the *grade* clamps it
  to 0.0–1.0.
- **Thresholds** ("stay at or above / below") and **milestones** are binary: 1.0 when met, else 0.0.
- **Objective grade** = weighted mean of its key results' grades; a negative progress counts as 0
  (it is clamped before averaging), so one regression cannot cancel another key result's progress.
- **Grade colours** follow Google's OKR grading (re:Work, "Guide: Set goals with OKRs"; Doerr,
  *Measure What Matters*, 2018): 0.7–1.0 green ("delivered"), 0.4–0.69 yellow ("progress, but fell
  short"), below 0.4 red ("failed to make real progress").
- **Status** is separate from progress. With a recent check-in, the owner's confidence decides
  (0–10 scale as in Wodtke, *Radical Focus*, 2016: 7–10 on track, 4–6 at risk, 0–3 off track).
  Without one, pace decides: progress compared with the elapsed share of the key result's time window
  (on track at ≥ 90 % of the expected progress, at risk at ≥ 60 %, off track below). In the first
  10 % of the window nothing is off pace yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Direction(StrEnum):
    INCREASE_TO = "increase_to"
    DECREASE_TO = "decrease_to"
    STAY_AT_OR_ABOVE = "stay_at_or_above"
    STAY_AT_OR_BELOW = "stay_at_or_below"
    MILESTONE = "milestone"


class Colour(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


ZERO = Decimal(0)
ONE = Decimal(1)
GREEN_FROM = Decimal("0.7")
YELLOW_FROM = Decimal("0.4")
ON_PACE_SHARE = Decimal("0.9")
AT_RISK_SHARE = Decimal("0.6")
GRACE_SHARE = Decimal("0.1")


def _clamp(value: Decimal) -> Decimal:
    return max(ZERO, min(ONE, value))


def raw_progress(direction: Direction, start: Decimal, target: Decimal, value: Decimal | None) -> Decimal:
    """Progress as a share of the way to the target; unclamped for increase/decrease (may be < 0 or > 1).

    With no value yet, progress is 0 (nothing has been measured since the start).
    """
    if value is None:
        return ZERO
    if direction in (Direction.INCREASE_TO, Direction.DECREASE_TO):
        distance = target - start
        if distance == 0:
            # A degenerate key result (the SMART check refuses it); treat reaching the target as done.
            return ONE if value == target else ZERO
        return (value - start) / distance
    if direction == Direction.STAY_AT_OR_ABOVE:
        return ONE if value >= target else ZERO
    if direction == Direction.STAY_AT_OR_BELOW:
        return ONE if value <= target else ZERO
    return ONE if value >= ONE else ZERO  # milestone: 1 = done


def grade(direction: Direction, start: Decimal, target: Decimal, value: Decimal | None) -> Decimal:
    """The key result's grade, 0.0–1.0."""
    return _clamp(raw_progress(direction, start, target, value))


def objective_grade(weighted_grades: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Weighted mean of ``(grade, weight)`` pairs; negative grades count as 0. No key results: 0."""
    pairs = [(max(ZERO, g), w) for g, w in weighted_grades if w > 0]
    total_weight = sum((w for _, w in pairs), ZERO)
    if total_weight == 0:
        return ZERO
    return _clamp(sum((g * w for g, w in pairs), ZERO) / total_weight)


def colour(value: Decimal) -> Colour:
    if value >= GREEN_FROM:
        return Colour.GREEN
    if value >= YELLOW_FROM:
        return Colour.YELLOW
    return Colour.RED


def elapsed_share(start: dt.date, end: dt.date, today: dt.date) -> Decimal:
    """How much of the window [start, end] has passed on ``today``, 0.0–1.0."""
    total = (end - start).days
    if total <= 0:
        return ONE if today >= end else ZERO
    return _clamp(Decimal((today - start).days) / Decimal(total))


def status_from_confidence(confidence: int) -> Status:
    if confidence >= 7:
        return Status.ON_TRACK
    if confidence >= 4:
        return Status.AT_RISK
    return Status.OFF_TRACK


def status_from_pace(progress: Decimal, elapsed: Decimal) -> Status:
    """Compare progress (grade) with the elapsed share of the time window."""
    if progress >= ONE or elapsed <= GRACE_SHARE:
        return Status.ON_TRACK
    ratio = progress / elapsed
    if ratio >= ON_PACE_SHARE:
        return Status.ON_TRACK
    if ratio >= AT_RISK_SHARE:
        return Status.AT_RISK
    return Status.OFF_TRACK


@dataclass(frozen=True)
class KeyResultScore:
    raw: Decimal
    grade: Decimal
    colour: Colour
    status: Status
    expected: Decimal

    @property
    def percent(self) -> Decimal:
        """The raw progress as a percentage, rounded to one decimal."""
        return (self.raw * 100).quantize(Decimal("0.1"))


def score_key_result(
    *,
    direction: Direction,
    start: Decimal,
    target: Decimal,
    value: Decimal | None,
    window_start: dt.date,
    deadline: dt.date,
    today: dt.date,
    confidence: int | None = None,
) -> KeyResultScore:
    """Everything the pages show for one key result. ``confidence`` is the latest check-in's, if any."""
    raw = raw_progress(direction, start, target, value)
    graded = _clamp(raw)
    expected = elapsed_share(window_start, deadline, today)
    if direction in (Direction.STAY_AT_OR_ABOVE, Direction.STAY_AT_OR_BELOW) and value is not None:
        pace_status = Status.ON_TRACK if graded == ONE else Status.OFF_TRACK
    else:
        pace_status = status_from_pace(graded, expected)
    status = status_from_confidence(confidence) if confidence is not None else pace_status
    return KeyResultScore(raw=raw, grade=graded, colour=colour(graded), status=status, expected=expected)


@dataclass(frozen=True)
class SmartProblem:
    """Which part of SMART a key result misses, and the field to fix."""

    part: str  # "specific", "measurable" or "time_bound"
    field: str
    code: str


def smart_problems(
    *,
    title: str,
    metric: str,
    unit: str,
    direction: Direction,
    start: Decimal | None,
    target: Decimal | None,
    deadline: dt.date | None,
    period_start: dt.date,
    period_end: dt.date,
) -> list[SmartProblem]:
    """The SMART check (Doran, 1981, "There's a S.M.A.R.T. way to write management's goals and
    objectives"; seed 004 asks key results to be specific, measurable and time-bound). Achievable and
    relevant are judgements for people; the three checkable parts are checked here."""
    problems: list[SmartProblem] = []
    if len(title.strip()) < 8:
        problems.append(SmartProblem("specific", "title", "title_too_short"))
    if not metric.strip():
        problems.append(SmartProblem("specific", "metric", "no_metric"))
    if direction != Direction.MILESTONE and not unit.strip():
        problems.append(SmartProblem("measurable", "unit", "no_unit"))
    if start is None and direction in (Direction.INCREASE_TO, Direction.DECREASE_TO):
        problems.append(SmartProblem("measurable", "start_value", "no_start"))
    if target is None and direction != Direction.MILESTONE:
        problems.append(SmartProblem("measurable", "target_value", "no_target"))
    if start is not None and target is not None:
        if direction == Direction.INCREASE_TO and target <= start:
            problems.append(SmartProblem("measurable", "target_value", "increase_not_above_start"))
        if direction == Direction.DECREASE_TO and target >= start:
            problems.append(SmartProblem("measurable", "target_value", "decrease_not_below_start"))
    if deadline is None:
        problems.append(SmartProblem("time_bound", "deadline", "no_deadline"))
    elif not period_start < deadline <= period_end:
        problems.append(SmartProblem("time_bound", "deadline", "deadline_outside_period"))
    return problems
