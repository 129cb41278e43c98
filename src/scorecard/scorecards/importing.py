"""Import a Kobo / ODK Central export into a round: read, validate, write in one transaction.

Read and validate are the pure ``exports`` module (streaming, every error with row,
column, value and reason); ``rows`` is the stored form of a row and its inserts;
``batches`` carries batches from the producer process and classifies each valid row
against what is stored. This module runs both sides and writes, in one transaction:

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

import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from scorecard.audit.log import record as audit
from scorecard.audit.models import AuditEntry
from scorecard.scorecards.actions import ActionError
from scorecard.scorecards.batches import BATCH, Batch, Chunk, Item, codes, stored_keys
from scorecard.scorecards.columnar_import import columnar_chunks
from scorecard.scorecards.cube import (
    Cube,
    answer_string,
    profile_of,
    questions_of,
    youth_band,
)
from scorecard.scorecards.exports import (
    Export,
    ExportError,
    open_export,
    validate_rows,
    write_rejects,
)
from scorecard.scorecards.exports.pipeline import can_fork, collector_paused, forked
from scorecard.scorecards.exports.read import FastReadRefused
from scorecard.scorecards.forms import form_spec
from scorecard.scorecards.models import (
    Conflict,
    Enumerator,
    Import,
    Response,
    Round,
)
from scorecard.scorecards.rows import (
    ENUMERATOR_AT,
    RATINGS_AT,
    RAW_AT,
    as_values,
    copy_line,
    copy_values,
    db_datetimes,
    dumps_compact,
    insert_copy,
    insert_responses,
    ratings_string,
)
from scorecard.scorecards.spec import FormSpec, ParsedResponse, RowError

PARALLEL_FROM = 4 << 20  # bytes of export (~7,000 rows of the default template)
Progress = Callable[[int], None]


class ImportRefused(ActionError):
    """The file as a whole is not importable into the round; nothing was stored."""


def refusal(exc: ExportError) -> str:
    """One readable line for a file-level error (long column lists are shortened)."""
    text = exc.error.reason
    if len(text) > 300:
        text = text[:300].rsplit(",", 1)[0] + ", …"
    return text


# Batches at least this large read the round's stable ids once into ``Batch.seen``.
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
        self.youth = youth_band()
        self.now_db = db_datetimes([timezone.now()])[0]
        self.seen: set[int] | None = None
        # PostgreSQL: the columnar producer writes each row as its COPY line, so the
        # writer only joins the accepted ones (``rows.copy_line``)
        self.copy = connection.vendor == "postgresql"

    def run(
        self, results: Iterator[Any], progress: Progress | None, *, parallel: bool = False
    ) -> None:
        """Write every result; with ``parallel``, read and validate in a forked process
        (``exports.pipeline``) while this one writes."""
        self.run_chunks(lambda: self.chunks(results), progress, parallel=parallel)

    def run_chunks(
        self,
        make: Callable[[], Iterator[Chunk]],
        progress: Progress | None,
        *,
        parallel: bool = False,
    ) -> None:
        """Write the chunks of ``make()``; with ``parallel``, made in a forked producer
        process (``pipeline.forked``)."""
        if connection.vendor == "sqlite":  # a larger page cache for the index inserts
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -65536")
        rec = self.record
        chunks = forked(make, encode=Chunk.encode, decode=Chunk.decode) if parallel else make()
        # the forked producer inherits the paused collector
        with collector_paused():
            for chunk in chunks:
                rec.rows += chunk.rows
                rec.rejected += chunk.rejected
                self.errors.extend(chunk.errors)
                if chunk.columns and not rec.columns:
                    rec.columns.extend(chunk.columns)
                if chunk.cube is not None:
                    self.cube.merge(chunk.cube)
                self.write_items(
                    chunk.items,
                    counted=chunk.cube is not None,
                    codes=chunk.codes,
                    copy=chunk.copy,
                )
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

    def chunks(self, results: Iterator[Any]) -> Iterator[Chunk]:
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
                yield Chunk(rows, rejected, errors, items, self.record.columns, None, codes(items))
                rows = rejected = 0
                errors, items = [], []
        yield Chunk(rows, rejected, errors, items, self.record.columns, None, codes(items))

    def place_slow(
        self,
        chunk: Chunk,
        items: list[Item],
        positions: Sequence[int],
        slow: list[tuple[int, Any]],
        cube: Cube,
    ) -> list[Item]:
        """The fast rows' ``items`` (at ``positions`` in their batch) with the row
        validator's results for the others, in the batch's order: rejected rows go to the
        chunk's errors, valid ones become items and are counted in ``cube``."""
        placed: list[tuple[int, Item]] = list(zip(positions, items, strict=True))
        valid: list[tuple[Any, ...]] = []
        for position, res in slow:
            if isinstance(res, list):
                chunk.rejected += 1
                chunk.errors.extend(res)
                continue
            value = self.row(res)
            valid.append(value)
            chunk.codes.add(res.enumerator)
            line = copy_line(value) if self.copy else value
            placed.append((position, (res.stable_id, res.content_hash, res.row, line)))
        placed.sort(key=lambda pi: pi[0])
        self.count(valid, cube=cube)
        return [it for _, it in placed]

    def write(self, parsed: list[ParsedResponse]) -> None:
        self.write_items([(p.stable_id, p.content_hash, p.row, self.row(p)) for p in parsed])

    def write_items(
        self,
        items: list[Item],
        *,
        counted: bool = False,
        codes: Iterable[str] | None = None,
        copy: bytes | None = None,
    ) -> None:
        """Classify and insert; ``counted``: the items are in the cube already (the ones
        not inserted are taken away again); ``codes``: the items' enumerator codes, when
        known; ``copy``: the items' COPY lines (``Chunk.copy``; the items carry their
        line numbers)."""
        if not items:
            return
        lines: list[bytes] = []

        def values(it: Item) -> tuple[Any, ...]:
            if copy is None:
                return as_values(it[3])
            if not lines:
                lines.extend(copy.split(b"\n"))
            return copy_values(lines[it[3]].decode())

        if codes is None:
            codes = {values(it)[ENUMERATOR_AT] for it in items}
        self.unknown.update(code for code in codes if code not in self.enumerators)
        if self.seen is None and len(items) >= SEEN_FROM:
            self.seen = stored_keys(self.round)
        batch = Batch(self.round, seen=self.seen)
        batch.classify(items)
        accepted = batch.new.values()
        if copy is None:
            insert_responses([it[3] for it in accepted])
        elif len(accepted) == len(items):  # the usual chunk: sent as it came
            insert_copy(copy)
        else:
            values(items[0])  # the lines, split
            insert_copy(b"".join([lines[it[3]] + b"\n" for it in accepted]))
        if counted:
            self.count([values(it) for it in (*batch.dropped, *batch.conflicts)], sign=-1)
        else:
            self.count([values(it) for it in accepted])
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
                    incoming=self.incoming(values(it)[RAW_AT]),
                    incoming_hash=it[1],
                )
                for it in batch.conflicts
            )
        self.record.accepted += len(accepted)
        self.record.duplicates += batch.duplicates
        self.record.conflicts += len(batch.conflicts)

    def count(
        self, rows: Sequence[tuple[Any, ...]], sign: int = 1, cube: Cube | None = None
    ) -> None:
        """Add INSERT_COLUMNS rows' answers to the cube (profile columns: commune, sex,
        youth, disability, minority, idpoor)."""
        (cube or self.cube).add(
            [profile_of(r[5], r[7], r[9], r[10], r[11], r[12]) for r in rows],
            [answer_string(r[15], r[16], r[RATINGS_AT]) for r in rows],
            sign,
        )

    def incoming(self, raw: str | bytes) -> dict[str, str]:
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
            return dumps_compact(list(row.values()))
        return dumps_compact(row)

    def row(self, p: ParsedResponse) -> tuple[Any, ...]:
        """The values of INSERT_COLUMNS for one accepted row."""
        started_db, ended_db = db_datetimes([p.started, p.ended])
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
            dumps_compact(p.needs),
            started_db,
            ended_db,
            self.record.file_name,
            p.form_version,
            p.review_state or "",
            self.raw(p.raw),
            self.now_db,
        )


def arrow_chunks(importer: Importer, export: Export) -> Iterator[Chunk]:
    """``arrow_import.arrow_chunks``, with pyarrow loaded only where it runs (the producer
    process: the writer's memory stays without it)."""
    from scorecard.scorecards.arrow_import import arrow_chunks as chunks

    return chunks(importer, export)


def import_export(
    actor: Any,
    round_: Round,
    path: Path | str,
    *,
    file_name: str = "",
    progress: Progress | None = None,
    parallel: bool | None = None,
    columnar: bool = True,
    arrow: bool = True,
    origin: str = "",
) -> Import:
    """Import one export file into a round, atomically; returns the Import with its counts.

    ``parallel``: read and validate in a forked producer process while this one writes
    (default: for files of PARALLEL_FROM bytes or more, where forking pays off).
    ``origin``: the Import's kind when the file was made by another path (a pull from
    ODK Central, keyed paper questionnaires) rather than the sniffed export format.
    ``columnar``: validate CSV exports a batch at a time (``exports.columnar``); False
    validates row by row (the reference the columnar path is tested against).
    ``arrow``: read such exports with Arrow (``exports.arrow``); a file Arrow cannot read
    exactly as the Python reader does is read again by it, from nothing.
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
    if parallel is None:
        parallel = can_fork() and Path(path).stat().st_size >= PARALLEL_FROM

    def attempt(reader: str) -> Import:
        with transaction.atomic():  # a savepoint: a refused Arrow read leaves nothing
            record = Import.objects.create(
                round=round_,
                file_name=(file_name or Path(path).name)[:255],
                kind=origin or export.kind,
                by=user,
                by_name=user.get_username() if user else str(actor),
            )
            importer = Importer(round_, record, spec)
            if reader == "arrow":
                make: Callable[[], Iterator[Chunk]] = lambda: arrow_chunks(importer, export)  # noqa: E731
                importer.run_chunks(make, progress, parallel=parallel)
            elif reader == "columnar":
                make = lambda: columnar_chunks(importer, export)  # noqa: E731
                importer.run_chunks(make, progress, parallel=parallel)
            else:
                importer.run(validate_rows(spec, export), progress, parallel=parallel)
            return record

    fast = "columnar" if columnar and export.by_cells else "rows"
    try:
        with transaction.atomic():
            try:
                record = attempt("arrow" if fast == "columnar" and arrow else fast)
            except FastReadRefused:  # read again by the Python reader, its exact messages
                record = attempt(fast)
            audit(actor, AuditEntry.Action.CREATE, record)
    except ExportError as exc:
        raise ImportRefused(refusal(exc)) from None
    return record
