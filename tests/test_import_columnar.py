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

from scorecard.scorecards.exports.columnar import raw_json, raw_json_rows
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
    ("age", ["+25", " 30", "abc", "250", "", "014", "٢٥", "-3", "15", "30", "31", "9" * 20]),
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


def assert_same(path: Path, *, parallel: bool = False) -> Import:
    """Imported by Arrow (the default), by the Python columnar reader and row by row,
    the file gives the same counts, rejects, responses, cube and conflicts."""
    a, b, c = make_round(), make_round(), make_round()
    arrow = import_export("test", a, path, file_name="f.csv", parallel=parallel)
    columnar = import_export("test", b, path, file_name="f.csv", parallel=parallel, arrow=False)
    slow = import_export("test", c, path, file_name="f.csv", parallel=False, columnar=False)
    for record, round_ in ((arrow, a), (columnar, b)):
        assert summary(record) == summary(slow)
        assert stored(round_) == stored(c)
        assert cube(round_) == cube(c)
        assert conflicts(round_) == conflicts(c)
    return arrow


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
        ["\x00", "\x1f\x1e"],
        [""],
        [],
    ],
)
def test_it_writes_raw_cells_as_json_does(cells):
    import json

    expected = json.dumps(cells, ensure_ascii=False, separators=(",", ":"))
    assert raw_json(cells) == expected
    clean = ["a", "ស្ត្រី", ""]
    batch = raw_json_rows([clean, cells, [], ["x"]])  # one bad row makes the batch slow
    assert batch == [raw_json(clean), expected, "[]", '["x"]']
    assert raw_json_rows([clean, [], ["x"]]) == [raw_json(clean), "[]", '["x"]']


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


def test_it_writes_copy_lines_that_read_back_the_same():
    from scorecard.scorecards.rows import COPY_KINDS, copy_line, copy_texts, copy_values

    texts = ["plain", "tab\there", "two\nlines", "cr\r", "back\\slash", "\\N", "ស្ត្រី", ""]
    for text in texts:
        values = tuple(
            7 if kind == "int" else True if kind == "bool" else text for kind in COPY_KINDS
        )
        line = copy_line(values)
        assert "\n" not in line and line.count("\t") == len(COPY_KINDS) - 1
        assert copy_values(line) == values
    nulls = tuple(None if kind != "text" else "x" for kind in COPY_KINDS)
    assert copy_values(copy_line(nulls)) == nulls
    assert copy_texts(["a", None, "\\N"]) == ["a", "\\N", "\\\\N"]
    assert copy_texts(["a", "b"]) == ["a", "b"]


def test_it_copies_rows_with_characters_copy_must_escape(tmp_path):
    """Cells with backslashes, tabs and line breaks, in the fast path's ids and texts."""

    def tweak(i: int, row: dict[str, str]) -> None:
        if i % 3 == 0:
            row["health_centre/needs"] = "back\\slash\tand tab"
        if i % 5 == 0:
            row["enumerator"] = "enum\\01"
        if i % 7 == 0:
            row["meta/rootUuid"] = f"uuid:id\\{i}"

    path = make_export(make_round(), tmp_path / "e.csv", rows=60, tweak=tweak)
    record = assert_same(path, parallel=True)
    assert record.accepted == 60
    stored_needs = Response.objects.filter(needs__isnull=False).values_list("needs", flat=True)
    assert any(n.get("health_centre") == "back\\slash\tand tab" for n in stored_needs)


BULK_TIMES = [  # (cells, read in bulk)
    (["2024-03-04T12:10:22.601+07:00", "2024-03-04T00:10:22.000+07:00", ""], True),
    (["2024-03-04T12:10:22+07:00", "1999-12-31T23:59:59+07:00"], True),
    (["2024-03-04T12:10:22.601234-05:30", ""], True),
    (["", ""], True),
    (["2024-03-04 12:10:22.601+07:00"], False),  # a space: fromisoformat reads it, numpy too
    (["2024-02-30T12:10:22.601+07:00"], False),  # no such day
    (["2024-03-04T12:10:22.601Z"], False),
    (["2024-03-04T12:10:22.601+0700"], False),
    (["2024-03-04T12:10:22.601+07:00", "2024-03-04T12:10:22.601+08:00"], False),
    (["2024-03-04T12:10:22.6+07:00"], False),
    (["2024-03-04T24:00:00.000+07:00"], False),
    (["NaT+07:00", "today+07:00"], False),
    ([" 2024-03-04T12:10:22.601+07:00"], False),
]


@pytest.mark.parametrize(("cells", "bulk"), BULK_TIMES)
def test_it_reads_times_in_bulk_as_fromisoformat_does(cells, bulk):
    import datetime as dt

    from scorecard.scorecards.exports.times import iso_utc, utc_text

    got = iso_utc(cells)
    assert (got is not None) == bulk
    if got is not None:  # else each cell goes through fromisoformat, as the row validator
        parsed = [dt.datetime.fromisoformat(c) if c else None for c in cells]
        assert got[0] == utc_text(parsed, dt.UTC)


def test_it_reads_kobo_times_in_bulk():
    from scorecard.scorecards.exports.times import iso_utc

    got = iso_utc(
        ["2024-03-04T12:10:22.601+07:00", "", "2024-03-04T06:59:59+07:00"[:19] + "+07:00"]
    )
    assert got is None  # two precisions in one column: read one by one
    text, _ = iso_utc(["2024-03-04T06:10:22.601+07:00", ""]) or ([], None)
    assert text == ["2024-03-03 23:10:22.601000", None]


def test_it_stores_raw_rows_and_needs_as_text(tmp_path):
    """The SQLite producer sends long texts as UTF-8 bytes (``rows.UTF8_COLUMNS``): they
    must still be stored as text, readable by SQL text functions and as JSON."""
    from django.db import connection

    round_ = make_round()
    path = make_export(round_, tmp_path / "e.csv", rows=40)
    import_export("test", round_, path, parallel=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT "
            + ("typeof(raw), typeof(needs)" if connection.vendor == "sqlite" else "'text', 'text'")
            + " FROM scorecards_response"
        )
        assert cursor.fetchall() == [("text", "text")]
    response = Response.objects.filter(round=round_).first()
    assert response is not None and isinstance(response.raw, list)
    assert isinstance(response.needs, dict) and response.raw_row()["commune"]
