"""The columnar import path stores exactly what the row-by-row path stores.

``exports.columnar`` accepts a row only when every cell is already canonical and hands
every other row to the row validator. These tests import the same files both ways, into
two rounds of the same form, and compare every stored field, the counts, the rejects file
and the cube, for files full of the variations real exports carry.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from scorecard.scorecards.exports.columnar import raw_json
from scorecard.scorecards.importing import import_export
from scorecard.scorecards.models import Conflict, Import, RatingCount, Response, Round
from tests.factories_scorecards import make_export, make_round

pytestmark = pytest.mark.django_db

SKIP = {"id", "round", "source", "imported_at"}
FIELDS = [f.attname for f in Response._meta.concrete_fields if f.name not in SKIP]
SCORE = "health_centre/hc_medicines"

# (column, values) a row may get instead of its own: canonical and not, valid and not
VARIANTS: list[tuple[str, list[str]]] = [
    ("commune", [" 010201", "999999", "", "010201 "]),
    ("village", ["", " 01020101", "99999999", "0102010"]),
    ("sex", ["Female", " male", "x", "", "MALE"]),
    ("age", ["+25", " 30", "abc", "250", "", "014", "٢٥", "-3", "15", "30", "31"]),
    ("disability", ["YES", "maybe", "", " no"]),
    ("minority", ["No", "", "yes"]),
    ("change", ["BETTER", "worse ", "sideways", ""]),
    ("enumerator", [" enum01 ", "", "ENUM02", "enum99"]),
    ("overall", ["DK", "7", " 4", "", "dk", "5"]),
    (SCORE, ["dk", " 3", "7", "DK", "", "0"]),
    ("health_centre/needs", ['say "hi"', "a\\b", "ក\u200bខ", "tab\there", "two\nlines", "=1+1"]),
    ("start", ["2024-03-04T10:00:00", "garbage", "", " 2024-03-04T08:00:00+07:00"]),
    ("end", ["2024-03-04T09:00:00+07:00", "2020-01-01T00:00:00+07:00", ""]),
    ("meta/rootUuid", ["", "UUID:abc-1", "uuid:abc-2 ", "  ", "plain-id"]),
    ("meta/instanceID", ["", "uuid:other-1", "x "]),
    ("_validation_status", ["validation_status_approved", "validation_status_not_approved"]),
    ("_validation_status", ["validation_status_on_hold", "Approved"]),
    ("__version__", ["", " v9 "]),
]


def vary(seed: int, share: float):
    rng = random.Random(seed)
    earlier: list[dict[str, str]] = []

    def tweak(i: int, row: dict[str, str]) -> None:
        roll = rng.random()
        if earlier and roll < 0.03:  # a duplicate of an earlier row
            row.clear()
            row.update(rng.choice(earlier))
            return
        if earlier and roll < 0.06:  # a conflict: an earlier id, other answers
            other = rng.choice(earlier)
            for key in ("meta/rootUuid", "meta/instanceID", "KEY", "_uuid"):
                if key in other:
                    row[key] = other[key]
            row["overall"] = rng.choice("12345")
            return
        if roll < 0.06 + share:
            for _ in range(rng.randint(1, 3)):
                column, values = rng.choice(VARIANTS)
                row[column] = rng.choice(values)
        earlier.append(dict(row))

    return tweak


def append_raw(path: Path, lines: list[str]) -> None:
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.writelines(lines)


def stored(round_: Round) -> list[tuple[Any, ...]]:
    rows = Response.objects.filter(round=round_).order_by("stable_id").values_list(*FIELDS)
    return list(rows)


def cube(round_: Round) -> list[tuple[Any, ...]]:
    names = [f.attname for f in RatingCount._meta.concrete_fields if f.name not in {"id", "round"}]
    return sorted(RatingCount.objects.filter(round=round_).values_list(*names))


def summary(record: Import) -> tuple[Any, ...]:
    return (
        record.summary(),
        record.rejects,
        record.columns,
        record.unknown_enumerators,
        record.kind,
    )


def conflicts(round_: Round) -> list[tuple[Any, ...]]:
    return sorted(
        Conflict.objects.filter(round=round_).values_list(
            "row", "stable_id", "incoming", "incoming_hash"
        )
    )


def both_ways(path: Path, *, parallel: bool = False) -> tuple[Import, Import, Round, Round]:
    a, b = make_round(), make_round()
    fast = import_export("test", a, path, file_name="f.csv", parallel=parallel)
    slow = import_export("test", b, path, file_name="f.csv", parallel=False, columnar=False)
    return fast, slow, a, b


def assert_same(path: Path, *, parallel: bool = False) -> Import:
    fast, slow, a, b = both_ways(path, parallel=parallel)
    assert summary(fast) == summary(slow)
    assert stored(a) == stored(b)
    assert cube(a) == cube(b)
    assert conflicts(a) == conflicts(b)
    return fast


@pytest.mark.parametrize("fmt", ["kobo_csv", "kobo_csv_comma", "odk_csv", "odk_zip"])
def test_it_stores_the_same_as_the_row_validator(tmp_path, fmt):
    suffix = ".csv.zip" if fmt == "odk_zip" else ".csv"
    path = make_export(
        make_round(), tmp_path / f"e{suffix}", fmt=fmt, rows=600, tweak=vary(11, 0.5)
    )
    record = assert_same(path)
    s = record.summary()
    # the file really exercises every outcome
    assert s["accepted"] > 100 and s["rejected"] > 50
    assert s["duplicates"] > 0 and s["conflicts"] > 0


def test_it_stores_the_same_through_the_producer_process(tmp_path):
    path = make_export(make_round(), tmp_path / "e.csv", rows=1500, tweak=vary(5, 0.3))
    assert_same(path, parallel=True)


def test_it_stores_the_same_for_ragged_and_blank_lines(tmp_path):
    path = make_export(make_round(), tmp_path / "e.csv", rows=30, tweak=vary(3, 0.2))
    text = path.read_text(encoding="utf-8-sig")
    header, first = text.splitlines()[:2]
    cells = first.split(";")
    append_raw(
        path,
        [
            "\n",
            ";".join(cells[:-3]) + "\n",  # too few cells
            ";".join([*cells, '"extra"']) + "\n",  # one cell too many
            ";".join([*cells, '""']) + "\n",  # an empty cell too many
            "\r\n",
            first.replace(cells[0], '"2024-03-04T08:00:00.000+07:00"') + "\n",
        ],
    )
    assert_same(path)


def test_it_is_fast_for_a_clean_file_and_slow_only_where_needed(tmp_path, monkeypatch):
    from scorecard.scorecards.exports import validate

    calls = []
    original = validate.RowValidator.__call__

    def counting(self, n, row):
        calls.append(n)
        return original(self, n, row)

    monkeypatch.setattr(validate.RowValidator, "__call__", counting)
    round_ = make_round()
    path = make_export(round_, tmp_path / "clean.csv", rows=200)
    record = import_export("test", round_, path)
    assert record.accepted == 200 and calls == []
    bad = make_export(round_, tmp_path / "bad.csv", rows=50, seed=9, tweak=_age_at(7, "abc"))
    import_export("test", make_round(), bad)
    assert calls == [9]  # row 9 of the file (the header is row 1)


def _age_at(i_bad: int, value: str):
    def tweak(i: int, row: dict[str, str]) -> None:
        if i == i_bad:
            row["age"] = value

    return tweak


@pytest.mark.parametrize(
    "cells",
    [
        ["a", "b"],
        ["ស្ត្រី", ""],
        ['say "hi"', "x"],
        ["a\\b"],
        ["tab\t", "nl\n"],
        ["zero\u200bwidth"],
        ["\x7f"],
        ["\u2028"],
        [],
    ],
)
def test_it_writes_raw_cells_as_json_does(cells):
    import json

    assert raw_json(cells) == json.dumps(cells, ensure_ascii=False, separators=(",", ":"))


def test_it_writes_datetimes_as_django_does():
    import datetime as dt

    from django.db import connection

    from scorecard.scorecards.rows import db_datetimes

    zone = dt.timezone(dt.timedelta(hours=7))
    values = [
        dt.datetime(2024, 3, 4, 0, 10, 22, 601000, tzinfo=zone),  # the day before in UTC
        dt.datetime(2024, 3, 4, 12, 0, 0, tzinfo=zone),  # no microseconds
        dt.datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
        None,
        dt.datetime(2019, 1, 1, 8, 0),  # naive: the project's time zone
    ]
    written = db_datetimes(values)
    assert written[3] is None
    if connection.vendor == "sqlite":  # the very text Django's own adapter writes
        from django.utils import timezone

        expected = [
            None
            if v is None
            else connection.ops.adapt_datetimefield_value(v if v.tzinfo else timezone.make_aware(v))
            for v in values
        ]
        assert written == expected
    else:
        from django.utils import timezone

        for v, text in zip(values, written, strict=True):
            if v is not None:
                parsed = dt.datetime.fromisoformat(text)
                assert parsed == (v if v.tzinfo else timezone.make_aware(v))
