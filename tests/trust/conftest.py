"""The demo workspace, seeded once for this package and made richer than ``alur demo`` where a state is missing
(many tasks with dependencies, a completed campaign, a rolled-back and a failed item, a failed import, anomaly
alerts, a risk and an initiative), with an API token per role. Everything is rolled back after the package."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from alur.accounts import services as account_services
from alur.accounts.models import User, Workspace
from alur.config.demo import DEMO_PEOPLE, demo_email, demo_seed
from alur.core.roles import Role


@dataclass
class DemoWorld:
    workspace: Workspace
    users: dict[Role, User]
    tokens: dict[Role, str]  # a read token per role; the manager's is a write token


def _enrich(workspace: Workspace, people: dict[str, User]) -> None:
    """States the demo does not reach on its own."""
    from alur.analytics.models import DataSource
    from alur.analytics.services import alerts, imports
    from alur.campaigns import services as campaigns
    from alur.campaigns.models import Campaign
    from alur.content.models import ContentItem, ContentStatus
    from alur.publishing.models import Post

    planner = people["campaign"]
    ramadan = Campaign.objects.get(workspace=workspace, name="Ramadan 2027: Paket Hampers Kopi")
    tasks = []
    for number, (title, owner, status) in enumerate(
        [
            ("Brief kreator kuliner", "campaign", "done"),
            ("Desain kemasan hampers", "designer", "doing"),
            ("Naskah video unboxing", "contractor", "review"),
            ("Jadwal unggahan kreator", "social", "todo"),
            ("Laporan mingguan CPA", "performance", "todo"),
            ("Balas komentar hampers", "community", "todo"),
        ]
    ):
        task = campaigns.task_create(
            actor=planner,
            campaign=ramadan,
            title=title,
            owner=people[owner],
            estimate_hours=str(4 + number),
            due_date=dt.date(2027, 2, 3 + number),
            checklist=["Draf", "Review"],
        )
        if tasks:
            campaigns.task_add_dependency(actor=planner, task=task, depends_on=tasks[0])
        if status != "todo":
            campaigns.task_move(actor=planner, task=task, status=status)
        tasks.append(task)
    campaigns.risk_add(
        actor=planner,
        campaign=ramadan,
        risk="Kreator terlambat mengunggah",
        likelihood=3,
        impact=4,
        mitigation="Jadwal cadangan",
        owner=planner,
    )
    campaigns.initiative_create(
        actor=people["manager"],
        workspace=workspace,
        title="Program loyalitas pelanggan",
        reach="5000",
        impact="2",
        confidence_percent="80",
        effort_weeks="4",
        ice_impact="7",
        ice_confidence="6",
        ice_ease="5",
        campaign=ramadan,
    )
    done = campaigns.campaign_create(
        actor=planner,
        workspace=workspace,
        name="Hari Kopi Internasional 2026",
        owner=planner,
        template_key="awareness",
        start_date=dt.date(2026, 9, 20),
        end_date=dt.date(2026, 10, 5),
    )
    Campaign.objects.filter(pk=done.pk).update(status=Campaign.Status.COMPLETED)
    # A published item whose posts were taken down again.
    published = ContentItem.objects.filter(workspace=workspace, status=ContentStatus.PUBLISHED).order_by("pk").first()
    assert published is not None
    ContentItem.objects.filter(pk=published.pk).update(status=ContentStatus.ROLLED_BACK)
    Post.objects.filter(item=published).update(status=Post.Status.ROLLED_BACK)
    # A file the importer cannot read.
    source = DataSource.objects.get(workspace=workspace, key="google_ads")
    imports.import_start(
        actor=people["analyst"],
        workspace=workspace,
        source=source,
        upload=io.BytesIO(b"not,a,report\n\x00\x01\x02"),
        name="rusak.csv",
        run_now=True,
    )
    alerts.anomalies_scan(workspace)


@pytest.fixture(scope="package")
def demo_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoWorld]:
    warehouse = override_settings(WAREHOUSE_URL=f"duckdb://{Path(tempfile.mkdtemp(prefix='alur-trust-')) / 'w.duckdb'}")
    warehouse.enable()
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            workspace = demo_seed()
            people = {person.local_part: User.objects.get(email=demo_email(person)) for person in DEMO_PEOPLE}
            _enrich(workspace, people)
            users = {person.role: people[person.local_part] for person in DEMO_PEOPLE}
            assert set(users) == set(Role), "the demo has a user per role"
            tokens = {
                role: account_services.api_token_create(
                    actor=user,
                    workspace=workspace,
                    name="crawl",
                    scope="write" if role == Role.MANAGER else "read",  # type: ignore[arg-type]
                )[1]
                for role, user in users.items()
            }
            yield DemoWorld(workspace=workspace, users=users, tokens=tokens)
            transaction.set_rollback(True)
    finally:
        warehouse.disable()


SUMMARY: list[str] = []  # lines the checks add (pages per role, fuzz cases, seconds), shown after the run


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SUMMARY:
        terminalreporter.section("trust checks")
        for line in SUMMARY:
            terminalreporter.write_line(line)
