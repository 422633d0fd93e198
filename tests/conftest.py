"""Shared fixtures: users, a workspace with one member per role, signed-in clients and API tokens."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from alur.accounts import services
from alur.accounts.models import ApiToken, Membership, User, Workspace
from alur.core.roles import Role

PASSWORD = "kopi-susu-2026"

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used synchronously.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(email: str | None = None, *, full_name: str = "", language: str = "id") -> User:
        email = email or f"person{next(counter)}@example.id"
        return services.user_create(
            email=email, password=PASSWORD, full_name=full_name or email.split("@")[0].title(), language=language
        )

    return make


@dataclass
class Team:
    workspace: Workspace
    members: dict[Role, User]

    def user(self, role: Role) -> User:
        return self.members[role]

    def membership(self, role: Role) -> Membership:
        return Membership.objects.get(workspace=self.workspace, user=self.members[role])


@pytest.fixture
def make_team(make_user: Callable[..., User]) -> Callable[..., Team]:
    def make(slug: str = "kopi", name: str = "Kopi Kita") -> Team:
        manager = make_user(f"manager@{slug}.id", full_name=f"Manager {name}")
        workspace = services.workspace_create(actor=manager, name=name, slug=slug)
        members = {Role.MANAGER: manager}
        for role in Role:
            if role == Role.MANAGER:
                continue
            user = make_user(f"{role.value}@{slug}.id")
            services.membership_add(actor=manager, workspace=workspace, user=user, role=role)
            members[role] = user
        return Team(workspace=workspace, members=members)

    return make


@pytest.fixture
def team(make_team: Callable[..., Team]) -> Team:
    return make_team()


@pytest.fixture
def other_team(make_team: Callable[..., Team]) -> Team:
    return make_team(slug="batik", name="Batik Jaya")


@pytest.fixture
def login() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def make_token() -> Callable[..., tuple[ApiToken, str]]:
    def make(user: User, workspace: Workspace, scope: str = "read", **kwargs: object) -> tuple[ApiToken, str]:
        return services.api_token_create(actor=user, workspace=workspace, name="test tool", scope=scope, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture(autouse=True)
def english_outside_requests() -> object:
    """Service-level tests read messages in English; pages choose their own language per request."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _postgres_warehouse_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return os.environ.get("ALUR_TEST_POSTGRES_URL") or url
    return None


@pytest.fixture
def warehouse_url(settings: object, tmp_path: Path) -> Iterator[str]:
    """An empty analytics warehouse on the engine matching the run: a DuckDB file of this test on the SQLite
    run, PostgreSQL (the ``test`` database's ``performance_facts``) on the PostgreSQL run."""
    from alur.analytics import warehouse

    url = _postgres_warehouse_url() or f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    with warehouse.session(url) as con:
        con.raw_sql(f"DELETE FROM {warehouse.FACTS}")
        con.raw_sql(f"DELETE FROM {warehouse.TOUCHPOINTS}")
    settings.WAREHOUSE_URL = url  # type: ignore[attr-defined]
    yield url
