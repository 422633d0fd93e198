"""Calendar arithmetic, framework-free: month grids (weeks start on Monday, as in Indonesia and ISO 8601),
week ranges, and free posting slots against a posts-per-week guideline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Day:
    date: dt.date
    in_month: bool


def month_grid(year: int, month: int) -> list[list[Day]]:
    """The weeks (Monday first) covering the month; days of the adjacent months are flagged."""
    first = dt.date(year, month, 1)
    start = first - dt.timedelta(days=first.weekday())
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    weeks: list[list[Day]] = []
    day = start
    while day < next_month or day.weekday() != 0:
        if day.weekday() == 0:
            weeks.append([])
        weeks[-1].append(Day(day, day.month == month))
        day += dt.timedelta(days=1)
    return weeks


def week_range(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the ISO week holding ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def free_slots(per_week: dict[str, int], planned: dict[str, int]) -> dict[str, tuple[int, int, int]]:
    """For each channel with a guideline: (planned, wanted, free) for one week. Free never goes below 0;
    channels planned without a guideline are left out (there is nothing to compare with)."""
    result = {}
    for channel, wanted in per_week.items():
        if wanted <= 0:
            continue
        count = planned.get(channel, 0)
        result[channel] = (count, wanted, max(wanted - count, 0))
    return result
