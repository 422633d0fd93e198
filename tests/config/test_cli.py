"""The `alur` command: help, demo seeding, user and workspace creation, and clear errors."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest

from alur.accounts.models import Membership, User, Workspace
from alur.config.cli import main
from alur.config.demo import DEMO_PASSWORD, DEMO_PEOPLE, demo_email
from alur.core.models import AuditEvent
from alur.core.roles import Role
from tests.analytics.factrows import stored_facts


def run(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    original_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(argv))
            except SystemExit as exit_:
                code = int(exit_.code or 0)
    finally:
        sys.stdin = original_stdin
    return code, out.getvalue(), err.getvalue()


def test_help_lists_the_subcommands() -> None:
    result = subprocess.run([sys.executable, "-m", "alur.config.cli", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in ("serve", "worker", "migrate", "demo", "createuser", "workspace"):
        assert command in result.stdout


@pytest.mark.django_db
def test_demo_creates_a_workspace_with_a_user_per_role_idempotently() -> None:
    code, out, _ = run("demo", "--no-serve")
    assert code == 0
    assert "manager@demo.alur.id" in out and "alur-demo" in out
    workspace = Workspace.objects.get(slug="demo")
    assert (workspace.currency, workspace.time_zone, workspace.language) == ("IDR", "Asia/Jakarta", "id")
    for person in DEMO_PEOPLE:
        user = User.objects.get(email=demo_email(person))
        assert user.check_password(DEMO_PASSWORD)
        assert Membership.objects.get(user=user, workspace=workspace).role == person.role
    from alur.strategy.models import CheckIn, KeyResult, Objective

    assert Objective.objects.filter(workspace=workspace).count() == 3  # seed 004's three examples
    assert KeyResult.objects.filter(workspace=workspace).count() == 13
    assert CheckIn.objects.filter(workspace=workspace).count() >= 24
    from alur.publishing.models import Post

    assert Post.objects.filter(workspace=workspace, status="published").exclude(external_url="").count() >= 8
    assert Post.objects.filter(workspace=workspace, status="failed").exclude(last_error="").count() == 1
    from alur.analytics.models import Experiment, Import, KeyResultMetric

    # Performance exports, customer journeys, key results linked to the data and the A/B tests, all seeded.
    imports = Import.objects.filter(workspace=workspace)
    assert sorted(imports.values_list("source__key", flat=True)) == ["ga4", "google_ads", "journeys", "meta_ads", "tiktok_ads"]
    assert set(imports.values_list("status", flat=True)) == {Import.Status.SUCCEEDED}
    assert KeyResultMetric.objects.filter(key_result__workspace=workspace).count() == 5
    # A whole-period import beside the daily ones, and a key result that moved from it.
    tiktok = imports.get(source__key="tiktok_ads")
    assert (tiktok.date_from, tiktok.date_to) == (dt.date(2026, 11, 1), dt.date(2026, 11, 22))
    assert tiktok.report["periods"] == [["2026-11-01", "2026-11-22"]]
    orders = KeyResult.objects.get(workspace=workspace, metric="Pesanan TikTok Shop")
    automatic = orders.check_ins.filter(is_automatic=True).get()
    sku_orders = sum(row["conversions"] for row in stored_facts(workspace.pk) if row["source"] == "tiktok_ads")
    assert sku_orders > 0 and automatic.value == orders.start_value + sku_orders
    assert Experiment.objects.filter(workspace=workspace).count() == 3
    required = {"manager", "strategist", "creator", "designer", "approver", "analyst", "client"}
    assert required <= {p.local_part for p in DEMO_PEOPLE}
    events_after_first_run = AuditEvent.objects.count()
    # A second run, after someone changed a demo password and role, repairs them and adds nothing else.
    manager = User.objects.get(email="manager@demo.alur.id")
    manager.set_password("changed-by-someone")
    manager.save()
    Membership.objects.filter(user__email="designer@demo.alur.id", workspace=workspace).update(role=Role.CLIENT)
    assert run("demo", "--no-serve")[0] == 0
    manager.refresh_from_db()
    assert manager.check_password(DEMO_PASSWORD)
    assert Membership.objects.get(user__email="designer@demo.alur.id", workspace=workspace).role == Role.DESIGNER
    assert Workspace.objects.filter(slug="demo").count() == 1
    assert AuditEvent.objects.count() == events_after_first_run + 2  # the password reset and the role repair
    assert run("demo", "--no-serve")[0] == 0
    assert AuditEvent.objects.count() == events_after_first_run + 2


@pytest.mark.django_db
def test_createuser_adds_an_account_to_a_workspace() -> None:
    run("demo", "--no-serve")
    code, out, err = run(
        "createuser",
        "--email",
        "Baru@Kopi.id",
        "--name",
        "Orang Baru",
        "--password-stdin",
        "--workspace",
        "demo",
        "--role",
        "designer",
        stdin="es-teh-manis-9\n",
    )
    assert code == 0, err
    assert "Created baru@kopi.id as designer of demo." in out
    user = User.objects.get(email="baru@kopi.id")
    assert user.check_password("es-teh-manis-9")
    assert Membership.objects.get(user=user, workspace__slug="demo").role == Role.DESIGNER


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (
            ("createuser", "--email", "bukan-email", "--password-stdin"),
            "es-teh-manis-9\n",
            "email: bukan-email is not a valid email address.",
        ),
        (("createuser", "--email", "a@kopi.id", "--password-stdin"), "123\n", "password:"),
        (
            ("createuser", "--email", "a@kopi.id", "--password-stdin", "--workspace", "nope"),
            "es-teh-manis-9\n",
            "no workspace with the address 'nope'",
        ),
        (("workspace", "--name", "Kopi", "--owner", "nobody@kopi.id"), None, "no account with the email 'nobody@kopi.id'"),
    ],
)
def test_bad_cli_input_gets_one_clear_sentence_and_exit_status_2(argv: tuple[str, ...], stdin: str | None, message: str) -> None:
    code, _, err = run(*argv, stdin=stdin)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert not User.objects.filter(email="a@kopi.id").exists()


def test_bad_arguments_are_refused_by_the_parser() -> None:
    code, _, err = run("serve", "--port", "99999")
    assert code == 2
    assert "99999 is not between 1 and 65535" in err
    code, _, err = run("createuser", "--email", "a@kopi.id", "--role", "boss")
    assert code == 2
    assert "invalid choice: 'boss'" in err


@pytest.mark.django_db
def test_workspace_command_creates_a_workspace_with_a_manager() -> None:
    run("createuser", "--email", "owner@kopi.id", "--password-stdin", stdin="es-teh-manis-9\n")
    code, _out, err = run("workspace", "--name", "Toko Kopi", "--owner", "owner@kopi.id", "--currency", "idr")
    assert code == 0, err
    workspace = Workspace.objects.get(slug="toko-kopi")
    assert workspace.currency == "IDR"
    assert Membership.objects.get(workspace=workspace).role == Role.MANAGER


@pytest.mark.django_db(transaction=True)
def test_the_publisher_command_runs_until_idle() -> None:
    from alur.publishing.models import WorkerHeartbeat

    code, _out, _err = run("publisher", "--exit-when-idle", "2", "--poll-interval", "0.01", "--concurrency", "2")
    assert code == 0 and WorkerHeartbeat.objects.count() == 1
    assert run("publisher", "--concurrency", "0")[0] != 0
