"""Typed readers for the environment variables that configure the product.

Every setting comes from the environment so one settings file serves a laptop, a
single-office server and a cluster. A malformed value stops start-up with a message
naming the variable, instead of surfacing later as an obscure error.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url


class ConfigError(Exception):
    """A configuration variable has a value the product cannot use."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={raw!r} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default_path: Path) -> dict[str, Any]:
    raw = os.environ.get(name, "").strip()
    url = raw or f"sqlite:///{default_path}"
    if not url.startswith(("sqlite://", "postgres://", "postgresql://")):
        raise ConfigError(
            f"{name}={raw!r} is not a database URL "
            "(use sqlite:///abs/path.sqlite3 or postgres://user@host:port/db)"
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except Exception as exc:  # dj-database-url raises several kinds
        raise ConfigError(f"{name}={raw!r} cannot be parsed: {exc}") from None
    if config["ENGINE"].endswith("sqlite3"):
        if not config.get("NAME"):
            raise ConfigError(f"{name}={raw!r} names no SQLite file")
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets the worker and the web server use one file without "database is locked".
        # 32 KiB pages (taken only by a new file; SQLite's default is 4 KiB): an import
        # writes ~1 KB rows and WAL frames, and with 4 KiB pages a million of them cost
        # 13 us a row to insert and 6 to commit, against 7 and 4 (docs/performance.md).
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA page_size=32768; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            ),
        }
        # Kept open between requests, as for PostgreSQL: opening one costs Django's setup
        # of the connection (its SQL functions, the PRAGMAs above), which was half of a
        # cached public page's time under load (docs/performance.md, "Load").
        config["CONN_MAX_AGE"] = 60
    elif not config.get("NAME"):
        raise ConfigError(f"{name}={raw!r} names no database")
    return config


def secret_key(var_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into var/."""
    value = env_str("SECRET_KEY")
    if value:
        if len(value) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters long")
        return value
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(50)
    path.write_text(value)
    path.chmod(0o600)
    return value
