from __future__ import annotations

from alur.publishing.views import urlpatterns as view_patterns

app_name = "publishing"

urlpatterns = [*view_patterns]
