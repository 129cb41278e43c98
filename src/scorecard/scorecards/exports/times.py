"""Submission times as the import stores them: UTC text, for a whole column at once (pure:
no Django). ``rows.db_datetimes`` adds what each database wants around it.

Per value, ``str(value.astimezone(UTC))`` costs ~3.5 us, and parsing with
``datetime.fromisoformat`` ~0.3 us more; a row has two. numpy does both for a column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
# the precisions numpy and ``datetime.fromisoformat`` read alike: length -> numpy unit
_UNITS = {19: "s", 23: "ms", 26: "us"}


def us_text(us: np.ndarray) -> list[str]:
    """Microseconds since the epoch (UTC) as ``YYYY-MM-DD HH:MM:SS[.ffffff]``, the text
    Django writes for an aware datetime in SQLite (no fraction when it is zero)."""
    return [
        (t if t[-6:] != "000000" else t[:-7]).replace("T", " ")
        for t in np.datetime_as_string(us.astype("datetime64[us]"), unit="us").tolist()
    ]


def utc_text(values: Sequence[dt.datetime | None], zone: dt.tzinfo) -> list[str | None]:
    """Datetimes as UTC text (naive ones are in ``zone``, as Django's ``make_aware``)."""
    known = [v for v in values if v is not None]
    if not known:
        return [None] * len(values)
    us = np.fromiter(
        (
            ((v if v.tzinfo is not None else v.replace(tzinfo=zone)) - _EPOCH) // _MICROSECOND
            for v in known
        ),
        dtype=np.int64,
        count=len(known),
    )
    text = us_text(us)
    if len(known) == len(values):
        return list(text)
    it = iter(text)
    return [None if v is None else next(it) for v in values]


def iso_utc(cells: Sequence[str]) -> tuple[list[str | None], np.ndarray] | None:
    """A column of cells written the way Kobo and ODK Central write times, one UTC offset
    for all (``2024-03-04T12:10:22.601+07:00``; empty cells allowed), as UTC text and as
    microseconds since the epoch (empty: the smallest int64). None for any other column:
    the caller then reads each cell with ``datetime.fromisoformat``, as the row validator
    does.

    numpy reads more forms than ``fromisoformat``; a column is taken only when numpy writes
    every cell back exactly as it was, in one of the forms both read alike, so the
    values are the row validator's.
    """
    present = [c for c in cells if c]
    n = len(cells)
    if not present:
        return [None] * n, np.full(n, np.iinfo(np.int64).min)
    tails = {c[-6:] for c in present}
    if len(tails) != 1:
        return None
    tail = tails.pop()
    if not (tail[0] in "+-" and tail[1:3].isdigit() and tail[3] == ":" and tail[4:].isdigit()):
        return None
    heads = [c[:-6] for c in present]
    lengths = {len(h) for h in heads}
    unit = _UNITS.get(lengths.pop()) if len(lengths) == 1 else None
    if unit is None or {h[10] for h in heads} != {"T"}:
        return None
    try:
        local = np.array(heads, dtype=f"datetime64[{unit}]")
    except ValueError:
        return None
    if np.datetime_as_string(local, unit=unit).tolist() != heads:  # type: ignore[call-overload]
        return None
    minutes = int(tail[1:3]) * 60 + int(tail[4:6])
    offset = np.timedelta64(minutes if tail[0] == "+" else -minutes, "m")
    us = (local - offset).astype("datetime64[us]").astype(np.int64)
    text = us_text(us)
    if len(present) == n:
        return list(text), us
    full = np.full(n, np.iinfo(np.int64).min)
    mask = np.fromiter((bool(c) for c in cells), dtype=bool, count=n)
    full[mask] = us
    it = iter(text)
    return [next(it) if c else None for c in cells], full
