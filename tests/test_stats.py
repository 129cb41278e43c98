"""Tests for scorecard.stats against published values. No Django, no database."""

from __future__ import annotations

import math
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep

from scorecard.stats import (
    ClusteredProportion,
    Interval,
    ProportionDiff,
    RatingSummary,
    clustered_proportion,
    compare_proportions,
    is_suppressed,
    median,
    median_from_counts,
    summarize,
    summarize_counts,
    wilson_bounds,
    wilson_interval,
    wilson_intervals,
)

SRC = Path(__file__).resolve().parents[1] / "src"


def approx4(value: float | None) -> float:
    assert value is not None
    return round(value, 4)


def wilson_by_hand(p: float, n: float, z: float) -> tuple[float, float]:
    # Wilson (1927) written out independently of the package, for the clustered checks.
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


# --- import hygiene ---------------------------------------------------------------------


def test_it_never_imports_django() -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = (
        "import scorecard.stats, sys; "
        "assert not any(m.startswith('django') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_it_returns_frozen_dataclasses() -> None:
    ci = wilson_interval(1, 2)
    with pytest.raises(AttributeError):
        ci.low = 0.5  # type: ignore[misc]
    assert isinstance(ci, Interval)


# --- Wilson -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Newcombe (1998), Stat Med 17:857-872, Table I, Wilson score method.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_it_matches_newcombe_table_i_wilson(
    successes: int, n: int, low: float, high: float
) -> None:
    ci = wilson_interval(successes, n)
    assert (round(ci.low, 4), round(ci.high, 4)) == (low, high)


def test_it_gives_exact_limits_at_zero_and_all() -> None:
    assert wilson_interval(0, 20).low == 0.0
    assert wilson_interval(20, 20).high == 1.0
    # Symmetry: k/n and (n-k)/n mirror each other.
    a, b = wilson_interval(3, 17), wilson_interval(14, 17)
    assert a.low == pytest.approx(1 - b.high, abs=1e-12)


def test_it_widens_with_confidence() -> None:
    narrow, wide = wilson_interval(30, 100, 0.90), wilson_interval(30, 100, 0.99)
    assert wide.low < narrow.low < 0.3 < narrow.high < wide.high


@pytest.mark.parametrize(("successes", "n"), [(0, 0), (1, 0), (-1, 5), (6, 5)])
def test_it_rejects_impossible_counts(successes: int, n: int) -> None:
    with pytest.raises(ValueError):
        wilson_interval(successes, n)


def test_it_rejects_bad_confidence() -> None:
    with pytest.raises(ValueError):
        wilson_interval(1, 2, confidence=95)


def test_it_vectorises_wilson_identically() -> None:
    rng = random.Random(20240601)
    ns = [rng.randint(1, 2000) for _ in range(1000)]
    ks = [rng.randint(0, n) for n in ns]
    ks[:3], ns[:3] = [0, 7, 1], [1, 7, 1]  # the boundary cases too
    many = wilson_intervals(ks, ns)
    assert len(many) == 1000
    for k, n, ci in zip(ks, ns, many, strict=True):
        one = wilson_interval(k, n)
        assert abs(ci.low - one.low) <= 1e-12 and abs(ci.high - one.high) <= 1e-12
    low, high = wilson_bounds(ks, ns)
    assert low.tolist() == [ci.low for ci in many]
    assert high.tolist() == [ci.high for ci in many]


def test_it_validates_vector_input() -> None:
    with pytest.raises(ValueError):
        wilson_intervals([1, 2], [3])
    with pytest.raises(ValueError):
        wilson_intervals([1, 0], [3, 0])
    with pytest.raises(ValueError):
        wilson_intervals([4], [3])
    with pytest.raises(ValueError):
        wilson_intervals([1.5], [3])  # type: ignore[list-item]
    assert wilson_intervals([], []) == []
    with pytest.raises(ValueError):
        wilson_intervals([True], [True])
    # Whole-number floats, as a pandas or numpy sum may produce, are accepted in bulk.
    assert wilson_intervals([1.0], [3.0]) == [wilson_interval(1, 3)]  # type: ignore[list-item]


# --- Newcombe difference and z-test ----------------------------------------------------


@pytest.mark.parametrize(
    ("later", "base", "low", "high"),
    [
        # Newcombe (1998), Stat Med 17:873-890, Table II, method 10 (hybrid score).
        ((56, 70), (48, 80), 0.0524, 0.3339),
        ((9, 10), (3, 10), 0.1705, 0.8090),
        # The brief quoted 0.0528 to 0.8012 for this one; method 10 gives 0.0582 to 0.8062,
        # which is what Table II prints (and statsmodels agrees).
        ((6, 7), (2, 7), 0.0582, 0.8062),
        ((5, 56), (0, 29), -0.0381, 0.1926),
        ((0, 10), (0, 20), -0.1611, 0.2775),
        ((10, 10), (0, 20), 0.6791, 1.0000),
    ],
)
def test_it_matches_newcombe_table_ii_method_10(
    later: tuple[int, int], base: tuple[int, int], low: float, high: float
) -> None:
    d = compare_proportions(base[0], base[1], later[0], later[1])
    assert (round(d.ci_low, 4), round(d.ci_high, 4)) == (low, high)


def test_it_puts_the_later_round_on_the_positive_side() -> None:
    d = compare_proportions(48, 80, 56, 70)
    assert approx4(d.diff) == 0.2000
    assert d.z is not None and d.z > 0
    flipped = compare_proportions(56, 70, 48, 80)
    assert flipped.diff == pytest.approx(-d.diff)
    assert flipped.ci_low == pytest.approx(-d.ci_high) and flipped.ci_high == pytest.approx(
        -d.ci_low
    )
    assert flipped.z == pytest.approx(-d.z)
    assert flipped.p_value == pytest.approx(d.p_value)


def test_it_reproduces_the_products_worked_check() -> None:
    d = compare_proportions(408, 1019, 727, 1211)
    assert isinstance(d, ProportionDiff)
    assert (d.base_successes, d.base_n, d.successes, d.n) == (408, 1019, 727, 1211)
    assert approx4(d.base_share) == 0.4004 and approx4(d.share) == 0.6003
    assert approx4(d.diff) == 0.1999
    assert (approx4(d.ci_low), approx4(d.ci_high)) == (0.1587, 0.2402)
    assert d.z is not None and round(d.z, 3) == 9.408
    assert d.p_value is not None and d.p_value < 1e-20
    base, later = wilson_interval(408, 1019), wilson_interval(727, 1211)
    assert (approx4(base.low), approx4(base.high)) == (0.3707, 0.4308)
    assert (approx4(later.low), approx4(later.high)) == (0.5725, 0.6276)
    # The worked check quotes 37.0%-43.0% and 57.2%-62.7%: those are the limits cut
    # (not rounded) to one decimal of a percent; rounded they read 37.1-43.1, 57.2-62.8.
    cut = [math.floor(x * 1000) / 10 for x in (base.low, base.high, later.low, later.high)]
    assert cut == [37.0, 43.0, 57.2, 62.7]


def test_it_agrees_with_the_textbook_formulas() -> None:
    rng = random.Random(7)
    for _ in range(200):
        n1, n2 = rng.randint(1, 400), rng.randint(1, 400)
        k1, k2 = rng.randint(0, n1), rng.randint(0, n2)
        d = compare_proportions(k2, n2, k1, n1)
        l1, u1 = (lambda c: (c.low, c.high))(wilson_interval(k1, n1))
        l2, u2 = (lambda c: (c.low, c.high))(wilson_interval(k2, n2))
        p1, p2 = k1 / n1, k2 / n2
        assert d.ci_low == pytest.approx(p1 - p2 - math.hypot(p1 - l1, u2 - p2), abs=1e-12)
        assert d.ci_high == pytest.approx(p1 - p2 + math.hypot(u1 - p1, p2 - l2), abs=1e-12)
        low, high = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb")
        assert d.ci_low == pytest.approx(float(low), abs=1e-12)
        pooled = (k1 + k2) / (n1 + n2)
        if 0 < pooled < 1:
            z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
            assert d.z == pytest.approx(z, rel=1e-9, abs=1e-12)
            assert d.p_value == pytest.approx(2 * sps.norm.sf(abs(z)), rel=1e-9, abs=1e-300)
        else:
            assert d.z is None and d.p_value is None


@pytest.mark.parametrize(("b", "bn", "s", "n"), [(0, 10, 0, 20), (10, 10, 20, 20)])
def test_it_returns_no_z_when_everyone_agrees(b: int, bn: int, s: int, n: int) -> None:
    d = compare_proportions(b, bn, s, n)
    assert d.z is None and d.p_value is None
    assert d.diff == 0.0 and d.ci_low < 0 < d.ci_high


@pytest.mark.parametrize(("b", "bn", "s", "n"), [(0, 0, 1, 2), (1, 2, 0, 0), (3, 2, 1, 2)])
def test_it_refuses_comparisons_with_empty_rounds(b: int, bn: int, s: int, n: int) -> None:
    with pytest.raises(ValueError):
        compare_proportions(b, bn, s, n)


# --- medians ----------------------------------------------------------------------------


def test_it_applies_the_median_tie_rules() -> None:
    assert median([1, 2, 3, 4]) == 2.5
    assert median([4, 3, 2, 1], tie="up") == 3
    assert median([1, 2, 3, 4], tie="down") == 2
    for tie in ("mean", "up", "down"):
        assert median([5, 1, 3], tie=tie) == 3
        assert median([2], tie=tie) == 2
    assert median([2, 2, 3, 3, 3, 4]) == 3


def test_it_rejects_bad_median_input() -> None:
    with pytest.raises(ValueError):
        median([])
    with pytest.raises(ValueError):
        median([1, 2], tie="nearest")
    with pytest.raises(ValueError):
        median([1.0, float("nan"), 2.0])
    with pytest.raises(ValueError):
        median_from_counts([1, -1, 0])


def test_it_computes_medians_from_counts() -> None:
    assert median_from_counts([1, 1, 1, 1]) == 2.5
    assert median_from_counts([1, 1, 1, 1], tie="up") == 3
    assert median_from_counts([1, 1, 1, 1], tie="down") == 2
    assert median_from_counts([0, 0, 0, 0, 0]) is None
    assert median_from_counts([]) is None
    assert median_from_counts([0, 2, 0, 2, 0]) == 3.0  # the two middle values straddle a gap
    assert median_from_counts([0, 2, 0, 2, 0], tie="up") == 4


def test_it_matches_statistics_median_on_random_counts() -> None:
    rng = random.Random(1234)
    for _ in range(500):
        levels = rng.randint(1, 7)
        counts = [rng.choice([0, 0, rng.randint(0, 40)]) for _ in range(levels)]
        values = [level for level, c in enumerate(counts, start=1) for _ in range(c)]
        if not values:
            assert median_from_counts(counts) is None
            continue
        assert median_from_counts(counts) == statistics.median(values)
        assert median_from_counts(counts, tie="up") == statistics.median_high(values)
        assert median_from_counts(counts, tie="down") == statistics.median_low(values)
        assert median(values) == statistics.median(values)


# --- rating summaries -------------------------------------------------------------------


def test_it_summarizes_ratings() -> None:
    s = summarize([5, 4, 4, 3, 1, 2, 5, 4])
    assert isinstance(s, RatingSummary)
    assert s.n == 8 and s.counts == (1, 1, 1, 3, 2)
    assert s.mean == pytest.approx(28 / 8)
    assert s.median == 4.0
    assert s.satisfied_n == 5 and s.satisfied_share == pytest.approx(5 / 8)
    ci = wilson_interval(5, 8)
    assert (s.ci_low, s.ci_high) == (ci.low, ci.high)
    assert summarize_counts([1, 1, 1, 3, 2]) == s


def test_it_honours_threshold_tie_and_levels() -> None:
    s = summarize([1, 2, 3, 3], levels=3, threshold=3, tie="up")
    assert s.counts == (1, 1, 2) and s.satisfied_n == 2 and s.median == 3.0
    assert summarize([1, 2, 3, 4]).median == 2.5
    assert summarize_counts([1, 1, 1, 1, 0], tie="down").median == 2.0


def test_it_omits_the_interval_when_asked() -> None:
    s = summarize([4, 5, 1], interval=False)
    assert s.ci_low is None and s.ci_high is None
    assert s.satisfied_n == 2 and s.satisfied_share == pytest.approx(2 / 3)


def test_it_summarizes_no_ratings() -> None:
    s = summarize([])
    assert s == RatingSummary(0, (0, 0, 0, 0, 0), None, None, 0, None, None, None)


@pytest.mark.parametrize("bad", [0, 6, -1, 2.5, "4", True])
def test_it_rejects_ratings_off_the_scale(bad: object) -> None:
    with pytest.raises(ValueError, match=repr(bad).replace(".", r"\.")):
        summarize([3, bad, 4])  # type: ignore[list-item]


def test_it_rejects_bad_count_arguments() -> None:
    with pytest.raises(ValueError):
        summarize_counts([])
    with pytest.raises(ValueError):
        summarize_counts([1, 2, 3, 4, 5], threshold=6)
    with pytest.raises(ValueError):
        summarize_counts([1, -2, 3])
    with pytest.raises(ValueError):
        summarize_counts([0, 0, 0], tie="sideways")


# --- suppression ------------------------------------------------------------------------


def test_it_suppresses_small_cells() -> None:
    assert is_suppressed(4) is True
    assert is_suppressed(5) is False
    assert is_suppressed(0) is True
    assert is_suppressed(9, min_cell=10) is True and is_suppressed(10, min_cell=10) is False
    with pytest.raises(ValueError):
        is_suppressed(-1)


# --- clustered option -------------------------------------------------------------------


def test_it_handles_identical_cluster_shares() -> None:
    c = clustered_proportion([2, 2, 2], [10, 10, 10])
    assert isinstance(c, ClusteredProportion)
    assert c.share == 0.2 and c.se == 0.0 and c.design_effect == 0.0 and c.clusters == 3
    # deff 0 is read as 1 for the interval, so it keeps a width instead of becoming a point.
    z, t = sps.norm.isf(0.025), sps.t.isf(0.025, 2)
    assert c.effective_n == pytest.approx(30 * (z / t) ** 2)
    assert (c.ci_low, c.ci_high) == pytest.approx(wilson_by_hand(0.2, c.effective_n, z))
    assert c.ci_low < 0.2 < c.ci_high


def test_it_handles_clusters_where_nobody_or_everybody_is_satisfied() -> None:
    none = clustered_proportion([0, 0], [5, 8])
    assert none.share == 0.0 and none.se == 0.0 and none.design_effect is None
    assert none.ci_low == 0.0 and 0 < none.ci_high < 1
    every = clustered_proportion([5, 8], [5, 8])
    assert every.ci_high == 1.0 and every.design_effect is None


def test_it_matches_a_hand_computed_three_cluster_example() -> None:
    # Villages: 2/10, 5/10, 8/10. share = 15/30 = 0.5; residuals -3, 0, 3; sum of squares 18.
    # var = 3/2 * 18 / 30^2 = 0.03; SRS var = 0.25/30; deff = 3.6.
    c = clustered_proportion([2, 5, 8], [10, 10, 10])
    assert c.share == 0.5
    assert c.se == pytest.approx(math.sqrt(0.03), rel=1e-12)
    assert c.design_effect == pytest.approx(3.6, rel=1e-12)
    z, t = sps.norm.isf(0.025), sps.t.isf(0.025, 2)  # t with g - 1 = 2 df: 4.3027
    assert c.effective_n == pytest.approx(30 / 3.6 * (z / t) ** 2, rel=1e-12)
    assert (approx4(c.ci_low), approx4(c.ci_high)) == (0.0848, 0.9152)


def test_it_matches_a_hand_computed_unequal_example() -> None:
    # Villages: 3/10, 6/20, 1/5. share = 10/35 = 2/7; residuals 1/7, 2/7, -3/7;
    # var = 3/2 * (14/49) / 35^2 = 3/8575; SRS var = (2/7)(5/7)/35 = 2/343; deff = 0.06.
    c = clustered_proportion([3, 6, 1], [10, 20, 5])
    assert c.share == pytest.approx(2 / 7)
    assert c.se == pytest.approx(math.sqrt(3 / 8575), rel=1e-12)
    assert c.design_effect == pytest.approx(0.06, rel=1e-9)  # reported as computed
    z, t = sps.norm.isf(0.025), sps.t.isf(0.025, 2)
    assert c.effective_n == pytest.approx(35 * (z / t) ** 2)  # deff < 1 read as 1


def test_it_finds_deff_near_one_for_srs_like_clusters() -> None:
    rng = random.Random(99)
    sizes = [rng.randint(10, 30) for _ in range(3000)]
    yes = [sum(rng.random() < 0.4 for _ in range(m)) for m in sizes]
    c = clustered_proportion(yes, sizes)
    assert c.design_effect is not None and 0.9 < c.design_effect < 1.1
    assert c.clusters == 3000
    # With thousands of villages and deff ~1 the interval is close to the simple Wilson one.
    srs = wilson_interval(sum(yes), sum(sizes))
    assert c.ci_low == pytest.approx(srs.low, abs=0.003)
    assert c.ci_high == pytest.approx(srs.high, abs=0.003)


def test_it_finds_deff_above_one_for_clustered_data() -> None:
    rng = random.Random(5)
    sizes = [20] * 200
    yes = []
    for m in sizes:
        p = rng.choice([0.1, 0.9])  # strongly different villages
        yes.append(sum(rng.random() < p for _ in range(m)))
    c = clustered_proportion(yes, sizes)
    assert c.design_effect is not None and c.design_effect > 5
    srs = wilson_interval(sum(yes), sum(sizes))
    assert c.ci_high - c.ci_low > srs.high - srs.low


def test_it_ignores_empty_clusters_and_needs_two() -> None:
    assert clustered_proportion([1, 0, 2], [4, 0, 5]).clusters == 2
    with pytest.raises(ValueError):
        clustered_proportion([3], [10])
    with pytest.raises(ValueError):
        clustered_proportion([3, 0], [10, 0])
    with pytest.raises(ValueError):
        clustered_proportion([3, 4], [10])
    with pytest.raises(ValueError):
        clustered_proportion([11, 4], [10, 10])
