from __future__ import annotations

from alur.analytics.views import urlpatterns as view_patterns

app_name = "analytics"

urlpatterns = [*view_patterns]
