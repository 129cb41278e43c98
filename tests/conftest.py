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


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request: Any) -> None:
    # A transactional test (live_server, on_commit) ends by flushing every table, the
    # gazetteer included, and pytest-django runs those tests last: without this, each one
    # would pass alone and fail after another, depending on the order.
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    if not transactional and "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from scorecard.places.gazetteer import load_gazetteer
    from scorecard.places.models import Commune, FacilityType
    from scorecard.public.setup import load_facility_types

    if not Commune.objects.exists():
        load_gazetteer()
    if not FacilityType.objects.exists():
        load_facility_types()
