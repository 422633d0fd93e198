"""Publishing throughput: posts/second through the scheduler to a local receiver with 1, 2 and 4
worker processes on PostgreSQL, beside a bare loop of the same HTTP posts (the floor).

    .venv/bin/python bench/publishing.py [--posts 2000] [--database-url postgres://postgres@127.0.0.1:5432/alur_bench]

The database is created if missing and emptied of posts between runs. The receiver runs in its own
process and answers 200 at once, so the figures are the scheduler's own cost: the claim
(compare-and-set), the guards, the attempt row written before the call, the outcome written after,
the item's status. "overhead/post" = (scheduler seconds − floor seconds) / posts: the wall-clock
milliseconds each post costs beyond the HTTP request itself. Never used as a test.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _receiver(port_queue: Any) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def setup(self) -> None:
            super().setup()
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no Nagle/delayed-ACK stalls

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            body = b'{"id": "ok"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _setup(posts: int, hook: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from alur.accounts import services as accounts
    from alur.accounts.models import User, Workspace
    from alur.content.models import ContentItem, ContentVariant
    from alur.content.services import approvals
    from alur.publishing import services
    from alur.publishing.models import ChannelAccount, Post
    from alur.publishing.scheduler import new_key

    Post.objects.all().delete()
    ContentItem.objects.filter(title__startswith="bench ").delete()
    manager = User.objects.filter(email="bench@alur.local").first() or User.objects.create_user(
        email="bench@alur.local", password="bench-password-123"
    )
    workspace = Workspace.objects.filter(slug="bench").first() or accounts.workspace_create(
        actor=manager, name="Bench", slug="bench"
    )
    approvals.approval_route_set(actor=manager, workspace=workspace, mode="none")
    ChannelAccount.objects.filter(workspace=workspace).delete()
    account = services.channel_account_create(
        actor=manager,
        workspace=workspace,
        platform="facebook",
        name="Bench receiver",
        connector="webhook",
        config={"url": hook},
        credentials={"secret": "bench"},
    )
    now = timezone.now()
    items = ContentItem.objects.bulk_create(
        ContentItem(
            workspace=workspace,
            title=f"bench {n}",
            owner=manager,
            created_by=manager,
            status="scheduled",
            approval_mode="none",
            publish_at=now,
        )
        for n in range(posts)
    )
    variants = ContentVariant.objects.bulk_create(
        ContentVariant(item=item, workspace=workspace, platform="facebook", account=account, text=f"Kopi susu {item.pk}")
        for item in items
    )
    Post.objects.bulk_create(
        Post(
            workspace=workspace,
            item=v.item,
            variant=v,
            account=account,
            platform="facebook",
            publish_at=now,
            next_attempt_at=now,
            idempotency_key=new_key(),
        )
        for v in variants
    )


def _count_left() -> int:
    from alur.publishing.models import Post

    return Post.objects.exclude(status="published").count()


def _run_workers(workers: int, env: dict[str, str], posts: int) -> float:
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "alur.config.cli",
                "publisher",
                "--concurrency",
                "4",
                "--poll-interval",
                "0.05",
                "--exit-when-idle",
                "3",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(workers)
    ]
    while _count_left():
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    for process in processes:
        process.wait(timeout=60)
    return elapsed


def _floor(hook: str, posts: int) -> float:
    import httpx

    body = json.dumps({"event": "publish", "text": "Kopi susu", "idempotency_key": "x" * 32}).encode()
    with httpx.Client() as client:
        started = time.perf_counter()
        for _ in range(posts):
            client.post(hook, content=body, headers={"Content-Type": "application/json"})
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument(
        "--database-url", default=os.environ.get("ALUR_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/alur_bench")
    )
    args = parser.parse_args()
    _ensure_database(args.database_url)
    data_dir = ROOT / "var" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "ALUR_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "alur.config.settings",
        "ALUR_PUBLISH_LATE_WINDOW_MINUTES": "600",
    }
    os.environ.update(env)
    ports: Any = multiprocessing.Queue()
    receiver = multiprocessing.Process(target=_receiver, args=(ports,), daemon=True)
    receiver.start()
    hook = f"http://127.0.0.1:{ports.get(timeout=10)}/hook"
    try:
        floor = _floor(hook, args.posts)
        rows = [("bare HTTP loop (floor)", 1, args.posts, floor, 1.0)]
        for workers in (1, 2, 4):
            _setup(args.posts, hook)
            seconds = _run_workers(workers, env, args.posts)
            rows.append((f"scheduler, {workers} worker(s) × 4 threads", workers, args.posts, seconds, seconds / floor))
    finally:
        receiver.terminate()
    print(f"\n{'case':<38} {'posts':>7} {'seconds':>9} {'posts/s':>9} {'ratio':>7} {'overhead/post ms':>17}")
    for name, _workers, posts, seconds, ratio in rows:
        overhead = "" if name.startswith("bare") else f"{(seconds - floor) / posts * 1000:>17.2f}"
        print(f"{name:<38} {posts:>7} {seconds:>9.2f} {posts / seconds:>9.0f} {ratio:>7.2f} {overhead}")


if __name__ == "__main__":
    main()
