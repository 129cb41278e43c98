from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from scorecard.cli import VERBS
from scorecard.programmes.models import Programme

SCORECARD = Path(sys.executable).with_name("scorecard")


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCORECARD, *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=300
    )


def test_it_lists_every_verb_with_one_line_each():
    result = run("--help")
    assert result.returncode == 0
    for verb, text in VERBS.items():
        assert f"  {verb}" in result.stdout
        assert text in result.stdout


def test_it_refuses_an_unknown_verb_in_one_line():
    result = run("frobnicate")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "scorecard: unknown verb 'frobnicate'; `scorecard --help` lists them"
    ]


@pytest.mark.django_db
def test_it_creates_a_programme_from_the_command_line():
    call_command(
        "programme",
        "create",
        "UDF-1",
        "--title",
        "Local democracy",
        "--donor",
        "UNDEF",
        "--communes",
        "010201,060301",
        "--budget",
        "165000",
    )
    programme = Programme.objects.get(code="UDF-1")
    assert programme.donor is not None and programme.donor.name_en == "UNDEF"
    assert str(programme.budget) == "165000.00"
    assert sorted(programme.communes.values_list("code", flat=True)) == ["010201", "060301"]


@pytest.mark.django_db
def test_it_names_unknown_communes():
    with pytest.raises(CommandError, match="unknown commune codes: 999999"):
        call_command("programme", "create", "X", "--title", "T", "--communes", "010201,999999")
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_duplicate_programme_code():
    call_command("programme", "create", "DUP", "--title", "First")
    with pytest.raises(CommandError, match="already exists"):
        call_command("programme", "create", "DUP", "--title", "Second")


def test_it_initialises_a_fresh_database_end_to_end(tmp_path):
    db = tmp_path / "fresh.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{db}", "SCORECARD_VAR_DIR": str(tmp_path)}
    result = run("init", "--demo", **env)
    assert result.returncode == 0, result.stderr
    assert "1,661 communes" in result.stdout
    assert "defective rows skipped" in result.stdout
    assert "meofficer" in result.stdout
    again = run("init", "--demo", **env)  # upgrading an existing database is safe
    assert again.returncode == 0, again.stderr
    listed = run("programme", "list", **env)
    assert listed.stdout.count("UDF-KHM-2019") == 1
