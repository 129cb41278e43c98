from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scorecard.config import ConfigError, env_bool, env_database, env_int, secret_key

SCORECARD = Path(sys.executable).with_name("scorecard")


def test_it_reads_booleans_and_refuses_others(monkeypatch):
    monkeypatch.setenv("DEBUG", "yes")
    assert env_bool("DEBUG") is True
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ConfigError, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG")


def test_it_refuses_a_malformed_number(monkeypatch):
    monkeypatch.setenv("SCORECARD_MIN_CELL", "five")
    with pytest.raises(ConfigError, match="SCORECARD_MIN_CELL='five' is not a whole number"):
        env_int("SCORECARD_MIN_CELL", 5)
    monkeypatch.setenv("SCORECARD_MIN_CELL", "0")
    with pytest.raises(ConfigError, match="at least 1"):
        env_int("SCORECARD_MIN_CELL", 5, minimum=1)


def test_it_defaults_to_a_sqlite_file_under_var(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env_database("DATABASE_URL", tmp_path / "var" / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "var" / "db.sqlite3")


def test_it_reads_a_postgres_url(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scorecard")
    config = env_database("DATABASE_URL", tmp_path / "x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("127.0.0.1", 5432, "scorecard")


def test_it_refuses_a_database_url_it_cannot_use(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/db")
    with pytest.raises(
        ConfigError, match="DATABASE_URL='mysql://root@localhost/db' is not a database URL"
    ):
        env_database("DATABASE_URL", tmp_path / "x.sqlite3")


def test_it_generates_the_secret_key_once(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) >= 50
    assert secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_it_refuses_a_short_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        secret_key(tmp_path)


def test_it_stops_start_up_naming_the_bad_variable(tmp_path):
    env = {**os.environ, "DATABASE_URL": "nonsense", "SCORECARD_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [SCORECARD, "init"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "DATABASE_URL='nonsense' is not a database URL" in result.stderr
    assert "Traceback" not in result.stderr
