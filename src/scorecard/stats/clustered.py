"""Share satisfied from a village-clustered survey (ratio estimator, linearisation)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .intervals import as_int_array, check_confidence

__all__ = ["ClusteredProportion", "clustered_proportion"]


@dataclass(frozen=True, slots=True)
class ClusteredProportion:
    """Clustered share with its design-based standard error and interval.

    design_effect is as computed (it can be below 1) and is None when the share is 0 or 1,
    where both variances are zero. effective_n is the sample size the Wilson interval used.
    """

    share: float
    se: float
    design_effect: float | None
    effective_n: float
    ci_low: float
    ci_high: float
    clusters: int


def clustered_proportion(
    cluster_successes: Sequence[int], cluster_ns: Sequence[int], confidence: float = 0.95
) -> ClusteredProportion:
    """Share over village clusters with a cluster-robust SE and a Wilson interval.

    share = sum(y) / sum(n); var = g/(g-1) * sum((y_i - share*n_i)^2) / sum(n)^2 over the
    g villages with at least one respondent. Interval: Wilson on the Korn-Graubard
    effective sample size n / max(deff, 1) * (z / t_{g-1})^2 (see docs/statistics.md).
    """
    alpha = check_confidence(confidence)
    y = as_int_array(cluster_successes, "cluster_successes")
    m = as_int_array(cluster_ns, "cluster_ns")
    if y.shape != m.shape:
        raise ValueError(f"cluster lists differ in length ({y.size} vs {m.size})")
    if np.any(m < 0) or np.any(y < 0) or np.any(y > m):
        raise ValueError("each cluster needs 0 <= successes <= n")
    # A village visited with nobody interviewed adds no information; counting it would
    # inflate g and so shrink the g/(g-1) factor and the t degrees of freedom.
    keep = m > 0
    y, m = y[keep], m[keep]
    g = int(y.size)
    if g < 2:
        raise ValueError(f"need at least 2 clusters with respondents, got {g}")

    total_n, total_y = int(m.sum()), int(y.sum())
    share = total_y / total_n
    # Residuals y_i - share*n_i, scaled by total_n so they are exact integers: identical
    # village shares then give a variance of exactly 0, not 1e-33 of rounding noise.
    scaled_resid = (y * total_n - total_y * m).astype(np.float64)
    variance = g / (g - 1) * float(np.sum(scaled_resid**2)) / float(total_n) ** 4
    se = variance**0.5
    srs_variance = share * (1.0 - share) / total_n

    design_effect: float | None = variance / srs_variance if srs_variance > 0 else None
    # Rule for the interval (why in docs/statistics.md): a deff below 1, or undefined, is
    # read as 1, since in village samples it is noise from estimating a variance from few
    # villages, and taken literally it shrinks the interval to a point when se == 0. The
    # (z/t)^2 factor then charges for having only g - 1 degrees of freedom.
    deff_used = max(design_effect, 1.0) if design_effect is not None else 1.0
    from scipy import stats as sps  # slow import (~0.6 s): on first use, not at start-up

    z = float(sps.norm.isf(alpha / 2))
    t = float(sps.t.isf(alpha / 2, g - 1))
    effective_n = total_n / deff_used * (z / t) ** 2

    # The Wilson formula works for non-integer counts, so feed it share * effective_n.
    low, high = _wilson_ci_fractional(share, effective_n, alpha)
    return ClusteredProportion(
        share=share,
        se=se,
        design_effect=design_effect,
        effective_n=effective_n,
        ci_low=low,
        ci_high=high,
        clusters=g,
    )


def _wilson_ci_fractional(share: float, n: float, alpha: float) -> tuple[float, float]:
    from statsmodels.stats.proportion import proportion_confint  # slow import: on first use

    low, high = proportion_confint(share * n, n, alpha=alpha, method="wilson")
    # Pin the exact limits at 0% and 100%, as wilson_interval does.
    low = 0.0 if share == 0.0 else float(low)
    high = 1.0 if share == 1.0 else float(high)
    return low, high
