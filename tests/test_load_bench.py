"""The load benchmark's report: wrk's Lua line parsed, errors counted, pass/fail (no timing)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
import load_bench  # noqa: E402 - benchmarks/ is not a package

WRK_OUTPUT = """Running 30s test @ http://127.0.0.1:8123/c/121101/
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    40.10ms   12.00ms 180.00ms   80.00%
  12000 requests in 30.00s, 180.00MB read
Requests/sec:    400.00
LOAD {"requests": 12000, "duration_us": 30000000, "bytes": 188743680, "p50_us": 38000, \
"p95_us": 72500, "p99_us": 120000, "max_us": 180000, "non2xx": 0, "connect": 0, "read": 0, \
"write": 0, "status": 0, "timeout": 0}
"""


def make_result(**overrides: object) -> dict[str, object]:
    result = load_bench.parse_wrk(WRK_OUTPUT)
    result.update(overrides)
    return result


def test_it_reads_the_figures_of_the_lua_line():
    r = load_bench.parse_wrk(WRK_OUTPUT)
    assert r["requests"] == 12000 and r["rps"] == pytest.approx(400.0)
    assert (r["p50_ms"], r["p95_ms"], r["p99_ms"]) == (38.0, 72.5, 120.0)
    assert r["errors"] == 0 and r["kb_per_request"] == pytest.approx(15.36, abs=0.01)
    assert load_bench.passed(r)


def test_any_answer_other_than_2xx_or_a_socket_error_fails_the_run():
    odd = WRK_OUTPUT.replace('"non2xx": 0', '"non2xx": 3').replace('"timeout": 0', '"timeout": 2')
    r = load_bench.parse_wrk(odd)
    assert r["non2xx"] == 3 and r["errors"] == 5
    assert not load_bench.passed(r)


def test_the_table_says_pass_or_fail_against_100_ms():
    text = load_bench.table([("page", make_result()), ("api", make_result(p95_ms=140.0))])
    page, api = text.splitlines()[1:]
    assert page.startswith("page") and page.endswith("pass")
    assert api.endswith("FAIL") and "140.0" in api


def test_it_says_so_when_wrk_ran_without_the_script():
    with pytest.raises(ValueError, match="no LOAD line"):
        load_bench.parse_wrk("Requests/sec: 400.00\n")


def test_the_lua_script_counts_non_2xx_in_every_thread():
    assert "response(status" in load_bench.LUA and 't:get("non2xx")' in load_bench.LUA
