"""`scorecard serve` is a real server: gunicorn, static files by WhiteNoise, and a worker."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

SCORECARD = Path(sys.executable).with_name("scorecard")
ROOT = Path(__file__).parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 30) -> urllib.request.http.client.HTTPResponse:  # type: ignore[name-defined]
    deadline = time.monotonic() + seconds
    while True:
        try:
            return urllib.request.urlopen(url, timeout=5)  # noqa: S310 (loopback only)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    # A SQLite file of its own: the server and the worker are separate processes.
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "SCORECARD_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run([SCORECARD, "init"], env=env, check=True, capture_output=True, timeout=180)
    return env


def test_it_serves_pages_and_static_files_with_gunicorn(env):
    port = free_port()
    server = subprocess.Popen(
        [SCORECARD, "serve", "--port", str(port), "--workers", "1", "--no-worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        home = wait_for(f"http://127.0.0.1:{port}/")
        body = home.read().decode()
        assert home.status == 200
        assert "gunicorn" in home.headers.get("Server", "")
        assert "script-src 'self'" in home.headers["Content-Security-Policy"]
        css = next(line for line in body.splitlines() if "site." in line and ".css" in line)
        href = css.split('href="')[1].split('"')[0]
        assert href.startswith("/static/scorecard/site.")  # hashed name, cacheable forever
        font = wait_for(f"http://127.0.0.1:{port}/static/fonts/NotoSansKhmer%5Bwdth,wght%5D.ttf")
        assert font.status == 200
        assert len(font.read()) > 100_000
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_it_runs_queued_tasks_in_a_worker(env, tmp_path):
    marker = tmp_path / "marker.txt"
    enqueue = (
        "import django; django.setup();"
        "from tests.tasks_for_tests import write_marker;"
        f"print(write_marker.using(backend='default').enqueue({str(marker)!r}, 'done').id)"
    )
    subprocess.run(
        [sys.executable, "-c", enqueue],
        env={**env, "DJANGO_SETTINGS_MODULE": "scorecard.settings"},
        check=True,
        timeout=60,
    )
    worker = subprocess.Popen(
        [SCORECARD, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.3)
        assert marker.read_text() == "done"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
