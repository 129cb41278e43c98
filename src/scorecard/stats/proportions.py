"""Change in a proportion between two independent rounds (baseline and later)."""

from __future__ import annotations

from dataclasses import dataclass

from .intervals import check_confidence, check_count

__all__ = ["ProportionDiff", "compare_proportions"]


@dataclass(frozen=True, slots=True)
class ProportionDiff:
    """Later share minus baseline share, its interval and the pooled z-test."""

    base_n: int
    base_successes: int
    n: int
    successes: int
    base_share: float
    share: float
    diff: float
    ci_low: float
    ci_high: float
    z: float | None
    p_value: float | None


def compare_proportions(
    base_successes: int, base_n: int, successes: int, n: int, confidence: float = 0.95
) -> ProportionDiff:
    """Compare successes/n (later) with base_successes/base_n; diff = share - base_share.

    Interval: Newcombe (1998) hybrid score, method 10. Test: pooled two-proportion z,
    positive when the later share is higher, with a two-sided p-value. When the pooled
    share is 0 or 1 (everyone, or no one, said yes in both rounds) the standard error is
    zero and z is 0/0, so z and p_value are None rather than a made-up number.
    """
    # statsmodels is imported on first use: at module level it is ~0.9 s of every start-up.
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    alpha = check_confidence(confidence)
    b_s, b_n = check_count(base_successes, base_n, label="baseline")
    s, m = check_count(successes, n, label="later")
    base_share, share = b_s / b_n, s / m
    # statsmodels' interval is for p1 - p2 with sample 1 first, so the later round goes
    # first. method and compare are given explicitly: the function is marked experimental
    # and its defaults may change.
    low, high = confint_proportions_2indep(
        s, m, b_s, b_n, method="newcomb", compare="diff", alpha=alpha
    )
    z: float | None = None
    p_value: float | None = None
    pooled = s + b_s
    if 0 < pooled < m + b_n:
        # Same order as above, so the sign is positive when the later share is higher.
        # prop_var=False (the default) means the pooled variance, as in the textbook test.
        z_stat, p = proportions_ztest([s, b_s], [m, b_n], alternative="two-sided")
        z, p_value = float(z_stat), float(p)
    return ProportionDiff(
        base_n=b_n,
        base_successes=b_s,
        n=m,
        successes=s,
        base_share=base_share,
        share=share,
        diff=share - base_share,
        ci_low=float(low),
        ci_high=float(high),
        z=z,
        p_value=p_value,
    )
