from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the production web server (gunicorn, static files by WhiteNoise) and a task worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3"))
        )
        parser.add_argument("--no-worker", action="store_true", help="do not start a task worker")

    def handle(self, *args: Any, **options: Any) -> None:
        # Every start, not only the first: after an upgrade new static files must be
        # in the manifest, or the pages that use them answer 500.
        call_command("collectstatic", interactive=False, verbosity=0)
        # The shared cache's table (no-op with Redis), should the cache setting have changed.
        call_command("createcachetable", verbosity=0)
        children: list[subprocess.Popen[bytes]] = []
        if not options["no_worker"]:
            # The embedded set-up runs its own worker; with PostgreSQL several servers
            # can share the queue, each with `scorecard worker`.
            children.append(subprocess.Popen([sys.executable, "-m", "scorecard.cli", "worker"]))
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"Citizen Scorecard on http://{bind}/ (Ctrl-C stops)")
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "scorecard.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ]
        web = subprocess.Popen(gunicorn)
        children.append(web)

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        # A service manager stops us with SIGTERM: pass it on, so no server is orphaned.
        signal.signal(signal.SIGTERM, stop)
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                child.wait(timeout=20)
