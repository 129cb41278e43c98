"""`scorecard backup` and `scorecard restore`: a round trip gives back every table row by row."""

from __future__ import annotations

import io
import tarfile
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from scorecard.accounts.models import Organisation, Role
from scorecard.audit.log import record
from scorecard.backup import BackupError, backup, read_manifest, restore, row_counts
from scorecard.places.gazetteer import load_gazetteer
from scorecard.programmes.models import Programme
from scorecard.public.setup import load_facility_types
from tests.factories_scorecards import make_round
from tests.helpers import make_programme, make_user

# Transactional: pg_dump and the backup API read committed data from outside the test.
pytestmark = pytest.mark.django_db(transaction=True)


def every_table() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order, values made comparable."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = [tuple(str(v) if v is not None else None for v in r) for r in cursor.fetchall()]
            tables[table] = sorted(rows, key=repr)
    return tables


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "evidence").mkdir(parents=True)
    (tmp_path / "media" / "evidence" / "photo.jpg").write_bytes(b"\xff\xd8 a photo")
    load_gazetteer()  # transactional tests start from an empty database
    load_facility_types()
    programme = make_programme(code="bk", title_km="កម្មវិធី ស្ត្រី", communes=["010201"])
    make_user(Role.ME_OFFICER, organisation=programme.organisation, username="me")
    make_round(code="bk-r1", programme="bk")
    record(None, "create", programme)
    return tmp_path


def test_it_restores_every_table_row_by_row(world):
    before = every_table()
    out = world / "nightly.tar.gz"
    report = backup(out)
    assert report.rows == sum(len(rows) for rows in before.values())
    assert report.media_files == 1

    # Damage the data after the backup: delete, add and change rows, lose a file.
    Programme.objects.filter(code="bk").update(title_en="changed")
    Organisation.objects.create(code="late", name_en="Late", name_km="ចុង", kind="ngo")
    connection.cursor().execute("DELETE FROM places_village")
    (world / "media" / "evidence" / "photo.jpg").unlink()
    assert every_table() != before

    restore(out)
    after = every_table()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    assert (world / "media" / "evidence" / "photo.jpg").read_bytes() == b"\xff\xd8 a photo"


def test_it_writes_a_manifest_with_the_row_counts(world):
    out = world / "b.tar.gz"
    backup(out)
    manifest = read_manifest(out)
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"] == row_counts()
    assert manifest["tables"]["places_commune"] > 1000


def test_it_refuses_an_archive_that_is_not_a_backup(world):
    bogus = world / "bogus.tar.gz"
    bogus.write_bytes(b"not a tar file")
    with pytest.raises(BackupError, match="not a scorecard backup"):
        restore(bogus)


def test_it_refuses_a_backup_of_another_engine(world):
    out = world / "b.tar.gz"
    backup(out)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    forged = world / "forged.tar.gz"
    with tarfile.open(out) as src, tarfile.open(forged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            if member.name == "manifest.json" and data is not None:
                text = data.read().replace(connection.vendor.encode(), other.encode())
                member.size = len(text)
                dst.addfile(member, io.BytesIO(text))
            else:
                dst.addfile(member, data)
    with pytest.raises(BackupError, match=f"holds a {other} database"):
        restore(forged)


def test_it_runs_from_the_command_line(world, capsys):
    out = world / "cli.tar.gz"
    call_command("backup", "--out", str(out))
    assert "Backup written" in capsys.readouterr().out
    Organisation.objects.create(code="late", name_en="Late", name_km="ចុង", kind="ngo")
    call_command("restore", str(out), "--yes")
    assert "Restored" in capsys.readouterr().out
    assert not Organisation.objects.filter(code="late").exists()
    with pytest.raises(CommandError, match="not a scorecard backup"):
        call_command("restore", str(world / "missing.tar.gz"), "--yes")


def test_it_counts_what_it_dumped_while_others_write(world, monkeypatch):
    """A row written by another connection during the dump is in neither the archive nor
    its manifest, so the archive restores and checks out."""
    from scorecard import backup as backup_module

    written: list[bool] = []

    def write_elsewhere() -> None:
        if written:  # once, during the backup (restore runs the same functions)
            return
        written.append(True)
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:  # e.g. the rate limiter's shared cache
                cursor.execute(
                    "INSERT INTO scorecard_cache (cache_key, value, expires) VALUES (%s, %s, %s)",
                    ["mid-backup", "1", "2099-01-01 00:00:00+00:00"],
                )
            if not other.get_autocommit():
                other.commit()
        finally:
            other.close()

    if connection.vendor == "postgresql":
        real_run = backup_module._run

        def run(command, env):
            write_elsewhere()  # after the snapshot, before pg_dump reads
            real_run(command, env)

        monkeypatch.setattr(backup_module, "_run", run)
    else:
        real_counts = backup_module._counts

        def counts(cursor, tables):
            write_elsewhere()  # after the copy, before its rows are counted
            return real_counts(cursor, tables)

        monkeypatch.setattr(backup_module, "_counts", counts)
    out = world / "live.tar.gz"
    backup(out)
    assert cached("mid-backup")  # it was written
    manifest = read_manifest(out)
    restore(out)
    assert not cached("mid-backup")  # not in the archive
    assert manifest["tables"] == row_counts()


def cached(key: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM scorecard_cache WHERE cache_key = %s", [key])
        return bool(cursor.fetchone()[0])


def test_it_restores_an_archive_with_another_page_size(world):
    """Archives made before new SQLite databases had 32 KiB pages hold 4 KiB pages."""
    import sqlite3

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page size")
    before = every_table()
    out = world / "old.tar.gz"
    backup(out)
    with tarfile.open(out, "r:gz") as archive:
        archive.extractall(world / "x", filter="data")
    db = sqlite3.connect(world / "x" / "database.sqlite3")
    db.execute("PRAGMA page_size=4096")
    db.execute("VACUUM")
    assert db.execute("PRAGMA page_size").fetchone() == (4096,)
    db.close()
    with tarfile.open(out, "w:gz") as archive:
        for name in sorted(p.name for p in (world / "x").iterdir()):
            archive.add(world / "x" / name, arcname=name)
    Programme.objects.filter(code="bk").update(title_en="changed")
    restore(out)
    assert every_table() == before
