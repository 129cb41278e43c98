"""Shared test set-up: the gazetteer is loaded once per test database, like `scorecard init`."""

from __future__ import annotations

import os
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse
# to run there without this (the browser tests only use the ORM from the test body).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from scorecard.places.gazetteer import load_gazetteer
    from scorecard.public.setup import load_facility_types

    with django_db_blocker.unblock():
        load_gazetteer()
        load_facility_types()


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    # Hashed static names need `collectstatic`; tests serve the source files instead.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.AXES_ENABLED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
