"""Time rules of the scheduler. Framework-free and deterministic given ``rng``.

* Backoff: exponential with "equal jitter" — half the delay fixed, half random — so retries of many
  posts that failed together spread out (AWS Architecture Blog, "Exponential Backoff and Jitter",
  2015). A platform's ``Retry-After`` wins when it asks for longer.
* Missed posts: a post whose time passed while no worker ran goes out late only within the late window
  (``ALUR_PUBLISH_LATE_WINDOW_MINUTES``, 60 by default); older than that it is marked *missed* and its
  owner is told, because a "good morning" post at midnight does more harm than none.
* Recurrence: occurrences keep the first one's wall-clock time in the workspace zone, so a weekly
  09:00 post stays at 09:00 across DST changes; after downtime only the next future occurrence is
  scheduled (the series never bursts out to catch up).
* Queue slots: weekday + local time; the next free one after a moment, skipping taken times.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

BACKOFF_BASE_SECONDS = 30.0
BACKOFF_CAP_SECONDS = 3600.0


def backoff_seconds(
    attempt: int, *, retry_after: float | None = None, rng: random.Random | None = None, base: float = BACKOFF_BASE_SECONDS
) -> float:
    """Delay before attempt ``attempt + 1`` (``attempt`` ≥ 1 is the one that just failed)."""
    rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
    ceiling = min(BACKOFF_CAP_SECONDS, base * 2 ** max(0, attempt - 1))
    delay = ceiling / 2 + rng.uniform(0, ceiling / 2)
    if retry_after is not None:
        delay = max(delay, float(retry_after))
    return delay


def is_missed(publish_at: dt.datetime, now: dt.datetime, late_window_minutes: int) -> bool:
    return now - publish_at > dt.timedelta(minutes=late_window_minutes)


def _add_months(day: dt.date, months: int, wanted_day: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(wanted_day, calendar.monthrange(year, month)[1]))


def occurrence(anchor: dt.datetime, kind: str, interval: int, number: int, zone: str) -> dt.datetime:
    """The ``number``-th occurrence (1 = the anchor) in UTC, at the anchor's local wall-clock time."""
    tz = ZoneInfo(zone)
    local = anchor.astimezone(tz)
    steps = (number - 1) * max(1, interval)
    if kind == "weekly":
        day = local.date() + dt.timedelta(weeks=steps)
    elif kind == "monthly":
        day = _add_months(local.date(), steps, local.day)
    elif kind == "days":
        day = local.date() + dt.timedelta(days=steps)
    else:
        raise ValueError(f"unknown recurrence {kind!r}")
    wall = dt.datetime.combine(day, local.time().replace(tzinfo=None))
    # fold=0: in the repeated hour at the end of DST the first (summer) instant is meant; a
    # non-existent time (the skipped hour) resolves forward, as zoneinfo does.
    return wall.replace(tzinfo=tz).astimezone(dt.UTC)


def next_occurrence(
    anchor: dt.datetime, kind: str, interval: int, after_number: int, zone: str, *, not_before: dt.datetime
) -> tuple[int, dt.datetime]:
    """The first occurrence after ``after_number`` that is later than ``not_before`` (no catch-up burst)."""
    number = after_number + 1
    when = occurrence(anchor, kind, interval, number, zone)
    while when <= not_before:
        number += 1
        when = occurrence(anchor, kind, interval, number, zone)
    return number, when


def parse_slot(slot: dict[str, object]) -> tuple[int, dt.time]:
    weekday = int(str(slot.get("weekday", -1)))
    if not 0 <= weekday <= 6:
        raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
    hour, _, minute = str(slot.get("time", "")).partition(":")
    return weekday, dt.time(int(hour), int(minute or 0))


def next_free_slot(
    slots: Sequence[dict[str, object]], taken: Iterable[dt.datetime], *, after: dt.datetime, zone: str, weeks: int = 8
) -> dt.datetime | None:
    """The earliest slot time (UTC) later than ``after`` that no other post of the account holds."""
    if not slots:
        return None
    tz = ZoneInfo(zone)
    parsed = sorted({parse_slot(dict(slot)) for slot in slots})
    busy = {moment.astimezone(dt.UTC).replace(second=0, microsecond=0) for moment in taken}
    start = after.astimezone(tz).date()
    for offset in range(weeks * 7 + 1):
        day = start + dt.timedelta(days=offset)
        for weekday, at in parsed:
            if day.weekday() != weekday:
                continue
            when = dt.datetime.combine(day, at).replace(tzinfo=tz).astimezone(dt.UTC)
            if when > after and when not in busy:
                return when
    return None
