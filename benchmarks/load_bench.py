"""The load benchmark (issue 9, item 6): wrk on loopback against the real server.

``python benchmarks/run.py load [--rows N] [--base-rows M] [--seconds S]`` takes the
national benchmark database of ``run.py results`` (built once per size), copies it, and
in that copy publishes both national rounds with the publish switch and makes a commune
official of the busiest commune with an API token (``scorecard createuser`` and
``scorecard apitoken``, as an administrator would). It then starts ``scorecard serve``
(gunicorn, DEBUG off, the task worker too), warms up, and runs wrk with 20 connections
against the busiest commune's public page and the results API for that commune. A Lua
script prints p50/p95/p99, requests/s and errors; any answer other than 2xx is an error.
A short run with one connection after each shows what one request costs by itself.

The API's per-token rate limit is lifted for the server under test: one token making
thousands of calls a minute is exactly what the limit is there to refuse, and the
benchmark measures the answers, not the refusals.

``python benchmarks/load_bench.py prepare URL`` is the in-Django step (its own process).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROUND, BASE = "NAT", "NATBASE"
TARGET_MS = 100.0
CONNECTIONS = 20
SCORECARD = Path(sys.executable).with_name("scorecard")
OFFICIAL = "load-official"

# Each wrk thread counts its own non-2xx answers; done() adds them up across threads.
LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format(
    'LOAD {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %.0f, ' ..
    '"p95_us": %.0f, "p99_us": %.0f, "max_us": %.0f, "non2xx": %d, "connect": %d, ' ..
    '"read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, bad,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


# --------------------------------------------------------------------------- parsing


def parse_wrk(output: str) -> dict[str, Any]:
    """The figures of one wrk run, from the line our Lua script prints (``LOAD {...}``)."""
    line = next((x for x in output.splitlines() if x.startswith("LOAD {")), None)
    if line is None:
        raise ValueError("wrk printed no LOAD line (was the Lua script given?)")
    raw = json.loads(line.removeprefix("LOAD "))
    seconds = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in ("connect", "read", "write", "timeout")) + raw["non2xx"]
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "kb_per_request": raw["bytes"] / raw["requests"] / 1024 if raw["requests"] else 0.0,
        "non2xx": raw["non2xx"],
        "errors": errors,
    }


def passed(result: dict[str, Any]) -> bool:
    return result["errors"] == 0 and result["requests"] > 0 and result["p95_ms"] <= TARGET_MS


def table(results: list[tuple[str, dict[str, Any]]]) -> str:
    head = f"{'':<34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}  "
    lines = [head + f"p95 <= {TARGET_MS:.0f} ms"]
    for name, r in results:
        verdict = "pass" if passed(r) else "FAIL"
        lines.append(
            f"{name:<34} {r['rps']:>8,.0f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
            f"{r['p99_ms']:>8.1f} {r['errors']:>7}  {verdict}"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- in Django


def prepare() -> dict[str, Any]:
    """Publish both national rounds (the switch, as a user), name the busiest commune."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from scorecard.public.publishing import switch_round
    from scorecard.scorecards.models import Response, Round

    admin = User.objects.filter(username="load-admin").first() or User.objects.create_superuser(
        "load-admin", "load@example.org", secrets.token_urlsafe(16)
    )
    for code in (BASE, ROUND):
        switch_round(admin, Round.objects.get(code=code), "all")
    from results_bench import busiest_commune  # this folder is on sys.path: a script

    commune = busiest_commune()
    queries = {}
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("collectstatic", interactive=False, verbosity=0)  # pages need the manifest
    client = Client()
    for name, url in urls(commune).items():
        if name == "api":
            continue  # needs the token made later; counted by the server run instead
        client.get(url)  # the first request fills the cache
        with CaptureQueriesContext(connection) as seen:
            client.get(url)
        queries[name] = len(seen.captured_queries)
    respondents = Response.objects.filter(round__code=ROUND, commune_id=commune).count()
    return {"commune": commune, "respondents": respondents, "queries": queries}


def urls(commune: str) -> dict[str, str]:
    return {
        "page": f"/c/{commune}/",
        "api": f"/api/v1/rounds/{ROUND}/results/?commune={commune}",
    }


# --------------------------------------------------------------------------- the run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def scorecard(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own command line
        [str(SCORECARD), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"scorecard {args[0]} failed:\n{done.stderr}")
    return done.stdout


def wait_ready(url: str, headers: dict[str, str], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:  # noqa: S310 - loopback
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the server did not answer {url} within {seconds:.0f} s")
        time.sleep(0.5)


def wrk(
    url: str, script: Path, seconds: int, headers: dict[str, str], connections: int = CONNECTIONS
) -> dict[str, Any]:
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise SystemExit(f"wrk failed:\n{done.stdout}\n{done.stderr}")
    return parse_wrk(done.stdout)


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # serve passes it on to gunicorn and the worker
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def run(
    source_db: Path, folder: Path, seconds: int, workers: int | None, cache: str = "database"
) -> list[tuple[str, dict[str, Any]]]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (make benchmarks does it)")
    work = folder / "load"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "db.sqlite3"
    shutil.copyfile(source_db, db)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DEBUG": "false",
        "SCORECARD_VAR_DIR": str(work / "var"),
        "SECRET_KEY": secrets.token_urlsafe(40),
        "SCORECARD_API_TOKEN_PER_MINUTE": str(10**9),
        "SCORECARD_API_ANON_PER_MINUTE": str(10**9),
        "SCORECARD_PASSWORD": secrets.token_urlsafe(16),
    }
    # the cache the rate limits and page cache share: the database table, as a
    # one-machine office runs it, or Redis, as the README says for several servers
    env.pop("REDIS_URL", None)
    if cache != "database":
        env["REDIS_URL"] = cache
    print(f"shared cache: {cache}")
    here = Path(__file__).resolve().parent
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(here / "load_bench.py"), "prepare", env["DATABASE_URL"]],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"prepare failed:\n{done.stderr}")
    info = json.loads(done.stdout.splitlines()[-1])
    commune = info["commune"]
    scorecard(env, "createuser", OFFICIAL, "--role", "commune_official", "--communes", commune)
    key = scorecard(env, "apitoken", OFFICIAL, "--name", "load").strip().splitlines()[-1]
    port = free_port()
    serve = [str(SCORECARD), "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers:
        serve += ["--workers", str(workers)]
    log = (work / "server.log").open("wb")
    server = subprocess.Popen(serve, env=env, stdout=log, stderr=subprocess.STDOUT,  # noqa: S603
                              start_new_session=True)  # fmt: skip
    script = work / "report.lua"
    script.write_text(LUA)
    base = f"http://127.0.0.1:{port}"
    targets = [
        (f"public commune page {urls(commune)['page']}", urls(commune)["page"], {}),
        (
            f"results API, commune {commune}",
            urls(commune)["api"],
            {"Authorization": f"Bearer {key}"},
        ),
    ]
    print(f"busiest commune {commune} ({info['respondents']} respondents); "
          f"queries per warm page request (test client): {info['queries']['page']}")  # fmt: skip
    results = []
    try:
        for name, path, headers in targets:
            wait_ready(base + path, headers)
            wrk(base + path, script, 5, headers)  # warm-up: every worker fills its caches
            print(f"load before {name}: {uptime()}", flush=True)
            results.append((name, wrk(base + path, script, seconds, headers)))
            # One connection: the time one request costs, without waiting for the others.
            alone = wrk(base + path, script, max(5, seconds // 6), headers, connections=1)
            results.append(("  the same, 1 connection", alone))
    finally:
        stop(server)
        log.close()
    return results


def uptime() -> str:
    done = subprocess.run(["uptime"], capture_output=True, text=True, check=False)
    return done.stdout.strip()


def main() -> None:
    if sys.argv[1:2] != ["prepare"] or len(sys.argv) != 3:
        raise SystemExit("usage: load_bench.py prepare DATABASE_URL (run.py load runs it)")
    os.environ["DATABASE_URL"] = sys.argv[2]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scorecard.settings")
    import django

    django.setup()
    print(json.dumps(prepare()))


if __name__ == "__main__":
    main()
