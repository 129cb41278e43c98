"""One step of the import benchmark, run in its own process by ``benchmarks/run.py``.

``setup URL``: migrate a fresh database, load the gazetteer and the default template, and
create the round ``BENCH``. ``export URL FILE ROWS``: write the Kobo CSV of the round's
form with the synth generator. ``import URL FILE``: import FILE into ``BENCH`` and print
one JSON object (seconds, counts, peak RSS of this process and its children).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

COMMUNES = ["010201", "010202", "010203", "010204", "010205", "010206"]


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scorecard.settings")
    import django

    django.setup()


def setup() -> None:
    from django.core.management import call_command

    from scorecard.places.gazetteer import load_gazetteer
    from scorecard.public.setup import load_facility_types
    from scorecard.scorecards.actions import create_round, load_default_template

    call_command("migrate", verbosity=0)
    load_gazetteer()
    load_facility_types()
    load_default_template()
    create_round("bench", "BENCH", template="isaf", mode="survey", year=2024, communes=COMMUNES)


def export(out: str, rows: int) -> None:
    from scorecard.scorecards.exports.synth import generate
    from scorecard.scorecards.forms import form_spec
    from scorecard.scorecards.models import Round

    round_ = Round.objects.get(code="BENCH")
    generate(
        form_spec(round_.template_version, round_), Path(out), rows=rows, fmt="kobo_csv", seed=1
    )


def server_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend so far (0 for SQLite, or when
    the server is not on this machine): COPY's parsing, indexes and WAL run there."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_import(path: str) -> None:
    from scorecard.scorecards.importing import import_export
    from scorecard.scorecards.models import Round

    round_ = Round.objects.get(code="BENCH")
    server = server_cpu()
    cpu = time.process_time()
    started = time.perf_counter()
    record = import_export("bench", round_, path)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    server = server_cpu() - server
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    # a producer process runs at the same time as this one: count both peaks (an upper bound)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_kb": own + kids.ru_maxrss,
                # CPU seconds of the writer (this process), the producer and the server
                "cpu": [cpu, kids.ru_utime + kids.ru_stime, server],
                **record.summary(),
            }
        )
    )


def main() -> None:
    step, url = sys.argv[1], sys.argv[2]
    django_setup(url)
    if step == "setup":
        setup()
    elif step == "export":
        export(sys.argv[3], int(sys.argv[4]))
    elif step == "import":
        run_import(sys.argv[3])
    else:
        raise SystemExit(f"unknown step {step!r}")


if __name__ == "__main__":
    main()
