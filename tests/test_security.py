"""Security: every URL pattern in the access matrix, CSRF, CSP, and `check --deploy`."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from tests.test_access import MATRIX

ACCESS = Path(__file__).parents[1] / "docs" / "access.md"
# Included URL sets of Django itself, covered as a whole by one row under their prefix.
OPAQUE = {"admin/", "i18n/"}


def url_patterns(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    """Every route of the project, as Django spells it (e.g. ``rounds/<slug:code>/``)."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern).removeprefix("^")  # as ResolverMatch.route joins them
        if isinstance(p, URLResolver):
            if route in OPAQUE:
                yield route
            else:
                yield from url_patterns(p, route)
        elif isinstance(p, URLPattern):
            yield route


def route_of(url: str) -> str | None:
    path = urlsplit(url).path
    for key, value in {"{own}": "own", "{other}": "other", "{id}": "1", "{code}": "x"}.items():
        path = path.replace(key, value)
    path = re.sub(r"\{\w+\}", "1", path)  # ids of the test world: {own_plan}, {other_action}, ...
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


def not_in_matrix() -> list[str]:
    """URLs listed under "## Not in the matrix" in docs/access.md, with the test that checks them."""
    text = ACCESS.read_text()
    section = text.split("## Not in the matrix", 1)[1] if "## Not in the matrix" in text else ""
    return re.findall(r"^- `([^`]+)`", section, re.M)


def covered_routes() -> set[str]:
    urls = {url for url, _, _ in MATRIX} | set(not_in_matrix())
    return {r for r in (route_of(u) for u in urls) if r is not None}


def test_it_documents_every_url_pattern_for_every_role():
    covered = covered_routes()
    missing = []
    for route in url_patterns():
        if route in OPAQUE:
            if not any(c.startswith(route) for c in covered):
                missing.append(route)
        elif route not in covered:
            missing.append(route)
    assert not missing, (
        f"{len(missing)} URL patterns have no row in the table of docs/access.md (one row, "
        "a value for anonymous and each role) and are not listed under 'Not in the matrix':\n  "
        + "\n  ".join(f"/{m}" for m in missing)
    )


def test_it_lists_only_real_urls_outside_the_matrix():
    for url in not_in_matrix():
        assert route_of(url) is not None, url


@pytest.mark.django_db
def test_it_refuses_a_post_without_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/display/digits/", {"digits": "khmer"}).status_code == 403
    assert client.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/overview/", "/c/010201/", "/p/", "/api/v1/rounds/"])
def test_it_sends_a_strict_content_security_policy(url):
    response = Client().get(url)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/overview/", "/c/010201/", "/p/"])
def test_it_has_no_inline_script_or_style_on_public_pages(url):
    html = Client().get(url).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_it_passes_check_deploy_under_production_settings(tmp_path: Path):
    env: dict[str, Any] = {
        **os.environ,
        "DEBUG": "false",
        "HTTPS": "true",
        "BEHIND_PROXY": "true",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "scorecard.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SCORECARD_VAR_DIR": str(tmp_path),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by conftest.py for Playwright only
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scorecard.cli",
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
