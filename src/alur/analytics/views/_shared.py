"""What the pages of analytics share: a service's errors as messages, charts drawn as SVG in the reader's
language and at the card's width, and a KPI's label."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alur.analytics import charts, kpis
from alur.core.tenancy import WorkspaceRequest

#: Charts that fill a card across the main column (about 980 px at 1280 px): drawn at that width, their
#: text keeps the size of the page's instead of being scaled up.
CARD_CHART_WIDTH = 980


def _errors(request: WorkspaceRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _locale() -> charts.Locale:
    return "id" if (get_language() or "id").startswith("id") else "en"


def _svg(spec: dict[str, Any]) -> SafeString:
    # vl-convert escapes every text it draws (tested in tests/analytics/test_charts.py).
    return mark_safe(charts.render_svg(spec, locale=_locale()))  # noqa: S308


def _kpi_label(key: str) -> str:
    return _(kpis.KPIS[key].label)
