"""The import's producer process: the same result as a serial import, and nothing stored
when either side fails."""

from __future__ import annotations

import pytest

from scorecard.scorecards import importing
from scorecard.scorecards.cube import Cube
from scorecard.scorecards.importing import ImportRefused
from scorecard.scorecards.models import Conflict, Import, RatingCount, Response, Round
from tests.factories_scorecards import make_export, make_round
from tests.test_import import counts, edit, run, with_extra_lines

pytestmark = pytest.mark.django_db


def stored(round_: Round) -> list[tuple]:
    fields = ("stable_id", "content_hash", "commune_id", "sex", "age", "ratings", "raw")
    return list(Response.objects.filter(round=round_).order_by("stable_id").values_list(*fields))


def cube_of(round_: Round) -> list[tuple]:
    fields = ("commune_id", "question", "sex", "youth", "idpoor", "n_1", "n_3", "n_5", "n_dk")
    return sorted(RatingCount.objects.filter(round=round_).values_list(*fields))


def test_it_imports_the_same_in_a_producer_process(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 4)  # many chunks through the queue
    monkeypatch.setattr(importing, "SEEN_FROM", 2)  # the in-memory id set, not a query
    serial, forked = make_round(), make_round()
    path = with_extra_lines(
        make_export(serial, tmp_path / "k.csv", rows=30, tweak=edit(6, "age", "abc")), 1, 2
    )
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    edited = make_export(serial, tmp_path / "e.csv", rows=30, tweak=edit(9, "sex", "other"))
    lines.append(edited.read_text(encoding="utf-8-sig").splitlines(keepends=True)[10])
    path.write_text("".join(lines), encoding="utf-8-sig")
    one = run(serial, path, parallel=False)
    two = run(forked, path, parallel=True)
    assert counts(one) == counts(two) == (33, 29, 2, 1, 1)
    assert one.rejects == two.rejects and "abc" in two.rejects
    assert one.columns == two.columns
    assert stored(serial) == stored(forked) and len(stored(forked)) == 29
    assert cube_of(serial) == cube_of(forked)
    conflict = Conflict.objects.get(round=forked)
    assert conflict.incoming["sex"] == "other" and conflict.row == 34
    assert counts(run(forked, path, parallel=True)) == (33, 0, 32, 0, 1)  # re-import: no-op


def test_it_stores_nothing_when_the_producer_finds_a_broken_file(tmp_path):
    round_ = make_round()
    path = make_export(round_, tmp_path / "k.csv", rows=40)
    data = path.read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 1
    path.write_bytes(data[:cut] + b"\xff\xfe" + data[cut:])
    with pytest.raises(ImportRefused, match="not UTF-8"):
        run(round_, path, parallel=True)
    assert not Response.objects.exists() and not Import.objects.exists()


def test_it_stores_nothing_when_the_writer_fails_beside_the_producer(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 3)
    round_ = make_round()
    path = make_export(round_, tmp_path / "k.csv", rows=20)

    def explode(self, round_):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Cube, "save", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        run(round_, path, parallel=True)
    assert not Response.objects.exists() and not RatingCount.objects.exists()
