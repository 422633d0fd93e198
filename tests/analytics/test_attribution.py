"""Attribution models: hand-worked examples, the exact Markov solve against a brute-force chain and a Monte-Carlo
walk, Shapley against the full coalition formula, path files and journeys from the warehouse."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alur.analytics import attribution as A
from alur.analytics import warehouse


def source(rows: list[tuple[str, float, float, float]]) -> A.PathSource:
    paths, conv, value, nulls = zip(*rows, strict=True)
    return A.paths_from_arrow(
        pa.table(
            {
                "path": list(paths),
                "total_conversions": pa.array(conv, pa.float64()),
                "total_conversion_value": pa.array(value, pa.float64()),
                "total_null": pa.array(nulls, pa.float64()),
            }
        )
    )


def by_channel(credits: list[A.ChannelCredit]) -> dict[str, tuple[float, float]]:
    return {c.channel: (c.conversions, c.value) for c in credits}


def flat(credits: list[A.ChannelCredit], *fields: str) -> list[float]:
    return [float(getattr(c, name) or 0.0) for c in credits for name in fields]


def assert_credits(credits: list[A.ChannelCredit], expected: dict[str, tuple[float, float]]) -> None:
    got = by_channel(credits)
    assert set(got) == set(expected)
    for channel, (conv, value) in expected.items():
        assert got[channel][0] == pytest.approx(conv, abs=1e-9), channel
        assert got[channel][1] == pytest.approx(value, abs=1e-9), channel


# Hand-worked heuristics ----------------------------------------------------------------------------

THREE = [("a > b > c", 2, 20, 1), ("b", 1, 4, 0), ("c > a", 0, 0, 3)]


def test_first_and_last_touch_give_each_path_to_one_end() -> None:
    s = source(THREE)
    assert_credits(A.attribute(s, "first"), {"a": (2, 20), "b": (1, 4), "c": (0, 0)})
    assert_credits(A.attribute(s, "last"), {"a": (0, 0), "b": (1, 4), "c": (2, 20)})


def test_linear_splits_a_path_evenly_and_counts_every_touch() -> None:
    assert_credits(
        A.attribute(source(THREE), "linear"), {"a": (2 / 3, 20 / 3), "b": (2 / 3 + 1, 20 / 3 + 4), "c": (2 / 3, 20 / 3)}
    )
    assert_credits(A.attribute(source([("a > a > b", 3, 30, 0)]), "linear"), {"a": (2, 20), "b": (1, 10)})


def test_time_decay_halves_the_weight_per_step_before_the_last_touch() -> None:
    # weights 1/4, 1/2, 1 for a, b, c, normalised by 7/4
    expected = {"a": (2 / 7, 20 / 7), "b": (4 / 7 + 1, 40 / 7 + 4), "c": (8 / 7, 80 / 7)}
    assert_credits(A.attribute(source(THREE), "time_decay", half_life=1), expected)
    # half-life of two steps: weights 2^-1, 2^-0.5, 1
    w = np.array([0.5, 2**-0.5, 1.0])
    w = w / w.sum()
    got = by_channel(A.attribute(source([("a > b > c", 1, 0, 0)]), "time_decay", half_life=2))
    assert [got[c][0] for c in "abc"] == pytest.approx(list(w))
    # a very long half-life is linear
    got = by_channel(A.attribute(source([("a > b > c", 3, 0, 0)]), "time_decay", half_life=1e300))
    assert [got[c][0] for c in "abc"] == pytest.approx([1, 1, 1])


def test_position_based_gives_forty_twenty_forty_and_renormalises_short_paths() -> None:
    assert_credits(A.attribute(source(THREE), "position"), {"a": (0.8, 8), "b": (0.4 + 1, 4 + 4), "c": (0.8, 8)})
    assert_credits(A.attribute(source([("a > b", 1, 10, 0)]), "position"), {"a": (0.5, 5), "b": (0.5, 5)})
    assert_credits(
        A.attribute(source([("a > b", 1, 10, 0)]), "position", first_weight=0.3, last_weight=0.5),
        {"a": (0.375, 3.75), "b": (0.625, 6.25)},
    )
    assert_credits(
        A.attribute(source([("a > b > c > d", 1, 10, 0)]), "position", first_weight=0.3, last_weight=0.5),
        {"a": (0.3, 3), "b": (0.1, 1), "c": (0.1, 1), "d": (0.5, 5)},
    )
    assert_credits(A.attribute(source([("a", 2, 10, 0)]), "position"), {"a": (2, 10)})


def test_bad_model_parameters_are_refused_in_a_sentence() -> None:
    s = source(THREE)
    with pytest.raises(ValueError, match="half-life"):
        A.attribute(s, "time_decay", half_life=0)
    with pytest.raises(ValueError, match="position model"):
        A.attribute(s, "position", first_weight=0.7, last_weight=0.5)
    with pytest.raises(ValueError, match="order"):
        A.attribute(s, "markov", order=0)
    with pytest.raises(ValueError, match="Unknown attribution model"):
        A.attribute(s, "magic")


# Shapley -------------------------------------------------------------------------------------------


def test_shapley_splits_each_channel_set_equally_between_its_distinct_channels() -> None:
    assert_credits(
        A.attribute(source(THREE), "shapley"), {"a": (2 / 3, 20 / 3), "b": (2 / 3 + 1, 20 / 3 + 4), "c": (2 / 3, 20 / 3)}
    )
    # a repeated channel is still one member of the coalition (linear would give it two thirds)
    assert_credits(A.attribute(source([("a > a > b", 3, 30, 0)]), "shapley"), {"a": (1.5, 15), "b": (1.5, 15)})


def test_shapley_worked_example_by_the_coalition_formula() -> None:
    # v({a}) = 1, v({b}) = 2, v({a,b}) = 1 + 2 + 3: phi_a = (1 + (6 - 2)) / 2 = 2.5, phi_b = (2 + (6 - 1)) / 2 = 3.5
    s = source([("a", 1, 0, 0), ("b", 2, 0, 0), ("a > b", 3, 0, 0)])
    assert_credits(A.attribute(s, "shapley"), {"a": (2.5, 0), "b": (3.5, 0)})
    assert list(A.shapley_by_formula([((1,), 1), ((2,), 2), ((1, 2), 3)], 2)) == pytest.approx([2.5, 3.5])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sets(st.integers(1, 6), min_size=1), st.integers(0, 20)), min_size=1, max_size=12))
def test_shapley_closed_form_equals_the_full_formula(rows: list[tuple[set[int], int]]) -> None:
    s = source([(" > ".join(f"c{i}" for i in sorted(members)), conv, 0, 1) for members, conv in rows])
    codes = {name: code for code, name in enumerate(s.channels, start=1)}
    sets = [(tuple(codes[f"c{i}"] for i in members), float(conv)) for members, conv in rows]
    expected = A.shapley_by_formula(sets, len(s.channels))
    got = by_channel(A.attribute(s, "shapley"))
    assert [got[name][0] for name in s.channels] == pytest.approx(list(expected), abs=1e-9)
    assert sum(expected) == pytest.approx(sum(conv for _, conv in rows))  # efficiency: v(N) is shared out


def test_shapley_treats_symmetric_channels_alike() -> None:
    s = source([("a > c", 2, 8, 0), ("b > c", 2, 8, 0), ("c", 1, 1, 1), ("a > b", 4, 4, 0)])
    got = by_channel(A.attribute(s, "shapley"))
    assert got["a"] == pytest.approx(got["b"])


# Markov: hand-worked -------------------------------------------------------------------------------


def test_markov_worked_example() -> None:
    # start -> a 3/5, -> b 2/5; a -> b 1; b -> conversion 3/5.  P = 3/5.
    # Without a: 2/5 * 3/5 = 6/25, RE 0.6.  Without b: 0, RE 1.  Credits 3 * 0.6/1.6 and 3 * 1/1.6.
    credits = A.attribute(source([("a > b", 1, 10, 2), ("b", 2, 5, 0)]), "markov")
    assert_credits(credits, {"a": (1.125, 5.625), "b": (1.875, 9.375)})
    assert [c.removal_effect for c in credits] == pytest.approx([0.6, 1.0])


def test_markov_counts_consecutive_repeats_as_one_visit() -> None:
    plain = A.attribute(source([("a > b", 1, 10, 2), ("b", 2, 5, 0)]), "markov")
    repeated = A.attribute(source([("a > a > b > b", 1, 10, 2), ("b > b > b", 2, 5, 0)]), "markov")
    assert flat(repeated, "conversions", "removal_effect") == pytest.approx(flat(plain, "conversions", "removal_effect"))


def test_markov_second_order_tells_apart_what_came_before() -> None:
    rows = [("a > c", 1, 0, 0), ("b > c", 0, 0, 1)]
    first_order = A.attribute(source(rows), "markov", order=1)
    # order 1: c -> conversion 1/2; without a: 1/2 * 1/2 = 1/4 of P = 1/2
    assert [c.removal_effect for c in first_order] == pytest.approx([0.5, 0.5, 1.0])
    second = A.attribute(source(rows), "markov", order=2)
    # order 2: states (a,c) -> conversion, (b,c) -> null: b changes nothing
    assert [c.removal_effect for c in second] == pytest.approx([1.0, 0.0, 1.0])
    assert_credits(second, {"a": (0.5, 0), "b": (0, 0), "c": (0.5, 0)})


def test_markov_higher_order_keeps_short_paths_as_one_state() -> None:
    rows = [("a", 1, 0, 1), ("a > b > c", 1, 0, 0), ("b", 0, 0, 1)]
    chain = A.markov_chain(source(rows), order=3)
    assert len(chain.states) == 3  # (a), (a,b,c), (b)
    assert sorted(chain.members.sum(axis=1).tolist()) == [1, 1, 3]
    got = A.attribute(source(rows), "markov", order=3)
    # start: (a) 2/4, (a,b,c) 1/4, (b) 1/4; (a) -> conversion 1/2, (a,b,c) -> conversion 1: P = 1/4 + 1/4 = 1/2
    # without a: only (b) -> null: 0, RE 1; without b: 1/4, RE 1/2; without c: 1/4, RE 1/2
    assert [c.removal_effect for c in got] == pytest.approx([1.0, 0.5, 0.5])


def test_markov_without_conversions_gives_nobody_credit() -> None:
    got = A.attribute(source([("a > b", 0, 0, 3)]), "markov")
    assert [(c.conversions, c.value, c.removal_effect) for c in got] == [(0, 0, 0), (0, 0, 0)]


# Markov: against a brute-force chain and a Monte-Carlo walk -------------------------------------


def dedupe(path: list[str]) -> list[str]:
    return [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]


def windows(path: list[str], order: int) -> list[tuple[str, ...]]:
    if len(path) <= order:
        return [tuple(path)]
    return [tuple(path[i : i + order]) for i in range(len(path) - order + 1)]


def brute_force_markov(rows: list[tuple[str, float, float, float]], order: int) -> dict[str, tuple[float, float]]:
    """Removal effects (conversions, value) from a chain built in plain Python with explicit start, conversion
    and null states, where a removed channel's inbound transitions are redirected to null, solved with
    numpy.linalg.solve: h = M h + reward, h(conversion) = 1 (or 0 for value, whose reward is the value per
    outgoing journey of a state's conversions), h(null) = 0."""
    counts: dict[tuple[Any, Any], float] = {}
    values: dict[Any, float] = {}
    for path, conv, value, nulls in rows:
        states = windows(dedupe([c.strip() for c in path.split(">")]), order)
        weight = conv + nulls
        if weight == 0:
            continue
        for a, b in zip(["start", *states], states, strict=False):
            counts[a, b] = counts.get((a, b), 0) + weight
        counts[states[-1], "conv"] = counts.get((states[-1], "conv"), 0) + conv
        counts[states[-1], "null"] = counts.get((states[-1], "null"), 0) + nulls
        values[states[-1]] = values.get(states[-1], 0) + value
    nodes = sorted({a for a, _ in counts} | {b for _, b in counts} | {"conv", "null"}, key=str)
    index = {node: i for i, node in enumerate(nodes)}

    def absorbed(removed: str | None) -> tuple[float, float]:
        size = len(nodes)
        matrix = np.zeros((size, size))
        for (a, b), w in counts.items():
            target = "null" if removed is not None and isinstance(b, tuple) and removed in b else b
            matrix[index[a], index[target]] += w
        reward = np.zeros(size)
        for node, amount in values.items():
            reward[index[node]] = amount / matrix[index[node]].sum()
        for node in nodes:
            if node in ("conv", "null") or (isinstance(node, tuple) and removed is not None and removed in node):
                matrix[index[node], :] = 0
                matrix[index[node], index["null" if node != "conv" else "conv"]] = 1
                reward[index[node]] = 0
        matrix = matrix / matrix.sum(axis=1, keepdims=True)
        system = np.eye(size) - matrix
        for absorbing in ("conv", "null"):
            system[index[absorbing], :] = 0
            system[index[absorbing], index[absorbing]] = 1
        into_conversion = np.zeros(size)
        into_conversion[index["conv"]] = 1
        p = np.linalg.solve(system, into_conversion)[index["start"]]
        v = np.linalg.solve(system, reward)[index["start"]]
        return float(p), float(v)

    full_p, full_v = absorbed(None)
    channels = sorted({c.strip() for path, *_ in rows for c in path.split(">")})
    effects = {}
    for channel in channels:
        p, v = absorbed(channel)
        effects[channel] = (1 - p / full_p if full_p > 0 else 0.0, 1 - v / full_v if full_v > 0 else 0.0)
    return effects


def random_rows(rng: random.Random, channels: str = "abcde", count: int = 12) -> list[tuple[str, float, float, float]]:
    rows = []
    for _ in range(count):
        path = [rng.choice(channels) for _ in range(rng.randint(1, 6))]
        conv = rng.choice([0, 0, 1, 2, 5])
        rows.append((" > ".join(path), conv, conv * rng.randint(1, 50), rng.randint(0 if conv else 1, 6)))
    return rows


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("seed", range(8))
def test_markov_removal_effects_match_a_brute_force_solve(seed: int, order: int) -> None:
    rows = random_rows(random.Random(seed * 31 + order))
    expected = brute_force_markov(rows, order)
    got = A.attribute(source(rows), "markov", order=order)
    assert {c.channel: c.removal_effect for c in got} == pytest.approx({c: e[0] for c, e in expected.items()}, abs=1e-9)
    for index, (field, total) in enumerate((("conversions", sum(r[1] for r in rows)), ("value", sum(r[2] for r in rows)))):
        effects = {c: e[index] for c, e in expected.items()}
        shares = {c: total * effect / sum(effects.values()) for c, effect in effects.items()}
        assert {c.channel: getattr(c, field) for c in got} == pytest.approx(shares, abs=1e-6)


def test_markov_agrees_with_a_monte_carlo_walk_within_its_noise() -> None:
    rows = random_rows(random.Random(99), count=30)
    s = source(rows)
    chain = A.markov_chain(s, order=1)
    rng = np.random.default_rng(12345)
    q = chain.transitions.toarray()
    size = len(chain.states)
    # rows of the walk: transient states, then conversion (size) and null (size + 1)
    step = np.zeros((size, size + 2))
    step[:, :size] = q
    step[:, size] = chain.to_conversion
    step[:, size + 1] = 1 - q.sum(axis=1) - chain.to_conversion
    cumulative = np.cumsum(step, axis=1)
    walks = 200_000

    def simulate(removed: int | None) -> float:
        state = rng.choice(size, size=walks, p=chain.start)
        alive = np.ones(walks, dtype=bool)
        converted = np.zeros(walks, dtype=bool)
        while alive.any():
            if removed is not None:
                alive &= state != removed
            u = rng.random(walks)
            nxt = (u[:, None] > cumulative[np.minimum(state, size - 1)]).sum(axis=1)
            nxt = np.minimum(nxt, size + 1)
            converted |= alive & (nxt == size)
            alive &= nxt < size
            state = np.where(alive, nxt, 0)
        return float(converted.mean())

    full, _, effects, _ = A.removal_effects(chain)
    simulated = simulate(None)
    assert simulated == pytest.approx(full, abs=4 * np.sqrt(full * (1 - full) / walks))
    for code in (0, 1):
        removed = simulate(int(np.searchsorted(chain.states, code + 1)))
        assert 1 - removed / simulated == pytest.approx(effects[code], abs=0.02)


# Properties ----------------------------------------------------------------------------------------

path_rows = st.lists(
    st.tuples(
        st.lists(st.sampled_from("abcdef"), min_size=1, max_size=6),
        st.integers(0, 9),
        st.integers(0, 500),
        st.integers(0, 9),
    ).map(lambda r: (" > ".join(r[0]), float(r[1]), float(r[2] if r[1] else 0), float(r[3]))),
    min_size=1,
    max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path_rows, st.sampled_from([1, 2]))
def test_every_model_shares_out_exactly_the_total_conversions_and_value(rows: list[Any], order: int) -> None:
    s = source(rows)
    total_conv = sum(r[1] for r in rows)
    total_value = sum(r[2] for r in rows)
    for model, credits in A.attribute_all(s, order=order, half_life=1.7).items():
        assert sum(c.conversions for c in credits) == pytest.approx(total_conv, abs=1e-7), model
        assert sum(c.value for c in credits) == pytest.approx(total_value, abs=1e-6), model
        assert all(c.conversions >= -1e-12 and c.value >= -1e-12 for c in credits), model


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path_rows, st.integers(1, 8), st.integers(0, 2))
def test_a_channel_on_no_converting_path_gets_nothing(rows: list[Any], nulls: int, where: int) -> None:
    # "z" appears only on paths that did not convert, at the start, the middle or the end
    extra = [("z > a > b", 0.0, 0.0, float(nulls)), ("a > z > c", 0.0, 0.0, 1.0), ("c > z", 0.0, 0.0, 2.0)][where]
    credits = A.attribute_all(source([*rows, extra]))
    for model in (*A.HEURISTIC_MODELS, "shapley"):
        assert by_channel(credits[model])["z"] == (0.0, 0.0), model


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path_rows, st.integers(1, 8), st.sampled_from([1, 2]))
def test_markov_gives_nothing_to_a_channel_that_only_ends_paths_without_conversion(
    rows: list[Any], nulls: int, order: int
) -> None:
    # A channel on non-converting paths can still carry walkers towards a conversion elsewhere in the chain
    # (so Markov may credit it); one that only ever ends such paths leads nowhere but null.
    credits = A.attribute(source([*rows, ("a > z", 0.0, 0.0, float(nulls)), ("z", 0.0, 0.0, 1.0)]), "markov", order=order)
    z = next(c for c in credits if c.channel == "z")
    assert (z.conversions, z.value) == pytest.approx((0.0, 0.0), abs=1e-9)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path_rows, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(rows: list[Any], rng: random.Random) -> None:
    shuffled = list(rows)
    rng.shuffle(shuffled)
    first, second = A.attribute_all(source(rows), order=2), A.attribute_all(source(shuffled), order=2)
    for model in A.MODELS:
        a, b = first[model], second[model]
        assert [c.channel for c in a] == [c.channel for c in b]
        assert flat(a, "conversions", "value") == pytest.approx(flat(b, "conversions", "value"), abs=1e-9)


def test_identical_paths_written_differently_add_up() -> None:
    one = A.attribute_all(source([("a > b", 2, 20, 1), ("a>b", 1, 5, 0), (" a >  b ", 0, 0, 2)]))
    other = A.attribute_all(source([("a > b", 3, 25, 3)]))
    for model in A.MODELS:
        assert flat(one[model], "conversions", "value") == pytest.approx(flat(other[model], "conversions", "value"))


# Path files and tables -----------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "paths.csv") -> Path:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    return file


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_path_files_with_any_delimiter_read_the_same(tmp_path: Path, delimiter: str) -> None:
    lines = ["path,total_conversions,total_conversion_value,total_null", "a > b,1,10.5,2", "b,2,5,0", '"c > a",0,0,3']
    file = write(tmp_path, "\n".join(line.replace(",", delimiter) for line in lines) + "\n")
    s = A.paths_from_file(file)
    assert s.channels == ["a", "b", "c"]
    assert s.totals() == (3.0, 15.5, 5.0)


def test_path_file_columns_and_separator_are_configurable(tmp_path: Path) -> None:
    file = write(tmp_path, "Journey,Sales,Revenue,Lost\nsearch|email,2,100,1\nemail,1,30,4\n")
    s = A.paths_from_file(file, sep="|", path_col="journey", conv_col="sales", value_col="revenue", null_col="lost")
    assert_credits(A.attribute(s, "last"), {"email": (3, 130), "search": (0, 0)})


def test_value_and_null_columns_may_be_left_out(tmp_path: Path) -> None:
    s = A.paths_from_file(write(tmp_path, "path,total_conversions\na > b,2\n"))
    assert s.totals() == (2.0, 0.0, 0.0)
    assert_credits(A.attribute(s, "markov"), {"a": (1, 0), "b": (1, 0)})


@pytest.mark.parametrize(
    ("text", "row", "column", "words"),
    [
        ("path,total_conversions\na,1\nb,-2\n", 3, "total_conversions", "negative"),
        ("path,total_conversions\na,1\nb,two\n", 3, "total_conversions", "not a number"),
        ("path,total_conversions,total_null\na,1,0\nb,1,-1\n", 3, "total_null", "negative"),
        ("path,total_conversions,total_conversion_value\na,1,abc\n", 2, "total_conversion_value", "not a number"),
        ("path,total_conversions,total_conversion_value\na,0,5\n", 2, "total_conversion_value", "without conversions"),
        ("path,total_conversions\na,1\n,1\n", 3, "path", "empty path"),
        ("path,total_conversions\na,1\n  ,1\n", 3, "path", "empty path"),
        ("path,total_conversions\na,1\nb,1\na > > b,1\n", 4, "path", "empty channel"),
        ("path,total_conversions\na,\n", 2, "total_conversions", "not a number"),
        ("path,total_conversions\na,inf\n", 2, "total_conversions", "not a finite number"),
    ],
)
def test_bad_rows_are_named_by_row_and_column(tmp_path: Path, text: str, row: int, column: str, words: str) -> None:
    with pytest.raises(A.PathFileError) as caught:
        A.paths_from_file(write(tmp_path, text))
    assert (caught.value.row, caught.value.column) == (row, column)
    assert f'Row {row}, column "{column}"' in caught.value.message and words in caught.value.message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("journey,total_conversions\na,1\n", 'The column "path" is missing'),
        ("path,conversions\na,1\n", 'The column "total_conversions" is missing'),
        ("path,total_conversions\n", "no paths"),
        ("", "empty"),
    ],
)
def test_files_without_the_needed_columns_or_rows_are_refused(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(A.PathFileError, match=words):
        A.paths_from_file(write(tmp_path, text))


def test_a_named_value_column_that_is_missing_is_refused(tmp_path: Path) -> None:
    with pytest.raises(A.PathFileError, match='"revenue" is missing'):
        A.paths_from_file(write(tmp_path, "path,total_conversions\na,1\n"), value_col="revenue")


def test_arrow_tables_take_lists_of_channels_and_report_rows_from_one() -> None:
    table = pa.table({"path": [["a", "b"], ["b"]], "total_conversions": [1, 2], "total_null": [0, 1]})
    s = A.paths_from_arrow(table)
    assert_credits(A.attribute(s, "first"), {"a": (1, 0), "b": (2, 0)})
    bad = pa.table({"path": ["a", "b"], "total_conversions": [1.0, -1.0]})
    with pytest.raises(A.PathFileError, match='Row 2, column "total_conversions"'):
        A.paths_from_arrow(bad)


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"path": ["a", "b", " "], "total_conversions": [1, 1, 1]}, 'Row 3, column "path": " " is an empty path'),
        ({"path": ["a", None], "total_conversions": [1, 1]}, 'Row 2, column "path": "" is an empty path'),
        ({"path": [["a"], []], "total_conversions": [1, 1]}, 'Row 2, column "path": "[]" is an empty path'),
        ({"path": ["a", "a>>b"], "total_conversions": [1, 1]}, 'Row 2, column "path": "a>>b" has an empty channel'),
        ({"path": ["a", "b"], "total_conversions": [1, None]}, 'Row 2, column "total_conversions": "" is not a number'),
        (
            {"path": ["a", "b"], "total_conversions": [1, 1], "total_conversion_value": [1.0, float("nan")]},
            'Row 2, column "total_conversion_value": "nan" is not a finite number',
        ),
        (
            {"path": ["a", "b"], "total_conversions": [1, 0], "total_conversion_value": [1.0, 2.0]},
            'Row 2, column "total_conversion_value": "2.0" is a conversion value on a row without conversions',
        ),
        ({"path": ["a", "b"], "total_conversions": ["1", "x"]}, 'Row 2, column "total_conversions": "x" is not a number'),
        ({"path": ["a", "b"], "total_null": [1, -2], "total_conversions": [1, 1]}, 'Row 2, column "total_null": "-2"'),
    ],
)
def test_bad_arrow_rows_are_named_like_file_rows(columns: dict[str, list[Any]], message: str) -> None:
    with pytest.raises(A.PathFileError) as caught:
        A.paths_from_arrow(pa.table(columns))
    assert caught.value.message.startswith(message)


def test_arrow_nulls_in_value_and_null_columns_count_as_zero_and_numeric_text_is_read() -> None:
    table = pa.table(
        {
            "path": ["a > b", "b"],
            "total_conversions": ["2", "1"],
            "total_conversion_value": pa.array([None, 4.0], pa.float64()),
            "total_null": pa.array([None, None], pa.int64()),
        }
    )
    assert A.paths_from_arrow(table).totals() == (3.0, 4.0, 0.0)


# Journeys from the warehouse ----------------------------------------------------------------------

WORKSPACE = 7_000_042


def test_journeys_become_paths_cut_at_each_conversion(warehouse_url: str) -> None:
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    touches = [  # journey, minutes, channel, converted, value
        ("j1", 0, "search", False, None),
        ("j1", 5, "email", False, None),
        ("j1", 9, "direct", True, "120.5"),
        ("j1", 20, "social", False, None),  # after the last conversion: a null path
        ("j2", 3, "email", False, None),  # listed before j2's first touch: ordering is by ts
        ("j2", 1, "search", False, None),
        ("j2", 7, "search", True, "30"),
        ("j2", 8, "email", True, "10"),
        ("j3", 0, "social", False, None),
    ]
    other = ("j9", 0, "search", True, "999")  # another workspace
    names = [*warehouse.TOUCHPOINT_COLUMNS]
    rows = [
        {
            "workspace_id": WORKSPACE if touch is not other else WORKSPACE + 1,
            "journey_id": touch[0],
            "ts": t0 + timedelta(minutes=touch[1]),
            "channel": touch[2],
            "campaign": None,
            "converted": touch[3],
            "value": Decimal(touch[4]) if touch[4] else None,
            "import_id": 1,
            "source": "test",
        }
        for touch in [*touches, other]
    ]
    table = pa.Table.from_pylist(rows, schema=warehouse.touchpoint_schema().to_pyarrow())
    assert table.column_names == names
    with warehouse.session(warehouse_url) as con:
        con.insert(warehouse.TOUCHPOINTS, table)
        try:
            s = A.paths_from_journeys(con, workspace_id=WORKSPACE)
        finally:
            con.raw_sql(f"DELETE FROM {warehouse.TOUCHPOINTS} WHERE workspace_id IN ({WORKSPACE}, {WORKSPACE + 1})")
    paths = {
        tuple(s.channels[c - 1] for c in seq): (conv, value, nulls)
        for seq, conv, value, nulls in s.query("SELECT seq, conversions, value, nulls FROM paths")
    }
    assert paths == {
        ("search", "email", "direct"): (1, 120.5, 0),
        ("social",): (0, 0, 2),
        ("search", "email", "search"): (1, 30, 0),
        ("email",): (1, 10, 0),
    }
    assert_credits(A.attribute(s, "last"), {"direct": (1, 120.5), "email": (1, 10), "search": (1, 30), "social": (0, 0)})


def test_a_warehouse_without_journeys_gives_empty_credits(warehouse_url: str) -> None:
    with warehouse.session(warehouse_url) as con:
        s = A.paths_from_journeys(con, workspace_id=WORKSPACE + 5)
    assert s.channels == []
    assert all(credits == [] for credits in A.attribute_all(s).values())


def test_every_markov_order_agrees_on_single_touch_paths() -> None:
    # with paths of one touch every order gives the same chain
    rows = [("a", 2, 0, 1), ("b", 1, 0, 3), ("c", 0, 0, 2)]
    results = [A.attribute(source(rows), "markov", order=k) for k in (1, 2, 3)]
    for a, b in itertools.pairwise(results):
        assert [c.conversions for c in a] == pytest.approx([c.conversions for c in b])


def test_shapley_with_more_channels_than_a_bit_mask_holds() -> None:
    rng = random.Random(5)
    names = [f"ch{i:02d}" for i in range(70)]
    rows = [
        (" > ".join(rng.choice(names) for _ in range(rng.randint(1, 5))), float(rng.randint(0, 4)), 0.0, 1.0) for _ in range(300)
    ]
    expected: dict[str, float] = dict.fromkeys({c.strip() for r in rows for c in r[0].split(">")}, 0.0)
    for path, conv, _, _ in rows:
        members = {c.strip() for c in path.split(">")}
        for member in members:
            expected[member] += conv / len(members)
    got = by_channel(A.attribute(source(rows), "shapley"))
    assert {c: v[0] for c, v in got.items()} == pytest.approx(expected)


def test_markov_large_higher_order_chains_use_the_sparse_solve_and_agree_with_brute_force() -> None:
    rows = random_rows(random.Random(3), channels="abcdefgh", count=400)
    chain = A.markov_chain(source(rows), order=3)
    assert len(chain.states) > A._DENSE_LIMIT
    got = A.attribute(source(rows), "markov", order=3)
    assert {c.channel: c.removal_effect for c in got} == pytest.approx({c: e[0] for c, e in brute_force_markov(rows, 3).items()})


def test_journeys_of_two_workspaces_never_merge_and_a_time_window_applies(warehouse_url: str) -> None:
    t0 = datetime(2026, 10, 1, tzinfo=UTC)
    touches = [  # workspace, journey, minutes, channel, converted
        (WORKSPACE + 10, "same", 0, "search", False),
        (WORKSPACE + 11, "same", 1, "email", True),
        (WORKSPACE + 10, "same", 2, "direct", True),
        (WORKSPACE + 10, "late", 60 * 24 * 40, "social", True),
    ]
    rows = [
        {"workspace_id": w, "journey_id": j, "ts": t0 + timedelta(minutes=m), "channel": c, "campaign": None,
         "converted": conv, "value": None, "import_id": 1, "source": "test"}
        for w, j, m, c, conv in touches
    ]  # fmt: skip
    table = pa.Table.from_pylist(rows, schema=warehouse.touchpoint_schema().to_pyarrow())
    with warehouse.session(warehouse_url) as con:
        con.insert(warehouse.TOUCHPOINTS, table)
        try:
            everything = con.table(warehouse.TOUCHPOINTS)
            mine = everything.filter(everything.workspace_id.isin([WORKSPACE + 10, WORKSPACE + 11]))
            both = A.paths_from_journeys(mine, until=t0 + timedelta(days=30))
        finally:
            con.raw_sql(f"DELETE FROM {warehouse.TOUCHPOINTS} WHERE workspace_id IN ({WORKSPACE + 10}, {WORKSPACE + 11})")
    paths = {tuple(both.channels[c - 1] for c in seq): conv for seq, conv in both.query("SELECT seq, conversions FROM paths")}
    assert paths == {("search", "direct"): 1, ("email",): 1}


def test_path_files_accept_numbers_with_spaces_exponents_and_empty_value_cells(tmp_path: Path) -> None:
    file = write(tmp_path, "path,total_conversions,total_conversion_value,total_null\na > b, 2 ,1e3,\nb,1,,4\n")
    assert A.paths_from_file(file).totals() == (3.0, 1000.0, 4.0)


def test_a_file_that_is_not_utf8_is_named_by_row(tmp_path: Path) -> None:
    file = tmp_path / "latin1.csv"
    file.write_bytes(b"path,total_conversions\r\na,1\r\nB\xe9ta > a,1\r\n")
    with pytest.raises(A.PathFileError, match="Row 3 is not UTF-8 text"):
        A.paths_from_file(file)


def test_windows_line_endings_are_read(tmp_path: Path) -> None:
    file = tmp_path / "crlf.csv"
    file.write_bytes(b"path,total_conversions,total_null\r\na > b,1,2\r\nb,3,0\r\n")
    assert_credits(A.attribute(A.paths_from_file(file), "linear"), {"a": (0.5, 0), "b": (3.5, 0)})


def test_a_touch_at_the_same_time_as_a_conversion_belongs_to_its_path(warehouse_url: str) -> None:
    t0 = datetime(2026, 9, 1, tzinfo=UTC)
    touches = [("tie", "email", True, "5"), ("tie", "search", False, None)]  # same ts: the conversion comes last
    rows = [
        {"workspace_id": WORKSPACE + 20, "journey_id": j, "ts": t0, "channel": c, "campaign": None, "converted": conv,
         "value": Decimal(v) if v else None, "import_id": 1, "source": "test"}
        for j, c, conv, v in touches
    ]  # fmt: skip
    table = pa.Table.from_pylist(rows, schema=warehouse.touchpoint_schema().to_pyarrow())
    with warehouse.session(warehouse_url) as con:
        con.insert(warehouse.TOUCHPOINTS, table)
        try:
            s = A.paths_from_journeys(con, workspace_id=WORKSPACE + 20)
        finally:
            con.raw_sql(f"DELETE FROM {warehouse.TOUCHPOINTS} WHERE workspace_id = {WORKSPACE + 20}")
    paths = {
        tuple(s.channels[c - 1] for c in seq): (conv, nulls)
        for seq, conv, nulls in s.query("SELECT seq, conversions, nulls FROM paths")
    }
    assert paths == {("search", "email"): (1, 0)}
