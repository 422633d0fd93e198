"""htmx partial rendering in one helper: the full page normally, only the fragment for htmx requests."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, partial: str | None = None, status: int = 200
) -> HttpResponse:
    is_htmx = bool(getattr(request, "htmx", False))
    boosted = bool(getattr(getattr(request, "htmx", None), "boosted", False))
    chosen = partial if partial and is_htmx and not boosted else template
    return render(request, chosen, context, status=status)
