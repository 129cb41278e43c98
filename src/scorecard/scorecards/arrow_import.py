"""The import's producer for CSV exports read by Arrow (``exports.arrow``): each block of
rows becomes one ``Chunk`` for the writer, its stored values built column by column by
Arrow's kernels. On PostgreSQL a block's COPY text is one Arrow string join, sent to the
server as it came; on SQLite the values become the tuples ``executemany`` binds.

No database use: this runs in the producer process (``Importer.run_chunks``).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import repeat
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils import timezone

from scorecard.scorecards.batches import Chunk, Item
from scorecard.scorecards.cube import FLAG_TEXT, Cube
from scorecard.scorecards.exports import Export, ExportError, check_form
from scorecard.scorecards.exports.arrow import (
    ArrowValidator,
    Block,
    blocks,
    byte_table,
    has_bytes,
    opener,
)
from scorecard.scorecards.exports.columnar import ColumnarValidator
from scorecard.scorecards.rows import CELL_CHAR, OVERALL_CHAR, YOUTH_TEXT, copy_text

if TYPE_CHECKING:
    from scorecard.scorecards.importing import Importer

_COPY_BYTES = byte_table("\\\t\n\r")
_COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def arrow_chunks(importer: Importer, export: Export) -> Iterator[Chunk]:
    """``columnar_import.columnar_chunks`` for an export read by Arrow: the same items."""
    errors = check_form(importer.spec, export.names)
    if errors:
        raise ExportError(errors)
    columnar = ColumnarValidator(
        importer.spec,
        export.names,
        export.convert,  # type: ignore[arg-type]  # set for every CSV export
        CELL_CHAR,
        timezone.get_current_timezone(),
    )
    validator = ArrowValidator(columnar, export.names)
    first = 2  # the header is row 1
    produced = False
    for batch in blocks(export, opener(export)):
        block = validator.block(batch, first)
        first += batch.num_rows
        produced = True
        yield chunk_of(importer, block, export.names)
    if not produced:
        yield Chunk(0, 0, [], [], importer.record.columns, Cube(importer.cube.questions).dump())


def chunk_of(importer: Importer, block: Block, names: list[str]) -> Chunk:
    """One block as the writer's chunk: items in row order, the fast rows counted."""
    rec = importer.record
    f = block.fields
    n = len(block)
    if n and not rec.columns:
        rec.columns.extend(names)
    low, high = importer.youth
    youth = pc.and_(pc.greater_equal(f["age"], low), pc.less_equal(f["age"], high))
    enumerators = f["enumerator"].dictionary_encode()
    codes = enumerators.dictionary.to_pylist()
    pks = pa.array([importer.enumerators.get(e) for e in codes], type=pa.int64())
    pk = pks.take(enumerators.indices)
    chunk = Chunk(block.rows, 0, [], [], rec.columns, None, set(codes))
    cube = Cube(importer.cube.questions)
    _count(cube, f, youth)
    sids, hashes, rows = (f[k].to_pylist() for k in ("stable_id", "content_hash", "row"))
    items: list[Item]
    if importer.copy:
        lines = copy_lines(importer, f, youth, pk)
        if not block.slow:
            chunk.copy = _concat(pc.binary_join_element_wise(lines, "", "\n"))
            items = list(zip(sids, hashes, rows, range(n), strict=True))
        else:
            items = list(zip(sids, hashes, rows, lines.to_pylist(), strict=True))
    else:
        items = list(zip(sids, hashes, rows, sqlite_values(importer, f, youth, pk), strict=True))
    if block.slow:
        items = importer.place_slow(chunk, items, block.position.tolist(), block.slow, cube)
    chunk.items = items
    chunk.cube = cube.dump()
    return chunk


def _count(cube: Cube, f: dict[str, pa.Array], youth: pa.Array) -> None:
    """Add the fast rows' answers to the cube, each distinct profile built once."""
    if not len(f["commune"]):
        return
    flag = FLAG_TEXT  # null: ""
    profile = pc.binary_join_element_wise(
        f["commune"],
        f["sex"],
        pc.if_else(youth, YOUTH_TEXT[True], YOUTH_TEXT[False]),
        pc.if_else(f["disability"], flag[True], flag[False]).fill_null(flag[None]),
        pc.if_else(f["minority"], flag[True], flag[False]).fill_null(flag[None]),
        f["idpoor"],
        "\x1f",
    ).dictionary_encode()
    profiles = [tuple(p.split("\x1f")) for p in profile.dictionary.to_pylist()]
    overall = pc.if_else(
        f["overall_dk"],
        OVERALL_CHAR[None, True],
        pc.cast(f["overall"], pa.string()).fill_null(OVERALL_CHAR[None, False]),
    )
    answers = _concat(pc.binary_join_element_wise(overall, f["ratings"], ""))
    cube.add_indexed(profiles, profile.indices.to_numpy(), answers)  # type: ignore[arg-type]


def _concat(texts: pa.Array) -> bytes:
    """A string array's values back to back, as its data buffer holds them."""
    if not len(texts):
        return b""
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32)
    start, end = offsets[texts.offset], offsets[texts.offset + len(texts)]
    return texts.buffers()[2].to_pybytes()[start:end]


def _text(a: pa.Array) -> pa.Array:
    """A text column as COPY writes it: escaped, NULL as ``\\N``."""
    if has_bytes(a, _COPY_BYTES):
        for char, escaped in _COPY_ESCAPES:
            a = pc.replace_substring(a, char, escaped)
    return a.fill_null("\\N") if a.null_count else a


def _bool(a: pa.Array) -> pa.Array:
    return pc.if_else(a, "t", "f").fill_null("\\N")


def _int(a: pa.Array) -> pa.Array:
    return pc.cast(a, pa.string()).fill_null("\\N")


def _utc(a: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(a, "+00:00", "").fill_null("\\N")


def copy_lines(
    importer: Importer, f: dict[str, pa.Array], youth: pa.Array, pk: pa.Array
) -> pa.Array:
    """The fast rows' INSERT_COLUMNS values as COPY lines (``rows.copy_line``)."""
    rec, now = importer.record, importer.now_db
    constant = [copy_text(v) for v in (importer.round.pk, rec.pk, rec.file_name, now)]
    columns = [
        constant[0],
        constant[1],
        _text(f["stable_id"]),
        _text(f["instance_id"]),
        f["content_hash"],
        _text(f["commune"]),
        _text(f["village"]),
        _text(f["sex"]),
        _int(f["age"]),
        _bool(youth),
        _bool(f["disability"]),
        _bool(f["minority"]),
        _text(f["idpoor"]),
        _text(f["enumerator"]),
        _int(pk),
        _int(f["overall"]),
        _bool(f["overall_dk"]),
        _text(f["change"]),
        f["ratings"],
        _text(f["needs"]),
        _utc(f["started"]),
        _utc(f["ended"]),
        constant[2],
        _text(f["form_version"]),
        _text(f["review_state"]),
        _text(f["raw"]),
        constant[3],
    ]
    return pc.binary_join_element_wise(*columns, "\t")


def sqlite_values(
    importer: Importer, f: dict[str, pa.Array], youth: pa.Array, pk: pa.Array
) -> list[tuple[Any, ...]]:
    """The fast rows' INSERT_COLUMNS tuples for SQLite (raw and needs as UTF-8 bytes:
    ``rows.UTF8_COLUMNS``; times as UTC text)."""
    n = len(f["commune"])
    rec = importer.record

    def py(name: str) -> list[Any]:
        return f[name].to_pylist()  # type: ignore[no-any-return]

    return list(
        zip(
            repeat(importer.round.pk, n),
            repeat(rec.pk, n),
            py("stable_id"),
            py("instance_id"),
            py("content_hash"),
            py("commune"),
            py("village"),
            py("sex"),
            py("age"),
            youth.to_pylist(),
            py("disability"),
            py("minority"),
            py("idpoor"),
            py("enumerator"),
            pk.to_pylist(),
            py("overall"),
            py("overall_dk"),
            py("change"),
            py("ratings"),
            f["needs"].cast(pa.binary()).to_pylist(),
            py("started"),
            py("ended"),
            repeat(rec.file_name, n),
            py("form_version"),
            py("review_state"),
            f["raw"].cast(pa.binary()).to_pylist(),
            repeat(importer.now_db, n),
            strict=False,  # repeat() is bounded by n, the lists have n items
        )
    )
