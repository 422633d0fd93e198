"""Error pages that tell a person what happened in their language."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403 with the policy's reason (the default page would hide it)."""
    return render(request, "403.html", {"reason": str(exception)}, status=403)
