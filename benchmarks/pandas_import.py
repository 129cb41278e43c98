"""The pandas reference: read a Kobo CSV and reshape it to one row per response x indicator.

What a typical analyst script does. Prints one JSON object: rows, long rows, seconds and
the process's peak RSS.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import pandas as pd

ID_VARS = ["meta/rootUuid", "commune", "village", "sex", "age", "disability", "minority", "idpoor"]


def main() -> None:
    path = sys.argv[1]
    cpu = time.process_time()
    started = time.perf_counter()
    df = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    indicators = [
        c
        for c in df.columns
        if "/" in c and not c.endswith("/needs") and not c.startswith(("meta/", "_"))
    ]
    long = df.melt(id_vars=ID_VARS, value_vars=indicators, var_name="indicator", value_name="score")
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": len(df),
                "long_rows": len(long),
                "seconds": seconds,
                "peak_kb": peak_kb,
                "cpu": [cpu, 0.0, 0.0],
            }
        )
    )


if __name__ == "__main__":
    main()
