"""`alur samplesize` and `alur abtest`: numbers, the JSON shape of issue 7, and one-sentence errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from alur.analytics.stats import analyse, read_counts_csv
from alur.config.cli import EXIT_USAGE, main

COUNTS = "variant,visitors,conversions\nA,10000,1000\nB,10100,1150\nC,9950,1010\n"


def write(tmp_path: Path, text: str, name: str = "counts.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_samplesize_prints_visitors_per_variant_and_total(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["samplesize", "--baseline", "0.10", "--mde", "0.01"]) == 0
    out = capsys.readouterr().out
    assert "Visitors needed per variant: 14,749" in out
    assert "29,498" in out


def test_samplesize_relative_with_duration_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["samplesize", "--baseline", "0.10", "--mde", "0.1", "--relative", "--power", "0.8", "--alpha", "0.05"]
    assert main([*argv, "--daily-visitors", "1000", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"per_variant": 14_749, "variants": 2, "total": 29_498, "days": 30}


def test_samplesize_refuses_a_rate_above_one_in_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["samplesize", "--baseline", "10", "--mde", "0.01"]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.err.strip() == (
        "alur samplesize: The baseline conversion rate must be between 0 and 1 (got 10.0); write 10% as 0.10."
    )
    assert "Traceback" not in captured.err and captured.out == ""


def test_abtest_json_has_the_shape_of_the_issue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["abtest", write(tmp_path, COUNTS), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    expected = analyse(read_counts_csv(COUNTS)).as_dict()
    assert document["srm_p_value"] == pytest.approx(expected["srm_p_value"])
    assert [v["variant"] for v in document["variants"]] == ["B", "C"]
    keys = ("variant", "rate", "lift_abs", "lift_rel", "p_value", "ci_abs_low", "ci_abs_high", "ci_rel_low", "ci_rel_high")
    for got, want in zip(document["variants"], expected["variants"], strict=True):
        for key in (*keys, "prob_beat_control"):
            assert got[key] == (pytest.approx(want[key]) if isinstance(want[key], float) else want[key])


def test_abtest_alpha_changes_the_interval(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, COUNTS)
    main(["abtest", path, "--format", "json"])
    wide = json.loads(capsys.readouterr().out)["variants"][0]
    main(["abtest", path, "--format", "json", "--alpha", "0.2"])
    narrow = json.loads(capsys.readouterr().out)["variants"][0]
    assert narrow["ci_abs_high"] - narrow["ci_abs_low"] < wide["ci_abs_high"] - wide["ci_abs_low"]


def test_abtest_table_shows_every_variant_and_the_verdict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["abtest", write(tmp_path, COUNTS.replace(",", ";"))]) == 0
    out = capsys.readouterr().out
    assert "A (control)" in out and "\nB " in out and "\nC " in out
    assert "Variant B wins: 13.9% higher conversion rate than control (95% CI +" in out
    b_row = next(line for line in out.splitlines() if line.startswith("B "))
    assert b_row.endswith(">99.9%")  # z ≈ 3.3: never shown as a certain 100.0%


def test_abtest_sequential_table_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["abtest", write(tmp_path, COUNTS), "--format", "table", "--sequential"]) == 0
    assert "sequential (always valid)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("variant,visitors\nA,10\nB,12\n", "The file has no column 'conversions'"),
        ("variant,visitors,conversions\nA,100,10\nB,-100,5\n", "Row 3, column 'visitors': -100 is negative"),
        ("variant,visitors,conversions\nA,100,10\nB,100,150\n", "Row 3: 150 conversions are more than the 100 visitors"),
        ("", "The file is empty"),
        ("variant,visitors,conversions\nA,100,10\n", "an A/B test needs a control (the first row) and at least one variant"),
        ("variant,visitors,conversions\nA,100,ten\nB,100,5\n", "Row 2, column 'conversions': 'ten' is not a number."),
    ],
)
def test_abtest_bad_files_exit_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    assert main(["abtest", write(tmp_path, text)]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.err.startswith("alur abtest: ") and message in captured.err
    assert len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err
    assert captured.out == ""


def test_abtest_missing_or_binary_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["abtest", str(tmp_path / "nope.csv")]) == EXIT_USAGE
    assert "There is no file at" in capsys.readouterr().err
    binary = tmp_path / "counts.xlsx"
    binary.write_bytes(b"\xff\xfe\x00PK\x03\x04\x99")
    assert main(["abtest", str(binary)]) == EXIT_USAGE
    assert "is not a UTF-8 text file" in capsys.readouterr().err


def test_commands_run_without_a_configured_django(tmp_path: Path) -> None:
    """On a fresh machine (no settings, no database) both commands still work: they never start Django."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "no.such.settings", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    path = write(tmp_path, COUNTS)
    for argv in (["samplesize", "--baseline", "0.1", "--mde", "0.01"], ["abtest", path, "--format", "json"]):
        result = subprocess.run(
            [sys.executable, "-m", "alur.config.cli", *argv], capture_output=True, text=True, timeout=120, env=env
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip()


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    """``alur abtest … | head -1``: the pipe closes before the table is written; no traceback, exit 0."""
    reader, writer = os.pipe()
    os.close(reader)  # nobody will read: the first write fails with EPIPE
    try:
        result = subprocess.run(
            [sys.executable, "-m", "alur.config.cli", "abtest", write(tmp_path, COUNTS)],
            stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120,
        )  # fmt: skip
    finally:
        os.close(writer)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
