"""Import a Kobo / ODK Central export into a round: read, validate, write in one transaction.

Read and validate are the pure ``exports`` module (streaming, every error with row,
column, value and reason). This module classifies each valid row against what is stored
and writes in batches:

* accepted: a stable id the round has not seen;
* duplicate: the same stable id and content hash as a stored response, as an open
  conflict, or as an earlier row of the same file (re-import is a no-op);
* conflict: the same stable id with different content; the incoming row waits in
  ``Conflict`` and never overwrites the stored response;
* rejected: invalid rows and rows rejected in review upstream.

``rows = accepted + duplicates + conflicts + rejected`` always. Only one batch of rows
is held in memory at a time; stable ids of earlier batches are found in the database
(they are already written, in the same transaction).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import json
import marshal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from scorecard.audit.log import record as audit
from scorecard.audit.models import AuditEntry
from scorecard.scorecards.actions import ActionError
from scorecard.scorecards.cube import (
    _FLAG,
    Cube,
    Profile,
    answer_string,
    is_youth,
    profile_of,
    questions_of,
    youth_band,
)
from scorecard.scorecards.exports import (
    Export,
    ExportError,
    check_form,
    open_export,
    validate_rows,
    write_rejects,
)
from scorecard.scorecards.exports.columnar import ColumnarValidator
from scorecard.scorecards.exports.pipeline import can_fork, forked
from scorecard.scorecards.forms import form_spec
from scorecard.scorecards.models import (
    DONT_KNOW,
    NO_ANSWER,
    RATING_CHARS,
    Conflict,
    Enumerator,
    Import,
    Response,
    Round,
)
from scorecard.scorecards.spec import FormSpec, ParsedResponse, RowError

BATCH = 5000
# rows validated together by the columnar path: small enough for the batch's cells to stay
# in the CPU cache between its passes over them (measured: 1,000 rows ~30% faster than 5,000)
COLUMNAR_BATCH = 1000
# the cube's profile and answer characters (``cube.profile_of``, ``cube.answer_string``)
_YOUTH = {True: "youth", False: "non_youth"}
_OVERALL: dict[tuple[int | None, bool], str] = {(i, False): str(i) for i in range(1, 6)}
_OVERALL |= {(None, True): DONT_KNOW, (None, False): "-"}
PARALLEL_FROM = 4 << 20  # bytes of export (~7,000 rows of the default template)
Progress = Callable[[int], None]
_CHAR: dict[int | None, str] = {1: "1", 2: "2", 3: "3", 4: "4", 5: "5", None: NO_ANSWER}
# a score cell -> its character in Response.ratings (the columnar path's ``_CHAR``)
CELL_CHAR = {**{c: c for c in RATING_CHARS}, "dk": DONT_KNOW, "": NO_ANSWER}


class ImportRefused(ActionError):
    """The file as a whole is not importable into the round; nothing was stored."""


def ratings_string(parsed: ParsedResponse) -> str:
    text = "".join([_CHAR[v] for v in parsed.ratings.values()])
    if parsed.dont_know:
        chars = list(text)
        for k, key in enumerate(parsed.ratings):
            if key in parsed.dont_know:
                chars[k] = DONT_KNOW
        text = "".join(chars)
    return text


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while rows stream through (the producer process,
    forked inside, inherits it): the import allocates millions of tuples and lists, none
    in reference cycles, and the collector's passes over them cost up to a quarter of
    the import's time. Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def refusal(exc: ExportError) -> str:
    """One readable line for a file-level error (long column lists are shortened)."""
    text = exc.error.reason
    if len(text) > 300:
        text = text[:300].rsplit(",", 1)[0] + ", …"
    return text


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return timezone.make_aware(value)


def _key(stable_id: str) -> int:
    """A 64-bit key of a stable id for the in-memory set of ids the round has (Python's
    string hash: stable within the process, which is all the set needs)."""
    return hash(stable_id)


# One valid row ready to write: stable id, content hash, row number, INSERT_COLUMNS values.
Item = tuple[str, str, int, tuple[Any, ...]]


@dataclass
class _Chunk:
    """What the reader side hands the writer: a batch of rows, as plain picklable data."""

    rows: int  # rows read (valid and rejected)
    rejected: int
    errors: list[RowError]
    items: list[Item]
    columns: list[str]  # Import.columns once known (the raw rows are lists in this order)
    # the items' ratings already counted (``Cube.dump``), as if every item were accepted:
    # the writer takes away the few it does not insert. None: the writer counts them.
    cube: dict[Profile, bytes] | None = None

    def encode(self) -> bytes:
        """Plain data for ``marshal`` (only the import's own child process writes it)."""
        errors = [(e.row, e.column, e.value, e.reason) for e in self.errors]
        data = (self.rows, self.rejected, errors, self.items, self.columns, self.cube)
        return marshal.dumps(data)

    @classmethod
    def decode(cls, data: bytes) -> _Chunk:
        rows, rejected, errors, items, columns, cube = marshal.loads(data)  # noqa: S302
        return cls(rows, rejected, [RowError(*e) for e in errors], items, columns, cube)


@dataclass
class _Batch:
    """Classifies one batch of rows; remembers only this batch's stable ids.

    ``seen`` holds the keys of every stable id the round has (stored before the import
    and written by it so far): only the batch's ids whose key is in it are looked up in
    the database, so a fresh id costs a set lookup, not a query parameter. A key
    collision only costs a lookup that finds nothing. Without ``seen`` every id is
    looked up (a small import need not read the round's ids).
    """

    round: Round
    new: dict[str, Item] = field(default_factory=dict)  # accepted, by stable id
    conflicts: list[Item] = field(default_factory=list)
    dropped: list[Item] = field(default_factory=list)  # the duplicates
    duplicates: int = 0
    seen: set[int] | None = None

    def classify(self, items: list[Item]) -> None:
        seen = self.seen
        if seen is None:
            ids = {it[0] for it in items}
        else:
            ids = {it[0] for it in items if _key(it[0]) in seen}
        hashes: dict[str, set[str]] = {}
        if ids:
            self._stored(ids, hashes)
        for it in items:
            sid, content = it[0], it[1]
            known = hashes.get(sid)
            if known is None:
                hashes[sid] = {content}
                self.new[sid] = it
            elif content in known:
                self.duplicates += 1
                self.dropped.append(it)
            else:
                known.add(content)
                self.conflicts.append(it)
        if seen is not None:
            seen.update(_key(sid) for sid in hashes)

    def _stored(self, ids: set[str], hashes: dict[str, set[str]]) -> None:
        for sid, h in Response.objects.filter(round=self.round, stable_id__in=ids).values_list(
            "stable_id", "content_hash"
        ):
            hashes.setdefault(sid, set()).add(h)
        for sid, h, replaced in Conflict.objects.filter(
            round=self.round, stable_id__in=ids
        ).values_list("stable_id", "incoming_hash", "replaced_hash"):
            hashes.setdefault(sid, set()).update((h, replaced) if replaced else (h,))


def stored_keys(round_: Round) -> set[int]:
    """Keys of the stable ids the round already has (responses; conflicts name stored ids)."""
    ids = Response.objects.filter(round=round_).values_list("stable_id", flat=True)
    return {_key(sid) for sid in ids.iterator(chunk_size=20000)}


# Batches at least this large read the round's stable ids once into ``_Batch.seen``.
SEEN_FROM = 1000


class Importer:
    """One import into one round (use ``import_export``)."""

    def __init__(self, round_: Round, record: Import, spec: FormSpec) -> None:
        self.round = round_
        self.record = record
        self.spec = spec
        self.cube = Cube(questions_of(round_))
        registry = Enumerator.objects.all()
        if round_.organisation_id:
            registry = registry.filter(organisation=round_.organisation_id)
        self.enumerators: dict[str, int] = {}
        for code, pk in registry.order_by("-pk").values_list("code", "pk"):
            self.enumerators[code] = pk
        self.unknown: set[str] = set()
        self.errors: list[RowError] = []
        self.adapt_datetime = datetime_param()
        self.youth = youth_band()
        self.now_db = self.adapt_datetime(timezone.now())
        self.seen: set[int] | None = None

    def run(
        self, results: Iterator[Any], progress: Progress | None, *, parallel: bool = False
    ) -> None:
        """Write every result; with ``parallel``, read and validate in a forked process
        (``exports.pipeline``) while this one writes."""
        self.run_chunks(lambda: self.chunks(results), progress, parallel=parallel)

    def run_chunks(
        self,
        make: Callable[[], Iterator[_Chunk]],
        progress: Progress | None,
        *,
        parallel: bool = False,
    ) -> None:
        if connection.vendor == "sqlite":  # a larger page cache for the index inserts
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -65536")
        rec = self.record
        chunks = forked(make, encode=_Chunk.encode, decode=_Chunk.decode) if parallel else make()
        for chunk in chunks:
            rec.rows += chunk.rows
            rec.rejected += chunk.rejected
            self.errors.extend(chunk.errors)
            if chunk.columns and not rec.columns:
                rec.columns.extend(chunk.columns)
            if chunk.cube is not None:
                self.cube.merge(chunk.cube)
            self.write_items(chunk.items, counted=chunk.cube is not None)
            if progress:
                progress(rec.rows)
        self.cube.save(self.round)
        if rec.columns:
            Import.objects.filter(pk=rec.pk).update(columns=rec.columns)
        rec.unknown_enumerators = sorted(self.unknown)
        if self.errors:
            out = io.StringIO()
            write_rejects(self.errors, out)
            rec.rejects = out.getvalue()
        rec.save()

    def chunks(self, results: Iterator[Any]) -> Iterator[_Chunk]:
        """The results in batches of BATCH valid rows, ready to write (no database use:
        this may run in the producer process)."""
        rows = rejected = 0
        errors: list[RowError] = []
        items: list[Item] = []
        row = self.row
        for result in results:
            rows += 1
            if isinstance(result, list):
                rejected += 1
                errors.extend(result)
                continue
            items.append((result.stable_id, result.content_hash, result.row, row(result)))
            if len(items) >= BATCH:
                yield _Chunk(rows, rejected, errors, items, self.record.columns)
                rows = rejected = 0
                errors, items = [], []
        yield _Chunk(rows, rejected, errors, items, self.record.columns)

    def columnar_chunks(self, export: Export) -> Iterator[_Chunk]:
        """``chunks`` for a CSV export read as cell lists and validated a batch at a time
        (``exports.columnar``): the same items, several times faster."""
        errors = check_form(self.spec, export.names)
        if errors:
            raise ExportError(errors)
        records = export.records()
        assert records is not None and export.convert is not None
        validator = ColumnarValidator(self.spec, export.names, export.convert, CELL_CHAR)
        chunk = _Chunk(0, 0, [], [], self.record.columns, {})
        cube = Cube(self.cube.questions)
        batch: list[tuple[int, list[str]]] = []
        for record in records:
            batch.append(record)
            if len(batch) >= COLUMNAR_BATCH:
                self.columnar_chunk(validator, batch, export.names, chunk, cube)
                batch = []
                if len(chunk.items) >= BATCH:
                    chunk.cube = cube.dump()
                    yield chunk
                    chunk = _Chunk(0, 0, [], [], self.record.columns, {})
                    cube = Cube(self.cube.questions)
        self.columnar_chunk(validator, batch, export.names, chunk, cube)
        chunk.cube = cube.dump()
        yield chunk

    def columnar_chunk(
        self,
        validator: ColumnarValidator,
        records: list[tuple[int, list[str]]],
        names: list[str],
        chunk: _Chunk,
        cube: Cube,
    ) -> None:
        """Validate one batch of records and add its items (and their counts) to ``chunk``."""
        result = validator.batch(records)
        f = result.fast
        n = len(f)
        if n and not self.record.columns:
            self.record.columns.extend(names)
        low, high = self.youth
        youth = {a: low <= a <= high for a in set(f.age)}
        pks = {e: self.enumerators.get(e) for e in set(f.enumerator)}
        values = zip(
            repeat(self.round.pk, n),
            repeat(self.record.pk, n),
            f.stable_id,
            f.instance_id,
            f.content_hash,
            f.commune,
            f.village,
            f.sex,
            f.age,
            [youth[a] for a in f.age],
            f.disability,
            f.minority,
            f.idpoor,
            f.enumerator,
            [pks[e] for e in f.enumerator],
            f.overall,
            f.overall_dk,
            f.change,
            f.ratings,
            f.needs,
            self.db_datetimes(f.started),
            self.db_datetimes(f.ended),
            repeat(self.record.file_name, n),
            f.form_version,
            f.review_state,
            f.raw,
            repeat(self.now_db, n),
            strict=False,  # repeat() is bounded by n, the lists have n items
        )
        items: list[Item] = list(zip(f.stable_id, f.content_hash, f.row, values, strict=True))
        flag = _FLAG
        cube.add(
            list(
                zip(
                    f.commune,
                    f.sex,
                    [_YOUTH[youth[a]] for a in f.age],
                    [flag[d] for d in f.disability],
                    [flag[m] for m in f.minority],
                    f.idpoor,
                    strict=True,
                )
            ),
            [
                _OVERALL[o, dk] + r
                for o, dk, r in zip(f.overall, f.overall_dk, f.ratings, strict=True)
            ],
        )
        chunk.rows += len(records)
        if result.slow:
            placed: list[tuple[int, Item]] = list(zip(f.position, items, strict=True))
            valid: list[tuple[Any, ...]] = []
            for position, res in result.slow:
                if isinstance(res, list):
                    chunk.rejected += 1
                    chunk.errors.extend(res)
                else:
                    value = self.row(res)
                    valid.append(value)
                    placed.append((position, (res.stable_id, res.content_hash, res.row, value)))
            placed.sort(key=lambda pi: pi[0])
            items = [it for _, it in placed]
            self.count(valid, cube=cube)
        chunk.items.extend(items)

    def db_datetimes(self, values: list[dt.datetime | None]) -> list[str | None]:
        """``adapt_datetime`` of many values at once: the UTC text through numpy costs a
        third of ``str(value.astimezone(UTC))`` (3.5 us a value, two per row)."""
        known = [v for v in values if v is not None]
        if not known:
            return [None] * len(values)
        us = np.fromiter(
            ((_aware(v) - _EPOCH) // _MICROSECOND for v in known),  # type: ignore[operator]
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

    def write(self, parsed: list[ParsedResponse]) -> None:
        self.write_items([(p.stable_id, p.content_hash, p.row, self.row(p)) for p in parsed])

    def write_items(self, items: list[Item], *, counted: bool = False) -> None:
        """Classify and insert; ``counted``: the items are in the cube already (the ones
        not inserted are taken away again)."""
        if not items:
            return
        enumerators, unknown = self.enumerators, self.unknown
        for it in items:
            code = it[3][_ENUMERATOR]
            if code not in enumerators:
                unknown.add(code)
        if self.seen is None and len(items) >= SEEN_FROM:
            self.seen = stored_keys(self.round)
        batch = _Batch(self.round, seen=self.seen)
        batch.classify(items)
        rows = [it[3] for it in batch.new.values()]
        insert_responses(rows)
        if counted:
            self.count([it[3] for it in (*batch.dropped, *batch.conflicts)], sign=-1)
        else:
            self.count(rows)
        if batch.conflicts:
            stored = dict(
                Response.objects.filter(
                    round=self.round, stable_id__in={it[0] for it in batch.conflicts}
                ).values_list("stable_id", "pk")
            )
            Conflict.objects.bulk_create(
                Conflict(
                    round=self.round,
                    source=self.record,
                    row=it[2],
                    stable_id=it[0],
                    stored_id=stored[it[0]],
                    incoming=self.incoming(it[3][_RAW]),
                    incoming_hash=it[1],
                )
                for it in batch.conflicts
            )
        self.record.accepted += len(rows)
        self.record.duplicates += batch.duplicates
        self.record.conflicts += len(batch.conflicts)

    def count(
        self, rows: Sequence[tuple[Any, ...]], sign: int = 1, cube: Cube | None = None
    ) -> None:
        """Add INSERT_COLUMNS rows' answers to the cube (profile columns: commune, sex,
        youth, disability, minority, idpoor)."""
        (cube or self.cube).add(
            [profile_of(r[5], r[7], r[9], r[10], r[11], r[12]) for r in rows],
            [answer_string(r[15], r[16], r[_RATINGS]) for r in rows],
            sign,
        )

    def incoming(self, raw: str) -> dict[str, str]:
        """The row as read (``raw``'s inverse): a dict of column -> value."""
        values = json.loads(raw)
        if isinstance(values, dict):
            return values
        return dict(zip(self.record.columns, values, strict=True))

    def raw(self, row: dict[str, str]) -> str:
        """The row as read: its values in the order of ``Import.columns`` (a third of the
        size and time of a JSON object), or the whole object if the row's keys differ."""
        columns = self.record.columns
        if not columns:
            columns.extend(row)
        if len(row) == len(columns):
            return _dumps(list(row.values()))
        return _dumps(row)

    def row(self, p: ParsedResponse) -> tuple[Any, ...]:
        """The values of INSERT_COLUMNS for one accepted row."""
        adapt = self.adapt_datetime
        started, ended = p.started, p.ended
        return (
            self.round.pk,
            self.record.pk,
            p.stable_id,
            p.instance_id,
            p.content_hash,
            p.commune,
            p.village,
            p.sex,
            p.age,
            self.youth[0] <= p.age <= self.youth[1],
            p.disability,
            p.minority,
            p.idpoor or "",
            p.enumerator,
            self.enumerators.get(p.enumerator),
            p.overall,
            p.overall_dk,
            p.change or "",
            ratings_string(p),
            _dumps(p.needs),
            None if started is None else adapt(_aware(started)),
            None if ended is None else adapt(_aware(ended)),
            self.record.file_name,
            p.form_version,
            p.review_state or "",
            self.raw(p.raw),
            self.now_db,
        )


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
_RATINGS = INSERT_COLUMNS.index("ratings")
_ENUMERATOR = INSERT_COLUMNS.index("enumerator_code")
_RAW = INSERT_COLUMNS.index("raw")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def datetime_param() -> Callable[[dt.datetime | None], Any]:
    """How a datetime goes into a raw INSERT: SQLite stores UTC text (as Django does);
    PostgreSQL's COPY reads ISO 8601 with its offset. Text either way, so the rows are
    plain strings and numbers (``_Chunk.encode``)."""
    if connection.vendor != "sqlite":
        return lambda value: None if value is None else value.isoformat()
    # (``Importer.db_datetimes`` writes the same text for many values at once)
    utc = dt.UTC

    def adapt(value: dt.datetime | None) -> str | None:
        if value is None:
            return None
        return str(value.astimezone(utc).replace(tzinfo=None))

    return adapt


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
        "started": _aware(p.started),
        "ended": _aware(p.ended),
        "form_version": p.form_version,
        "review_state": p.review_state or "",
        "raw": p.raw,
    }


def import_export(
    actor: Any,
    round_: Round,
    path: Path | str,
    *,
    file_name: str = "",
    progress: Progress | None = None,
    parallel: bool | None = None,
    columnar: bool = True,
    origin: str = "",
) -> Import:
    """Import one export file into a round, atomically; returns the Import with its counts.

    ``parallel``: read and validate in a forked producer process while this one writes
    (default: for files of PARALLEL_FROM bytes or more, where forking pays off).
    ``origin``: the Import's kind when the file was made by another path (a pull from
    ODK Central, keyed paper questionnaires) rather than the sniffed export format.
    ``columnar``: validate CSV exports a batch at a time (``exports.columnar``); False
    validates row by row (the reference the columnar path is tested against).
    Raises ImportRefused (nothing stored) when the round is locked or the file is not an
    export of the round's form.
    """
    if round_.locked:
        raise ImportRefused(f"round {round_.code} is completed and locked; unlock it first")
    spec = form_spec(round_.template_version, round_)
    try:
        export = open_export(path)
    except ExportError as exc:
        raise ImportRefused(refusal(exc)) from None
    user = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            record = Import.objects.create(
                round=round_,
                file_name=(file_name or Path(path).name)[:255],
                kind=origin or export.kind,
                by=user,
                by_name=user.get_username() if user else str(actor),
            )
            if parallel is None:
                parallel = can_fork() and Path(path).stat().st_size >= PARALLEL_FROM
            importer = Importer(round_, record, spec)
            if columnar and export.by_cells:
                importer.run_chunks(
                    lambda: importer.columnar_chunks(export), progress, parallel=parallel
                )
            else:
                importer.run(validate_rows(spec, export), progress, parallel=parallel)
            audit(actor, AuditEntry.Action.CREATE, record)
    except ExportError as exc:
        raise ImportRefused(refusal(exc)) from None
    return record
