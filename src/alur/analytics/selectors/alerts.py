"""Reads of anomalies: the scan of the daily series per channel and per campaign, and the sentence an alert
reads as."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from alur.analytics import anomaly, kpis
from alur.analytics.selectors.facts import _as_date, _facts, _first_and_last
from alur.analytics.templatetags.analytics import amount

SCAN_KPIS = ("ctr", "cpc", "bounce_rate", "spend", "conversions")
# A ratio is judged only on slices whose typical day has at least this much of its denominator, so a
# campaign with a handful of clicks a day does not alarm on noise.
MIN_DENOMINATOR = {"impressions": 1000.0, "clicks": 50.0, "sessions": 100.0, "conversions": 10.0}


def anomalies(workspace: Any, *, threshold: float = 3.5, recent_days: int = 30) -> list[dict[str, Any]]:
    """Anomalies on the daily series of :data:`SCAN_KPIS` per channel and per campaign (and currency for
    money), within the last ``recent_days`` days of daily data. Whole-period facts have no daily values
    and are left out (the day grain of :func:`kpis.rollup`)."""
    found: list[dict[str, Any]] = []
    with _facts(workspace.pk) as facts:
        bounds = _first_and_last(kpis.daily_facts(facts))
        if bounds is None:
            return []
        first, last = bounds
        since = last - dt.timedelta(days=recent_days - 1)
        # A day is judged against the same weekday of the weeks before it and their own preceding weeks: twice
        # that window before the first day judged is history enough (earlier days change no verdict that matters
        # here), and keeps the scan of years of data from pulling every day of every campaign.
        history = max(first, since - dt.timedelta(days=14 * anomaly.WINDOW_WEEKS + 14))
        for dimension in ("channel", "campaign"):
            wanted = [*SCAN_KPIS, "impressions", "clicks", "sessions"]
            rows = kpis.execute(kpis.rollup(facts, wanted, by=[dimension], grain="day", start=history, end=last))
            groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
            for row in rows:
                groups[(row.get(dimension) or "", row.get("currency") or "")].append(row)
            for (value_of_dimension, currency), group in groups.items():
                group.sort(key=lambda r: r["period"])
                for key in SCAN_KPIS:
                    better, default_threshold = anomaly.METRIC_RULES.get(key, ("either", 3.5))
                    spec = kpis.KPIS[key]
                    points = [(_as_date(r["period"]), float(r[key]) if r.get(key) is not None else None) for r in group]
                    options: dict[str, Any] = {}
                    if isinstance(spec.denominator, str):
                        typical = statistics.median(float(r.get(spec.denominator) or 0) for r in group)
                        if typical < MIN_DENOMINATOR.get(spec.denominator, 0.0):
                            continue
                    elif spec.unit == "count":
                        # Counts vary at least like a Poisson variable: a floor of √(typical day) on the scale.
                        typical = (
                            statistics.median(v for _, v in points if v is not None)
                            if any(v is not None for _, v in points)
                            else 0.0
                        )
                        if typical < 5:
                            continue
                        options["min_scale"] = math.sqrt(typical)
                    for item in anomaly.detect(points, better=better, threshold=max(threshold, default_threshold), **options):  # type: ignore[arg-type]
                        if item.day < since:
                            continue
                        found.append(
                            {
                                "kpi": key,
                                "dimension": dimension,
                                "dimension_value": value_of_dimension,
                                "currency": currency if kpis.KPIS[key].money else "",
                                "day": item.day,
                                "value": float(item.value),
                                "expected": float(item.expected),
                                "low": float(item.low),
                                "high": float(item.high),
                                "score": float(item.score),
                                "direction": item.direction,
                                "severity": item.severity,
                                "dedupe_key": anomaly.dedupe_key(workspace.pk, key, dimension, value_of_dimension, item.day),
                            }
                        )
    return found


def alert_sentence(alert: Any) -> str:
    """One line a marketer reads: what moved, where, by how much."""
    label = kpis.KPIS[alert.kpi].label if alert.kpi in kpis.KPIS else alert.kpi
    change = (alert.value - alert.expected) / alert.expected * 100 if alert.expected else 0.0
    where = alert.dimension_value or _("all channels")
    return _("%(kpi)s for %(where)s on %(day)s: %(value)s, expected about %(expected)s (%(change)+.0f%%).") % {
        "kpi": _(label),
        "where": where,
        "day": date_format(alert.day, "j M Y"),
        "value": amount(alert.value),
        "expected": amount(alert.expected),
        "change": change,
    }
