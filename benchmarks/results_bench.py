"""Steps of the results benchmark, each run in its own process by ``benchmarks/run.py``.

``setup URL DIR ROWS BASE_ROWS``: migrate a fresh database, create a programme with two
survey rounds over every commune of the gazetteer (``NATBASE`` then ``NAT``), generate
their Kobo CSV exports with the synth generator (DIR/national_base.csv, national.csv)
and import them; prints the import timings.
``ours URL DIR``: time ``round_results`` / ``compare_rounds`` in this process and the
``scorecard results`` / ``scorecard compare`` commands as processes (Django start-up
included); writes DIR/ours_results.csv and DIR/ours_compare.csv.
``page URL``: time one commune's results page (Django test client, logged in).
``commune URL``: time one commune's results and compare rows alone (``commune=``).
``pdf URL DIR``: time one commune's PDF report (``report_data`` + ``render_pdf``).
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
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


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


def command_seconds(url: str, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([str(SCORECARD), *args], check=True, env={**os.environ, "DATABASE_URL": url})  # noqa: S603 - our own command line
    return time.perf_counter() - started


def ours(url: str, folder: Path) -> dict[str, Any]:
    from scorecard.scorecards.compare import COMPARE_COLUMNS, compare_rounds
    from scorecard.scorecards.models import Round
    from scorecard.scorecards.results import COLUMNS, round_results, to_csv

    round_, base = Round.objects.get(code=ROUND), Round.objects.get(code=BASE)
    started = time.perf_counter()
    rows = round_results(round_)
    text = to_csv(rows, COLUMNS)
    results_s = time.perf_counter() - started
    (folder / "ours_results.csv").write_text(text, encoding="utf-8", newline="")
    started = time.perf_counter()
    changes = compare_rounds(base, round_)
    text = to_csv(changes, COMPARE_COLUMNS)
    compare_s = time.perf_counter() - started
    (folder / "ours_compare.csv").write_text(text, encoding="utf-8", newline="")
    cli_results = command_seconds(url, "results", ROUND, "--out", str(folder / "cli_results.csv"))
    cli_compare = command_seconds(
        url, "compare", BASE, ROUND, "--out", str(folder / "cli_compare.csv")
    )
    from scorecard.scorecards.cube import youth_band
    from scorecard.scorecards.results import min_cell

    return {
        "threshold": int(round_.template.threshold),
        "youth": youth_band(),
        "min_cell": min_cell(),
        "results_s": results_s,
        "compare_s": compare_s,
        "results_rows": len(rows),
        "compare_rows": len(changes),
        "cli_results_s": cli_results,
        "cli_compare_s": cli_compare,
        "peak_mb": peak_mb(),
    }


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


def page(repeat: int = 3) -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's ALLOWED_HOSTS ("testserver")
    commune = busiest_commune()
    user = User.objects.filter(username="bench").first() or User.objects.create_superuser(
        "bench", "bench@example.org", "bench-password-long"
    )
    client = Client()
    client.force_login(user)
    url = f"/rounds/{ROUND}/results/?commune={commune}"
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return {"commune": commune, "median_s": statistics.median(times), "min_s": min(times)}


def commune_data(repeat: int = 3) -> dict[str, Any]:
    """What one commune's page needs from the cube when it asks for that commune only:
    ``round_results`` and ``compare_rounds`` with ``commune=`` (the page and report
    data compute both national rounds today)."""
    from scorecard.scorecards.compare import compare_rounds
    from scorecard.scorecards.models import Round
    from scorecard.scorecards.results import round_results

    round_, base = Round.objects.get(code=ROUND), Round.objects.get(code=BASE)
    commune = busiest_commune()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        rows = round_results(round_, commune=commune)
        changes = compare_rounds(base, round_, commune=commune)
        times.append(time.perf_counter() - started)
    return {"commune": commune, "median_s": statistics.median(times), "rows": len(rows),
            "changes": len(changes)}  # fmt: skip


def pdf(folder: Path, repeat: int = 2) -> dict[str, Any]:
    from scorecard.reports.render import render_pdf
    from scorecard.scorecards.models import Round
    from scorecard.scorecards.report_data import report_data

    round_ = Round.objects.get(code=ROUND)
    commune = busiest_commune()
    times, data_times = [], []
    body = b""
    for _ in range(repeat):
        started = time.perf_counter()
        data = report_data(round_, commune=commune)
        data_times.append(time.perf_counter() - started)
        body = render_pdf(data, "km")
        times.append(time.perf_counter() - started)
    (folder / f"report_{commune}.pdf").write_bytes(body)
    return {
        "commune": commune,
        "median_s": statistics.median(times),
        "data_s": statistics.median(data_times),
        "bytes": len(body),
    }


def main() -> None:
    step, url = sys.argv[1], sys.argv[2]
    django_setup(url)
    if step == "setup":
        result = setup(Path(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif step == "ours":
        result = ours(url, Path(sys.argv[3]))
    elif step == "page":
        result = page()
    elif step == "commune":
        result = commune_data()
    elif step == "pdf":
        result = pdf(Path(sys.argv[3]))
    else:
        raise SystemExit(f"unknown step {step!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
