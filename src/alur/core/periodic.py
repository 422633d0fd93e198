"""Periodic jobs: functions each context registers and the worker runs every minute (``alur worker``),
or cron runs through ``alur sweep``. Each job must be safe to run twice and from several workers at
once (they lock the rows they change)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("alur.periodic")

_JOBS: dict[str, Callable[[], Any]] = {}


def register(name: str, job: Callable[[], Any]) -> None:
    _JOBS[name] = job


def run_all() -> dict[str, Any]:
    """Run every registered job once; a failing job is logged and does not stop the others."""
    results: dict[str, Any] = {}
    for name, job in sorted(_JOBS.items()):
        try:
            results[name] = job()
        except Exception:
            logger.exception("periodic job %s failed", name)
            results[name] = "failed"
    return results


def start_background(interval: float = 60.0) -> threading.Event:
    """Run the jobs every ``interval`` seconds in a daemon thread; set the returned event to stop."""
    from django.db import close_old_connections

    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            close_old_connections()
            run_all()
            close_old_connections()
            stop.wait(interval)

    threading.Thread(target=loop, name="alur-periodic", daemon=True).start()
    return stop
