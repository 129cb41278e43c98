"""The round summary's cells (the cube summed over communes), kept until data changes.

Summing a national round's cube is a ``GROUP BY`` over all its cells: 0.7 s at 100,000
respondents and 1.7 s at 1,000,000 on SQLite. The sum changes only when answers do, and
every write of answers leaves an import record or an audit entry (``portal.stamp``), so
the summed cells (a few thousand integers) are kept in the shared cache under that stamp:
the round summary page and report pay the query once per change, not once per view.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from django.core.cache import cache
from django.db import connection

from scorecard.scorecards.models import RatingCount, Round
from scorecard.scorecards.results import LEVEL_FIELDS, PROFILE_CODES, _profile_sql

KEEP_SECONDS = 24 * 3600


def summary_cells(round_: Round, questions: Sequence[str]) -> npt.NDArray[np.int64]:
    """``_summary_cells``, from the shared cache while nothing has been written."""
    from scorecard.public.portal import stamp  # public builds on scorecards

    asked = hashlib.sha256("|".join(questions).encode()).hexdigest()[:16]
    key = f"results:summary:{round_.pk}:{asked}:{stamp()}"
    kept = cache.get(key)
    if kept is not None:
        return np.frombuffer(kept, dtype=np.int64).reshape(-1, 7).copy()
    cells = _summary_cells(round_, questions)
    cache.set(key, cells.astype(np.int64).tobytes(), KEEP_SECONDS)
    return cells


def _summary_cells(round_: Round, questions: Sequence[str]) -> npt.NDArray[np.int64]:
    """The round's cube summed over communes, as :func:`_cube_sql` gives a commune's cells:
    a few thousand rows for the round summary (``ALL``) instead of every commune's cells.

    SQLite sorts to group, on one integer (the profile coded in SQL) 30% faster than on
    five texts; PostgreSQL hashes the texts faster than it codes them (120 against
    200 ms at 625,000 cells), and the few groups are then coded here.
    """
    texts = connection.vendor == "postgresql"
    profile, params = (", ".join(dict(PROFILE_CODES)), []) if texts else _profile_sql()
    sums = ", ".join(f"SUM({connection.ops.quote_name(f)})" for f in LEVEL_FIELDS)
    table = connection.ops.quote_name(RatingCount._meta.db_table)
    group = "1, 2, 3, 4, 5, 6" if texts else "1, 2"
    sql = f"SELECT question, {profile}, {sums} FROM {table} WHERE round_id = %s GROUP BY {group}"  # noqa: S608 - our own names; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, round_.pk])
        found = cursor.fetchall()
    if texts:
        found = [(q, _profile_code(rest[:5]), *rest[5:]) for q, *rest in found]
    index = {q: i for i, q in enumerate(questions)}
    cells = np.array([(index.get(q, -1), *rest) for q, *rest in found], dtype=np.int64)
    return cells.reshape(-1, 7)


def _profile_code(values: Sequence[str]) -> int:  # as _profile_sql codes them
    code = 0
    for (_, groups), value in zip(PROFILE_CODES, values, strict=True):
        code = code * (len(groups) + 1) + (groups.index(value) + 1 if value in groups else 0)
    return code
