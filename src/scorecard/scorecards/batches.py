"""Batches of rows between the import's producer and its writer, and their classification
against what the round already holds (accepted, duplicate, conflict)."""

from __future__ import annotations

import marshal
from dataclasses import dataclass, field
from typing import Any

from scorecard.scorecards.cube import Profile
from scorecard.scorecards.models import Conflict, Response, Round
from scorecard.scorecards.rows import ENUMERATOR_AT
from scorecard.scorecards.spec import RowError

BATCH = 5000  # valid rows a chunk carries (the columnar and row paths)

# One valid row ready to write: stable id, content hash, row number, INSERT_COLUMNS values
# (or, from the columnar producer for PostgreSQL, their COPY line: ``rows.copy_line``).
Item = tuple[str, str, int, Any]


def _key(stable_id: str) -> int:
    """A 64-bit key of a stable id for the in-memory set of ids the round has (Python's
    string hash: stable within the process, which is all the set needs)."""
    return hash(stable_id)


@dataclass
class Chunk:
    """What the reader side hands the writer: a batch of rows, as plain picklable data."""

    rows: int  # rows read (valid and rejected)
    rejected: int
    errors: list[RowError]
    items: list[Item]
    columns: list[str]  # Import.columns once known (the raw rows are lists in this order)
    # the items' ratings already counted (``Cube.dump``), as if every item were accepted:
    # the writer takes away the few it does not insert. None: the writer counts them.
    cube: dict[Profile, bytes] | None = None
    codes: set[str] = field(default_factory=set)  # the items' enumerator codes
    # the items' COPY lines as the bytes PostgreSQL reads (line k is item k's; the items
    # then carry k): ``encode`` makes it, so the writer sends the chunk as it came
    copy: bytes | None = None

    def encode(self) -> bytes:
        """Plain data for ``marshal`` (only the import's own child process writes it)."""
        errors = [(e.row, e.column, e.value, e.reason) for e in self.errors]
        items, copy = self.items, self.copy
        if items and isinstance(items[0][3], str):
            copy = ("\n".join([it[3] for it in items]) + "\n").encode()
            items = [(sid, h, row, k) for k, (sid, h, row, _) in enumerate(items)]
        data = (self.rows, self.rejected, errors, items, self.columns, self.cube, self.codes, copy)
        return marshal.dumps(data)

    @classmethod
    def decode(cls, data: bytes) -> Chunk:
        rows, rejected, errors, items, columns, cube, codes, copy = marshal.loads(data)  # noqa: S302
        errors = [RowError(*e) for e in errors]
        return cls(rows, rejected, errors, items, columns, cube, codes, copy)


def codes(items: list[Item]) -> set[str]:
    """The enumerator codes of items that carry INSERT_COLUMNS tuples."""
    return {it[3][ENUMERATOR_AT] for it in items}


@dataclass
class Batch:
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
