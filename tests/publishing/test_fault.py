"""The fault test of the issue, on PostgreSQL: 4 worker processes publish 2,000 due posts to a local
webhook receiver that answers 10% 5xx and lets 5% time out (after receiving them), while workers are
killed with SIGKILL at random moments and restarted. Every post must end received exactly once
(published) or failed with a reason and never received; zero duplicates, zero lost.

The counts are printed (run with ``-s`` to see them); set ``ALUR_FAULT_POSTS`` to change the size.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from alur.content.models import ContentItem, ContentVariant
from alur.content.services import approvals
from alur.core.roles import Role
from alur.publishing import services
from alur.publishing.models import Post
from alur.publishing.scheduler import new_key
from tests.conftest import Team
from tests.publishing.fakes.server import FakeServer, Reply, Request

POSTS = int(os.environ.get("ALUR_FAULT_POSTS", "2000"))
WORKERS = 4
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _receiver(seed: int) -> tuple[FakeServer, Counter[str]]:
    server = FakeServer()
    received: Counter[str] = Counter()
    lock = threading.Lock()
    rng = random.Random(seed)

    @server.route("POST", "/hook")
    def hook(request: Request) -> Reply:
        key = request.header("Idempotency-Key")
        with lock:
            roll = rng.random()
        if roll < 0.10:
            return Reply(500, "temporary trouble")  # refused before anything was recorded
        with lock:
            received[key] += 1
        if roll < 0.15:
            return Reply(200, {"id": key}, delay=3.0)  # received, but the answer comes too late
        return Reply(200, {"id": key})

    @server.route("GET", "/status")
    def status(request: Request) -> Reply:
        key = request.query.get("idempotency_key", [""])[0]
        with lock:
            return Reply(200, {"id": key}) if received[key] else Reply(404, {"message": "not received"})

    return server, received


def _spawn(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "alur.config.cli", "publisher", "--concurrency", "4", "--poll-interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_two_thousand_posts_four_killed_workers_exactly_once(team: Team) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the fault test runs on PostgreSQL, where several machines share the database")
    server, received = _receiver(seed=20261123)
    manager = team.user(Role.MANAGER)
    approvals.approval_route_set(actor=manager, workspace=team.workspace, mode="none")
    with server:
        account = services.channel_account_create(
            actor=manager,
            workspace=team.workspace,
            platform="facebook",
            name="Receiver",
            connector="webhook",
            config={"url": f"{server.url}/hook", "status_url": f"{server.url}/status", "timeout_seconds": 1},
            credentials={"secret": "fault-test"},
        )
        now = timezone.now()
        owner = team.user(Role.CONTENT_CREATOR)
        item_rows = ContentItem.objects.bulk_create(
            ContentItem(
                workspace=team.workspace,
                title=f"Post {n}",
                owner=owner,
                created_by=owner,
                status="scheduled",
                approval_mode="none",
                publish_at=now,
            )
            for n in range(POSTS)
        )
        variants = ContentVariant.objects.bulk_create(
            ContentVariant(item=item, workspace=team.workspace, platform="facebook", account=account, text=f"Kopi {item.pk}")
            for item in item_rows
        )
        Post.objects.bulk_create(
            Post(
                workspace=team.workspace,
                item=v.item,
                variant=v,
                account=account,
                platform="facebook",
                publish_at=now,
                next_attempt_at=now,
                idempotency_key=new_key(),
                max_attempts=5,
            )
            for v in variants
        )
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "ALUR_CREDENTIALS_KEYS": ",".join(settings.ALUR_CREDENTIALS_KEYS),
            "ALUR_PUBLISH_LEASE_SECONDS": "30",
            "ALUR_PUBLISH_BACKOFF_SECONDS": "1",
            "ALUR_PUBLISH_LATE_WINDOW_MINUTES": "600",
            "SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_SETTINGS_MODULE": "alur.config.settings",
        }
        rng = random.Random(7)
        workers = [_spawn(env) for _ in range(WORKERS)]
        kills = 0
        started = time.monotonic()
        try:
            # Kill a random worker every 0.3-1.5 s while posts are still going out, for at most 40 s.
            while time.monotonic() - started < 40 and Post.objects.filter(status="pending").exists():
                time.sleep(rng.uniform(0.3, 1.5))
                victim = rng.randrange(WORKERS)
                workers[victim].send_signal(signal.SIGKILL)
                workers[victim].wait()
                kills += 1
                workers[victim] = _spawn(env)
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and Post.objects.filter(status__in=("pending", "publishing")).exists():
                time.sleep(1)
        finally:
            for worker in workers:
                worker.kill()
                worker.wait()
        elapsed = time.monotonic() - started

    statuses = Counter(Post.objects.values_list("status", flat=True))
    published = dict(Post.objects.filter(status="published").values_list("idempotency_key", "pk"))
    failed = list(Post.objects.filter(status="failed").values_list("idempotency_key", "last_error"))
    duplicates = {key: n for key, n in received.items() if n > 1}
    lost = [key for key in published if received[key] != 1]
    failed_but_received = [key for key, _ in failed if received[key]]
    print(
        f"\nfault test: {POSTS} posts, {WORKERS} workers, {kills} SIGKILLs, {elapsed:.0f} s; statuses {dict(statuses)}; "
        f"received {sum(received.values())} requests for {len(received)} keys; duplicates {len(duplicates)}; "
        f"published-but-not-received {len(lost)}; failed-but-received {len(failed_but_received)}"
    )
    assert set(statuses) <= {"published", "failed"}, statuses
    assert sum(statuses.values()) == POSTS
    assert duplicates == {}
    assert lost == []
    assert failed_but_received == []
    assert all(reason for _, reason in failed)
    assert kills >= 2
