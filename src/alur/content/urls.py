from __future__ import annotations

from alur.content.views import approvals, calendar, collab, guidelines, items, media

app_name = "content"

urlpatterns = [
    *items.urlpatterns,
    *approvals.urlpatterns,
    *guidelines.urlpatterns,
    *media.urlpatterns,
    *calendar.urlpatterns,
    *collab.urlpatterns,
]
