"""Reads of attribution: every model of :mod:`alur.analytics.attribution` over the workspace's customer
journeys or over an uploaded path file, side by side per channel, and the Markov conversions per budget
channel beside the platforms' (for the key results' diagnosis)."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alur.analytics import attribution, kpis, warehouse
from alur.analytics.selectors.facts import _as_date, _facts, channel_key

ATTRIBUTION_MODELS = ("first", "last", "linear", "time_decay", "position", "markov", "shapley")
MAX_MARKOV_ORDER = 4  # the states grow as channels^order; beyond 4 the chain says more about noise than paths

# Journey channel names that mean a budget channel (facts name it differently: Google Ads' "Search" is sem).
JOURNEY_CHANNEL_ALIASES = {
    "google search": "sem",
    "google ads": "sem",
    "paid search": "sem",
    "search ads": "sem",
    "cpc": "sem",
    "organic search": "seo",
    "google organic": "seo",
    "e-mail": "email",
    "newsletter": "email",
}
_AD_SOURCES = ("google_ads", "meta_ads", "tiktok_ads", "linkedin_ads")


@dataclass(frozen=True)
class AttributionParams:
    """The models' parameters: the time-decay half-life (in steps before the conversion), the
    position-based weights of the first and the last touch (the middle ones share the rest), and the
    Markov chain's order."""

    half_life: float = 1.0
    first_weight: float = 0.4
    last_weight: float = 0.4
    order: int = 1

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "half_life": self.half_life,
            "first_weight": self.first_weight,
            "last_weight": self.last_weight,
            "order": self.order,
        }


def attribution_params(data: Mapping[str, Any]) -> tuple[AttributionParams, dict[str, str]]:
    """The parameters read from a query string or a form, and a sentence per field that was wrong (that
    field then keeps its default)."""
    defaults = AttributionParams()
    errors: dict[str, str] = {}

    def number(name: str, default: float, low: float, high: float, message: str) -> float:
        text = str(data.get(name) or "").strip().replace(",", ".")
        if not text:
            return default
        try:
            value = float(text)
        except ValueError:
            errors[name] = message
            return default
        if not math.isfinite(value) or not low <= value <= high:
            errors[name] = message
            return default
        return value

    half_life = number(
        "half_life", defaults.half_life, 0.01, 1000, _("The half-life is a number of steps above 0, e.g. 1 or 2.5.")
    )
    weight_message = _("A position weight is a share between 0 and 1, e.g. 0.4.")
    first = number("first_weight", defaults.first_weight, 0, 1, weight_message)
    last = number("last_weight", defaults.last_weight, 0, 1, weight_message)
    if "first_weight" not in errors and "last_weight" not in errors and first + last > 1 + 1e-9:
        errors["last_weight"] = _("The first and the last weight add up to more than 1; lower one of them.")
        first, last = defaults.first_weight, defaults.last_weight
    elif "first_weight" not in errors and "last_weight" not in errors and first + last <= 0:
        errors["last_weight"] = _("The first and the last weight cannot both be 0; give one of them a share.")
        first, last = defaults.first_weight, defaults.last_weight
    order_text = str(data.get("order") or "").strip()
    order = defaults.order
    if order_text:
        if order_text.isdigit() and 1 <= int(order_text) <= MAX_MARKOV_ORDER:
            order = int(order_text)
        else:
            errors["order"] = _("The Markov order is a whole number from 1 to %(max)s.") % {"max": MAX_MARKOV_ORDER}
    return AttributionParams(half_life=half_life, first_weight=first, last_weight=last, order=order), errors


@contextlib.contextmanager
def _touchpoints(workspace_id: int) -> Iterator[ibis.Table]:
    """The workspace's journey touchpoints: the only way into them, filtered to one workspace first."""
    with warehouse.session(settings.WAREHOUSE_URL) as con:
        table = con.table(warehouse.TOUCHPOINTS)
        yield table.filter(table.workspace_id == int(workspace_id))


def journey_overview(workspace_id: int) -> tuple[tuple[dt.date, dt.date], list[str]] | None:
    """The first and last day with touchpoints and the campaigns the journeys met (at most 500, by name),
    read in one warehouse session; None when no journeys were imported."""
    with _touchpoints(workspace_id) as touches:
        row = kpis.execute(touches.aggregate(first=touches.ts.min(), last=touches.ts.max()))
        if not row or row[0]["first"] is None:
            return None
        named = touches.filter(touches.campaign.notnull() & (touches.campaign != ""))
        rows = kpis.execute(named.select(value=named.campaign).distinct().order_by("value").limit(500))
    return (_as_date(row[0]["first"]), _as_date(row[0]["last"])), [r["value"] for r in rows]


@contextlib.contextmanager
def _journeys(workspace_id: int, start: dt.date | None, end: dt.date | None, campaign: str | None) -> Iterator[ibis.Table]:
    """The touchpoints to attribute: the workspace's touches on the days from ``start`` to ``end``; with
    ``campaign``, only the journeys that met that campaign at least once in those days (with all their
    touches in the range, so the other channels keep their part)."""
    with _touchpoints(workspace_id) as touches:
        day = touches.ts.date()
        if start is not None:
            touches = touches.filter(day >= start)
        if end is not None:
            touches = touches.filter(day <= end)
        if campaign:
            touched = touches.filter(touches.campaign == campaign).select("journey_id").distinct()
            touches = touches.semi_join(touched, "journey_id")
        yield touches


def attribution_table(credits: Mapping[str, Sequence[Any]]) -> dict[str, Any]:
    """Every model's credits side by side per channel: conversions, value and the channel's share of the
    conversions under each model, and the Markov removal effect. ``credits`` is what
    ``attribution.attribute_all`` returns."""
    models = [m for m in ATTRIBUTION_MODELS if m in credits]
    channels: dict[str, dict[str, Any]] = {}
    totals = {m: (sum(c.conversions for c in credits[m]), sum(c.value for c in credits[m])) for m in models}
    for model in models:
        for credit in credits[model]:
            row = channels.setdefault(credit.channel, {"channel": credit.channel, "cells": {}, "removal_effect": None})
            total_conversions, total_value = totals[model]
            row["cells"][model] = {
                "conversions": float(credit.conversions),
                "value": float(credit.value),
                "share": float(credit.conversions) / total_conversions if total_conversions else 0.0,
                "value_share": float(credit.value) / total_value if total_value else 0.0,
            }
            if model == "markov" and credit.removal_effect is not None:
                row["removal_effect"] = float(credit.removal_effect)
    empty = {"conversions": 0.0, "value": 0.0, "share": 0.0, "value_share": 0.0}
    rows = []
    for row in channels.values():
        row["cells"] = {m: row["cells"].get(m, empty) for m in models}
        rows.append(row)
    rank = "markov" if "markov" in models else (models[0] if models else None)
    rows.sort(key=lambda r: (-(r["cells"][rank]["conversions"] if rank else 0.0), r["channel"]))
    first_total = totals[models[0]] if models else (0.0, 0.0)
    return {
        "models": models,
        "channels": rows,
        "total_conversions": float(first_total[0]),
        "total_value": float(first_total[1]),
    }


def attribution_compare(
    workspace: Any,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    params: AttributionParams | None = None,
    campaign: str | None = None,
) -> dict[str, Any] | None:
    """Every attribution model over the workspace's journeys in the period (see :func:`_journey_rows`),
    side by side per channel (:func:`attribution_table`); None when there are no touchpoints there."""
    with _journeys(workspace.pk, start, end, campaign) as touches:
        counts = kpis.execute(touches.aggregate(touchpoints=touches.count(), journeys=touches.journey_id.nunique()))[0]
        if not counts["touchpoints"]:
            return None
        source = attribution.paths_from_journeys(touches)
    with source:
        credits = attribution.attribute_all(source, **(params or AttributionParams()).as_kwargs())
    table = attribution_table(credits)
    table["touchpoints"] = int(counts["touchpoints"])
    table["journeys"] = int(counts["journeys"])
    return table


def attribution_of_file(path: Any, *, params: AttributionParams | None = None, sep: str = ">") -> dict[str, Any]:
    """Every model over an uploaded path file (the ChannelAttribution convention); raises
    ``attribution.PathFileError`` with the row when the file is wrong. Nothing is stored."""
    with Path(path).open("rb") as handle:
        magic = handle.read(4)
    if magic in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):  # a zip (XLSX, ODS) or an old Office file
        raise attribution.PathFileError(
            gettext_noop("This is a spreadsheet workbook, not a CSV file. Save the sheet as CSV (UTF-8) and upload it again.")
        )
    with attribution.paths_from_file(path, sep=sep) as source:
        return attribution_table(attribution.attribute_all(source, **(params or AttributionParams()).as_kwargs()))


PATH_FILE_MAX_BYTES = 200 * 1024**2  # the largest path file the page and the API take


def attribution_of_upload(chunks: Iterable[bytes], *, params: AttributionParams | None = None, sep: str = ">") -> dict[str, Any]:
    """:func:`attribution_of_file` over an uploaded file's chunks, read from a scratch copy that is deleted
    afterwards (nothing is kept). Raises ``attribution.PathFileError``; a file that is not UTF-8 text
    raises it too, with the message to save the file as CSV (UTF-8)."""
    with tempfile.TemporaryDirectory(prefix="alur-paths-") as scratch:
        path = Path(scratch) / "paths.csv"
        with path.open("wb") as target:
            for chunk in chunks:
                target.write(chunk)
        try:
            return attribution_of_file(path, params=params, sep=sep)
        except UnicodeDecodeError:
            raise attribution.PathFileError(
                gettext_noop("The file is not text in UTF-8. Save it as CSV (UTF-8) and upload it again.")
            ) from None


def journey_channel_keys(journey_channels: Iterable[str], fact_channels: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Journey channel name → the key the facts' channel counts under (:func:`channel_key`), so Markov
    conversions can stand beside the platforms' conversions and spend.

    A journey channel named like a fact channel takes that channel's key (journeys' "Instagram" is Meta
    Ads' "instagram", which counts as ads); otherwise a known alias ("Google Search" → sem, "Organic
    Search" → seo); otherwise its own lower-cased name. Ad platforms' names win over analytics' names.
    """
    by_name: dict[str, str] = {}
    ordered = sorted(fact_channels, key=lambda pair: (pair[1] not in _AD_SOURCES, pair[1], pair[0]))
    for channel, source in ordered:
        by_name.setdefault((channel or "").strip().lower(), channel_key(channel, source))
    keys = {}
    for name in journey_channels:
        normal = " ".join((name or "").lower().split())
        keys[name] = by_name.get(normal) or JOURNEY_CHANNEL_ALIASES.get(normal) or channel_key(name)
    return keys


def attributed_conversions(workspace: Any, *, start: dt.date, end: dt.date) -> dict[str, Any] | None:
    """Per channel key, the conversions the platforms reported (facts) beside the conversions the Markov
    model attributes to the journeys of the same days, and the spend in the workspace currency. None when
    the workspace has no journeys in those days."""
    with _journeys(workspace.pk, start, end, None) as touches:
        source = attribution.paths_from_journeys(touches)
    with source:
        markov = attribution.attribute(source, "markov")
    if not markov:
        return None
    with _facts(workspace.pk) as facts:
        fact_rows = kpis.execute(
            kpis.sums(facts, ["spend", "conversions"], by=["channel", "source", "currency"], start=start, end=end)
        )
    keys = journey_channel_keys([c.channel for c in markov], [(r["channel"] or "", r["source"] or "") for r in fact_rows])
    lines: dict[str, dict[str, Any]] = {}

    def line(key: str) -> dict[str, Any]:
        return lines.setdefault(
            key, {"key": key, "fact_channels": set(), "journey_channels": [], "platform": 0.0, "markov": 0.0, "spend": 0.0}
        )

    for row in fact_rows:
        item = line(channel_key(row["channel"] or "", row["source"] or ""))
        item["fact_channels"].add(row["channel"] or "—")
        item["platform"] += float(row["conversions"] or 0)
        if row["currency"] == workspace.currency:
            item["spend"] += float(row["spend"] or 0)
    for credit in markov:
        item = line(keys[credit.channel])
        item["journey_channels"].append(credit.channel)
        item["markov"] += float(credit.conversions)
    result = []
    for item in lines.values():
        if not item["markov"] and not item["platform"]:
            continue
        item["fact_channels"] = sorted(item["fact_channels"])
        result.append(item)
    result.sort(key=lambda item: (-item["markov"], -item["platform"], item["key"]))
    return {"lines": result, "start": start, "end": end}
