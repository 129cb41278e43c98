"""The pre-aggregated counts (``RatingCount``) that the import keeps up to date.

A response adds one count per question (``overall`` and each indicator) to the cell of
its demographic profile (commune, sex, youth, disability, minority, IDPoor). Counting
runs on numpy arrays a batch at a time, so it costs well under a microsecond a rating.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.conf import settings

from scorecard.scorecards.models import DONT_KNOW, RATING_CHARS, RatingCount, Response, Round

Profile = tuple[str, str, str, str, str, str]  # commune, sex, youth, disability, minority, idpoor
LEVELS = 7  # n_1..n_5, n_dk, and a bucket for "no answer" that is not stored
_LUT = np.full(256, 6, dtype=np.int64)
for _i, _ch in enumerate(RATING_CHARS + DONT_KNOW):
    _LUT[ord(_ch)] = _i
COUNTS = ("n_1", "n_2", "n_3", "n_4", "n_5", "n_dk")
CUBE_COLUMNS: tuple[str, ...] = ("round", "commune", "facility", "question", "sex", "youth")
CUBE_COLUMNS += ("disability", "minority", "idpoor", *COUNTS)
FLAG_TEXT = {True: "yes", False: "no", None: ""}


def youth_band() -> tuple[int, int]:
    """settings.SCORECARD["YOUTH_AGES"]: 15-30 inclusive by default."""
    ages: tuple[int, int] = settings.SCORECARD["YOUTH_AGES"]  # type: ignore[assignment]
    return int(ages[0]), int(ages[1])


def is_youth(age: int) -> bool:
    low, high = youth_band()
    return low <= age <= high


def profile_of(
    commune: str,
    sex: str,
    youth: bool,
    disability: bool | None,
    minority: bool | None,
    idpoor: str | None,
) -> Profile:
    return (
        commune,
        sex,
        "youth" if youth else "non_youth",
        FLAG_TEXT[disability],
        FLAG_TEXT[minority],
        idpoor or "",
    )


def answer_string(overall: int | None, overall_dk: bool, ratings: str) -> str:
    """The cube's input for one response: overall's character, then the ratings."""
    first = str(overall) if overall is not None else (DONT_KNOW if overall_dk else "-")
    return first + ratings


class Cube:
    """Counts per (profile, question, level), accumulated in memory, then saved."""

    def __init__(self, questions: Sequence[tuple[str, str]]) -> None:
        self.questions = list(questions)  # (facility, question) in answer-string order
        self.width = len(self.questions)
        self.cells: dict[Profile, np.ndarray] = {}

    def add(self, profiles: Sequence[Profile], answers: Sequence[str], sign: int = 1) -> None:
        if not profiles:
            return
        local: dict[Profile, int] = {}
        index = np.fromiter(
            (local.setdefault(p, len(local)) for p in profiles), dtype=np.int64, count=len(profiles)
        )
        self.add_indexed(list(local), index, "".join(answers).encode("ascii"), sign)

    def add_indexed(
        self, profiles: Sequence[Profile], index: np.ndarray, answers: bytes, sign: int = 1
    ) -> None:
        """``add`` with each row's profile given as its index in ``profiles`` and the
        rows' answer strings as one ASCII text (the import's Arrow path makes both)."""
        codes = np.frombuffer(answers, dtype=np.uint8).reshape(len(index), self.width)
        cell = (index[:, None] * self.width + np.arange(self.width)) * LEVELS + _LUT[codes]
        counts = np.bincount(cell.ravel(), minlength=len(profiles) * self.width * LEVELS)
        counts = counts.reshape(len(profiles), self.width, LEVELS) * sign
        for k, profile in enumerate(profiles):
            if profile in self.cells:
                self.cells[profile] += counts[k]
            else:
                self.cells[profile] = counts[k].copy()

    def dump(self) -> dict[Profile, bytes]:
        """The counts as plain data (to cross from the import's producer process)."""
        return {p: counts.astype(np.int64).tobytes() for p, counts in self.cells.items()}

    def merge(self, dumped: dict[Profile, bytes]) -> None:
        """Add counts made by ``dump`` of a cube of the same questions."""
        shape = (self.width, LEVELS)
        for profile, data in dumped.items():
            counts = np.frombuffer(data, dtype=np.int64).reshape(shape)
            if profile in self.cells:
                self.cells[profile] += counts
            else:
                self.cells[profile] = counts.copy()

    def save(self, round_: Round) -> None:
        """Add the accumulated counts to the round's stored cube."""
        if not self.cells:
            return
        stored: dict[tuple[str, ...], RatingCount] = {
            (c.commune_id, c.question, c.sex, c.youth, c.disability, c.minority, c.idpoor): c
            for c in RatingCount.objects.filter(
                round=round_, commune_id__in={p[0] for p in self.cells}
            )
        }
        new: list[tuple[object, ...]] = []
        changed: list[RatingCount] = []
        for profile, counts in self.cells.items():
            commune, *rest = profile
            for q, (facility, question) in enumerate(self.questions):
                row = counts[q]
                if not row[:6].any():
                    continue
                cell = stored.get((commune, question, *rest))
                if cell is None:
                    levels = [int(v) for v in row[:6]]
                    new.append((round_.pk, commune, facility, question, *rest, *levels))
                    continue
                for level, name in enumerate(COUNTS):
                    setattr(cell, name, getattr(cell, name) + int(row[level]))
                changed.append(cell)
        from scorecard.scorecards.rows import insert_rows

        insert_rows(RatingCount, CUBE_COLUMNS, new)
        RatingCount.objects.bulk_update(changed, list(COUNTS), batch_size=500)
        self.cells.clear()


def questions_of(round_: Round) -> list[tuple[str, str]]:
    indicators = round_.template_version.ordered_indicators()
    return [("all", "overall")] + [(i.facility_type.code, i.code) for i in indicators]


def add_responses(round_: Round, responses: Sequence[Response], sign: int = 1) -> None:
    """Add (or with ``sign=-1`` take away) stored responses' answers to the cube."""
    cube = Cube(questions_of(round_))
    cube.add(
        [
            profile_of(r.commune_id, r.sex, r.youth, r.disability, r.minority, r.idpoor)
            for r in responses
        ],
        [answer_string(r.overall, r.overall_dk, r.ratings) for r in responses],
        sign,
    )
    cube.save(round_)
