"""The import's producer for CSV exports read by the Python reader and validated a batch
at a time (``exports.columnar``): the path for files the Arrow reader refuses
(``arrow_import``), and the reference it is tested against.

No database use: this may run in the producer process (``Importer.run_chunks``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import repeat
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from scorecard.scorecards.batches import BATCH, Chunk, Item
from scorecard.scorecards.cube import FLAG_TEXT, Cube
from scorecard.scorecards.exports import Export, ExportError, check_form
from scorecard.scorecards.exports.columnar import ColumnarValidator
from scorecard.scorecards.rows import (
    CELL_CHAR,
    OVERALL_CHAR,
    YOUTH_TEXT,
    copy_lines,
    db_times,
)

if TYPE_CHECKING:
    from scorecard.scorecards.importing import Importer

# rows validated together: small enough for the batch's cells to stay in the CPU cache
# between its passes over them (measured: 1,000 rows ~30% faster than 5,000)
COLUMNAR_BATCH = 1000


def columnar_chunks(importer: Importer, export: Export) -> Iterator[Chunk]:
    """``Importer.chunks`` for a CSV export read as cell lists and validated a batch at a time
    (``exports.columnar``): the same items, several times faster."""
    errors = check_form(importer.spec, export.names)
    if errors:
        raise ExportError(errors)
    records = export.records()
    assert records is not None and export.convert is not None
    validator = ColumnarValidator(
        importer.spec, export.names, export.convert, CELL_CHAR, timezone.get_current_timezone()
    )
    chunk = Chunk(0, 0, [], [], importer.record.columns, {})
    cube = Cube(importer.cube.questions)
    batch: list[tuple[int, list[str]]] = []
    for record in records:
        batch.append(record)
        if len(batch) >= COLUMNAR_BATCH:
            columnar_chunk(importer, validator, batch, export.names, chunk, cube)
            batch = []
            if len(chunk.items) >= BATCH:
                chunk.cube = cube.dump()
                yield chunk
                chunk = Chunk(0, 0, [], [], importer.record.columns, {})
                cube = Cube(importer.cube.questions)
    columnar_chunk(importer, validator, batch, export.names, chunk, cube)
    chunk.cube = cube.dump()
    yield chunk


def columnar_chunk(
    importer: Importer,
    validator: ColumnarValidator,
    records: list[tuple[int, list[str]]],
    names: list[str],
    chunk: Chunk,
    cube: Cube,
) -> None:
    """Validate one batch of records and add its items (and their counts) to ``chunk``."""
    result = validator.batch(records)
    f = result.fast
    n = len(f)
    if n and not importer.record.columns:
        importer.record.columns.extend(names)
    low, high = importer.youth
    youth = {a: low <= a <= high for a in set(f.age)}
    codes = set(f.enumerator)
    chunk.codes.update(codes)
    pks = {e: importer.enumerators.get(e) for e in codes}
    values: Iterable[tuple[Any, ...] | str]
    if importer.copy:
        constants = (
            importer.round.pk,
            importer.record.pk,
            importer.record.file_name,
            importer.now_db,
        )
        values = copy_lines(f, constants, youth, pks)
    else:
        values = zip(
            repeat(importer.round.pk, n),
            repeat(importer.record.pk, n),
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
            [t.encode() for t in f.needs],  # rows.UTF8_COLUMNS
            db_times(f.started),
            db_times(f.ended),
            repeat(importer.record.file_name, n),
            f.form_version,
            f.review_state,
            [t.encode() for t in f.raw],
            repeat(importer.now_db, n),
            strict=False,  # repeat() is bounded by n, the lists have n items
        )
    items: list[Item] = list(zip(f.stable_id, f.content_hash, f.row, values, strict=True))
    flag = FLAG_TEXT
    cube.add(
        list(
            zip(
                f.commune,
                f.sex,
                [YOUTH_TEXT[youth[a]] for a in f.age],
                [flag[d] for d in f.disability],
                [flag[m] for m in f.minority],
                f.idpoor,
                strict=True,
            )
        ),
        [
            OVERALL_CHAR[o, dk] + r
            for o, dk, r in zip(f.overall, f.overall_dk, f.ratings, strict=True)
        ],
    )
    chunk.rows += len(records)
    if result.slow:
        items = importer.place_slow(chunk, items, f.position, result.slow, cube)
    chunk.items.extend(items)
