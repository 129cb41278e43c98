"""A response as the import stores it: the INSERT columns, their values, the inserts.

The import builds one tuple of ``INSERT_COLUMNS`` values per accepted row (in the
producer process, so plain strings and numbers: datetimes as the text each database
reads) and writes batches of them with one ``COPY`` (PostgreSQL) or ``executemany``
(SQLite).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.db import connection
from django.utils import timezone

from scorecard.scorecards.cube import is_youth
from scorecard.scorecards.models import DONT_KNOW, NO_ANSWER, RATING_CHARS, Response
from scorecard.scorecards.spec import ParsedResponse

_CHAR: dict[int | None, str] = {1: "1", 2: "2", 3: "3", 4: "4", 5: "5", None: NO_ANSWER}
# a score cell -> its character in Response.ratings (the columnar path's ``_CHAR``)
CELL_CHAR = {**{c: c for c in RATING_CHARS}, "dk": DONT_KNOW, "": NO_ANSWER}
# the cube's profile and answer characters (``cube.profile_of``, ``cube.answer_string``)
YOUTH_TEXT = {True: "youth", False: "non_youth"}
OVERALL_CHAR: dict[tuple[int | None, bool], str] = {(i, False): str(i) for i in range(1, 6)}
OVERALL_CHAR |= {(None, True): DONT_KNOW, (None, False): "-"}


def ratings_string(parsed: ParsedResponse) -> str:
    text = "".join([_CHAR[v] for v in parsed.ratings.values()])
    if parsed.dont_know:
        chars = list(text)
        for k, key in enumerate(parsed.ratings):
            if key in parsed.dont_know:
                chars[k] = DONT_KNOW
        text = "".join(chars)
    return text


def aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return timezone.make_aware(value)


INSERT_COLUMNS = (
    "round",
    "source",
    "stable_id",
    "instance_id",
    "content_hash",
    "commune",
    "village",
    "sex",
    "age",
    "youth",
    "disability",
    "minority",
    "idpoor",
    "enumerator_code",
    "enumerator",
    "overall",
    "overall_dk",
    "change",
    "ratings",
    "needs",
    "started",
    "ended",
    "source_file",
    "form_version",
    "review_state",
    "raw",
    "imported_at",
)
RATINGS_AT = INSERT_COLUMNS.index("ratings")
ENUMERATOR_AT = INSERT_COLUMNS.index("enumerator_code")
RAW_AT = INSERT_COLUMNS.index("raw")
dumps_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def insert_rows(model: type[Any], names: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Plain tuples straight into the table: COPY on PostgreSQL, one executemany on SQLite
    (the ORM's per-object work would cost ten times more)."""
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    # table and column names come from the model, never from the file
    table = quote(meta.db_table)
    columns = ", ".join(quote(meta.get_field(name).column) for name in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(names))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def insert_responses(rows: list[tuple[Any, ...]]) -> None:
    insert_rows(Response, INSERT_COLUMNS, rows)


def response_fields(p: ParsedResponse, enumerator_id: int | None) -> dict[str, Any]:
    """The Response fields that come from one parsed row (for updates through the ORM)."""
    return {
        "stable_id": p.stable_id,
        "instance_id": p.instance_id,
        "content_hash": p.content_hash,
        "commune_id": p.commune,
        "village_id": p.village,
        "sex": p.sex,
        "age": p.age,
        "youth": is_youth(p.age),
        "disability": p.disability,
        "minority": p.minority,
        "idpoor": p.idpoor or "",
        "enumerator_code": p.enumerator,
        "enumerator_id": enumerator_id,
        "overall": p.overall,
        "overall_dk": p.overall_dk,
        "change": p.change or "",
        "ratings": ratings_string(p),
        "needs": p.needs,
        "started": aware(p.started),
        "ended": aware(p.ended),
        "form_version": p.form_version,
        "review_state": p.review_state or "",
        "raw": p.raw,
    }


def db_datetimes(values: list[dt.datetime | None]) -> list[str | None]:
    """Datetimes as the raw INSERT writes them: UTC text (as Django stores them in SQLite;
    with ``+00:00`` for PostgreSQL's COPY), for many values at once: through numpy this costs a
    third of ``str(value.astimezone(UTC))`` (3.5 us a value, two per row)."""
    known = [v for v in values if v is not None]
    if not known:
        return [None] * len(values)
    us = np.fromiter(
        ((aware(v) - _EPOCH) // _MICROSECOND for v in known),  # type: ignore[operator]
        dtype=np.int64,
        count=len(known),
    )
    suffix = "" if connection.vendor == "sqlite" else "+00:00"
    text = [
        (t if t[-6:] != "000000" else t[:-7]).replace("T", " ") + suffix
        for t in np.datetime_as_string(us.astype("datetime64[us]"), unit="us").tolist()
    ]
    if len(known) == len(values):
        return text
    it = iter(text)
    return [None if v is None else next(it) for v in values]
