"""Attribution benchmark: Alur's attribution models against the ChannelAttribution package on the same paths.

For each size (1 million and 10 million path rows by default) the script generates paths with a fixed seed and
prints one table per size:

* heuristics — first touch, last touch and linear through :func:`alur.analytics.attribution.attribute`, one
  model at a time, beside ChannelAttribution's ``heuristic_models`` (which computes the three in one call);
  time decay and position-based have no counterpart there. ``attribute_all`` (every model, sharing work) is
  timed too;
* markov — the exact order-1 removal-effect model beside ChannelAttribution's ``markov_model`` (stochastic
  simulation; ``ncore=2``, ``nsim_start=1e5`` as by default; the ratio uses this run). Its own simulation
  noise is shown: the largest relative difference between two of its runs with seeds far apart (it seeds fold
  ``k`` of its ``nfold=10`` with ``seed + k``, so seeds 1 and 2 share nine folds and can agree exactly), and one more
  run with ``--ca-nsim-check`` simulations (4e6) to show its credits converging to ours;
* shapley — ours only: the free ChannelAttribution has no Shapley model (it is in its paid "Pro" version);
* file — the same rows written to a ``;``-separated CSV in a temporary directory and read through
  ``paths_from_file``, beside ``pandas.read_csv`` of that file (what a ChannelAttribution user does first).

Ours is timed twice: the model alone on a loaded source ("ours s") and with the load from the in-memory Arrow
table (``paths_from_arrow``, "+load s"), so that ends with the channel credits just as ChannelAttribution's
timing, which starts from a pandas DataFrame already built. "ratio" = ChannelAttribution seconds / "+load s"
(wall clock); "cpu ratio" the same with the CPU seconds of all threads, which other work on the shared machine
disturbs less. "max rel diff" = the largest |ours − theirs| / theirs over the channels' credited conversions
(and values), like with like: the heuristics are compared on the paths as they are (repeats kept: its linear
model gives every touch an equal share, repeats included), Markov with
consecutive repeats of a channel counted once (as its ``markov_model`` does) and the same conversion values.

The data: 10 channels with Zipf-like popularity, path lengths 1–10 (geometric, mostly 1–3 touches), a 20%
chance that a touch repeats the previous channel, 1 + geometric journeys per row split into conversions and
nulls by a per-channel conversion strength, and a conversion value per conversion set by the last channel's
price point (ChannelAttribution's Markov value model keys on value per conversion, so price points keep it
realistic). Rows repeat paths, as journeys do before aggregation.

    make bench-attribution                 # builds .venv-bench with ChannelAttribution, then runs this
    .venv-bench/bin/python bench/attribution.py [--sizes 1000000,10000000] [--file-sizes 1000000] [--seed 7]

Run with ``.venv/bin/python`` it still times our models and prints a note instead of ChannelAttribution's
columns. No timing here is an assertion; it is never used as a test.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from alur.analytics import attribution  # noqa: E402

CHANNELS = (
    "Organic Search",
    "Paid Search",
    "Direct",
    "Facebook",
    "Instagram",
    "Email",
    "Display",
    "TikTok",
    "Affiliate",
    "Referral",
)
# Zipf-like popularity of a channel as the next touch.
POPULARITY = 1.0 / np.arange(1, len(CHANNELS) + 1) ** 1.2
POPULARITY /= POPULARITY.sum()
# Chance that one touch of the channel makes a journey convert (journeys convert if any touch does).
STRENGTH = np.array([0.05, 0.09, 0.12, 0.03, 0.025, 0.10, 0.01, 0.02, 0.06, 0.04])
# Typical order value (IDR) by the converting (last) channel; a multiplier makes a few price points per channel.
UNIT_VALUE = np.array([250, 300, 400, 150, 150, 350, 100, 120, 280, 200]) * 1000.0
MULTIPLIERS = np.array([0.5, 1.0, 1.0, 1.5, 2.0])
REPEAT = 0.2
MAX_LENGTH = 10

CA_MISSING = "ChannelAttribution is not installed here"


def generate(rows: int, seed: int) -> pa.Table:
    """``rows`` path rows (``path``, ``total_conversions``, ``total_conversion_value``, ``total_null``), vectorised."""
    rng = np.random.default_rng(seed)
    lengths = np.minimum(rng.geometric(0.42, rows), MAX_LENGTH)
    offsets = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    touches = int(offsets[-1])
    channel = rng.choice(len(CHANNELS), size=touches, p=POPULARITY).astype(np.int8)
    # A repeat copies the previous touch's channel: forward-fill from the last touch that is not a repeat.
    repeat = rng.random(touches) < REPEAT
    repeat[offsets[:-1]] = False
    source = np.where(repeat, 0, np.arange(touches))
    np.maximum.accumulate(source, out=source)
    channel = channel[source]
    p_convert = -np.expm1(np.add.reduceat(np.log1p(-STRENGTH)[channel], offsets[:-1]))
    journeys = rng.geometric(0.35, rows)
    conversions = rng.binomial(journeys, p_convert)
    last = channel[offsets[1:] - 1]
    value = np.round(conversions * UNIT_VALUE[last] * rng.choice(MULTIPLIERS, rows), 2)
    names = pa.array(CHANNELS).take(pa.array(channel))
    path = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), names), " > ")
    return pa.table(
        {
            "path": path,
            "total_conversions": pa.array(conversions, pa.int64()),
            "total_conversion_value": pa.array(value, pa.float64()),
            "total_null": pa.array(journeys - conversions, pa.int64()),
        }
    )


class Seconds(float):
    """Wall-clock seconds, with the process's CPU seconds (every thread) in ``cpu``."""

    cpu: float


def timed(function: Callable[[], Any]) -> tuple[Seconds, Any]:
    start, start_cpu = time.perf_counter(), time.process_time()
    result = function()
    seconds = Seconds(time.perf_counter() - start)
    seconds.cpu = time.process_time() - start_cpu
    return seconds, result


def ratio(theirs: Seconds, ours: Iterable[Seconds]) -> tuple[str, str]:
    """Wall-clock and CPU ratios, theirs / the sum of ours."""
    ours = list(ours)
    return f"{theirs / sum(ours):.1f}×", f"{theirs.cpu / sum(s.cpu for s in ours):.1f}×"


def load_ca() -> Any | None:
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # its import prints an advertisement
            import ChannelAttribution

        return ChannelAttribution
    except ImportError:
        return None


# --- credits in one shape: {channel: (conversions, value)} ---------------------------------------------------------


def ours_credits(credits: Iterable[attribution.ChannelCredit]) -> dict[str, tuple[float, float]]:
    return {c.channel: (float(c.conversions), float(c.value)) for c in credits}


def ca_heuristic_credits(frame: Any) -> dict[str, dict[str, tuple[float, float]]]:
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for ours, theirs in (("first", "first_touch"), ("last", "last_touch"), ("linear", "linear_touch")):
        out[ours] = {
            row.channel_name: (float(getattr(row, f"{theirs}_conversions")), float(getattr(row, f"{theirs}_value")))
            for row in frame.itertuples()
        }
    return out


def ca_markov_credits(result: dict[str, Any]) -> tuple[dict[str, tuple[float, float]], dict[str, float]]:
    frame = result["result"]
    credits = {row.channel_name: (float(row.total_conversions), float(row.total_conversion_value)) for row in frame.itertuples()}
    effects = {row.channel_name: float(row.removal_effects_conversion) for row in result["removal_effects"].itertuples()}
    return credits, effects


def max_rel_diff(ours: dict[str, tuple[float, float]], theirs: dict[str, tuple[float, float]], index: int) -> float:
    """Largest |ours − theirs| / |theirs| over the channels of either side (a channel missing on one side counts 0)."""
    worst = 0.0
    for channel in set(ours) | set(theirs):
        a = ours.get(channel, (0.0, 0.0))[index]
        b = theirs.get(channel, (0.0, 0.0))[index]
        if a == b:
            continue
        worst = max(worst, abs(a - b) / abs(b) if b else float("inf"))
    return worst


def _pairs(effects: dict[str, float]) -> dict[str, tuple[float, float]]:
    return {channel: (effect, 0.0) for channel, effect in effects.items()}


def pct(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.3f}%" if value < 0.1 else f"{value * 100:.1f}%"


# --- one size ------------------------------------------------------------------------------------------------------


def ca_markov(ca: Any, frame: Any, seed: int, nsim_start: float = 1e5) -> tuple[float, Any]:
    return timed(
        lambda: ca.markov_model(
            frame,
            "path",
            "total_conversions",
            var_value="total_conversion_value",
            var_null="total_null",
            order=1,
            out_more=True,
            ncore=2,
            seed=seed,
            nsim_start=nsim_start,
            verbose=False,
            flg_pro=False,
        )
    )


Line = tuple[str, str, str, str, str, str, str, str]


def bench_size(rows: int, seed: int, ca: Any | None, directory: Path, with_file: bool, nsim_check: float) -> list[Line]:
    gen_seconds, table = timed(lambda: generate(rows, seed))
    distinct = pc.count_distinct(table["path"]).as_py()
    conversions, nulls, value = (pc.sum(table[c]).as_py() for c in ("total_conversions", "total_null", "total_conversion_value"))
    print(
        f"\n{rows:,} path rows generated in {gen_seconds:.2f} s: {distinct:,} distinct paths, "
        f"{conversions:,} conversions, {nulls:,} nulls, value {value:,.0f}",
        flush=True,
    )
    # Warm up on a slice: the first call imports SciPy and sets DuckDB up, which is not per-size work.
    attribution.attribute_all(attribution.paths_from_arrow(table.slice(0, 1000)))

    load, source = timed(lambda: attribution.paths_from_arrow(table))
    times: dict[str, Seconds] = {}
    ours: dict[str, dict[str, tuple[float, float]]] = {}
    effects: dict[str, float] = {}
    for model in attribution.MODELS:
        times[model], credits = timed(lambda model=model: attribution.attribute(source, model))
        ours[model] = ours_credits(credits)
        if model == "markov":
            effects = {c.channel: float(c.removal_effect or 0.0) for c in credits}
    all_seconds, _ = timed(lambda: attribution.attribute_all(source))
    source.close()

    frame = None
    if ca is not None:
        pandas_seconds, frame = timed(table.to_pandas)
        print(f"  (pandas DataFrame for ChannelAttribution built in {pandas_seconds:.2f} s, not counted)", flush=True)

    def diff(mine: dict[str, tuple[float, float]], theirs: dict[str, tuple[float, float]]) -> str:
        return f"{pct(max_rel_diff(mine, theirs, 0))} / {pct(max_rel_diff(mine, theirs, 1))}"

    lines: list[Line] = [("load (paths_from_arrow)", f"{load:.2f}", "", "", "", "", "", "group by path, split, checks")]

    # Heuristics: its heuristic_models computes first, last and linear in one call.
    heuristics = sum(times[m] for m in ("first", "last", "linear"))
    heuristic_diffs = dict.fromkeys(("first", "last", "linear"), "—")
    if frame is not None:
        ca_seconds, ca_frame = timed(
            lambda: ca.heuristic_models(frame, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False)
        )
        theirs = ca_heuristic_credits(ca_frame)
        heuristic_diffs = {m: diff(ours[m], theirs[m]) for m in heuristic_diffs}
    for model in ("first", "last", "linear"):
        lines.append((f"{model} touch", f"{times[model]:.2f}", "", "", "", "", heuristic_diffs[model], ""))
    if frame is not None:
        lines.append(
            ("first+last+linear", f"{heuristics:.2f}", f"{load + heuristics:.2f}", f"{ca_seconds:.2f}",
             *ratio(ca_seconds, [load, *(times[m] for m in ("first", "last", "linear"))]), "", "CA: heuristic_models, one call")
        )  # fmt: skip
    else:
        lines.append(("first+last+linear", f"{heuristics:.2f}", f"{load + heuristics:.2f}", "—", "—", "—", "", CA_MISSING))
    for model, label in (("time_decay", "time decay (h=1)"), ("position", "position 40/20/40")):
        lines.append((label, f"{times[model]:.2f}", f"{load + times[model]:.2f}", "—", "—", "—", "", "no such model in CA"))

    # Markov, order 1: exact here, simulated there (run twice with two seeds to show its noise).
    total = load + times["markov"]
    if frame is not None:
        ca_seconds, result = ca_markov(ca, frame, 1)
        theirs_markov, theirs_effects = ca_markov_credits(result)
        ca_seconds_2, result_2 = ca_markov(ca, frame, 1_000_001)
        theirs_2, theirs_effects_2 = ca_markov_credits(result_2)
        lines.append(
            ("markov order 1", f"{times['markov']:.2f}", f"{total:.2f}", f"{ca_seconds:.2f}",
             *ratio(ca_seconds, [load, times["markov"]]), diff(ours["markov"], theirs_markov),
             f"removal effects differ by {pct(max_rel_diff(_pairs(effects), _pairs(theirs_effects), 0))}")
        )  # fmt: skip
        lines.append(
            ("  CA other seed vs seed 1", "", "", f"{ca_seconds_2:.2f}", "", "", diff(theirs_2, theirs_markov),
             f"its simulation noise; removal effects {pct(max_rel_diff(_pairs(theirs_effects_2), _pairs(theirs_effects), 0))}")
        )  # fmt: skip
        if nsim_check:
            ca_seconds_3, result_3 = ca_markov(ca, frame, 2_000_001, nsim_check)
            theirs_3, theirs_effects_3 = ca_markov_credits(result_3)
            lines.append(
                (f"  CA nsim_start={nsim_check:.0e}", "", "", f"{ca_seconds_3:.2f}", "", "", diff(ours["markov"], theirs_3),
                 f"ours vs its longer run; removal effects {pct(max_rel_diff(_pairs(effects), _pairs(theirs_effects_3), 0))}")
            )  # fmt: skip
    else:
        lines.append(("markov order 1", f"{times['markov']:.2f}", f"{total:.2f}", "—", "—", "—", "—", CA_MISSING))

    lines.append(
        ("shapley", f"{times['shapley']:.2f}", f"{load + times['shapley']:.2f}", "—", "—", "—", "—", "not in free CA (Pro only)")
    )
    lines.append(("attribute_all (7 models)", f"{all_seconds:.2f}", f"{load + all_seconds:.2f}", "", "", "", "", "one source"))

    if with_file:
        csv_path = directory / f"paths_{rows}.csv"
        write_seconds, _ = timed(
            lambda: pacsv.write_csv(table, csv_path, pacsv.WriteOptions(delimiter=";", quoting_style="needed"))
        )
        size_mb = csv_path.stat().st_size / 1e6
        read_seconds, file_source = timed(lambda: attribution.paths_from_file(csv_path))
        markov_seconds, _ = timed(lambda: attribution.attribute(file_source, "markov"))
        file_source.close()
        note = f"{size_mb:,.0f} MB ';' CSV (written in {write_seconds:.2f} s)"
        theirs_read = "—"
        if ca is not None:
            import pandas as pd

            pandas_seconds, _ = timed(lambda: pd.read_csv(csv_path, sep=";"))
            theirs_read = f"{pandas_seconds:.2f}"
            note += "; CA column: pandas.read_csv"
        lines.append(("file: paths_from_file", f"{read_seconds:.2f}", "", theirs_read, "", "", "", note))
        lines.append(("file: + markov", f"{markov_seconds:.2f}", f"{read_seconds + markov_seconds:.2f}", "", "", "", "", ""))
        csv_path.unlink()
    return lines


HEADER: Line = ("model", "ours s", "+load s", "CA s", "ratio", "cpu ratio", "max rel diff conv / value", "note")
WIDTHS = (26, 7, 8, 7, 6, 9, 25)


def print_table(rows: int, lines: list[Line]) -> None:
    print(f"\n== {rows:,} path rows ==")
    for line in (HEADER, *lines):
        cells = [c.ljust(w) if i in (0, 6) else c.rjust(w) for i, (c, w) in enumerate(zip(line[:-1], WIDTHS, strict=True))]
        print("  ".join(cells) + "  " + line[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated numbers of path rows")
    parser.add_argument("--file-sizes", default="1000000", help="sizes at which the CSV file path is timed too")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None, help="where the CSV goes (default: a new temporary directory)")
    parser.add_argument(
        "--ca-nsim-check",
        type=float,
        default=4e6,
        help="one more ChannelAttribution Markov run with this many simulations, to show it converging (0: skip)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    file_sizes = {int(s) for s in args.file_sizes.split(",") if s.strip()}
    ca = load_ca()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="alur-bench-attribution-"))
    directory.mkdir(parents=True, exist_ok=True)
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    ca_version = metadata.version("channelattribution") if ca is not None else "not installed (run `make bench-attribution`)"
    print(
        f"duckdb {duckdb.__version__}, numpy {np.__version__}, pyarrow {pa.__version__}, "
        f"ChannelAttribution {ca_version}; Alur {commit}; {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f}; seed {args.seed}"
    )
    try:
        results = [(rows, bench_size(rows, args.seed, ca, directory, rows in file_sizes, args.ca_nsim_check)) for rows in sizes]
    finally:
        if args.dir is None:
            shutil.rmtree(directory, ignore_errors=True)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f} (other work on the machine slows both sides)")
    print(
        "ours s = the model on a loaded source; +load s = with paths_from_arrow; ratio = CA s / +load s; "
        "cpu ratio = the same with CPU seconds of every thread (less sensitive to other work on the machine)"
    )
    for rows, lines in results:
        print_table(rows, lines)


if __name__ == "__main__":
    main()
