"""The demo workspace: an Indonesian coffee brand with one user per role, created or refreshed idempotently.

Each context adds its demo data with a call in :func:`demo_seed`, so ``alur demo`` grows with the product.
It lives in ``config`` (on top of every context), so no context imports one above it to seed its demo.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from alur.accounts import selectors, services
from alur.accounts.models import User, Workspace
from alur.analytics.demo import analytics_demo_seed
from alur.campaigns.demo import campaigns_demo_seed
from alur.content.demo import content_demo_seed
from alur.core.roles import Role
from alur.publishing.demo import publishing_demo_accounts, record_history
from alur.strategy.demo import strategy_demo_seed

DEMO_PASSWORD = "alur-demo"
DEMO_DOMAIN = "demo.alur.id"
DEMO_SLUG = "demo"


@dataclass(frozen=True)
class DemoPerson:
    local_part: str
    full_name: str
    role: Role


DEMO_PEOPLE = (
    DemoPerson("manager", "Rina Wijaya", Role.MANAGER),
    DemoPerson("strategist", "Bima Santoso", Role.STRATEGIST),
    DemoPerson("campaign", "Dewi Lestari", Role.CAMPAIGN_MANAGER),
    DemoPerson("creator", "Agus Pratama", Role.CONTENT_CREATOR),
    DemoPerson("designer", "Putri Maharani", Role.DESIGNER),
    DemoPerson("social", "Yoga Saputra", Role.SOCIAL_MEDIA_SPECIALIST),
    DemoPerson("community", "Sari Anggraini", Role.COMMUNITY_MANAGER),
    DemoPerson("performance", "Fajar Nugroho", Role.PERFORMANCE_MARKETER),
    DemoPerson("analyst", "Intan Permata", Role.DATA_ANALYST),
    DemoPerson("approver", "Hendra Gunawan", Role.APPROVER),
    DemoPerson("client", "Maya Kusuma", Role.CLIENT),
    DemoPerson("contractor", "Rudi Hartono", Role.CONTRACTOR),
)


def demo_email(person: DemoPerson) -> str:
    return f"{person.local_part}@{DEMO_DOMAIN}"


def _ensure_user(person: DemoPerson) -> User:
    user = selectors.user_by_email(demo_email(person))
    if user is None:
        return services.user_create(email=demo_email(person), password=DEMO_PASSWORD, full_name=person.full_name, language="id")
    if not user.check_password(DEMO_PASSWORD):
        services.user_set_password(user, password=DEMO_PASSWORD)
    if user.full_name != person.full_name:
        services.user_update_profile(user, full_name=person.full_name, language=user.language)
    return user


def _ensure_workspace(owner: User, *, slug: str, name: str, kind: str) -> Workspace:
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        return services.workspace_create(
            actor=owner, name=name, slug=slug, kind=kind, currency="IDR", time_zone="Asia/Jakarta", language="id"
        )
    return workspace


def _ensure_member(workspace: Workspace, user: User, role: Role) -> None:
    membership = selectors.membership_of(user, workspace)
    if membership is None:
        services.membership_add(actor=None, workspace=workspace, user=user, role=role)
    elif membership.role != role:
        services.membership_change_role(actor=None, membership=membership, role=role)


def demo_seed() -> Workspace:
    """Create or refresh the demo workspace; running it twice changes nothing the second time."""
    with transaction.atomic():
        users = {person.local_part: _ensure_user(person) for person in DEMO_PEOPLE}
        manager = users["manager"]
        workspace = _ensure_workspace(manager, slug=DEMO_SLUG, name="Kopi Nusantara", kind=Workspace.Kind.BRAND)
        for person in DEMO_PEOPLE:
            _ensure_member(workspace, users[person.local_part], person.role)
        # A second workspace, an agency client, so the switcher has somewhere to go.
        client_workspace = _ensure_workspace(manager, slug="batik-lestari", name="Batik Lestari", kind=Workspace.Kind.CLIENT)
        _ensure_member(client_workspace, manager, Role.MANAGER)
        _ensure_member(client_workspace, users["creator"], Role.CONTENT_CREATOR)
        strategy_demo_seed(workspace, users)
        campaigns_demo_seed(workspace, users)
        accounts = publishing_demo_accounts(workspace, manager)
        content_demo_seed(workspace, users, accounts=accounts, record_history=record_history)
        analytics_demo_seed(workspace, users)
    return workspace


def demo_logins() -> list[tuple[str, str, str]]:
    """(email, password, role label) for every demo user, for printing."""
    return [(demo_email(p), DEMO_PASSWORD, str(p.role.label)) for p in DEMO_PEOPLE]
