"""Model fields of the scorecards app."""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class JSONText(models.JSONField):  # type: ignore[type-arg]
    """A JSON value kept as plain ``text`` on every database, with no database check.

    For the columns the import writes a million times and nothing queries inside
    (``Response.raw``, ``Response.needs``): SQLite's ``JSON_VALID`` check parsed every
    raw row again (8 of 14 us an insert, measured) and PostgreSQL's ``jsonb`` parsed and
    rebuilt it (4 us a row of the server's COPY). The import makes the text with
    ``json`` itself, so it is always valid; Python still sees lists and dicts. Lookups
    inside the value (``raw__0``) are not available.
    """

    def db_type(self, connection: BaseDatabaseWrapper) -> str:
        return "text"

    def db_check(self, connection: BaseDatabaseWrapper) -> None:
        return None

    def get_db_prep_value(
        self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False
    ) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or hasattr(value, "as_sql"):
            return value
        return json.dumps(value, cls=self.encoder, ensure_ascii=False, separators=(",", ":"))
