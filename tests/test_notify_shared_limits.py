"""Rate limits count in the database: two server processes add to the same count.

With a per-process memory cache each gunicorn worker would count alone (a limit of 600 a
minute would be 600 per worker). The count is one upsert on ``api.CallCount``; these
tests run real separate processes on one SQLite file and count in it, with and without
REDIS_URL (the cache of pages and answers).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

COUNTER = """
import json, os, sys
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from scorecard.api.models import CallCount
call_command("createcachetable", verbosity=0)
if CallCount._meta.db_table not in connection.introspection.table_names():
    with connection.schema_editor() as editor:  # the first, lone process makes it
        editor.create_model(CallCount)
from scorecard.api.auth import count_call
from scorecard.notify.subscribe import over_limit
what, n = sys.argv[1], int(sys.argv[2])
if what == "api":
    print(json.dumps([count_call("api-rate:t1:1") for _ in range(n)]))
else:
    print(json.dumps([over_limit("192.0.2.7") for _ in range(n)]))
"""


def run_counters(
    tmp_path: Path, what: str, n: int, processes: int, redis: str = ""
) -> list[list[object]]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "scorecard.settings",
        "SCORECARD_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "k" * 40,
    }
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = redis
    started = [
        subprocess.Popen(  # noqa: S603 - this interpreter, our own script
            [sys.executable, "-c", COUNTER, what, str(n)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    out = []
    for process in started:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
        out.append(json.loads(stdout.splitlines()[-1]))
    return out


def test_it_uses_a_shared_cache_unless_redis_is_given():
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend.endswith(("db.DatabaseCache", "redis.RedisCache"))


def test_two_processes_add_to_one_api_count_and_lose_no_call(tmp_path):
    first = run_counters(tmp_path, "api", 3, processes=1)[0]
    second = run_counters(tmp_path, "api", 3, processes=1)[0]
    assert first == [1, 2, 3] and second == [4, 5, 6]  # a later process goes on counting
    together = run_counters(tmp_path, "api", 40, processes=2)
    seen = sorted(together[0] + together[1])
    assert seen == list(range(7, 87))  # at the same time: every call counted once


def test_the_subscription_limit_is_shared_too(tmp_path):
    first = run_counters(tmp_path, "subscribe", 3, processes=1)[0]
    second = run_counters(tmp_path, "subscribe", 3, processes=1)[0]
    assert first == [False, False, False]
    assert second == [False, False, True]  # the limit is 5 an hour, counted across both


REDIS = "redis://127.0.0.1:6379/13"


def test_with_redis_two_processes_add_to_one_count(tmp_path):
    """REDIS_URL (several app servers): the cache is Redis, the counts the same."""
    import redis

    client = redis.Redis.from_url(REDIS, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379 (the machine's service)")
    try:
        first = run_counters(tmp_path, "api", 3, processes=1, redis=REDIS)[0]
        together = run_counters(tmp_path, "api", 30, processes=2, redis=REDIS)
    finally:
        client.flushdb()
    assert first == [1, 2, 3]
    assert sorted(together[0] + together[1]) == list(range(4, 64))


@pytest.mark.django_db
def test_a_window_starts_again_when_it_ends_and_ended_ones_are_cleared(monkeypatch):
    from scorecard.api import auth
    from scorecard.api.models import CallCount

    clock = [1_000_000.0]
    monkeypatch.setattr(auth.time, "time", lambda: clock[0])
    assert [auth.count_call("k", timeout=60) for _ in range(3)] == [1, 2, 3]
    assert auth.count_call("other", timeout=10) == 1
    clock[0] += 30
    assert auth.count_call("k", timeout=60) == 4  # the same window
    clock[0] += 31  # k's window (60 s from its first call) has ended, other's long ago
    assert auth.count_call("k", timeout=60) == 1
    assert auth.count_call("fresh", timeout=60) == 1  # a first call clears ended windows
    assert set(CallCount.objects.values_list("key", flat=True)) == {"k", "fresh"}
