"""An import's receipt as people read it: problems and warnings in the reader's language, totals beside the
file's own. One shape for the page, the API and ``alur import --format json``::

    {"status": "succeeded", "rows": 3, "date_from": "2026-01-27", "date_to": "2026-02-23",
     "problems": [{"row": 14, "column": "Cost", "value": "12,3x4", "message": "…"}],
     "warnings": ["…"], "totals": {"spend": {"GBP": "365.22"}, "clicks": 264},
     "file_totals": {…}, "file_total_label": "Total: Campaigns"}

Stored reports keep each notice as a key and its parameters (:mod:`alur.analytics.imports.messages`); they
are put into words here, in the active language, when shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext

from alur.analytics.imports import messages
from alur.analytics.models import Import
from alur.analytics.selectors.facts import campaign_ids


def notice_text(notice: Mapping[str, Any]) -> str:
    """One stored problem or warning in the active language (a report from before keyed notices: as stored)."""
    code = notice.get("code")
    if not code or code not in messages.TEMPLATES:
        return str(notice.get("message", ""))
    params = messages.words(notice.get("params") or {}, gettext, lambda day: date_format(day, "j M Y"))
    return messages.fill(gettext(messages.TEMPLATES[code]), params)


def problems(imp: Import) -> list[dict[str, Any]]:
    return [
        {"row": p.get("row"), "column": p.get("column"), "value": p.get("value"), "message": notice_text(p)}
        for p in (imp.report or {}).get("problems", [])
    ]


def warnings(imp: Import) -> list[str]:
    return [notice_text(w) if isinstance(w, Mapping) else str(w) for w in (imp.report or {}).get("warnings", [])]


def receipt(imp: Import) -> dict[str, Any]:
    report = imp.report or {}
    return {
        "id": imp.pk,
        "file": imp.original_name,
        "status": imp.status,
        "rows": imp.rows,
        "date_from": imp.date_from.isoformat() if imp.date_from else None,
        "date_to": imp.date_to.isoformat() if imp.date_to else None,
        "problems": problems(imp),
        "warnings": warnings(imp),
        "totals": report.get("totals", {}),
        "file_totals": report.get("file_totals"),
        "file_total_label": report.get("file_total_label"),
        "replaced": report.get("replaced", imp.replaced),
        "same_as": report.get("same_as"),
    }


def unmapped_campaigns(imp: Import) -> list[str]:
    """The file's campaigns that no Alur campaign matches yet (by mapping, name or UTM slug)."""
    known = campaign_ids(imp.workspace_id)
    return [c for c in (imp.report or {}).get("campaigns", []) if c.lower() not in known]


def totals_side_by_side(imp: Import) -> list[dict[str, Any]]:
    """One line per metric (and currency) for the page: what was stored beside the file's own total, marked
    where they differ by more than rounding explains (the metrics the import's warning names)."""
    report = imp.report or {}
    stored, own = report.get("totals") or {}, report.get("file_totals") or {}
    flagged = {
        field
        for warning in report.get("warnings", [])
        if isinstance(warning, Mapping) and warning.get("code") in ("totals_differ", "summary_differs")
        for field in (warning.get("params") or {}).get("fields", [])
    }
    lines = []
    for metric in dict.fromkeys([*stored, *own]):
        left, right = stored.get(metric), own.get(metric)
        if isinstance(left, Mapping) or isinstance(right, Mapping):
            left, right = left or {}, right or {}
            for currency in dict.fromkeys([*left, *right]):
                lines.append(_line(metric, currency, left.get(currency), right.get(currency), metric in flagged))
        else:
            lines.append(_line(metric, "", left, right, metric in flagged))
    return lines


def _line(metric: str, currency: str, stored: Any, own: Any, differs: bool) -> dict[str, Any]:
    label = gettext(messages.FIELD_LABELS.get(metric, metric))
    return {
        "metric": metric,
        "label": label[:1].upper() + label[1:],
        "currency": currency,
        "stored": stored,
        "file": own,
        "differs": differs,
    }
