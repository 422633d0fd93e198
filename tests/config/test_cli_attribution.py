"""`alur attribution FILE`: one row per channel for every model, no database, bad files in one sentence (exit 2)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from alur.config.cli import main

PATHS = "path;total_conversions;total_conversion_value;total_null\na > b;1;10;2\nb;2;5;0\n"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def paths_file(tmp_path: Path) -> Path:
    file = tmp_path / "paths.csv"
    file.write_text(PATHS, encoding="utf-8")
    return file


def test_markov_prints_credits_and_removal_effects_as_csv(paths_file: Path) -> None:
    code, out, err = run("attribution", str(paths_file), "--model", "markov")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["channel"] for r in rows] == ["a", "b"]
    assert [float(r["conversions"]) for r in rows] == pytest.approx([1.125, 1.875])
    assert [float(r["value"]) for r in rows] == pytest.approx([5.625, 9.375])
    assert [float(r["removal_effect"]) for r in rows] == pytest.approx([0.6, 1.0])


@pytest.mark.parametrize(
    ("model", "extra", "expected"),
    [
        ("first", [], {"a": 1, "b": 2}),
        ("last", [], {"a": 0, "b": 3}),
        ("linear", [], {"a": 0.5, "b": 2.5}),
        ("time_decay", ["--half-life", "1"], {"a": 1 / 3, "b": 2 + 2 / 3}),
        ("position", ["--first-weight", "0.3", "--last-weight", "0.5"], {"a": 0.375, "b": 2.625}),
        ("shapley", [], {"a": 0.5, "b": 2.5}),
        ("markov", ["--order", "2"], {"a": 0.75, "b": 2.25}),  # (a,b) converts 1/3, (b) always
    ],
)
def test_every_model_prints_one_json_row_per_channel(
    paths_file: Path, model: str, extra: list[str], expected: dict[str, float]
) -> None:
    code, out, _ = run("attribution", str(paths_file), "--model", model, "--format", "json", *extra)
    assert code == 0
    rows = json.loads(out)
    assert {r["channel"]: r["conversions"] for r in rows} == pytest.approx(expected)
    assert set(rows[0]) == (
        {"channel", "conversions", "value", "removal_effect"} if model == "markov" else {"channel", "conversions", "value"}
    )
    assert sum(r["value"] for r in rows) == pytest.approx(15)


def test_columns_and_separator_can_be_named(tmp_path: Path) -> None:
    file = tmp_path / "journeys.tsv"
    file.write_text("route\tsales\nsearch|email\t2\nemail\t1\n", encoding="utf-8")
    code, out, err = run(
        "attribution", str(file), "--model", "first", "--sep", "|", "--path-col", "route", "--conv-col", "sales",
        "--value-col", "", "--null-col", "",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.splitlines() == ["channel,conversions,value", "email,1,0", "search,2,0"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("path,total_conversions\na,1\nb,-3\n", 'Row 3, column "total_conversions": "-3" is negative'),
        ("path,total_conversions\na,x\n", 'Row 2, column "total_conversions": "x" is not a number'),
        ("path,total_conversions\na > > b,1\n", 'Row 2, column "path": "a > > b" has an empty channel'),
        ("path,total_conversions\n,1\n", 'Row 2, column "path": "" is an empty path'),
        ("route,total_conversions\na,1\n", 'The column "path" is missing from the file'),
        ("path,total_conversions\n", "There are no paths in the file"),
    ],
)
def test_bad_files_are_answered_in_one_sentence_with_exit_2(tmp_path: Path, text: str, message: str) -> None:
    file = tmp_path / "bad.csv"
    file.write_text(text, encoding="utf-8")
    code, out, err = run("attribution", str(file), "--model", "linear")
    assert code == 2
    assert out == ""
    assert err.startswith(f"alur attribution: {message}")
    assert len(err.strip().splitlines()) == 1


def test_bad_parameters_and_missing_files_exit_2(paths_file: Path, tmp_path: Path) -> None:
    code, _, err = run("attribution", str(paths_file), "--model", "time_decay", "--half-life", "-1")
    assert code == 2 and "half-life must be a positive number" in err
    code, _, err = run("attribution", str(tmp_path / "nothing.csv"), "--model", "first")
    assert code == 2 and "There is no file at" in err


def test_the_command_runs_without_a_database_or_traceback(tmp_path: Path, paths_file: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("path,total_conversions\na,-1\n", encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "HOME": str(tmp_path)}
    good = subprocess.run(
        [sys.executable, "-m", "alur.config.cli", "attribution", str(paths_file), "--model", "shapley"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert good.stdout.splitlines()[0] == "channel,conversions,value"
    failed = subprocess.run(
        [sys.executable, "-m", "alur.config.cli", "attribution", str(bad), "--model", "shapley"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert failed.returncode == 2
    assert "Traceback" not in failed.stderr
    assert failed.stderr.strip() == (
        'alur attribution: Row 2, column "total_conversions": "-1" is negative; counts and values cannot be below zero.'
    )
