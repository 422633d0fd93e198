from __future__ import annotations

from django.urls import include, path

from alur.api.api import api

urlpatterns = [
    path("", include("alur.config.workspace_urls")),
    path("", include("alur.accounts.urls")),
    path("", include("alur.strategy.urls")),
    path("", include("alur.campaigns.urls")),
    path("", include("alur.content.urls")),
    path("", include("alur.publishing.urls")),
    path("", include("alur.analytics.urls")),
    path("api/v1/", api.urls),
]

handler403 = "alur.core.errors.permission_denied"
