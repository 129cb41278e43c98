"""Benchmarks (``make benchmarks``); outside the test suite, never a timed test.

``python benchmarks/run.py import [--rows N] [--repeat K]`` generates a Kobo CSV of the
default template with the synth generator (once, cached under benchmarks/out/), imports
it into a fresh SQLite file and a fresh PostgreSQL database (``BENCH_PG``, default
postgres://postgres@127.0.0.1:5432/scorecard_bench, dropped and recreated; skipped when
unreachable), each import in its own process (wall time, peak RSS), runs
benchmarks/pandas_import.py on the same file and prints the table with the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PYTHON = sys.executable
PG_URL = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432/scorecard_bench")


def step(*args: str) -> str:
    done = subprocess.run(
        [PYTHON, str(HERE / "import_bench.py"), *args], capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"benchmark step {args[0]} failed")
    return done.stdout


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def ensure_export(rows: int) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"kobo_{rows}.csv"
    if path.exists():
        return path
    setup_db = OUT / "setup.sqlite3"
    if not setup_db.exists():
        print("setting up a database for the generator ...", flush=True)
        step("setup", sqlite_url(setup_db))
    print(f"generating {path.name} ...", flush=True)
    tmp = path.with_suffix(".tmp")
    step("export", sqlite_url(setup_db), str(tmp), str(rows))
    tmp.rename(path)
    return path


def bench_sqlite(export: Path, repeat: int) -> dict[str, Any]:
    template = OUT / "template.sqlite3"
    if not template.exists():
        step("setup", sqlite_url(template))
    best: dict[str, Any] = {}
    for _ in range(repeat):
        db = OUT / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, db)
        result = json.loads(step("import", sqlite_url(db), str(export)).splitlines()[-1])
        if not best or result["seconds"] < best["seconds"]:
            best = result
    return best


def pg_admin(url: str) -> Any:
    import psycopg

    base, _, _name = url.rpartition("/")
    return psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3)


def bench_postgres(export: Path, repeat: int) -> dict[str, Any] | str:
    try:
        admin = pg_admin(PG_URL)
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "skip"
        return f"skipped: PostgreSQL unreachable ({str(exc).strip().splitlines()[0]})"
    name = PG_URL.rpartition("/")[2]
    template = f"{name}_template"
    best: dict[str, Any] = {}
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{template}"')
        step("setup", PG_URL.rpartition("/")[0] + f"/{template}")
        for _ in range(repeat):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            result = json.loads(step("import", PG_URL, str(export)).splitlines()[-1])
            if not best or result["seconds"] < best["seconds"]:
                best = result
        admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    return best


def bench_pandas(export: Path, repeat: int) -> dict[str, Any]:
    best: dict[str, Any] = {}
    for _ in range(repeat):
        done = subprocess.run(
            [PYTHON, str(HERE / "pandas_import.py"), str(export)],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(done.stdout.splitlines()[-1])
        if not best or result["seconds"] < best["seconds"]:
            best = result
    return best


def line(name: str, rows: int, r: dict[str, Any], pandas_s: float | None) -> str:
    rate = rows / r["seconds"]
    ratio = f"{r['seconds'] / pandas_s:.2f}" if pandas_s else "-"
    mb = r["peak_kb"] / 1024
    return f"{name:<22} {rows:>10,} {r['seconds']:>9.2f} {rate:>10,.0f} {mb:>9.0f} {ratio:>13}"


def cmd_import(args: argparse.Namespace) -> None:
    export = ensure_export(args.rows)
    print(f"file: {export} ({export.stat().st_size / 1e6:.0f} MB); load: {os.getloadavg()[0]:.2f}")
    results: list[tuple[str, dict[str, Any] | str]] = []
    if "sqlite" in args.db:
        results.append(("import, SQLite", bench_sqlite(export, args.repeat)))
    if "postgres" in args.db:
        results.append(("import, PostgreSQL", bench_postgres(export, args.repeat)))
    pandas = bench_pandas(export, args.repeat) if not args.no_pandas else None
    print(
        f"\n{'':<22} {'rows':>10} {'seconds':>9} {'rows/s':>10} {'peak MB':>9} {'ours/pandas':>13}"
    )
    pandas_s = pandas["seconds"] if pandas else None
    for name, r in results:
        if isinstance(r, str):
            print(f"{name:<22} {r}")
            continue
        print(line(name, args.rows, r, pandas_s))
        counted = (r["accepted"], r["duplicates"], r["conflicts"], r["rejected"])
        if r["rows"] != args.rows or counted != (args.rows, 0, 0, 0):
            print(f"  unexpected counts: {r}")
    if pandas:
        print(line("pandas read + melt", args.rows, pandas, None))
    print(f"load after: {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="bench")
    imp = sub.add_parser("import", help="the import benchmark")
    imp.add_argument("--rows", type=int, default=1_000_000)
    imp.add_argument("--repeat", type=int, default=1, help="runs per database; the best counts")
    imp.add_argument(
        "--db", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"]
    )
    imp.add_argument("--no-pandas", action="store_true")
    args = parser.parse_args(sys.argv[1:] or ["import"])
    if args.bench == "import":
        cmd_import(args)


if __name__ == "__main__":
    main()
