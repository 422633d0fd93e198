"""The ``alur`` command: run, set up and operate Alur.

Subcommands parse their arguments first (so ``--help`` works without a configured environment), then
start Django. Errors that a person can fix (configuration, invalid input) are printed as one sentence
and exit with status 2; nothing prints a traceback for them.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alur.analytics.stats import Analysis

EXIT_USAGE = 2


class CommandFailed(Exception):
    """A subcommand could not do what was asked; the message says why."""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alur.config.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        raise CommandFailed(f"Configuration error: {error}") from None


def _validation_message(error: Exception) -> str:
    from django.core.exceptions import ValidationError

    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
        return " ".join(error.messages)
    return str(error)


# Subcommands -------------------------------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.exceptions import ValidationError

    from alur.accounts import selectors, services

    password = args.password
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif password is None:
        if not sys.stdin.isatty():
            raise CommandFailed("No password given: use --password-stdin, or run in a terminal to be asked for one.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            raise CommandFailed("The two passwords differ; run the command again.")
    workspace = None
    if args.workspace:
        from alur.accounts.models import Workspace

        workspace = Workspace.objects.filter(slug=args.workspace).first()
        if workspace is None:
            raise CommandFailed(f"There is no workspace with the address {args.workspace!r}.")
    try:
        user = services.user_create(email=args.email, password=password, full_name=args.name, language=args.language)
        if workspace is not None:
            services.membership_add(actor=None, workspace=workspace, user=user, role=args.role)
    except ValidationError as error:
        raise CommandFailed(_validation_message(error)) from None
    where = f" as {args.role} of {workspace.slug}" if workspace is not None else ""
    print(f"Created {user.email}{where}.")
    if workspace is None and not selectors.memberships_for_user(user).exists():
        print("They can create their own workspace after signing in.")
    return 0


def cmd_workspace(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.exceptions import ValidationError

    from alur.accounts import selectors, services

    owner = selectors.user_by_email(args.owner)
    if owner is None:
        raise CommandFailed(f"There is no account with the email {args.owner!r}; create it first with 'alur createuser'.")
    try:
        workspace = services.workspace_create(
            actor=owner,
            name=args.name,
            slug=args.slug or "",
            currency=args.currency,
            time_zone=args.time_zone,
            language=args.language,
        )
    except ValidationError as error:
        raise CommandFailed(_validation_message(error)) from None
    print(f"Created workspace {workspace.name} at /w/{workspace.slug}/ with {owner.email} as manager.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import a performance export; prints the receipt, exits non-zero when the file was not imported."""
    _setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import translation

    from alur.accounts.models import Membership, Workspace
    from alur.analytics import numbers
    from alur.analytics.imports.layout import parse_period
    from alur.analytics.models import DataSource, Import
    from alur.analytics.selectors import imports as receipts
    from alur.analytics.services import imports, sources
    from alur.core.roles import Role

    path = Path(args.file)
    if not path.is_file():
        raise CommandFailed(f"There is no file at {args.file!r}.")
    workspace = Workspace.objects.filter(slug=args.workspace).first()
    if workspace is None:
        raise CommandFailed(f"There is no workspace with the address {args.workspace!r}.")
    members = Membership.objects.filter(workspace=workspace).select_related("user")
    membership = (
        members.filter(user__email__iexact=args.user).first()
        if args.user
        else members.filter(role=Role.MANAGER).order_by("id").first()
    )
    if membership is None:
        raise CommandFailed(f"{args.user or 'A manager'} is not a member of {workspace.slug}.")
    sources.sources_ensure(workspace)
    source = DataSource.objects.filter(workspace=workspace, key=args.source).first()
    if source is None:
        keys = ", ".join(DataSource.objects.filter(workspace=workspace).values_list("key", flat=True))
        raise CommandFailed(f"There is no source {args.source!r} in {workspace.slug}. Sources: {keys}.")
    period = None
    if args.period:
        try:
            given = parse_period(args.period)
        except numbers.DateError as error:
            raise CommandFailed(str(error)) from None
        period = (given.start, given.end)
    language = args.language or membership.user.language or workspace.language or "en"
    with translation.override(language):
        try:
            with path.open("rb") as handle:
                imp = imports.import_start(
                    actor=membership.user, workspace=workspace, source=source, upload=handle, name=path.name, run_now=True,
                    period=period,
                )  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            raise CommandFailed(_validation_message(error)) from None
        receipt = receipts.receipt(imp)
        if args.format == "json":
            print(json.dumps(receipt, default=str, ensure_ascii=False, indent=2))
        else:
            _print_receipt(path.name, imp, receipt)
    return 1 if imp.status == Import.Status.FAILED else 0


def _print_receipt(name: str, imp: Any, receipt: dict[str, Any]) -> None:
    from django.utils.translation import gettext as _

    from alur.analytics.models import Import

    if imp.status == Import.Status.FAILED:
        print(_("%(file)s was NOT imported; nothing was written. Problems:") % {"file": name}, file=sys.stderr)
        for problem in receipt["problems"]:
            print(f"  - {problem['message']}", file=sys.stderr)
        return
    if imp.status == Import.Status.UNCHANGED:
        print(_("%(file)s: already imported (import #%(id)s); nothing changed.") % {"file": name, "id": receipt["same_as"]})
        return
    from django.utils.formats import date_format

    print(
        _("%(file)s: %(rows)s rows imported for %(start)s – %(end)s.")
        % {"file": name, "rows": imp.rows, "start": date_format(imp.date_from, "j M Y"), "end": date_format(imp.date_to, "j M Y")}
    )
    print("  " + _("totals") + ": " + json.dumps(receipt["totals"], ensure_ascii=False))
    if receipt["file_totals"]:
        label = receipt["file_total_label"] or _("summary row")
        print(
            "  "
            + _("file's own total (%(label)s)") % {"label": label}
            + ": "
            + json.dumps(receipt["file_totals"], ensure_ascii=False)
        )
    for warning in receipt["warnings"]:
        print(f"  - {warning}")


def cmd_worker(args: argparse.Namespace) -> int:
    if args.niceness:
        # Background work yields the processor to the pages people are waiting for: a large import in the worker
        # never makes the dashboards slow (the threads DuckDB starts inherit the priority).
        os.nice(args.niceness)
    _setup_django()
    from django.core.management import call_command

    options: dict[str, object] = {"interval": args.interval, "queue_name": args.queue}
    if args.max_tasks:
        options["max_tasks"] = args.max_tasks
    if args.batch:
        options["batch"] = True
        from alur.core.periodic import run_all

        run_all()
    else:
        from alur.core.periodic import start_background

        start_background(args.sweep_interval)
        if args.publishers:
            import threading

            from alur.publishing.scheduler import run_forever

            threading.Thread(
                target=run_forever, kwargs={"concurrency": args.publishers}, name="alur-publisher", daemon=True
            ).start()
    call_command("db_worker", **options)
    return 0


def cmd_publisher(args: argparse.Namespace) -> int:
    """Only the publishing loop: run several of these (on several machines) to publish faster."""
    _setup_django()
    from alur.publishing.scheduler import run_forever

    run_forever(concurrency=args.concurrency, poll_interval=args.poll_interval, max_idle_passes=args.exit_when_idle)
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run the periodic jobs once (expiry of unapproved content, approval reminders...) and print the counts."""
    _setup_django()
    from alur.core.periodic import run_all

    for name, result in run_all().items():
        print(f"{name}: {result}")
    return 0


def _gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "alur.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
    ]


def cmd_serve(args: argparse.Namespace) -> int:
    _setup_django()  # fail early, in one sentence, on a bad configuration
    os.execv(sys.executable, _gunicorn_command(args.host, args.port, args.workers))
    return 0  # pragma: no cover - execv does not return


def _run_together(commands: Sequence[list[str]]) -> int:
    """Run the web server and the worker side by side until Ctrl-C or until one of them stops."""
    processes = [subprocess.Popen(command) for command in commands]

    def stop(*_args: object) -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, lambda *_a: stop())
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    failed = [p.returncode for p in processes if p.returncode not in (0, -signal.SIGTERM, -signal.SIGINT)]
    return failed[0] if failed else 0


def cmd_demo(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import call_command

    from alur.config.demo import demo_logins, demo_seed

    call_command("migrate", interactive=False, verbosity=0)
    workspace = demo_seed()
    print(f"Demo workspace ready: {workspace.name} (/w/{workspace.slug}/).")
    print("Sign in with any of these (password for all: alur-demo):")
    for email, _password, role in demo_logins():
        print(f"  {email:32} {role}")
    if args.no_serve:
        return 0
    print(f"\nAlur is starting at http://{args.host}:{args.port}/ — press Ctrl-C to stop.\n", flush=True)
    worker = [sys.executable, "-m", "alur.config.cli", "worker"]
    return _run_together([_gunicorn_command(args.host, args.port, args.workers), worker])


def cmd_attribution(args: argparse.Namespace) -> int:
    """Attribute a path file (ChannelAttribution's convention) with one model; no database needed."""
    from alur.analytics import attribution

    try:
        source = attribution.paths_from_file(
            args.file, sep=args.sep, path_col=args.path_col, conv_col=args.conv_col,
            value_col=args.value_col or None, null_col=args.null_col or None,
        )  # fmt: skip
        try:
            credits = attribution.attribute(
                source, args.model, order=args.order, half_life=args.half_life,
                first_weight=args.first_weight, last_weight=args.last_weight,
            )  # fmt: skip
        finally:
            source.close()
    except (attribution.PathFileError, ValueError) as error:
        raise CommandFailed(str(error)) from None
    fields = ["channel", "conversions", "value"] + (["removal_effect"] if args.model == "markov" else [])
    rows = [{name: getattr(credit, name) for name in fields} for credit in credits]
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:
        from alur.core.exports import csv_dict_writer

        writer = csv_dict_writer(sys.stdout, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: (f"{v:.12g}" if isinstance(v, float) else v) for k, v in row.items()} for row in rows)
    return 0


def cmd_samplesize(args: argparse.Namespace) -> int:
    """Visitors per variant for a conversion-rate test; pure arithmetic, no database."""
    from alur.analytics import stats

    try:
        per_variant = stats.sample_size_proportion(
            args.baseline, args.mde, relative=args.relative, alpha=args.alpha, power=args.power
        )
    except ValueError as error:
        raise CommandFailed(str(error)) from None
    delta = args.baseline * args.mde if args.relative else args.mde
    total = per_variant * args.variants
    days = stats.expected_duration_days(per_variant, args.variants, args.daily_visitors) if args.daily_visitors else None
    if args.format == "json":
        print(json.dumps({"per_variant": per_variant, "variants": args.variants, "total": total, "days": days}))
        return 0
    print(f"Visitors needed per variant: {per_variant:,}")
    print(f"Total for {args.variants} variants (control included): {total:,}")
    print(
        f"Baseline {args.baseline:.2%} → {args.baseline + delta:.2%} ({delta * 100:+.2f} points), "
        f"two-sided alpha {args.alpha:g}, power {args.power:g}."
    )
    if days is not None:
        print(f"At {args.daily_visitors:,.0f} visitors a day: about {days} days.")
    return 0


def _abtest_table(analysis: Analysis) -> str:
    from alur.analytics.stats import verdict_sentence

    def value(x: float) -> str:
        if x != x:  # NaN
            return "–"
        return f"{x:.2%}" if analysis.metric == "conversion" else f"{x:,.4g}"

    def pct(x: float, signed: bool = True) -> str:
        return "–" if x != x else (f"{x:+.2%}" if signed else f"{x:.1%}")

    def pval(x: float) -> str:
        return "–" if x != x else ("<0.0001" if x < 0.0001 else f"{x:.4f}")

    def chance(x: float) -> str:  # never a certain 0% or 100%, as on the experiment page
        return "–" if x != x else (">99.9%" if x > 0.999 else "<0.1%" if x < 0.001 else f"{x:.1%}")

    level = f"{(1 - analysis.alpha):.0%}"
    header = ["variant", "visitors", "rate" if analysis.metric == "conversion" else "mean", "lift", f"{level} CI of lift"]
    header += ["p", "p (Holm)" if analysis.correction == "holm" else "p (adj.)", "P(beat control)"]
    rows = [[f"{analysis.control.variant} (control)", f"{analysis.control.visitors:,}", value(analysis.control.rate), "", ""]]
    rows[0] += ["", "", ""]
    for r in analysis.results:
        rows.append(
            [
                r.variant,
                f"{r.visitors:,}",
                value(r.rate),
                pct(r.lift_rel),
                f"{pct(r.ci_rel_low)} to {pct(r.ci_rel_high)}",
                pval(r.p_value),
                pval(r.p_value_adjusted) + (" *" if r.significant else ""),
                chance(r.prob_beat_control),
            ]
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in [header, *rows]]
    notes = [f"Sample-ratio check: p = {pval(analysis.srm_p_value)}" + (" — UNBALANCED" if analysis.srm_warning else "")]
    if analysis.sequential:
        notes.append("Intervals and p-values are sequential (always valid): looking every day does not inflate errors.")
    if analysis.cuped_theta is not None:
        notes.append(f"CUPED adjusted with the pre-period covariate (theta = {analysis.cuped_theta:.4g}).")
    return "\n".join([*lines, "", *notes, "", verdict_sentence(analysis.verdict)])


def cmd_abtest(args: argparse.Namespace) -> int:
    """Analyse a counts file (variant,visitors,conversions[,value_sum,value_sum_sq]); no database."""
    from alur.analytics import stats

    path = Path(args.file)
    if not path.is_file():
        raise CommandFailed(f"There is no file at {args.file!r}.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CommandFailed(f"{path.name} is not a UTF-8 text file; save it as CSV (UTF-8).") from None
    try:
        variants = stats.read_counts_csv(text)
        analysis = stats.analyse(
            variants, alpha=args.alpha, sequential=args.sequential, correction=args.correction, mde=args.mde, power=args.power
        )
    except ValueError as error:
        raise CommandFailed(str(error)) from None
    if args.format == "json":
        print(json.dumps(analysis.as_dict(), indent=2, allow_nan=False))
    else:
        print(_abtest_table(analysis))
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["alur manage", *args.arguments])
    return 0


# Parser ------------------------------------------------------------------------------------------


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not between 1 and 65535")
    return port


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} must be at least 1")
    return number


def _add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--workers", type=_positive, default=2, help="web worker processes (default 2)")


def build_parser() -> argparse.ArgumentParser:
    from alur.core.roles import Role

    parser = argparse.ArgumentParser(prog="alur", description="Alur — marketing operations, self-hosted.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        sub_parser.set_defaults(handler=handler)
        return sub_parser

    p = add("serve", cmd_serve, "run the web application (gunicorn)")
    _add_server_options(p)

    p = add("worker", cmd_worker, "run the background worker (publishing, email, imports)")
    p.add_argument("--queue", default="*", help="queue to work on; * for all (default)")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle (default 1)")
    p.add_argument("--max-tasks", type=_positive, default=None, help="stop after this many tasks")
    p.add_argument("--batch", action="store_true", help="run what is queued, then exit (for cron or tests)")
    p.add_argument("--sweep-interval", type=float, default=60.0, help="seconds between periodic sweeps (default 60)")
    p.add_argument(
        "--niceness", type=int, default=10, choices=range(20), metavar="0-19",
        help="how much the worker yields the processor to the web pages (default 10; 0 keeps the same priority)",
    )  # fmt: skip
    p.add_argument(
        "--publishers", type=int, default=4, help="threads publishing due posts (default 4; 0 to leave it to 'alur publisher')"
    )

    p = add("publisher", cmd_publisher, "run only the publishing loop (several may run on several machines)")
    p.add_argument("--concurrency", type=_positive, default=4, help="posts published at once (default 4)")
    p.add_argument("--poll-interval", type=float, default=1.0, help="seconds between polls when nothing is due (default 1)")
    p.add_argument("--exit-when-idle", type=int, default=0, help="stop after this many idle polls (for tests and cron)")

    add("sweep", cmd_sweep, "run the periodic jobs once (expire unapproved content, send approval reminders)")

    p = add("import", cmd_import, "import a performance export (Google Ads, Meta, GA4, TikTok, LinkedIn or a mapped file)")
    p.add_argument("file", help="the CSV, XLSX or Parquet file")
    p.add_argument("--workspace", required=True, help="address (slug) of the workspace")
    p.add_argument("--source", required=True, help="source key, e.g. google_ads, meta_ads, ga4, tiktok_ads, linkedin_ads")
    p.add_argument("--user", default=None, help="email of the member importing (default: the first manager)")
    p.add_argument(
        "--period",
        default=None,
        help="the days a file without dates covers, e.g. 2026-02-01..2026-02-28 (a file that states its period needs none)",
    )
    p.add_argument("--format", choices=["text", "json"], default="text", help="how the receipt is printed")
    p.add_argument("--language", choices=["id", "en"], default=None, help="language of the receipt (default: the member's)")

    p = add("migrate", cmd_migrate, "create or update the database tables")
    p.add_argument("--verbosity", type=int, choices=[0, 1, 2, 3], default=1)

    p = add("demo", cmd_demo, "create or refresh the demo workspace, then serve it with a worker")
    _add_server_options(p)
    p.add_argument("--no-serve", action="store_true", help="only create or refresh the demo data")

    p = add("createuser", cmd_createuser, "create an account, optionally as a member of a workspace")
    p.add_argument("--email", required=True)
    p.add_argument("--name", default="", help="full name")
    p.add_argument("--language", choices=["id", "en"], default="id")
    p.add_argument("--password", default=None, help="the password (prefer --password-stdin or the prompt)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--workspace", default=None, help="address (slug) of a workspace to add the account to")
    p.add_argument("--role", choices=[role.value for role in Role], default=Role.MANAGER.value)

    p = add("workspace", cmd_workspace, "create a workspace with an existing account as its manager")
    p.add_argument("--name", required=True)
    p.add_argument("--owner", required=True, help="email of the account that becomes manager")
    p.add_argument("--slug", default=None, help="address used in links; derived from the name if left out")
    p.add_argument("--currency", default="IDR")
    p.add_argument("--time-zone", default="Asia/Jakarta")
    p.add_argument("--language", choices=["id", "en"], default="id")

    p = add("attribution", cmd_attribution, "attribute conversions to channels from a path file (no database needed)")
    p.add_argument("file", help="CSV of paths: path, total_conversions, total_conversion_value, total_null")
    p.add_argument("--model", required=True, choices=["first", "last", "linear", "time_decay", "position", "markov", "shapley"])
    p.add_argument("--order", type=_positive, default=1, help="Markov order: channels per state (default 1)")
    p.add_argument("--half-life", type=float, default=1.0, help="time decay half-life in steps (default 1)")
    p.add_argument("--first-weight", type=float, default=0.4, help="position model: share of the first touch")
    p.add_argument("--last-weight", type=float, default=0.4, help="position model: share of the last touch")
    p.add_argument("--sep", default=">", help='separator between channels in a path (default ">")')
    p.add_argument("--path-col", default="path")
    p.add_argument("--conv-col", default="total_conversions")
    p.add_argument("--value-col", default="total_conversion_value", help="'' when the file has no value column")
    p.add_argument("--null-col", default="total_null", help="'' when the file has no null column")
    p.add_argument("--format", choices=["csv", "json"], default="csv")

    p = add("samplesize", cmd_samplesize, "visitors needed per variant for a conversion-rate A/B test")
    p.add_argument("--baseline", type=float, required=True, help="current conversion rate, e.g. 0.10 for 10%%")
    p.add_argument("--mde", type=float, required=True, help="smallest change worth detecting, in rate points (0.01)")
    p.add_argument("--relative", action="store_true", help="read --mde as a share of the baseline (0.1 = 10%% of it)")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level, two-sided (default 0.05)")
    p.add_argument("--power", type=float, default=0.8, help="chance of detecting a real effect of that size (default 0.8)")
    p.add_argument("--variants", type=_positive, default=2, help="number of arms, control included (default 2)")
    p.add_argument("--daily-visitors", type=float, default=None, help="visitors a day entering the test: prints the duration")
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = add("abtest", cmd_abtest, "analyse A/B test counts from a CSV file (first row is control; no database needed)")
    p.add_argument("file", help="CSV with variant,visitors,conversions[,value_sum,value_sum_sq]")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    p.add_argument("--format", choices=["json", "table"], default="table")
    p.add_argument("--sequential", action="store_true", help="always-valid intervals for a test that is looked at often")
    p.add_argument("--correction", choices=["holm", "none"], default="holm", help="multiple-variant correction")
    p.add_argument("--mde", type=float, default=None, help="planned relative effect (0.05 = 5%%) for 'not enough data yet'")
    p.add_argument("--power", type=float, default=0.8, help="planned power (default 0.8)")

    p = add("manage", cmd_manage, "run any Django management command (e.g. 'alur manage check')")
    p.add_argument("arguments", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except CommandFailed as error:
        print(f"alur {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader stopped early (``alur attribution … | head``): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 0


if __name__ == "__main__":
    sys.exit(main())
