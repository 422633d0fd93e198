"""The roles a member can hold in a workspace (SPEC §1).

Internal roles see the whole workspace; the two outside roles see less: a contractor only what is
assigned to them, a client only what is shared with them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MANAGER = "manager", _("Marketing manager")
    STRATEGIST = "strategist", _("Strategist")
    CAMPAIGN_MANAGER = "campaign_manager", _("Campaign manager")
    CONTENT_CREATOR = "content_creator", _("Content creator")
    DESIGNER = "designer", _("Designer")
    SOCIAL_MEDIA_SPECIALIST = "social_media_specialist", _("Social media specialist")
    COMMUNITY_MANAGER = "community_manager", _("Community manager")
    PERFORMANCE_MARKETER = "performance_marketer", _("Performance marketer")
    DATA_ANALYST = "data_analyst", _("Data analyst")
    APPROVER = "approver", _("Approver")
    CLIENT = "client", _("Client (outside reviewer)")
    CONTRACTOR = "contractor", _("Contractor (outside creator)")


OUTSIDE_ROLES = frozenset({Role.CLIENT, Role.CONTRACTOR})
INTERNAL_ROLES = frozenset(set(Role) - OUTSIDE_ROLES)
ALL_ROLES = frozenset(Role)
