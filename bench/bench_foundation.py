"""Foundation benchmarks: the policy's cost per decision and the cost of a workspace page.

Prints a table (rows, seconds, ratio to the reference). Run with `make bench`; never used as a test.
Reference for the policy: a bare set-membership check, the least any role check can cost.
Reference for pages: the same request to /healthz, which does one query and no rendering.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")


def timed(function: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return time.perf_counter() - start


def bench_policy() -> list[tuple[str, int, float, float]]:
    from dataclasses import dataclass

    import django

    django.setup()

    from alur.core.policy import RULES, Action, decide
    from alur.core.roles import Role

    @dataclass
    class Member:
        role: str
        workspace_id: int = 1

    @dataclass
    class User:
        pk: int = 1
        is_active: bool = True

    cases = [(Member(role), action) for role in Role for action in Action]
    user = User()
    rounds = 200
    rows = len(cases) * rounds
    policy = timed(lambda: [decide(user, member, action) for member, action in cases], rounds)
    reference = timed(lambda: [Role(member.role) in RULES[action].roles for member, action in cases], rounds)
    return [("policy.decide (role × action)", rows, policy, policy / reference)]


def bench_pages() -> list[tuple[str, int, float, float]]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, get_runner

    runner = get_runner(django.conf.settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        call_command("migrate", verbosity=0)
        from alur.accounts import services
        from alur.core.roles import Role

        manager = services.user_create(email="bench-manager@example.id", password="kopi-susu-2026")
        workspace = services.workspace_create(actor=manager, name="Bench")
        roles = list(Role)
        for index in range(200):
            user = services.user_create(email=f"member{index}@example.id", password="kopi-susu-2026")
            services.membership_add(actor=manager, workspace=workspace, user=user, role=roles[index % len(roles)])
        client = Client()
        client.force_login(manager)
        request_started.disconnect(reset_queries)  # keep the query log across a request, to count it
        requests = 50
        reference = timed(lambda: client.get("/healthz"), requests)
        results = []
        okr_url, campaign_url = seed_planning(manager, workspace)
        for label, url in [
            ("GET workspace home (200 members)", f"/w/{workspace.slug}/"),
            ("GET members page (200 members)", f"/w/{workspace.slug}/members/"),
            ("GET audit log page (400 events)", f"/w/{workspace.slug}/audit/"),
            ("GET OKR board (30 objectives, 120 KRs, 720 check-ins)", okr_url),
            ("GET campaign page (36 budget lines, 40 tasks)", campaign_url),
        ]:
            assert client.get(url).status_code == 200
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            query_count = len(queries)
            seconds = timed(lambda url=url: client.get(url), requests)
            results.append((f"{label} [{query_count} queries]", requests, seconds, seconds / reference))
        return results
    finally:
        runner.teardown_databases(old_config)


def seed_planning(manager: object, workspace: object) -> tuple[str, str]:
    """A busy quarter: 30 objectives of 4 key results with 6 check-ins each, and a campaign with a year of
    budget lines on three channels and 40 tasks."""
    import datetime as dt

    from alur.campaigns import services as campaigns
    from alur.strategy import services as strategy

    period = strategy.period_create(
        actor=manager, workspace=workspace, name="Q1", start=dt.date(2027, 1, 1), end=dt.date(2027, 3, 31)
    )  # type: ignore[arg-type]
    for index in range(30):
        objective = strategy.objective_create(
            actor=manager, workspace=workspace, title=f"Objective number {index}", period=period, owner=manager
        )  # type: ignore[arg-type]
        for number in range(4):
            key_result = strategy.key_result_create(
                actor=manager,
                objective=objective,
                title=f"Key result {index}-{number} grows",
                metric="Leads",
                unit="leads",  # type: ignore[arg-type]
                direction="increase_to",
                start_value="100",
                target_value="200",
                deadline=dt.date(2027, 3, 31),
                owner=manager,
            )
            for step in range(6):
                strategy.key_result_check_in(actor=manager, key_result=key_result, value=str(100 + step * 10), confidence=6)  # type: ignore[arg-type]
    campaign = campaigns.campaign_create(
        actor=manager, workspace=workspace, name="Busy campaign", owner=manager, template_key="product_launch"
    )  # type: ignore[arg-type]
    for month in range(1, 13):
        for channel in ("ads", "social", "email"):
            campaigns.budget_line_set(
                actor=manager, campaign=campaign, channel=channel, month=dt.date(2027, month, 1), planned="1000000"
            )  # type: ignore[arg-type]
    for index in range(40):
        campaigns.task_create(
            actor=manager,
            campaign=campaign,
            title=f"Task {index}",
            owner=manager,
            estimate_hours="4",
            due_date=dt.date(2027, 1, 4),
        )  # type: ignore[arg-type]
    return f"/w/{workspace.slug}/okr/?period={period.pk}", f"/w/{workspace.slug}/campaigns/{campaign.pk}/"  # type: ignore[attr-defined]


def main() -> None:
    rows = bench_policy() + bench_pages()
    print(f"{'benchmark':72} {'rows':>8} {'seconds':>9} {'ratio':>8}")
    for label, count, seconds, ratio in rows:
        print(f"{label:72} {count:>8} {seconds:>9.3f} {ratio:>8.1f}")


if __name__ == "__main__":
    main()
