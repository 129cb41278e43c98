"""Screenshots of the product as its users meet it, into docs/screenshots/.

Runs `scorecard serve` on a throwaway demo database and drives Debian's Chromium:
    make screenshots
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))
from tests.browser import chromium  # noqa: E402

OUT = Path(__file__).parents[1] / "docs" / "screenshots"
SCORECARD = Path(sys.executable).with_name("scorecard")
PAGES = [
    ("home", "/", None),
    ("home-search", "/?q=បន្ទាយនាង", None),
    ("programme", "/programmes/UDF-KHM-2019/", "meofficer"),
    ("places", "/places/?q=kampong", "meofficer"),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/shots.sqlite3",
            "SCORECARD_VAR_DIR": tmp,
        }
        subprocess.run([SCORECARD, "init", "--demo"], env=env, check=True, capture_output=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [SCORECARD, "serve", "--port", str(port), "--workers", "1", "--no-worker"], env=env
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/", timeout=2)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.2)
            shoot(base)
        finally:
            server.terminate()
            server.wait()


def shoot(base: str) -> None:
    with chromium() as browser:
        for lang in ("km", "en"):
            for width, label in ((1280, "desktop"), (360, "phone")):
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                page.goto(base + "/")
                if lang == "en":
                    page.get_by_role("button", name="English").click()
                for name, path, user in PAGES:
                    if user and not page.locator("form[action='/accounts/logout/']").count():
                        page.goto(base + "/accounts/login/")
                        page.fill("#id_username", user)
                        page.fill("#id_password", "scorecard-demo")
                        page.locator("form.stack button").click()
                    page.goto(base + path)
                    page.evaluate("document.fonts.ready")
                    target = OUT / f"{name}-{lang}-{label}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target.relative_to(OUT.parents[1]))
                context.close()


if __name__ == "__main__":
    main()
