"""A response as the import stores it: the INSERT columns, their values, the inserts.

The import builds one tuple of ``INSERT_COLUMNS`` values per accepted row (in the
producer process, so plain strings and numbers: datetimes as the text each database
reads) and writes batches of them with one ``COPY`` (PostgreSQL) or ``executemany``
(SQLite).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from scorecard.scorecards.cube import is_youth
from scorecard.scorecards.exports.columnar import Columns
from scorecard.scorecards.exports.times import utc_text
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
# how each INSERT_COLUMNS value is written in PostgreSQL's COPY text (``copy_line``)
_INT, _BOOL, _TEXT = "int", "bool", "text"
COPY_KINDS = tuple(
    _INT
    if name in ("round", "source", "age", "enumerator", "overall")
    else _BOOL
    if name in ("youth", "disability", "minority", "overall_dk")
    else _TEXT
    for name in INSERT_COLUMNS
)
RATINGS_AT = INSERT_COLUMNS.index("ratings")
ENUMERATOR_AT = INSERT_COLUMNS.index("enumerator_code")
RAW_AT = INSERT_COLUMNS.index("raw")
dumps_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


# --------------------------------------------------------------------------- COPY text

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_SPECIAL = re.compile(r"[\\\t\n\r]")
_UNESCAPES = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}
_ESCAPED = re.compile(r"\\[\\tnr]")
_BOOL_TEXT = {True: "t", False: "f", None: "\\N"}


def copy_text(value: Any) -> str:
    """One value as COPY's text format writes it (NULL is ``\\N``)."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return _BOOL_TEXT[value]
    text = str(value)
    if _SPECIAL.search(text):
        return _SPECIAL.sub(lambda m: _ESCAPES[m.group()], text)
    return text


def copy_column(values: Sequence[Any]) -> list[str]:
    """``copy_text`` of a column, once per distinct value."""
    text = {v: copy_text(v) for v in set(values)}
    return [text[v] for v in values]


def copy_texts(values: Sequence[str | None]) -> Sequence[str]:
    """A column of text (or None) as COPY text: one search over the whole column, and
    ``copy_column`` only when some value needs escaping."""
    known = [v for v in values if v is not None] if None in values else values
    if _SPECIAL.search("".join(known)):  # type: ignore[arg-type]
        return copy_column(values)
    if known is values:
        return values  # type: ignore[return-value]
    return ["\\N" if v is None else v for v in values]


def copy_line(values: Sequence[Any]) -> str:
    """An INSERT_COLUMNS row as one line of COPY text (without the line break)."""
    return "\t".join([copy_text(v) for v in values])


def copy_lines(
    f: Columns,
    constants: tuple[int, int, str, str | None],
    youth: dict[int, bool],
    pks: dict[str, int | None],
) -> list[str]:
    """The fast rows of a columnar batch as COPY lines (``copy_line`` of their
    INSERT_COLUMNS values), a column at a time. ``constants``: the round's and the
    import's keys, the file name and the import time; ``youth`` and ``pks``: each age's
    youth flag and each enumerator code's key."""
    n = len(f)
    round_pk, source_pk, file_name, now = (copy_text(c) for c in constants)
    flag = _BOOL_TEXT
    ages = {a: str(a) for a in youth}
    young = {a: flag[y] for a, y in youth.items()}
    enumerators = {e: copy_text(pk) for e, pk in pks.items()}
    overall = {o: copy_text(o) for o in set(f.overall)}
    columns: list[Sequence[str]] = [
        [round_pk] * n,
        [source_pk] * n,
        copy_texts(f.stable_id),
        copy_texts(f.instance_id),
        f.content_hash,  # hexadecimal
        copy_texts(f.commune),
        copy_texts(f.village),
        copy_texts(f.sex),
        [ages[a] for a in f.age],
        [young[a] for a in f.age],
        [flag[d] for d in f.disability],
        [flag[m] for m in f.minority],
        copy_texts(f.idpoor),
        copy_texts(f.enumerator),
        [enumerators[e] for e in f.enumerator],
        [overall[o] for o in f.overall],
        [flag[d] for d in f.overall_dk],
        copy_texts(f.change),
        f.ratings,  # rating characters
        copy_texts(f.needs),
        copy_texts(db_times(f.started)),
        copy_texts(db_times(f.ended)),
        [file_name] * n,
        copy_texts(f.form_version),
        copy_texts(f.review_state),
        copy_texts(f.raw),
        [now] * n,
    ]
    return list(map("\t".join, zip(*columns, strict=True)))


def copy_values(line: str) -> tuple[Any, ...]:
    """``copy_line``'s inverse: the INSERT_COLUMNS values of one line (for the few rows
    the writer does not insert: duplicates and conflicts)."""
    values: list[Any] = []
    for kind, text in zip(COPY_KINDS, line.split("\t"), strict=True):
        if text == "\\N":
            values.append(None)
        elif kind == _INT:
            values.append(int(text))
        elif kind == _BOOL:
            values.append(text == "t")
        elif "\\" in text:
            values.append(_ESCAPED.sub(lambda m: _UNESCAPES[m.group()], text))
        else:
            values.append(text)
    return tuple(values)


def as_values(row: tuple[Any, ...] | str) -> tuple[Any, ...]:
    """An item's INSERT_COLUMNS values, whether it carries them or their COPY line."""
    return copy_values(row) if isinstance(row, str) else row


def _table(model: type[Any], names: Sequence[str]) -> tuple[str, str]:
    """A model's table and the columns of ``names``, quoted (from the model, never from
    the file)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    return quote(model._meta.db_table), columns


def insert_rows(
    model: type[Any],
    names: Sequence[str],
    rows: Sequence[tuple[Any, ...] | str],
    utf8: Collection[str] = (),
) -> None:
    """Plain tuples straight into the table: COPY on PostgreSQL, one executemany on SQLite
    (the ORM's per-object work would cost ten times more). On PostgreSQL the rows may be
    ``copy_line`` texts already (the import's producer makes them). On SQLite the
    columns named in ``utf8`` may hold text as UTF-8 bytes, stored as text: the import's
    producer encodes its long texts once, where the writer would decode them from the
    producer's bytes and SQLite encode them again."""
    if not rows:
        return
    table, columns = _table(model, names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                lines = [row if isinstance(row, str) else copy_line(row) for row in rows]
                copy.write("\n".join(lines) + "\n")
            return
        # CAST of a blob to text takes its bytes as the database's encoding (UTF-8)
        marks = ", ".join(["CAST(%s AS TEXT)" if n in utf8 else "%s" for n in names])
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


UTF8_COLUMNS = ("needs", "raw")  # written as UTF-8 bytes by the SQLite producer


def insert_responses(rows: Sequence[tuple[Any, ...] | str]) -> None:
    insert_rows(Response, INSERT_COLUMNS, rows, UTF8_COLUMNS)


def insert_copy(data: bytes) -> None:
    """Responses as COPY text already (PostgreSQL): INSERT_COLUMNS lines, each ended."""
    table, columns = _table(Response, INSERT_COLUMNS)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        copy.write(data)


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


def db_datetimes(values: Sequence[dt.datetime | None]) -> list[str | None]:
    """Datetimes as the raw INSERT writes them: UTC text (as Django stores them in SQLite;
    with ``+00:00`` for PostgreSQL's COPY), for many values at once (``exports.times``)."""
    return db_times(utc_text(values, timezone.get_current_timezone()))


def db_times(texts: list[str | None]) -> list[str | None]:
    """UTC text (``exports.times``) as this database's INSERT takes it."""
    if connection.vendor == "sqlite":
        return texts
    return [None if t is None else t + "+00:00" for t in texts]
