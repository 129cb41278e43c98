"""Independent references for the results benchmark: the same tables from the same exports.

``python benchmarks/results_reference.py pandas|duckdb BASE.csv ROUND.csv OUT_DIR THRESHOLD
YOUTH_LOW YOUTH_HIGH MIN_CELL [results|compare]`` reads the Kobo CSV exports the rounds were
imported from, computes the contract's results table of ROUND (``results``, the default)
or the compare table (ROUND against BASE, both read), writes OUT_DIR/<engine>_results.csv
or <engine>_compare.csv and prints one JSON object: the seconds (read + compute + write)
its CPU seconds (user + system, all of DuckDB's threads included) and the process's peak
RSS (one table per process, so each peak is its own). No code of the product is used: this is what an analyst would write.

Both engines first count ratings per (commune, profile, question, level), then add those
counts up per breakdown group, for every commune and for the whole round (``all``).
Wilson intervals, Newcombe's hybrid score interval and the pooled z-test follow their
published formulas; the p-value is scipy's normal survival function in both engines.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

Z = float(norm.ppf(0.975))
KEYS = ["commune", "facility", "indicator", "breakdown", "group"]
PROFILE = ["sex", "youth", "disability", "minority", "idpoor"]
GROUPS = {
    "sex": ("female", "male", "other"),
    "youth": ("youth", "non_youth"),
    "disability": ("yes", "no"),
    "minority": ("yes", "no"),
    "idpoor": ("level1", "level2", "none"),
}
BREAKDOWNS = ("all", "sex", "youth", "disability", "minority", "idpoor", "sex_youth")
RESULT_COLUMNS = ["round", *KEYS, "n", "n_1", "n_2", "n_3", "n_4", "n_5", "mean", "median"]
RESULT_COLUMNS += ["satisfied_n", "satisfied_share", "ci_low", "ci_high", "suppressed"]
COMPARE_COLUMNS = ["base_round", "round", *KEYS, "base_n", "base_satisfied_share", "n"]
COMPARE_COLUMNS += ["satisfied_share", "diff", "diff_ci_low", "diff_ci_high", "z", "p_value"]


def questions(header: list[str]) -> list[str]:
    """The rating columns: overall and every facility/indicator (not needs, not system)."""
    cols = [c for c in header if "/" in c and not c.endswith("/needs")]
    return ["overall", *[c for c in cols if not c.startswith(("meta/", "_"))]]


def header_of(path: str) -> list[str]:
    with open(path, encoding="utf-8-sig") as fh:
        return [c.strip('"') for c in fh.readline().rstrip("\r\n").split(";")]


def wilson(s: Any, n: Any) -> tuple[Any, Any]:
    p = s / n
    denom = 1 + Z**2 / n
    centre = (p + Z**2 / (2 * n)) / denom
    half = Z / denom * np.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def finish(table: pd.DataFrame, code: str, threshold: int, min_cell: int) -> pd.DataFrame:
    """From n_1..n_5 per key to every figure of the contract's results row."""
    levels = table[["n_1", "n_2", "n_3", "n_4", "n_5"]].to_numpy(dtype=np.int64)
    n = levels.sum(axis=1)
    table = table[n > 0].reset_index(drop=True)
    levels, n = levels[n > 0], n[n > 0]
    cum = levels.cumsum(axis=1)
    low = 1 + (cum < ((n + 1) // 2)[:, None]).sum(axis=1)
    high = 1 + (cum < (n // 2 + 1)[:, None]).sum(axis=1)
    satisfied = levels[:, threshold - 1 :].sum(axis=1)
    ci_low, ci_high = wilson(satisfied, n)
    table.insert(0, "round", code)
    table["n"] = n
    table["mean"] = levels @ np.arange(1, 6) / n
    table["median"] = (low + high) / 2
    table["satisfied_n"] = satisfied
    table["satisfied_share"] = satisfied / n
    table["ci_low"], table["ci_high"] = ci_low, ci_high
    table["suppressed"] = n < min_cell
    return table[RESULT_COLUMNS]


def compare(base: pd.DataFrame, later: pd.DataFrame, base_code: str) -> pd.DataFrame:
    both = later.merge(base, on=KEYS, suffixes=("", "_base"))
    s1, n1 = both["satisfied_n"].to_numpy(), both["n"].to_numpy()
    s2, n2 = both["satisfied_n_base"].to_numpy(), both["n_base"].to_numpy()
    p1, p2 = s1 / n1, s2 / n2
    l1, u1 = wilson(s1, n1)
    l2, u2 = wilson(s2, n2)
    diff = p1 - p2
    pooled = (s1 + s2) / (n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = diff / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = np.where((pooled > 0) & (pooled < 1), z, np.nan)
    out = both[KEYS].copy()
    out.insert(0, "round", both["round"])
    out.insert(0, "base_round", base_code)
    out["base_n"], out["base_satisfied_share"] = n2, p2
    out["n"], out["satisfied_share"], out["diff"] = n1, p1, diff
    out["diff_ci_low"] = diff - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    out["diff_ci_high"] = diff + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    out["z"], out["p_value"] = z, 2 * norm.sf(np.abs(z))
    return out[COMPARE_COLUMNS]


# --------------------------------------------------------------------------- pandas


def pandas_counts(path: str, youth: tuple[int, int]) -> pd.DataFrame:
    """n_1..n_5 per (commune, facility, indicator, breakdown, group), with ``all``."""
    qs = questions(header_of(path))
    use = ["commune", "sex", "age", "disability", "minority", "idpoor", *qs]
    df = pd.read_csv(
        path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False, usecols=use
    )
    age = df.pop("age").astype(int)
    df["youth"] = np.where((age >= youth[0]) & (age <= youth[1]), "youth", "non_youth")
    long = df.melt(id_vars=["commune", *PROFILE], value_vars=qs, var_name="q", value_name="score")
    long = long[long["score"].isin(["1", "2", "3", "4", "5"])]
    cube = long.groupby(["commune", *PROFILE, "q", "score"], observed=True).size()
    cube = cube.unstack("score", fill_value=0).reset_index()
    for k in "12345":
        if k not in cube:
            cube[k] = 0
    cube = cube.rename(columns={k: f"n_{k}" for k in "12345"})
    everywhere = cube.assign(commune="all")
    cube = pd.concat([everywhere, cube], ignore_index=True)
    counts = [f"n_{k}" for k in "12345"]
    parts = []
    for breakdown in BREAKDOWNS:
        if breakdown == "all":
            part = cube.groupby(["commune", "q"])[counts].sum().reset_index()
            part["group"] = "all"
        elif breakdown == "sex_youth":
            keep = cube[cube["sex"].isin(GROUPS["sex"])]
            part = keep.groupby(["commune", "q", "sex", "youth"])[counts].sum().reset_index()
            part["group"] = part.pop("sex") + "+" + part.pop("youth")
        else:
            keep = cube[cube[breakdown].isin(GROUPS[breakdown])]
            part = keep.groupby(["commune", "q", breakdown])[counts].sum().reset_index()
            part = part.rename(columns={breakdown: "group"})
        part["breakdown"] = breakdown
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    split = table.pop("q").str.rpartition("/")
    table["facility"] = split[0].replace("", "all")
    table["indicator"] = split[2]
    return table[[*KEYS, *counts]]


# --------------------------------------------------------------------------- DuckDB


def duckdb_counts(path: str, youth: tuple[int, int]) -> pd.DataFrame:
    import duckdb

    qs = questions(header_of(path))
    cols = ", ".join(f'"{q}"' for q in qs)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    sql = f"""
    WITH src AS (
        SELECT commune, sex, disability, minority, idpoor,
               CASE WHEN CAST(age AS INTEGER) BETWEEN {youth[0]} AND {youth[1]}
                    THEN 'youth' ELSE 'non_youth' END AS youth,
               {cols}
        FROM read_csv(?, delim=';', header=true, all_varchar=true)
    ),
    long AS (UNPIVOT src ON {cols} INTO NAME q VALUE score),
    cube AS (
        SELECT commune, sex, youth, disability, minority, idpoor, q,
               count(*) FILTER (score = '1') AS n_1, count(*) FILTER (score = '2') AS n_2,
               count(*) FILTER (score = '3') AS n_3, count(*) FILTER (score = '4') AS n_4,
               count(*) FILTER (score = '5') AS n_5
        FROM long WHERE score IN ('1', '2', '3', '4', '5')
        GROUP BY ALL
    ),
    cells AS (
        SELECT * FROM cube
        UNION ALL SELECT 'all', sex, youth, disability, minority, idpoor, q,
                         n_1, n_2, n_3, n_4, n_5 FROM cube
    ),
    parts AS (
        SELECT commune, q, 'all' AS breakdown, 'all' AS "group",
               sum(n_1) n_1, sum(n_2) n_2, sum(n_3) n_3, sum(n_4) n_4, sum(n_5) n_5
        FROM cells GROUP BY commune, q
        {"".join(_duckdb_part(b) for b in GROUPS)}
        UNION ALL
        SELECT commune, q, 'sex_youth', sex || '+' || youth,
               sum(n_1), sum(n_2), sum(n_3), sum(n_4), sum(n_5)
        FROM cells WHERE sex IN ('female', 'male', 'other') GROUP BY commune, q, sex, youth
    )
    SELECT commune,
           CASE WHEN contains(q, '/') THEN split_part(q, '/', 1) ELSE 'all' END AS facility,
           CASE WHEN contains(q, '/') THEN split_part(q, '/', 2) ELSE q END AS indicator,
           breakdown, "group",
           n_1::BIGINT n_1, n_2::BIGINT n_2, n_3::BIGINT n_3, n_4::BIGINT n_4, n_5::BIGINT n_5
    FROM parts
    """  # noqa: S608 - column names come from the export's header
    return con.execute(sql, [path]).df()


def _duckdb_part(breakdown: str) -> str:
    groups = ", ".join(f"'{g}'" for g in GROUPS[breakdown])
    return f"""
        UNION ALL
        SELECT commune, q, '{breakdown}', {breakdown},
               sum(n_1), sum(n_2), sum(n_3), sum(n_4), sum(n_5)
        FROM cells WHERE {breakdown} IN ({groups}) GROUP BY commune, q, {breakdown}"""


def main() -> None:
    engine, base_path, path, out = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])
    threshold, youth = int(sys.argv[5]), (int(sys.argv[6]), int(sys.argv[7]))
    min_cell = int(sys.argv[8])
    what = sys.argv[9] if len(sys.argv) > 9 else "results"
    counts = pandas_counts if engine == "pandas" else duckdb_counts
    started, usage = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    later = finish(counts(path, youth), "NAT", threshold, min_cell)
    if what == "results":
        later.to_csv(out / f"{engine}_results.csv", index=False)
    else:
        base = finish(counts(base_path, youth), "NATBASE", threshold, min_cell)
        compare(base, later, "NATBASE").to_csv(out / f"{engine}_compare.csv", index=False)
    seconds = time.perf_counter() - started
    now = resource.getrusage(resource.RUSAGE_SELF)
    cpu = now.ru_utime + now.ru_stime - usage.ru_utime - usage.ru_stime
    print(json.dumps({"seconds": seconds, "cpu_s": cpu, "peak_mb": now.ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
