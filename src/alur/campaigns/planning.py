"""Action-plan arithmetic, framework-free: dependency cycles and weekly capacity.

Capacity model: a task's estimate is booked in the ISO week of its due date (a deliberately simple,
explainable rule: "what is due this week must be worked this week"); a person's load for a week is the
sum of the estimates of their open tasks due that week, compared with their weekly capacity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal


def creates_cycle(edges: Iterable[tuple[int, int]], task: int, depends_on: int) -> bool:
    """Would making ``task`` depend on ``depends_on`` close a loop? ``edges`` are (task, depends_on) pairs."""
    if task == depends_on:
        return True
    graph: dict[int, set[int]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
    # A loop appears if ``task`` is already reachable from ``depends_on``.
    stack, seen = [depends_on], set()
    while stack:
        node = stack.pop()
        if node == task:
            return True
        if node in seen:
            continue
        seen.add(node)
        stack.extend(graph.get(node, ()))
    return False


def week_start(day: dt.date) -> dt.date:
    """Monday of the ISO week containing ``day``."""
    return day - dt.timedelta(days=day.weekday())


def weekly_load(tasks: Iterable[tuple[int, dt.date | None, Decimal]]) -> dict[tuple[int, dt.date], Decimal]:
    """Sum of estimates per (person, week) from (person, due date, estimate hours); undated tasks count nowhere."""
    load: dict[tuple[int, dt.date], Decimal] = {}
    for person, due, hours in tasks:
        if due is None:
            continue
        key = (person, week_start(due))
        load[key] = load.get(key, Decimal(0)) + hours
    return load


def overload(load: Mapping[tuple[int, dt.date], Decimal], capacity: Mapping[int, Decimal]) -> dict[tuple[int, dt.date], Decimal]:
    """The (person, week) pairs whose load exceeds capacity, with the hours over."""
    return {
        key: hours - capacity.get(key[0], Decimal(0)) for key, hours in load.items() if hours > capacity.get(key[0], Decimal(0))
    }


WORKDAY_HOURS = Decimal(8)


def gantt_bars(tasks: Iterable[tuple[int, dt.date, Decimal]]) -> tuple[dt.date, dt.date, dict[int, tuple[int, int]]] | None:
    """Bars for a timeline from (task, due date, estimate hours): each task ends on its due date and
    lasts its estimate in 8-hour days (at least one). Returns the window and, per task, its left offset
    and width as whole percentages of the window (width at least 1). None when no task has a due date."""
    spans = []
    for task, due, hours in tasks:
        days = max(1, int((hours / WORKDAY_HOURS).to_integral_value(rounding="ROUND_CEILING")))
        spans.append((task, due - dt.timedelta(days=days - 1), due))
    if not spans:
        return None
    first = min(start for _, start, _ in spans)
    last = max(end for _, _, end in spans)
    total = (last - first).days + 1
    bars = {}
    for task, start, end in spans:
        offset = (start - first).days * 100 // total
        width = max(1, ((end - start).days + 1) * 100 // total)
        bars[task] = (offset, min(width, 100 - offset))
    return first, last, bars
