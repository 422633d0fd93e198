"""A/B-test statistics: sample size before a test, analysis and a plain-language verdict after (SPEC §6).

Framework-free (NumPy and SciPy only) so the experiment pages, the ``alur abtest`` command and a notebook
share one implementation. Every figure here comes from per-variant sums, never from unit-level rows:
``visitors`` (n), ``conversions`` (Σy for a 0/1 metric), or ``value_sum`` / ``value_sum_sq`` (Σy, Σy²) for
a continuous metric, and optionally ``pre_sum`` / ``pre_sum_sq`` / ``cross_sum`` (Σx, Σx², Σxy) of a
pre-period covariate x for CUPED.

Methods and their sources:

* **Per-variant mean and variance.** Conversion: p = Σy / n, per-visitor variance p(1 − p). Continuous:
  ȳ = Σy / n, s² = (Σy² − (Σy)²/n) / (n − 1).
* **Absolute lift** Δ = ȳ_B − ȳ_A with standard error √(s²_A/n_A + s²_B/n_B) (unpooled); the p-value and
  the interval come from Student's t with Welch–Satterthwaite degrees of freedom. This is GrowthBook's
  frequentist engine (``gbstats/frequentist/tests.py``, ``TwoSidedTTest``: ``2·(1 − t.cdf(|z|, dof))`` and
  ``t.ppf(1 − α/2, dof)·SE``; the Welch dof in ``TTest.dof``). For conversion rates the dof run into the
  thousands, so this is the unpooled normal (Wald) test of two proportions.
  The p-value reported is the one of the *absolute* difference: it does not depend on which arm is called
  control, whereas the relative one does.
* **Relative lift** Δ / ȳ_A with the delta-method variance
  s²_B / (ȳ_A² n_B) + s²_A ȳ_B² / (ȳ_A⁴ n_A) — GrowthBook's ``TTest.variance`` and
  ``gbstats/utils.py: variance_of_ratios`` with zero covariance (independent arms).
* **Sequential (always-valid) intervals**, for teams that look every day: the asymptotic confidence
  sequences of I. Waudby-Smith, D. Arbour, R. Sinha, E. H. Kennedy and A. Ramdas, "Time-uniform central
  limit theory and asymptotic confidence sequences" (arXiv:2103.06476, v7), as GrowthBook implements them:
  ρ = √((−2 ln α + ln(−2 ln α + 1)) / N) (their eq. 161) for a tuning parameter N (default 5,000: the total
  sample size where the sequence is narrowest), half-width
  √(s²) · √(2(nρ² + 1) / (n²ρ²) · ln(√(nρ² + 1) / α)) with n = n_A + n_B and s² = n · SE², and the
  always-valid p-value 1 / e with e = exp(ρ² n Δ² / (2 SE² (nρ² + 1))) / √(nρ² + 1) (eq. 155).
* **Bayesian chance to beat control and expected loss** with GrowthBook's Gaussian approximation
  (``gbstats/bayesian/tests.py``; flat prior): the posterior of Δ is N(Δ̂, SE²), so
  P(B > A) = Φ(Δ̂ / SE) (their ``chance_to_win = norm.sf(0, mean, sd)``) and the expected loss of shipping
  B, E[max(A − B, 0)] = SE·φ(Δ̂/SE) − Δ̂·Φ(−Δ̂/SE), in the metric's own unit (the mean of a truncated
  normal, as in their risk).
* **Sample-ratio mismatch**: Pearson's chi-square of the visitors against the planned split
  (``scipy.stats.chisquare``), flagged at p < 0.001 (the threshold GrowthBook and Kohavi, Tang & Xu,
  *Trustworthy Online Controlled Experiments*, 2020, ch. 21, use).
* **Holm's step-down correction** across the variants compared with control (S. Holm, "A simple
  sequentially rejective multiple test procedure", Scand. J. Statist. 6, 1979). Intervals stay unadjusted;
  ``significant`` and the verdict use the adjusted p-values.
* **CUPED** (A. Deng, Y. Xu, R. Kohavi and T. Walker, "Improving the sensitivity of online controlled
  experiments by utilizing pre-experiment data", WSDM 2013): θ = Σ_v cov_v(x, y) / Σ_v var_v(x), the
  within-variant covariance pooled across variants, so the adjusted difference is the treatment
  coefficient of the regression y ~ variant + x. Adjusted mean ȳ_v − θ(x̄_v − x̄), adjusted variance
  s²_y − 2θ s_xy + θ² s²_x (per visitor, n − 1 denominators). θ is treated as known, as in the paper.
* **Sample size**: n = (z_{1−α/2} + z_{power})² (p₁q₁ + p₂q₂) / δ² per variant for proportions — the power
  of the unpooled test used above (10% baseline, 1 point absolute, α .05, power .8: 14,749). Calculators
  that put the baseline variance 2p₁q₁ under the null (Evan Miller's) or the pooled p̄ (statsmodels'
  ``samplesize_proportions_2indep_onetail``) give 14,313 and 14,751 for the same inputs. For means
  n = 2(z_{1−α/2} + z_{power})² σ² / δ².
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import special

from alur.analytics import numbers
from alur.analytics.imports.layout import line_delimiter

Metric = Literal["conversion", "mean"]
Correction = Literal["holm", "none"]
VerdictKind = Literal["winner", "loser", "inconclusive", "not_enough_data", "srm"]

SRM_THRESHOLD = 0.001
DEFAULT_SEQUENTIAL_TUNING = 5000.0


def gettext_noop(text: str) -> str:
    """Marks a sentence for translation (``make messages`` finds it by this name) without importing Django;
    the caller translates it with its own gettext."""
    return text


# ------------------------------------------------------------------------------------------ sample size


def _z_sum(alpha: float, power: float, two_sided: bool) -> float:
    if not 0 < alpha < 1:
        raise ValueError(f"The significance level must be between 0 and 1 (got {alpha}); 0.05 is usual.")
    if not 0 < power < 1:
        raise ValueError(f"The power must be between 0 and 1 (got {power}); 0.8 is usual.")
    z_alpha = special.ndtri(1 - alpha / 2) if two_sided else special.ndtri(1 - alpha)
    return float(z_alpha + special.ndtri(power))


def sample_size_proportion(
    baseline: float, mde: float, *, relative: bool = False, alpha: float = 0.05, power: float = 0.8, two_sided: bool = True
) -> int:
    """Visitors per variant to detect a change of ``mde`` in a conversion rate of ``baseline``.

    ``mde`` is in rate points (0.01 = one percentage point) or, with ``relative``, a share of the baseline
    (0.1 = 10% of it). Formula and cross-checks in the module docstring.
    """
    if not 0 < baseline < 1:
        raise ValueError(f"The baseline conversion rate must be between 0 and 1 (got {baseline}); write 10% as 0.10.")
    delta = baseline * mde if relative else mde
    if delta == 0:
        raise ValueError("The minimum detectable effect must not be zero.")
    target = baseline + delta
    if not 0 < target < 1:
        raise ValueError(
            f"A baseline of {baseline:g} changed by {delta:g} gives a rate of {target:g}, outside 0 to 1; "
            "choose a smaller effect."
        )
    variance = baseline * (1 - baseline) + target * (1 - target)
    return math.ceil(_z_sum(alpha, power, two_sided) ** 2 * variance / delta**2)


def sample_size_mean(std: float, mde: float, *, alpha: float = 0.05, power: float = 0.8, two_sided: bool = True) -> int:
    """Visitors per variant to detect a change of ``mde`` (in the metric's unit) in a mean whose per-visitor
    standard deviation is ``std`` (normal approximation, equal variances)."""
    if not std > 0:
        raise ValueError(f"The standard deviation must be above zero (got {std}).")
    if mde == 0:
        raise ValueError("The minimum detectable effect must not be zero.")
    return math.ceil(2 * _z_sum(alpha, power, two_sided) ** 2 * std**2 / mde**2)


def expected_duration_days(per_variant: int, variants: int, daily_visitors: float) -> int | None:
    """Whole days until every variant has ``per_variant`` visitors when ``daily_visitors`` enter the test
    each day, split evenly; ``None`` when there is no traffic to go by."""
    if daily_visitors <= 0 or not math.isfinite(daily_visitors):
        return None
    return max(1, math.ceil(per_variant * variants / daily_visitors))


# ------------------------------------------------------------------------------------------ input


@dataclass(frozen=True)
class VariantCounts:
    """One variant's sums. ``value_sum``/``value_sum_sq`` make the metric continuous; the three ``pre_``/
    ``cross_`` sums (Σx, Σx², Σxy of a pre-period covariate x) switch CUPED on."""

    name: str
    visitors: int
    conversions: float
    value_sum: float | None = None
    value_sum_sq: float | None = None
    pre_sum: float | None = None
    pre_sum_sq: float | None = None
    cross_sum: float | None = None

    @property
    def has_values(self) -> bool:
        return self.value_sum is not None and self.value_sum_sq is not None

    @property
    def has_covariate(self) -> bool:
        return self.pre_sum is not None and self.pre_sum_sq is not None and self.cross_sum is not None


# ------------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class VariantResult:
    """One variant against control. ``rate`` is the conversion rate or the mean (CUPED-adjusted when CUPED
    ran); lifts and interval bounds are NaN when they cannot be computed (no visitors, a zero control)."""

    variant: str
    visitors: int
    rate: float
    lift_abs: float
    lift_rel: float
    p_value: float
    p_value_adjusted: float
    ci_abs_low: float
    ci_abs_high: float
    ci_rel_low: float
    ci_rel_high: float
    prob_beat_control: float
    expected_loss: float
    significant: bool
    std_error: float
    dof: float


@dataclass(frozen=True)
class ControlSummary:
    variant: str
    visitors: int
    rate: float


@dataclass(frozen=True)
class Verdict:
    """What the numbers say, for :func:`verdict_sentence`. ``variant`` names the winner or loser;
    ``more_visitors`` is how many more visitors each variant needs (``not_enough_data``) to detect a
    relative difference of ``mde_rel``."""

    kind: VerdictKind
    metric: Metric
    alpha: float
    variant: str | None = None
    lift_rel: float | None = None
    lift_abs: float | None = None
    ci_abs_low: float | None = None
    ci_abs_high: float | None = None
    ci_rel_low: float | None = None
    ci_rel_high: float | None = None
    p_value: float | None = None
    srm_p_value: float | None = None
    more_visitors: int | None = None
    mde_rel: float | None = None


@dataclass(frozen=True)
class Analysis:
    metric: Metric
    alpha: float
    sequential: bool
    correction: Correction
    srm_p_value: float
    srm_warning: bool
    control: ControlSummary
    results: list[VariantResult]
    verdict: Verdict
    cuped_theta: float | None = None
    needed_per_variant: int | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``alur abtest --format json`` (issue 7) plus a few extra keys; NaN becomes
        ``None`` so the result is valid JSON."""
        return _clean(
            {
                "metric": self.metric,
                "alpha": self.alpha,
                "sequential": self.sequential,
                "correction": self.correction,
                "srm_p_value": self.srm_p_value,
                "srm_warning": self.srm_warning,
                "cuped_theta": self.cuped_theta,
                "control": asdict(self.control),
                "variants": [asdict(result) for result in self.results],
                "verdict": {**asdict(self.verdict), "sentence": verdict_sentence(self.verdict)},
                "needed_per_variant": self.needed_per_variant,
            }
        )


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


# ------------------------------------------------------------------------------------------ analysis


@dataclass(frozen=True)
class _Moments:
    n: int
    mean: float
    var: float  # per visitor


def _moments(variant: VariantCounts, metric: Metric) -> _Moments:
    n = variant.visitors
    if n <= 0:
        return _Moments(n, math.nan, math.nan)
    if metric == "conversion":
        p = variant.conversions / n
        return _Moments(n, p, p * (1 - p))
    assert variant.value_sum is not None and variant.value_sum_sq is not None
    mean = variant.value_sum / n
    var = max(variant.value_sum_sq - variant.value_sum**2 / n, 0.0) / (n - 1) if n > 1 else math.nan
    return _Moments(n, mean, var)


def _cuped(variants: Sequence[VariantCounts], metric: Metric) -> tuple[list[_Moments], float]:
    """CUPED-adjusted moments and θ (module docstring)."""
    rows = []
    for v in variants:
        assert v.pre_sum is not None and v.pre_sum_sq is not None and v.cross_sum is not None
        y_sum, y_sq = (v.conversions, v.conversions) if metric == "conversion" else (v.value_sum, v.value_sum_sq)
        assert y_sum is not None and y_sq is not None
        n = v.visitors
        sxx = v.pre_sum_sq - v.pre_sum**2 / n
        sxy = v.cross_sum - v.pre_sum * y_sum / n
        syy = y_sq - y_sum**2 / n
        rows.append((n, y_sum / n, v.pre_sum / n, sxx, sxy, syy))
    total_sxx = sum(row[3] for row in rows)
    theta = sum(row[4] for row in rows) / total_sxx if total_sxx > 0 else 0.0
    x_grand = sum(v.pre_sum or 0.0 for v in variants) / sum(v.visitors for v in variants)
    adjusted = [
        _Moments(n, y_mean - theta * (x_mean - x_grand), max(syy - 2 * theta * sxy + theta**2 * sxx, 0.0) / (n - 1))
        for n, y_mean, x_mean, sxx, sxy, syy in rows
    ]
    return adjusted, theta


def _welch_dof(a: _Moments, b: _Moments) -> float:
    va, vb = a.var / a.n, b.var / b.n
    denominator = va**2 / (a.n - 1) + vb**2 / (b.n - 1)
    return (va + vb) ** 2 / denominator if denominator > 0 else math.inf


def _sequential_rho(alpha: float, tuning: float) -> float:
    log_alpha = math.log(alpha)
    return math.sqrt((-2 * log_alpha + math.log(-2 * log_alpha + 1)) / tuning)


def _sequential_halfwidth(std_error: float, n: int, alpha: float, rho: float) -> float:
    s2 = std_error**2 * n
    nr2 = n * rho**2
    return math.sqrt(s2) * math.sqrt(2 * (nr2 + 1) / (n * rho) ** 2 * math.log(math.sqrt(nr2 + 1) / alpha))


def _sequential_p_value(estimate: float, std_error: float, n: int, rho: float) -> float:
    nr2p1 = n * rho**2 + 1
    log_e = rho**2 * n * estimate**2 / (2 * std_error**2 * nr2p1) - 0.5 * math.log(nr2p1)
    return min(1.0, math.exp(-log_e))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (same order as given; NaN stays NaN and is not counted)."""
    indexed = [(p, i) for i, p in enumerate(p_values) if not math.isnan(p)]
    indexed.sort()
    m = len(indexed)
    adjusted = [math.nan] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted


def srm_p_value(visitors: Sequence[int], weights: Sequence[float] | None = None) -> float:
    """Pearson chi-square p-value of the visitors against the planned split (equal unless ``weights``), as
    ``scipy.stats.chisquare(visitors, f_exp=expected)`` computes it."""
    total = sum(visitors)
    if total == 0:
        return 1.0
    shares = np.asarray(weights if weights is not None else [1.0] * len(visitors), dtype=float)
    expected = total * shares / shares.sum()
    statistic = float((((np.asarray(visitors, dtype=float) - expected) ** 2) / expected).sum())
    return float(special.chdtrc(len(visitors) - 1, statistic))


def _compare(control: _Moments, variant: _Moments, *, alpha: float, sequential: bool, tuning: float) -> dict[str, float]:
    nan = math.nan
    if control.n < 2 or variant.n < 2 or math.isnan(control.var) or math.isnan(variant.var):
        return dict.fromkeys(
            ("lift_abs", "lift_rel", "p", "ci_abs_low", "ci_abs_high", "ci_rel_low", "ci_rel_high", "prob", "loss", "se", "dof"),
            nan,
        )
    diff = variant.mean - control.mean
    se = math.sqrt(control.var / control.n + variant.var / variant.n)
    dof = _welch_dof(control, variant)
    if control.mean != 0:
        rel = diff / control.mean
        se_rel = math.sqrt(
            variant.var / (control.mean**2 * variant.n) + control.var * variant.mean**2 / (control.mean**4 * control.n)
        )
    else:
        rel = se_rel = nan
    if se == 0:
        p = 1.0 if diff == 0 else 0.0
        half_abs = half_rel = 0.0
        prob = 0.5 if diff == 0 else float(diff > 0)
        loss = max(-diff, 0.0)
    else:
        if sequential:
            rho = _sequential_rho(alpha, tuning)
            n_total = control.n + variant.n
            p = _sequential_p_value(diff, se, n_total, rho)
            half_abs = _sequential_halfwidth(se, n_total, alpha, rho)
            half_rel = _sequential_halfwidth(se_rel, n_total, alpha, rho) if not math.isnan(se_rel) else nan
        else:
            t_crit = float(special.stdtrit(dof, 1 - alpha / 2))
            p = float(2 * special.stdtr(dof, -abs(diff) / se))
            half_abs = t_crit * se
            half_rel = t_crit * se_rel
        z = diff / se
        prob = float(special.ndtr(z))
        loss = float(se * math.exp(-z * z / 2) / math.sqrt(2 * math.pi) - diff * special.ndtr(-z))
    return {
        "lift_abs": diff,
        "lift_rel": rel,
        "p": p,
        "ci_abs_low": diff - half_abs,
        "ci_abs_high": diff + half_abs,
        "ci_rel_low": rel - half_rel,
        "ci_rel_high": rel + half_rel,
        "prob": prob,
        "loss": loss,
        "se": se,
        "dof": dof,
    }


def _detect_metric(variants: Sequence[VariantCounts]) -> Metric:
    with_values = [v.has_values for v in variants]
    if all(with_values):
        return "mean"
    if any(with_values):
        raise ValueError("Give value_sum and value_sum_sq for every variant or for none of them.")
    return "conversion"


def analyse(
    variants: Sequence[VariantCounts],
    *,
    alpha: float = 0.05,
    metric: Metric | None = None,
    sequential: bool = False,
    sequential_tuning: float = DEFAULT_SEQUENTIAL_TUNING,
    correction: Correction = "holm",
    power: float = 0.8,
    mde: float | None = None,
    weights: Sequence[float] | None = None,
) -> Analysis:
    """Compare every variant with the first one (control). See the module docstring for the methods.

    ``mde`` (a relative difference, 0.05 = 5%) is what the experiment was planned to detect; it decides
    whether an insignificant result means "not enough data yet" (fewer visitors than the plan needs) or
    "inconclusive". Without it the observed largest relative lift stands in. ``weights`` is the planned
    traffic split for the sample-ratio check (equal by default).
    """
    if len(variants) < 2:
        raise ValueError("An A/B test needs a control and at least one variant.")
    if not 0 < alpha < 1:
        raise ValueError(f"The significance level must be between 0 and 1 (got {alpha}); 0.05 is usual.")
    if weights is not None and (len(weights) != len(variants) or any(w <= 0 for w in weights)):
        raise ValueError("Give one positive traffic weight per variant.")
    if sequential_tuning <= 0:
        raise ValueError("The sequential tuning parameter must be above zero.")
    for v in variants:
        if v.visitors < 0 or v.conversions < 0:
            raise ValueError(f"Variant {v.name}: visitors and conversions cannot be negative.")
        if v.conversions > v.visitors:
            raise ValueError(f"Variant {v.name}: conversions ({v.conversions:g}) exceed visitors ({v.visitors}).")
    metric = metric or _detect_metric(variants)
    if metric == "mean" and not all(v.has_values for v in variants):
        raise ValueError("A continuous metric needs value_sum and value_sum_sq for every variant.")

    use_cuped = all(v.has_covariate for v in variants) and all(v.visitors >= 2 for v in variants)
    theta: float | None = None
    if use_cuped:
        moments, theta = _cuped(variants, metric)
    else:
        moments = [_moments(v, metric) for v in variants]

    control = moments[0]
    compared = [_compare(control, m, alpha=alpha, sequential=sequential, tuning=sequential_tuning) for m in moments[1:]]
    raw = [c["p"] for c in compared]
    adjusted = holm(raw) if correction == "holm" else list(raw)
    results = [
        VariantResult(
            variant=v.name,
            visitors=v.visitors,
            rate=m.mean,
            lift_abs=c["lift_abs"],
            lift_rel=c["lift_rel"],
            p_value=c["p"],
            p_value_adjusted=p_adj,
            ci_abs_low=c["ci_abs_low"],
            ci_abs_high=c["ci_abs_high"],
            ci_rel_low=c["ci_rel_low"],
            ci_rel_high=c["ci_rel_high"],
            prob_beat_control=c["prob"],
            expected_loss=c["loss"],
            significant=bool(p_adj < alpha),
            std_error=c["se"],
            dof=c["dof"],
        )
        for v, m, c, p_adj in zip(variants[1:], moments[1:], compared, adjusted, strict=True)
    ]
    srm_p = srm_p_value([v.visitors for v in variants], weights)
    srm_warning = srm_p < SRM_THRESHOLD

    needed = _needed_per_variant(control, results, metric=metric, alpha=alpha, power=power, mde=mde, correction=correction)
    verdict = _verdict(
        results, metric=metric, alpha=alpha, srm_p=srm_p, srm_warning=srm_warning, needed=needed, variants=variants, mde=mde
    )
    return Analysis(
        metric=metric,
        alpha=alpha,
        sequential=sequential,
        correction=correction,
        srm_p_value=srm_p,
        srm_warning=srm_warning,
        control=ControlSummary(variant=variants[0].name, visitors=variants[0].visitors, rate=control.mean),
        results=results,
        verdict=verdict,
        cuped_theta=theta,
        needed_per_variant=needed[0] if needed else None,
    )


def _planned_mde(results: Sequence[VariantResult], mde: float | None) -> float | None:
    if mde is not None:
        return abs(mde) if mde != 0 else None
    observed = [abs(r.lift_rel) for r in results if math.isfinite(r.lift_rel) and r.lift_rel != 0]
    return max(observed) if observed else None


def _needed_per_variant(
    control: _Moments,
    results: Sequence[VariantResult],
    *,
    metric: Metric,
    alpha: float,
    power: float,
    mde: float | None,
    correction: Correction,
) -> tuple[int, float] | None:
    """Visitors each variant needs to detect the planned (or observed) relative difference, with the
    significance level Holm's procedure uses for its first test (α / number of comparisons)."""
    mde_rel = _planned_mde(results, mde)
    if mde_rel is None or not (control.mean > 0) or math.isnan(control.var):
        return None
    level = alpha / len(results) if correction == "holm" else alpha
    try:
        if metric == "conversion" and control.mean * (1 + mde_rel) < 1:
            return sample_size_proportion(control.mean, mde_rel, relative=True, alpha=level, power=power), mde_rel
        if control.var > 0:
            return sample_size_mean(math.sqrt(control.var), control.mean * mde_rel, alpha=level, power=power), mde_rel
    except ValueError:
        return None
    return None


def _verdict(
    results: Sequence[VariantResult],
    *,
    metric: Metric,
    alpha: float,
    srm_p: float,
    srm_warning: bool,
    needed: tuple[int, float] | None,
    variants: Sequence[VariantCounts],
    mde: float | None,
) -> Verdict:
    if srm_warning:
        return Verdict("srm", metric, alpha, srm_p_value=srm_p)
    winners = [r for r in results if r.significant and r.lift_abs > 0]
    losers = [r for r in results if r.significant and r.lift_abs < 0]
    for kind, pool in (("winner", winners), ("loser", losers)):
        if pool:
            best = max(pool, key=lambda r: abs(r.lift_abs))
            return Verdict(
                kind,  # type: ignore[arg-type]
                metric,
                alpha,
                variant=best.variant,
                lift_rel=best.lift_rel,
                lift_abs=best.lift_abs,
                ci_abs_low=best.ci_abs_low,
                ci_abs_high=best.ci_abs_high,
                ci_rel_low=best.ci_rel_low,
                ci_rel_high=best.ci_rel_high,
                p_value=best.p_value_adjusted,
                srm_p_value=srm_p,
            )
    computable = all(math.isfinite(r.p_value) for r in results)
    if needed is not None:
        per_variant, mde_rel = needed
        more = max(per_variant - v.visitors for v in variants)
        if more > 0:
            return Verdict("not_enough_data", metric, alpha, srm_p_value=srm_p, more_visitors=more, mde_rel=mde_rel)
    if not computable:
        return Verdict("not_enough_data", metric, alpha, srm_p_value=srm_p)
    return Verdict("inconclusive", metric, alpha, srm_p_value=srm_p, mde_rel=needed[1] if needed else mde)


# ------------------------------------------------------------------------------------------ verdict text

_METRIC_NAMES = {"conversion": gettext_noop("conversion rate"), "mean": gettext_noop("average value")}

VERDICT_MESSAGES = {
    "winner": gettext_noop(
        "Variant %(variant)s wins: %(lift)s higher %(metric)s than control (%(confidence)s CI %(low)s to %(high)s)."
    ),
    "loser": gettext_noop(
        "Variant %(variant)s loses: %(lift)s lower %(metric)s than control (%(confidence)s CI %(low)s to %(high)s)."
    ),
    "not_enough_data": gettext_noop(
        "Not enough data yet: no variant differs significantly from control so far, "
        "about %(more)s more visitors per variant needed to detect a %(mde)s difference."
    ),
    "not_enough_data_plain": gettext_noop(
        "Not enough data yet: every variant needs visitors and the control needs conversions before they can be compared."
    ),
    "inconclusive": gettext_noop(
        "No clear difference: no variant's %(metric)s differs significantly from control, "
        "although the test already has the visitors to detect a %(mde)s difference."
    ),
    "inconclusive_plain": gettext_noop("No clear difference: no variant's %(metric)s differs significantly from control."),
    "srm": gettext_noop("Traffic split is unbalanced (SRM p %(p)s): check the assignment before reading results."),
}


def _number(value: float, decimals: int, language: str) -> str:
    return numbers.format_number(value, "id" if language == "id" else "en", decimals)  # id: 1.234,5


def _percent(value: float | None, language: str, *, signed: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "?"
    text = _number(abs(value) * 100 if not signed else value * 100, 1, language)
    return f"{'+' if signed and value > 0 else ''}{text}%"


def _signed(value: float, language: str, decimals: int) -> str:
    return ("+" if value > 0 else "") + _number(value, decimals, language)


def _p_text(p: float | None, language: str) -> str:
    if p is None or not math.isfinite(p):
        return "?"
    if p < 0.0001:
        return "< " + _number(0.0001, 4, language)
    return "= " + _number(p, 4, language)


def verdict_sentence(verdict: Verdict, gettext: Callable[[str], str] = lambda s: s, *, language: str = "en") -> str:
    """The verdict as one plain sentence. ``gettext`` translates the English msgids (pass Django's
    ``gettext`` for Indonesian); ``language="id"`` writes numbers the Indonesian way (1.234,5)."""
    confidence = _number((1 - verdict.alpha) * 100, 0 if (1 - verdict.alpha) * 100 % 1 == 0 else 1, language) + "%"
    metric = gettext(_METRIC_NAMES[verdict.metric])
    if verdict.kind in ("winner", "loser") and (verdict.lift_rel is None or not math.isfinite(verdict.lift_rel)):
        # The control's rate or mean is zero: no relative lift, so the difference itself.
        def unit(x: float | None) -> str:
            if verdict.metric == "conversion":
                return gettext(gettext_noop("%(value)s points")) % {"value": _signed((x or 0.0) * 100, language, 2)}
            return _signed(x or 0.0, language, 4)

        return gettext(VERDICT_MESSAGES[verdict.kind]) % {
            "variant": verdict.variant,
            "lift": unit(abs(verdict.lift_abs or 0.0)).lstrip("+"),
            "metric": metric,
            "confidence": confidence,
            "low": unit(verdict.ci_abs_low),
            "high": unit(verdict.ci_abs_high),
        }
    if verdict.kind in ("winner", "loser"):
        return gettext(VERDICT_MESSAGES[verdict.kind]) % {
            "variant": verdict.variant,
            "lift": _percent(verdict.lift_rel, language),
            "metric": metric,
            "confidence": confidence,
            "low": _percent(verdict.ci_rel_low, language, signed=True),
            "high": _percent(verdict.ci_rel_high, language, signed=True),
        }
    if verdict.kind == "srm":
        return gettext(VERDICT_MESSAGES["srm"]) % {"p": _p_text(verdict.srm_p_value, language)}
    if verdict.kind == "not_enough_data":
        if verdict.more_visitors is None:
            return gettext(VERDICT_MESSAGES["not_enough_data_plain"])
        return gettext(VERDICT_MESSAGES["not_enough_data"]) % {
            "more": _number(verdict.more_visitors, 0, language),
            "mde": _percent(verdict.mde_rel, language),
        }
    if verdict.mde_rel is None:
        return gettext(VERDICT_MESSAGES["inconclusive_plain"]) % {"metric": metric}
    return gettext(VERDICT_MESSAGES["inconclusive"]) % {"metric": metric, "mde": _percent(verdict.mde_rel, language)}


# ------------------------------------------------------------------------------------------ counts file


class CountsFileError(ValueError):
    """A counts file that cannot be read. ``message`` is the English sentence; ``template`` (a msgid) and
    ``params`` let a page show it translated: ``gettext(error.template) % error.params``."""

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        self.message = template % params
        super().__init__(self.message)


_REQUIRED = ("variant", "visitors", "conversions")
_VALUE_COLUMNS = ("value_sum", "value_sum_sq")
_COVARIATE_COLUMNS = ("pre_sum", "pre_sum_sq", "cross_sum")


def _parse_number(text: str, *, row: int, column: str, whole: bool, style: numbers.DecimalStyle | None = None) -> float:
    """One count, read by the product's one number reader; ``style`` settles "48.000"."""
    cleaned = text.strip()
    try:
        value = float(numbers.parse_number(cleaned, hint=style))
    except numbers.AmbiguousNumber as error:
        raise CountsFileError(
            gettext_noop(
                "Row %(row)s, column '%(column)s': '%(value)s' could be %(id_reading)s (Indonesian style) or "
                "%(en_reading)s (English style); write it without a thousands separator."
            ),
            row=row,
            column=column,
            value=cleaned,
            id_reading=format(error.readings["id"].normalize(), "f"),
            en_reading=format(error.readings["en"].normalize(), "f"),
        ) from None
    except numbers.NumberError:
        raise CountsFileError(
            gettext_noop("Row %(row)s, column '%(column)s': '%(value)s' is not a number."), row=row, column=column, value=cleaned
        ) from None
    if not math.isfinite(value):
        raise CountsFileError(
            gettext_noop("Row %(row)s, column '%(column)s': '%(value)s' is not a number."), row=row, column=column, value=cleaned
        )
    if whole and value != int(value):
        raise CountsFileError(
            gettext_noop("Row %(row)s, column '%(column)s': %(value)s is not a whole number of visitors."),
            row=row,
            column=column,
            value=cleaned,
        )
    return value


def read_counts_csv(text: str, *, style: numbers.DecimalStyle | None = None) -> list[VariantCounts]:
    """Read ``variant,visitors,conversions[,value_sum,value_sum_sq][,pre_sum,pre_sum_sq,cross_sum]``; the
    first data row is control. The delimiter (``,`` ``;`` or tab) is detected from the header; column
    names are matched case-insensitively. Numbers are read as the file writes them (``1.234,5`` or
    ``1,234.5`` elsewhere in it settles ``48.000``), else in ``style`` (the workspace's); with neither,
    ``48.000`` is refused with both readings. Raises :class:`CountsFileError` naming the row and column."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    header_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        raise CountsFileError(
            gettext_noop("The file is empty: it needs a header row 'variant,visitors,conversions' and one row per variant.")
        )
    delimiter = line_delimiter(lines[header_index]) or ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    rows = list(reader)
    header = [name.strip().lower() for name in rows[header_index]]
    index = {name: i for i, name in enumerate(header) if name}
    for column in _REQUIRED:
        if column not in index:
            raise CountsFileError(
                gettext_noop(
                    "The file has no column '%(column)s': the first row must name the columns variant, visitors, "
                    "conversions (and optionally value_sum, value_sum_sq)."
                ),
                column=column,
            )
    for group in (_VALUE_COLUMNS, _COVARIATE_COLUMNS):
        present = [c for c in group if c in index]
        if present and len(present) != len(group):
            missing = next(c for c in group if c not in index)
            raise CountsFileError(
                gettext_noop("The file has a column '%(present)s' but not '%(missing)s'; give all of %(group)s or none."),
                present=present[0],
                missing=missing,
                group=", ".join(group),
            )
    has_values = _VALUE_COLUMNS[0] in index
    has_covariate = _COVARIATE_COLUMNS[0] in index
    numeric = [i for name, i in index.items() if name in (*_REQUIRED[1:], *_VALUE_COLUMNS, *_COVARIATE_COLUMNS)]
    data = rows[header_index + 1 :]
    style = numbers.detect_decimal_style(row[i] for row in data for i in numeric if i < len(row)) or style

    variants: list[VariantCounts] = []
    seen: dict[str, int] = {}
    for line_number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise CountsFileError(
                gettext_noop("Row %(row)s has %(found)s fields but the header has %(expected)s."),
                row=line_number,
                found=len(row),
                expected=len(header),
            )

        def cell(column: str, row: list[str] = row) -> str:
            return row[index[column]].strip()

        name = cell("variant")
        if not name:
            raise CountsFileError(
                gettext_noop("Row %(row)s, column 'variant' is empty: give each variant a name."), row=line_number
            )
        if name in seen:
            raise CountsFileError(
                gettext_noop("Row %(row)s: the variant '%(name)s' is already on row %(first)s; give each variant one row."),
                row=line_number,
                name=name,
                first=seen[name],
            )
        seen[name] = line_number
        parsed: dict[str, float | None] = {}
        for column in (*_REQUIRED[1:], *(_VALUE_COLUMNS if has_values else ()), *(_COVARIATE_COLUMNS if has_covariate else ())):
            value = _parse_number(cell(column), row=line_number, column=column, whole=column == "visitors", style=style)
            if value < 0 and column in ("visitors", "conversions", "value_sum_sq", "pre_sum_sq"):
                raise CountsFileError(
                    gettext_noop("Row %(row)s, column '%(column)s': %(value)s is negative; counts cannot be below zero."),
                    row=line_number,
                    column=column,
                    value=cell(column),
                )
            parsed[column] = value
        visitors = int(parsed["visitors"] or 0)
        conversions = parsed["conversions"] or 0.0
        if conversions > visitors:
            raise CountsFileError(
                gettext_noop(
                    "Row %(row)s: %(conversions)s conversions are more than the %(visitors)s visitors; "
                    "each visitor converts at most once."
                ),
                row=line_number,
                conversions=f"{conversions:g}",
                visitors=visitors,
            )
        if has_values and visitors > 0:
            value_sum, value_sq = parsed["value_sum"] or 0.0, parsed["value_sum_sq"] or 0.0
            if value_sq < value_sum**2 / visitors * (1 - 1e-9):
                raise CountsFileError(
                    gettext_noop(
                        "Row %(row)s: value_sum_sq is smaller than value_sum² ÷ visitors, which real data never gives; "
                        "check that value_sum_sq holds the sum of the squared values."
                    ),
                    row=line_number,
                )
        variants.append(
            VariantCounts(
                name=name,
                visitors=visitors,
                conversions=conversions,
                value_sum=parsed.get("value_sum"),
                value_sum_sq=parsed.get("value_sum_sq"),
                pre_sum=parsed.get("pre_sum"),
                pre_sum_sq=parsed.get("pre_sum_sq"),
                cross_sum=parsed.get("cross_sum"),
            )
        )
    if len(variants) < 2:
        raise CountsFileError(
            gettext_noop(
                "The file has %(count)s variant rows; an A/B test needs a control (the first row) and at least one variant."
            ),
            count=len(variants),
        )
    return variants
