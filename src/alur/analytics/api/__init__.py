"""API endpoints of analytics, one router per area, mounted together under /api/v1/."""

from __future__ import annotations

from ninja import Router

from alur.analytics.api import alerts, attribution, dashboards, experiments, imports, keyresults, sources

# Each endpoint names the operation id it had when one module held them all (alur_analytics_api_<view>): the
# default id follows the module, and clients generated from the OpenAPI document call operations by id.
router = Router()
for _area in (sources, imports, dashboards, alerts, keyresults, attribution, experiments):
    router.add_router("/", _area.router)
