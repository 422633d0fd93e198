"""A/B statistics against scipy/statsmodels on the same inputs, worked examples and properties."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats import proportion as smp
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from alur.analytics.stats import (
    CountsFileError,
    VariantCounts,
    analyse,
    expected_duration_days,
    holm,
    read_counts_csv,
    sample_size_mean,
    sample_size_proportion,
    srm_p_value,
    verdict_sentence,
)

# ------------------------------------------------------------------------------------------ sample size


@pytest.mark.parametrize(
    ("baseline", "mde", "alpha", "power", "two_sided"),
    [(0.10, 0.01, 0.05, 0.8, True), (0.03, 0.005, 0.05, 0.9, True), (0.5, -0.02, 0.01, 0.8, True), (0.2, 0.03, 0.1, 0.8, False)],
)
def test_sample_size_proportion_is_the_power_of_the_unpooled_test_in_statsmodels(
    baseline: float, mde: float, alpha: float, power: float, two_sided: bool
) -> None:
    target = baseline + mde
    effect = abs(mde) / math.sqrt((baseline * (1 - baseline) + target * (1 - target)) / 2)
    expected = NormalIndPower().solve_power(
        effect_size=effect, alpha=alpha, power=power, ratio=1, alternative="two-sided" if two_sided else "larger"
    )
    assert sample_size_proportion(baseline, mde, alpha=alpha, power=power, two_sided=two_sided) == math.ceil(expected)


def test_worked_example_ten_percent_baseline_one_point_absolute() -> None:
    """10% → 11%, α .05 two-sided, power .8: 14,749 per variant with the unpooled variance. The pooled-null
    variant of the formula (statsmodels' samplesize_proportions_2indep_onetail) gives 14,751, and Evan
    Miller's calculator (null variance 2·p·q of the baseline) 14,313: same order, documented difference."""
    ours = sample_size_proportion(0.10, 0.01)
    assert ours == 14_749
    pooled = smp.samplesize_proportions_2indep_onetail(
        diff=0.01, prop2=0.10, power=0.8, ratio=1, alpha=0.05, alternative="two-sided"
    )
    assert math.ceil(pooled) == 14_751
    za, zb, p, d = sps.norm.ppf(0.975), sps.norm.ppf(0.8), 0.10, 0.01
    evan_miller = (za * math.sqrt(2 * p * (1 - p)) + zb * math.sqrt(p * (1 - p) + (p + d) * (1 - p - d))) ** 2 / d**2
    assert round(evan_miller) == 14_313
    assert abs(ours - evan_miller) / ours < 0.03


def test_relative_mde_is_a_share_of_the_baseline() -> None:
    assert sample_size_proportion(0.10, 0.1, relative=True) == sample_size_proportion(0.10, 0.01)
    assert sample_size_proportion(0.05, 0.2, relative=True) == sample_size_proportion(0.05, 0.01)


@pytest.mark.parametrize(
    ("std", "mde", "alpha", "power"), [(25.0, 2.0, 0.05, 0.8), (1.0, 0.05, 0.01, 0.9), (3.0, -0.5, 0.1, 0.8)]
)
def test_sample_size_mean_matches_statsmodels(std: float, mde: float, alpha: float, power: float) -> None:
    expected = NormalIndPower().solve_power(effect_size=abs(mde) / std, alpha=alpha, power=power, ratio=1)
    assert sample_size_mean(std, mde, alpha=alpha, power=power) == math.ceil(expected)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: sample_size_proportion(1.5, 0.01), "between 0 and 1"),
        (lambda: sample_size_proportion(0.1, 0), "must not be zero"),
        (lambda: sample_size_proportion(0.95, 0.1), "outside 0 to 1"),
        (lambda: sample_size_proportion(0.1, 0.01, alpha=0), "significance level"),
        (lambda: sample_size_proportion(0.1, 0.01, power=1.2), "power"),
        (lambda: sample_size_mean(0, 1), "standard deviation"),
    ],
)
def test_impossible_plans_are_refused_with_a_sentence(call: object, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        call()  # type: ignore[operator]


def test_expected_duration_counts_every_variant() -> None:
    assert expected_duration_days(14_749, 2, 1000) == 30
    assert expected_duration_days(100, 3, 1000) == 1
    assert expected_duration_days(100, 2, 0) is None


# ------------------------------------------------------------------------------------------ frequentist


def conversions(*rows: tuple[str, int, int]) -> list[VariantCounts]:
    return [VariantCounts(name, visitors, conv) for name, visitors, conv in rows]


@pytest.mark.parametrize(("na", "ca", "nb", "cb"), [(10_000, 1000, 10_050, 1100), (2_000, 40, 2_100, 62), (500, 250, 480, 200)])
def test_conversion_p_value_and_interval_match_welch_and_the_wald_test(na: int, ca: int, nb: int, cb: int) -> None:
    result = analyse(conversions(("A", na, ca), ("B", nb, cb)), correction="none").results[0]
    pa, pb = ca / na, cb / nb
    welch = sps.ttest_ind_from_stats(pb, math.sqrt(pb * (1 - pb)), nb, pa, math.sqrt(pa * (1 - pa)), na, equal_var=False)
    assert result.p_value == pytest.approx(welch.pvalue, rel=1e-9)
    half = sps.t.ppf(0.975, result.dof) * math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    assert (result.ci_abs_low, result.ci_abs_high) == pytest.approx((pb - pa - half, pb - pa + half), rel=1e-9)
    # The unpooled normal (Wald) test of two proportions: the same up to Student's t against the normal
    # (1.5% apart in p at a thousand degrees of freedom, 0.1% at twenty thousand).
    wald = smp.test_proportions_2indep(cb, nb, ca, na, method="wald", compare="diff")
    assert result.p_value == pytest.approx(wald.pvalue, rel=0.02)
    low, high = smp.confint_proportions_2indep(cb, nb, ca, na, method="wald", compare="diff")
    width = high - low
    assert (result.ci_abs_low, result.ci_abs_high) == pytest.approx((low, high), abs=0.002 * width)
    assert result.lift_abs == pytest.approx(pb - pa) and result.lift_rel == pytest.approx((pb - pa) / pa)


def sums(values: np.ndarray) -> tuple[int, float, float]:
    return len(values), float(values.sum()), float((values**2).sum())


def test_continuous_metric_matches_welch_on_the_raw_values() -> None:
    rng = np.random.default_rng(7)
    a = rng.gamma(2.0, 50.0, size=800)
    b = rng.gamma(2.0, 56.0, size=650)
    variants = [VariantCounts(name, n, 0, s, q) for name, (n, s, q) in (("A", sums(a)), ("B", sums(b)))]
    analysis = analyse(variants)
    assert analysis.metric == "mean"
    result = analysis.results[0]
    welch = sps.ttest_ind(b, a, equal_var=False)
    assert result.p_value == pytest.approx(welch.pvalue, rel=1e-9)
    assert result.dof == pytest.approx(welch.df, rel=1e-9)
    low, high = CompareMeans(DescrStatsW(b), DescrStatsW(a)).tconfint_diff(alpha=0.05, usevar="unequal")
    assert (result.ci_abs_low, result.ci_abs_high) == pytest.approx((low, high), rel=1e-9)
    assert result.rate == pytest.approx(b.mean()) and analysis.control.rate == pytest.approx(a.mean())


def test_relative_interval_uses_the_delta_method_variance() -> None:
    """The delta-method variance of (p_B − p_A)/p_A agrees with the variance of the ratio over simulated
    sampling distributions of the two rates (normal approximation, fixed seed)."""
    na, ca, nb, cb = 5_000, 400, 5_000, 460
    result = analyse(conversions(("A", na, ca), ("B", nb, cb))).results[0]
    half = result.ci_rel_high - result.lift_rel
    se_rel = half / sps.t.ppf(0.975, result.dof)
    rng = np.random.default_rng(11)
    pa = rng.binomial(na, ca / na, 400_000) / na
    pb = rng.binomial(nb, cb / nb, 400_000) / nb
    assert se_rel == pytest.approx(np.std((pb - pa) / pa), rel=0.02)


def test_holm_adjustment_matches_statsmodels() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        raw = rng.uniform(0, 0.2, size=int(rng.integers(1, 8)))
        assert holm(list(raw)) == pytest.approx(list(multipletests(raw, method="holm")[1]), rel=1e-12)


def test_analysis_adjusts_several_variants_with_holm() -> None:
    analysis = analyse(conversions(("A", 10_000, 1000), ("B", 10_050, 1100), ("C", 9_990, 1010), ("D", 10_020, 1090)))
    raw = [r.p_value for r in analysis.results]
    assert [r.p_value_adjusted for r in analysis.results] == pytest.approx(list(multipletests(raw, method="holm")[1]))
    b = analysis.results[0]
    assert b.p_value < 0.05 and b.p_value_adjusted > 0.05 and not b.significant
    uncorrected = analyse(conversions(("A", 10_000, 1000), ("B", 10_050, 1100)), correction="none").results
    assert uncorrected[0].p_value_adjusted == uncorrected[0].p_value


def test_srm_is_scipy_chisquare_and_warns_below_one_in_a_thousand() -> None:
    visitors = [10_000, 10_300, 9_900]
    assert srm_p_value(visitors) == pytest.approx(sps.chisquare(visitors).pvalue, rel=1e-12)
    weighted = sps.chisquare([2000, 1000], f_exp=[2000, 1000]).pvalue
    assert srm_p_value([2000, 1000], [2, 1]) == pytest.approx(weighted)
    balanced = analyse(conversions(("A", 10_000, 1000), ("B", 10_100, 1100)))
    assert not balanced.srm_warning and balanced.verdict.kind == "winner"
    skewed = analyse(conversions(("A", 10_000, 1000), ("B", 10_600, 1200)))
    assert skewed.srm_p_value < 0.001 and skewed.srm_warning and skewed.verdict.kind == "srm"
    assert analyse(conversions(("A", 20_000, 2000), ("B", 10_000, 1100)), weights=[2, 1]).srm_warning is False


# ------------------------------------------------------------------------------------------ Bayesian


@pytest.mark.parametrize(("ca", "cb"), [(100, 120), (1000, 1030), (50, 40)])
def test_chance_to_beat_and_expected_loss_agree_with_monte_carlo_posteriors(ca: int, cb: int) -> None:
    """Beta(1 + c, 1 + n − c) posteriors (flat prior), 400,000 draws, seed 20240607: the Gaussian
    approximation is within one percentage point for the chance and 5% for the loss."""
    n = 10_000
    result = analyse(conversions(("A", n, ca), ("B", n, cb))).results[0]
    rng = np.random.default_rng(20240607)
    a = rng.beta(1 + ca, 1 + n - ca, 400_000)
    b = rng.beta(1 + cb, 1 + n - cb, 400_000)
    assert result.prob_beat_control == pytest.approx(np.mean(b > a), abs=0.01)
    assert result.expected_loss == pytest.approx(np.mean(np.maximum(a - b, 0)), rel=0.05)


# ------------------------------------------------------------------------------------------ sequential


def test_sequential_intervals_keep_the_error_rate_when_peeking_every_day() -> None:
    """A/A tests looked at 20 times: stopping at the first fixed-horizon 'significant' look is wrong far more
    often than 5%; the always-valid intervals stay at or below it."""
    rng = np.random.default_rng(42)
    runs, looks, per_look, rate = 300, 20, 500, 0.1
    fixed_hits = sequential_hits = 0
    for _ in range(runs):
        conv = rng.binomial(per_look, rate, size=(looks, 2)).cumsum(axis=0)
        fixed_any = sequential_any = False
        for look in range(looks):
            n = per_look * (look + 1)
            variants = conversions(("A", n, int(conv[look, 0])), ("B", n, int(conv[look, 1])))
            fixed_any |= analyse(variants).results[0].p_value < 0.05
            sequential_any |= analyse(variants, sequential=True).results[0].p_value < 0.05
        fixed_hits += fixed_any
        sequential_hits += sequential_any
    assert fixed_hits / runs > 0.12
    assert sequential_hits / runs <= 0.05


counts = st.integers(min_value=200, max_value=200_000)


@st.composite
def experiment(draw: st.DrawFn) -> list[VariantCounts]:
    rows = []
    for name in ("A", "B"):
        n = draw(counts)
        rows.append(VariantCounts(name, n, draw(st.integers(min_value=1, max_value=n - 1))))
    return rows


@settings(max_examples=150, deadline=None)
@given(experiment())
def test_sequential_interval_is_wider_than_the_fixed_one_and_agrees_with_its_p_value(variants: list[VariantCounts]) -> None:
    fixed = analyse(variants).results[0]
    sequential = analyse(variants, sequential=True).results[0]
    assert sequential.ci_abs_high - sequential.ci_abs_low > fixed.ci_abs_high - fixed.ci_abs_low
    assert sequential.ci_rel_high - sequential.ci_rel_low > fixed.ci_rel_high - fixed.ci_rel_low
    if fixed.p_value > 1e-6:  # far out in the tails Student's t (fixed) is heavier than the normal (sequential)
        assert sequential.p_value >= fixed.p_value
    excludes_zero = sequential.ci_abs_low > 0 or sequential.ci_abs_high < 0
    if abs(sequential.p_value - 0.05) > 1e-9:
        assert excludes_zero == (sequential.p_value < 0.05)


# ------------------------------------------------------------------------------------------ properties


@settings(max_examples=200, deadline=None)
@given(experiment())
def test_swapping_control_and_variant_flips_the_lift_and_keeps_the_p_value(variants: list[VariantCounts]) -> None:
    forward = analyse(variants).results[0]
    backward = analyse(variants[::-1]).results[0]
    assert backward.lift_abs == pytest.approx(-forward.lift_abs, rel=1e-9, abs=1e-15)
    assert backward.p_value == pytest.approx(forward.p_value, rel=1e-9, abs=1e-300)
    assert (backward.ci_abs_low, backward.ci_abs_high) == pytest.approx((-forward.ci_abs_high, -forward.ci_abs_low), abs=1e-12)
    assert backward.prob_beat_control == pytest.approx(1 - forward.prob_beat_control, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(counts, st.floats(0.01, 0.5)), min_size=2, max_size=5), st.booleans())
def test_intervals_contain_the_estimate_and_holm_never_lowers_a_p_value(arms: list[tuple[int, float]], sequential: bool) -> None:
    variants = [VariantCounts(f"V{i}", n, round(n * share)) for i, (n, share) in enumerate(arms)]
    for result in analyse(variants, sequential=sequential).results:
        assert result.ci_abs_low <= result.lift_abs <= result.ci_abs_high
        assert result.ci_rel_low <= result.lift_rel <= result.ci_rel_high
        assert result.p_value_adjusted >= result.p_value
        assert 0 <= result.prob_beat_control <= 1 and result.expected_loss >= 0


# ------------------------------------------------------------------------------------------ CUPED


def test_cuped_difference_is_the_regression_coefficient_and_narrows_the_interval() -> None:
    rng = np.random.default_rng(5)
    n_a, n_b = 3000, 2800
    x_a, x_b = rng.normal(100, 30, n_a), rng.normal(100, 30, n_b)
    y_a = 0.8 * x_a + rng.normal(0, 15, n_a)
    y_b = 0.8 * x_b + 2.0 + rng.normal(0, 15, n_b)

    def counts_of(name: str, x: np.ndarray, y: np.ndarray, *, covariate: bool) -> VariantCounts:
        extra = {"pre_sum": x.sum(), "pre_sum_sq": (x**2).sum(), "cross_sum": (x * y).sum()} if covariate else {}
        return VariantCounts(name, len(y), 0, float(y.sum()), float((y**2).sum()), **extra)

    plain = analyse([counts_of("A", x_a, y_a, covariate=False), counts_of("B", x_b, y_b, covariate=False)])
    cuped = analyse([counts_of("A", x_a, y_a, covariate=True), counts_of("B", x_b, y_b, covariate=True)])
    assert plain.cuped_theta is None and cuped.cuped_theta is not None

    x = np.concatenate([x_a, x_b])
    y = np.concatenate([y_a, y_b])
    treated = np.concatenate([np.zeros(n_a), np.ones(n_b)])
    coefficients = np.linalg.lstsq(np.column_stack([np.ones_like(x), treated, x]), y, rcond=None)[0]
    assert cuped.results[0].lift_abs == pytest.approx(coefficients[1], rel=1e-9)
    assert cuped.cuped_theta == pytest.approx(coefficients[2], rel=1e-9)

    adjusted_a = y_a - cuped.cuped_theta * (x_a - x.mean())
    adjusted_b = y_b - cuped.cuped_theta * (x_b - x.mean())
    welch = sps.ttest_ind(adjusted_b, adjusted_a, equal_var=False)
    assert cuped.results[0].p_value == pytest.approx(welch.pvalue, rel=1e-6)
    width = lambda r: r.ci_abs_high - r.ci_abs_low  # noqa: E731
    assert width(cuped.results[0]) < 0.6 * width(plain.results[0])


# ------------------------------------------------------------------------------------------ verdicts


def test_a_clear_winner_is_named_with_its_interval() -> None:
    analysis = analyse(conversions(("A", 10_000, 1000), ("B", 10_100, 1150)))
    assert analysis.verdict.kind == "winner" and analysis.verdict.variant == "B"
    sentence = verdict_sentence(analysis.verdict)
    assert sentence.startswith("Variant B wins: 13.9% higher conversion rate than control (95% CI +")


def test_a_clear_loser_is_named() -> None:
    verdict = analyse(conversions(("A", 10_000, 1150), ("B", 10_100, 1000))).verdict
    assert verdict.kind == "loser"
    assert verdict_sentence(verdict).startswith("Variant B loses: ")


def test_too_few_visitors_says_how_many_more_are_needed() -> None:
    analysis = analyse(conversions(("A", 1000, 100), ("B", 1000, 105)), mde=0.10, correction="none")
    assert analysis.verdict.kind == "not_enough_data"
    needed = sample_size_proportion(0.10, 0.10, relative=True)
    assert analysis.needed_per_variant == needed and analysis.verdict.more_visitors == needed - 1000
    assert verdict_sentence(analysis.verdict) == (
        "Not enough data yet: no variant differs significantly from control so far, "
        f"about {needed - 1000:,} more visitors per variant needed to detect a 10.0% difference."
    )


def test_enough_visitors_and_no_difference_is_inconclusive() -> None:
    verdict = analyse(conversions(("A", 100_000, 10_000), ("B", 100_000, 10_020)), mde=0.05).verdict
    assert verdict.kind == "inconclusive"
    assert "No clear difference" in verdict_sentence(verdict)


def test_an_unbalanced_split_comes_first() -> None:
    verdict = analyse(conversions(("A", 10_000, 1000), ("B", 11_000, 1400))).verdict
    assert verdict.kind == "srm"
    assert verdict_sentence(verdict) == (
        "Traffic split is unbalanced (SRM p < 0.0001): check the assignment before reading results."
    )


def test_sentences_go_through_the_callers_gettext_with_indonesian_numbers() -> None:
    catalogue = {
        "Not enough data yet: no variant differs significantly from control so far, "
        "about %(more)s more visitors per variant needed to detect a %(mde)s difference.": (
            "Belum cukup data: sekitar %(more)s pengunjung lagi per varian untuk mendeteksi selisih %(mde)s."
        )
    }
    verdict = analyse(conversions(("A", 1000, 100), ("B", 1000, 105)), mde=0.10, correction="none").verdict
    more = verdict.more_visitors
    assert more is not None and more > 1000
    sentence = verdict_sentence(verdict, lambda s: catalogue.get(s, s), language="id")
    thousands = f"{more:,}".replace(",", ".")
    assert sentence == f"Belum cukup data: sekitar {thousands} pengunjung lagi per varian untuk mendeteksi selisih 10,0%."


def test_a_variant_without_visitors_gives_not_enough_data_and_valid_json() -> None:
    analysis = analyse(conversions(("A", 1000, 100), ("B", 0, 0)))
    assert analysis.verdict.kind in ("srm", "not_enough_data")
    analysis = analyse(conversions(("A", 1000, 100), ("B", 0, 0)), weights=[1000, 1])
    assert analysis.verdict.kind == "not_enough_data"
    document = json.loads(json.dumps(analysis.as_dict(), allow_nan=False))
    assert document["variants"][0]["p_value"] is None


def test_as_dict_has_the_issue_shape() -> None:
    document = analyse(conversions(("A", 10_000, 1000), ("B", 10_050, 1100), ("C", 9_990, 1010))).as_dict()
    keys = {"variant", "rate", "lift_abs", "lift_rel", "p_value", "ci_abs_low", "ci_abs_high", "ci_rel_low", "ci_rel_high"}
    assert "srm_p_value" in document and [v["variant"] for v in document["variants"]] == ["B", "C"]
    assert all(keys | {"prob_beat_control"} <= set(v) for v in document["variants"])
    assert document["verdict"]["sentence"].startswith("Not enough data yet")


# ------------------------------------------------------------------------------------------ counts file


def test_counts_file_with_any_delimiter_and_a_bom() -> None:
    for sep in (",", ";", "\t"):
        text = "\ufeff" + sep.join(["Variant", "Visitors", "Conversions"]) + "\n" + f"A{sep}100{sep}10\n\nB{sep}120{sep}15\n"
        assert read_counts_csv(text) == [VariantCounts("A", 100, 10), VariantCounts("B", 120, 15)]


def test_counts_file_with_values_and_covariate() -> None:
    text = (
        "variant;visitors;conversions;value_sum;value_sum_sq;pre_sum;pre_sum_sq;cross_sum\n"
        "A;10;2;50;900;40;200;210\nB;12;3;70;1500;44;220;300\n"
    )
    rows = read_counts_csv(text)
    assert rows[0] == VariantCounts("A", 10, 2, 50, 900, 40, 200, 210) and rows[1].has_values and rows[1].has_covariate


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("variant,visitors\nA,10\nB,10\n", "no column 'conversions'"),
        ("variant,visitors,conversions\nA,10,1\nB,-5,1\n", "Row 3, column 'visitors': -5 is negative"),
        ("variant,visitors,conversions\nA,10,1\nB,10,12\n", "Row 3: 12 conversions are more than the 10 visitors"),
        ("variant,visitors,conversions\nA,10,1\nB,ten,1\n", "Row 3, column 'visitors': 'ten' is not a number."),
        ("variant,visitors,conversions\nA,10.5,1\nB,10,1\n", "Row 2, column 'visitors': 10.5 is not a whole number"),
        ("variant,visitors,conversions\nA,10,1\n", "1 variant rows"),
        ("variant,visitors,conversions\nA,10,1\nA,12,1\n", "Row 3: the variant 'A' is already on row 2"),
        ("variant,visitors,conversions\nA,10,1\n,12,1\n", "Row 3, column 'variant' is empty"),
        ("variant,visitors,conversions\nA,10,1\nB,12\n", "Row 3 has 2 fields but the header has 3"),
        ("variant,visitors,conversions,value_sum\nA,10,1,5\nB,12,1,5\n", "'value_sum' but not 'value_sum_sq'"),
        ("variant,visitors,conversions,value_sum,value_sum_sq\nA,10,1,50,10\nB,12,1,5,5\n", "Row 2: value_sum_sq is smaller"),
    ],
)
def test_bad_counts_files_are_explained_with_row_and_column(text: str, message: str) -> None:
    with pytest.raises(CountsFileError, match=None) as caught:
        read_counts_csv(text)
    assert message in caught.value.message
    assert caught.value.template % caught.value.params == caught.value.message


def test_a_winner_over_a_control_without_conversions_is_told_in_points() -> None:
    analysis = analyse(conversions(("A", 1000, 0), ("B", 1000, 20)))
    assert math.isnan(analysis.results[0].lift_rel) and analysis.verdict.kind == "winner"
    assert verdict_sentence(analysis.verdict) == (
        "Variant B wins: 2.00 points higher conversion rate than control (95% CI +1.13 points to +2.87 points)."
    )


def test_counts_are_read_as_the_file_writes_numbers_else_in_the_given_style() -> None:
    settled = "variant;visitors;conversions\nA;48.000;1.200\nB;1.048.000;1.250\n"  # "1.048.000": Indonesian
    assert [(r.visitors, r.conversions) for r in read_counts_csv(settled)] == [(48000, 1200), (1048000, 1250)]
    unsettled = "variant;visitors;conversions\nA;48.000;120\nB;50.000;125\n"
    assert read_counts_csv(unsettled, style="id")[0].visitors == 48000
    with pytest.raises(CountsFileError) as caught:
        read_counts_csv(unsettled)
    assert caught.value.message == (
        "Row 2, column 'visitors': '48.000' could be 48000 (Indonesian style) or 48 (English style); "
        "write it without a thousands separator."
    )
