from __future__ import annotations

from alur.analytics.views import alerts, attribution, budget, dashboards, experiments, imports, keyresults, sources

app_name = "analytics"

urlpatterns = [
    *dashboards.urlpatterns,
    *imports.urlpatterns,
    *sources.urlpatterns,
    *keyresults.urlpatterns,
    *budget.urlpatterns,
    *alerts.urlpatterns,
    *attribution.urlpatterns,
    *experiments.urlpatterns,
]
