"""Steps of the results benchmark, each run in its own process by ``benchmarks/run.py``.

``setup URL DIR ROWS BASE_ROWS``: migrate a fresh database, create a programme with two
survey rounds over every commune of the gazetteer (``NATBASE`` then ``NAT``), generate
their Kobo CSV exports with the synth generator (DIR/national_base.csv, national.csv)
and import them; prints the import timings.
``ours URL DIR results|compare|rows``: time one table in this process (the columnar
``results_table`` / ``compare_table`` written as CSV, or ``round_results``' dicts), then
the ``scorecard results`` / ``scorecard compare`` command as a process (Django start-up
included); writes DIR/ours_<table>.csv and DIR/cli_<table>.csv.
``page URL [COMMUNE]``: time one commune's results page (Django test client, logged in);
COMMUNE is the busiest commune unless given, ``all`` for the round summary.
``commune URL [COMMUNE]``: time one commune's results and compare rows alone
(``commune=``; ``all``: the round summary's).
``pdf URL DIR [COMMUNE]``: time one commune's PDF report (``report_data`` +
``render_pdf``; ``all``: the round summary report): the first in a fresh process, then
the median of three more.
Every step prints one JSON object as its last line.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROUND, BASE = "NAT", "NATBASE"
SCORECARD = Path(sys.executable).with_name("scorecard")


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scorecard.settings")
    import django

    django.setup()


def peak_mb() -> float:
    """This process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup(folder: Path, rows: int, base_rows: int) -> dict[str, Any]:
    from django.core.management import call_command

    from scorecard.places.gazetteer import load_gazetteer
    from scorecard.places.models import Commune
    from scorecard.programmes.models import Programme
    from scorecard.public.setup import load_facility_types
    from scorecard.scorecards.actions import create_round, load_default_template
    from scorecard.scorecards.exports.synth import generate
    from scorecard.scorecards.forms import form_spec
    from scorecard.scorecards.importing import import_export

    call_command("migrate", verbosity=0)
    load_gazetteer()
    load_facility_types()
    load_default_template()
    communes = sorted(Commune.objects.values_list("code", flat=True))
    Programme.objects.create(code="national", title_en="National survey", title_km="ជាតិ")
    out: dict[str, Any] = {"communes": len(communes)}
    for code, year, n, seed, name in (
        (BASE, 2023, base_rows, 7, "national_base.csv"),
        (ROUND, 2024, rows, 8, "national.csv"),
    ):
        round_ = create_round(
            "bench", code, template="isaf", mode="survey", year=year, communes=communes,
            programme="national",
        )  # fmt: skip
        path = folder / name
        started = time.perf_counter()
        generate(
            form_spec(round_.template_version, round_), path, rows=n, fmt="kobo_csv", seed=seed
        )
        generated = time.perf_counter() - started
        started = time.perf_counter()
        record = import_export("bench", round_, path)
        seconds = time.perf_counter() - started
        if record.accepted != n:
            raise SystemExit(f"{code}: expected {n} accepted rows, got {record.summary()}")
        out[code] = {"rows": n, "generate_s": generated, "import_s": seconds}
    return out


def cpu_s() -> float:
    """CPU seconds of this process so far (user + system): less swayed by load than wall."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def command(url: str, *args: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MB of one ``scorecard`` command (Django start-up
    included)."""
    started = time.perf_counter()
    child = subprocess.Popen([str(SCORECARD), *args], env={**os.environ, "DATABASE_URL": url})  # noqa: S603 - our own command line
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"scorecard {' '.join(args)} failed ({child.returncode})")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def ours(url: str, folder: Path, what: str) -> dict[str, Any]:
    """One of our tables, in this process (its own peak memory), then as a command.

    ``results`` and ``compare`` time the bulk path the commands use (columns straight to
    CSV); ``rows`` times ``round_results`` (a dict per row, what pages and the API get).
    """
    from scorecard.scorecards.compare import compare_table
    from scorecard.scorecards.cube import youth_band
    from scorecard.scorecards.models import Round
    from scorecard.scorecards.results import min_cell, results_table, round_results

    round_, base = Round.objects.get(code=ROUND), Round.objects.get(code=BASE)
    out: dict[str, Any] = {
        "threshold": int(round_.template.threshold),
        "youth": youth_band(),
        "min_cell": min_cell(),
    }
    started, cpu = time.perf_counter(), cpu_s()
    if what == "rows":
        out["rows"] = len(round_results(round_))
        out["seconds"], out["cpu_s"] = time.perf_counter() - started, cpu_s() - cpu
        out["peak_mb"] = peak_mb()
        return out
    table = results_table(round_) if what == "results" else compare_table(base, round_)
    with (folder / f"ours_{what}.csv").open("w", encoding="utf-8", newline="") as fh:
        for part in table.csv_parts():
            fh.write(part)
    out["seconds"], out["cpu_s"] = time.perf_counter() - started, cpu_s() - cpu
    out["rows"] = len(table)
    out["peak_mb"] = peak_mb()
    del table
    codes = [ROUND] if what == "results" else [BASE, ROUND]
    out["cli_s"], out["cli_cpu_s"], out["cli_peak_mb"] = command(
        url, what, *codes, "--out", str(folder / f"cli_{what}.csv")
    )
    return out


def busiest_commune() -> str:
    from django.db.models import Count

    from scorecard.scorecards.models import Response

    top = (
        Response.objects.filter(round__code=ROUND)
        .values("commune_id")
        .annotate(n=Count("id"))
        .order_by("-n", "commune_id")
        .first()
    )
    if top is None:
        raise SystemExit("the round has no responses")
    return str(top["commune_id"])


def page(commune: str | None = None, repeat: int = 5) -> dict[str, Any]:
    """The first request of a fresh process, then the median of ``repeat`` more."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()  # the test client's ALLOWED_HOSTS ("testserver")
    # As in the tests: plain static URLs, no collectstatic manifest needed.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()
    commune = commune or busiest_commune()
    user = User.objects.filter(username="bench").first() or User.objects.create_superuser(
        "bench", "bench@example.org", "bench-password-long"
    )
    client = Client()
    client.force_login(user)
    url = f"/rounds/{ROUND}/results/?commune={commune}"
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return {
        "commune": commune,
        "first_s": times[0],
        "median_s": statistics.median(times[1:]),
        "min_s": min(times[1:]),
    }


def commune_data(commune: str | None = None, repeat: int = 3) -> dict[str, Any]:
    """What one commune's page and report read from the cube: ``round_results`` and
    ``compare_rounds`` with ``commune=`` (that commune's cells only)."""
    from scorecard.scorecards.compare import compare_rounds
    from scorecard.scorecards.models import Round
    from scorecard.scorecards.results import round_results

    round_, base = Round.objects.get(code=ROUND), Round.objects.get(code=BASE)
    commune = commune or busiest_commune()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        rows = round_results(round_, commune=commune)
        changes = compare_rounds(base, round_, commune=commune)
        times.append(time.perf_counter() - started)
    return {"commune": commune, "median_s": statistics.median(times), "rows": len(rows),
            "changes": len(changes)}  # fmt: skip


def pdf(folder: Path, commune: str | None = None, repeat: int = 3) -> dict[str, Any]:
    """The first report of a fresh process (fonts, segmenter, templates loaded on the way),
    then the median of ``repeat`` more (a server's worker is warm)."""
    from scorecard.reports.render import render_pdf
    from scorecard.scorecards.models import Round
    from scorecard.scorecards.report_data import report_data

    round_ = Round.objects.get(code=ROUND)
    commune = commune or busiest_commune()
    times, data_times = [], []
    body = b""
    for _ in range(repeat + 1):
        started = time.perf_counter()
        data = report_data(round_, commune=None if commune == "all" else commune)  # the summary
        data_times.append(time.perf_counter() - started)
        body = render_pdf(data, "km")
        times.append(time.perf_counter() - started)
    (folder / f"report_{commune}.pdf").write_bytes(body)
    return {
        "commune": commune,
        "first_s": times[0],
        "median_s": statistics.median(times[1:]),
        "data_s": statistics.median(data_times[1:]),
        "bytes": len(body),
    }


def main() -> None:
    step, url = sys.argv[1], sys.argv[2]
    django_setup(url)
    if step == "setup":
        result = setup(Path(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif step == "ours":
        result = ours(url, Path(sys.argv[3]), sys.argv[4])
    elif step == "page":
        result = page(*sys.argv[3:4])
    elif step == "commune":
        result = commune_data(*sys.argv[3:4])
    elif step == "pdf":
        result = pdf(Path(sys.argv[3]), *sys.argv[4:5])
    else:
        raise SystemExit(f"unknown step {step!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
