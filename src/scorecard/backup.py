"""Backups of the whole installation: the database and the uploaded files, in one archive.

The archive is a gzipped tar holding ``manifest.json`` (engine, time, row count per table),
the database (``database.sqlite3`` made with SQLite's online backup API, which is safe while
the server writes; or ``database.dump``, PostgreSQL's custom format from ``pg_dump``) and
``media/`` (evidence files and other uploads). A restore goes back to the same engine: it
replaces the database as a whole, then the media folder, and checks the row counts against
the manifest so a truncated archive cannot pass for a good one. The counts are those of
the dumped data itself (the SQLite copy; PostgreSQL's exported snapshot, which pg_dump
reads), so writes during a live backup cannot make a good archive look damaged.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction

MANIFEST = "manifest.json"
SQLITE_NAME = "database.sqlite3"
PG_NAME = "database.dump"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass
class BackupReport:
    path: Path
    engine: str
    tables: int
    rows: int
    media_files: int

    def summary(self) -> str:
        return (
            f"{self.path}: {self.engine} database, {self.tables} tables, "
            f"{self.rows:,} rows, {self.media_files} media files"
        )


def engine_name() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def row_counts() -> dict[str, int]:
    """Rows per table of the current database (every table, Django's own included)."""
    with connection.cursor() as cursor:
        return _counts(cursor, connection.introspection.table_names(cursor))


def _counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = int(cursor.fetchone()[0])
    return counts


def default_name() -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return f"scorecard-backup-{stamp}.tar.gz"


def _pg_env_args() -> tuple[dict[str, str], list[str]]:
    """Connection options for the PostgreSQL client tools; the password only in the environment."""
    cfg: dict[str, Any] = connection.settings_dict
    env = dict(os.environ)
    if cfg.get("PASSWORD"):
        env["PGPASSWORD"] = str(cfg["PASSWORD"])
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if cfg.get(key):
            args += [flag, str(cfg[key])]
    return env, args


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools)") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


def _dump_database(engine: str, workdir: Path) -> tuple[Path, dict[str, int]]:
    """The database file and the row counts of exactly what it holds."""
    if engine == "sqlite":
        target = workdir / SQLITE_NAME
        connection.ensure_connection()
        source = connection.connection
        with sqlite3.connect(target) as copy:
            source.backup(copy)
            lite = copy.cursor()
            # the tables Django's introspection lists (all but sqlite_sequence)
            lite.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'sqlite_sequence'"
            )
            counts = _counts(lite, [row[0] for row in lite.fetchall()])
        copy.close()
        return target, counts
    target = workdir / PG_NAME
    env, args = _pg_env_args()
    name = str(connection.settings_dict["NAME"])
    with transaction.atomic(), connection.cursor() as pg:
        # one snapshot for the counts and pg_dump: the transaction exporting it stays open
        pg.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        pg.execute("SELECT pg_export_snapshot()")
        snapshot = pg.fetchone()[0]
        counts = _counts(pg, connection.introspection.table_names(pg))
        _run(
            ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}"]
            + ["--file", str(target), *args, name],
            env,
        )
    return target, counts


def backup(out: Path | None = None) -> BackupReport:
    """Write an archive of the database and media folder; return what went in."""
    engine = engine_name()
    out = Path(out or default_name()).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    media_files = [p for p in media.rglob("*") if p.is_file()] if media.is_dir() else []
    with tempfile.TemporaryDirectory(prefix="scorecard-backup-") as tmp:
        database, counts = _dump_database(engine, Path(tmp))
        manifest = {
            "format": 1,
            "engine": engine,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "tables": counts,
            "media_files": len(media_files),
        }
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            (Path(tmp) / MANIFEST).write_bytes(data)
            archive.add(Path(tmp) / MANIFEST, arcname=MANIFEST)
            archive.add(database, arcname=database.name)
            for path in media_files:
                archive.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
        # Renamed only when complete, so a crash never leaves a file that looks like a backup.
        partial.replace(out)
    return BackupReport(out, engine, len(counts), sum(counts.values()), len(media_files))


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest: dict[str, Any] = json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path} is not a scorecard backup: {exc}") from None
    return manifest


def _restore_database(engine: str, source: Path) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        live = connection.connection
        with sqlite3.connect(source) as copy:
            # The backup API cannot change the page size of a database in WAL mode or in
            # memory: an archive made before new databases had 32 KiB pages is rewritten
            # (this extracted copy of it) with the live database's page size first.
            (size,) = live.execute("PRAGMA page_size").fetchone()
            if copy.execute("PRAGMA page_size").fetchone() != (size,):
                copy.execute(f"PRAGMA page_size = {int(size)}")
                copy.execute("VACUUM")
            # The backup API replaces every page of the live database in one step.
            copy.backup(live)
        copy.close()
        return
    env, args = _pg_env_args()
    name = str(connection.settings_dict["NAME"])
    # Other connections of this process would hold locks the restore waits for.
    connections.close_all()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            name,
            *args,
            str(source),
        ],
        env,
    )


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        parts = Path(member.name).parts
        if member.name.startswith("/") or ".." in parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"unsafe path in the archive: {member.name!r}")
        members.append(member)
    return members


def restore(path: Path) -> BackupReport:
    """Replace the database and media folder with the archive's; check the row counts."""
    path = Path(path).resolve()
    manifest = read_manifest(path)
    engine = engine_name()
    if manifest.get("engine") != engine:
        raise BackupError(
            f"{path} holds a {manifest.get('engine')} database; this installation uses {engine}"
        )
    with tempfile.TemporaryDirectory(prefix="scorecard-restore-") as tmp, tarfile.open(path) as ar:
        ar.extractall(tmp, members=_safe_members(ar), filter="data")
        database = Path(tmp) / (SQLITE_NAME if engine == "sqlite" else PG_NAME)
        if not database.is_file():
            raise BackupError(f"{path} has no database file")
        _restore_database(engine, database)
        media_src = Path(tmp) / "media"
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir():
            shutil.rmtree(media)
        if media_src.is_dir():
            shutil.copytree(media_src, media)
    counts = row_counts()
    expected = manifest.get("tables", {})
    wrong = {t: (n, counts.get(t)) for t, n in expected.items() if counts.get(t) != n}
    if wrong:
        detail = ", ".join(f"{t}: {n} expected, {got} found" for t, (n, got) in wrong.items())
        raise BackupError(f"restored database differs from the manifest: {detail}")
    return BackupReport(
        path, engine, len(counts), sum(counts.values()), int(manifest.get("media_files", 0))
    )
