from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path

from alur.api.api import api


def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Unknown API addresses answer in JSON like the rest of the API, not with the HTML 404 page."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("", include("alur.core.urls")),
    path("", include("alur.accounts.urls")),
    path("", include("alur.strategy.urls")),
    path("", include("alur.campaigns.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<path>.*)$", api_not_found),
]

handler403 = "alur.core.errors.permission_denied"
