"""API endpoints of the content studio, one router per area, mounted together under /api/v1/."""

from __future__ import annotations

from ninja import Router

from alur.content.api import approvals, calendar, collab, guidelines, items, media

router = Router()
# guidelines first: its literal paths (/workspaces/{slug}/content/guidelines, .../content/check) must be tried
# before the items' /workspaces/{slug}/content/{item_id}, which would otherwise take them (405/422).
for _area in (guidelines, items, approvals, media, calendar, collab):
    router.add_router("/", _area.router)
