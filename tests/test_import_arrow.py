"""The Arrow reader (``exports.arrow``): used for exports as Kobo and ODK write them, and
refused, with the import read again by the Python reader, wherever it could read a file
differently. ``test_import_columnar.assert_same`` compares its stored results with the
other two paths on every variant of cell."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from scorecard.scorecards import arrow_import, importing
from scorecard.scorecards.exports.arrow import _arrow_time
from scorecard.scorecards.exports.read import FastReadRefused
from scorecard.scorecards.exports.times import iso_utc
from scorecard.scorecards.importing import ImportRefused, import_export
from scorecard.scorecards.models import Import, Response
from tests.factories_scorecards import make_export, make_round
from tests.test_import_columnar import BULK_TIMES, append_raw, assert_same, vary

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusals(monkeypatch):
    """The reasons Arrow refused files for, in this test."""
    seen: list[str] = []
    original = arrow_import.arrow_chunks

    def recording(importer, export):
        try:
            yield from original(importer, export)
        except FastReadRefused as exc:
            seen.append(str(exc))
            raise

    monkeypatch.setattr(arrow_import, "arrow_chunks", recording)
    return seen


def no_python_reader(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the Python reader was used")

    monkeypatch.setattr(importing, "columnar_chunks", refuse)


@pytest.mark.parametrize("fmt", ["kobo_csv", "kobo_csv_comma", "odk_csv", "odk_zip"])
def test_it_reads_each_export_format_with_arrow(tmp_path, monkeypatch, fmt):
    no_python_reader(monkeypatch)
    suffix = ".csv.zip" if fmt == "odk_zip" else ".csv"
    round_ = make_round()
    path = make_export(round_, tmp_path / f"e{suffix}", fmt=fmt, rows=300, tweak=vary(2, 0.4))
    record = import_export("test", round_, path)
    assert record.rows == 300 and record.accepted > 100 and record.rejected > 20
    assert Response.objects.filter(round=round_).count() == record.accepted


def test_it_reads_again_with_python_after_a_blank_line(tmp_path, refusals):
    path = make_export(make_round(), tmp_path / "e.csv", rows=40, tweak=vary(4, 0.2))
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    path.write_text("".join([*lines[:20], "\n", *lines[20:]]), encoding="utf-8")
    record = assert_same(path)
    assert refusals == ["a blank line"]
    assert record.rows == 40
    assert Import.objects.filter(pk=record.pk).exists()


def test_it_reads_again_with_python_after_a_ragged_row(tmp_path, refusals):
    path = make_export(make_round(), tmp_path / "e.csv", rows=30)
    first = path.read_text(encoding="utf-8-sig").splitlines()[1]
    append_raw(path, [first.rsplit(";", 2)[0] + "\n"])
    record = assert_same(path)
    assert len(refusals) == 1 and "Expected" in refusals[0]
    # the short row is row 1 again, less its last two cells: the row validator reads it
    assert record.rows == 31 and record.accepted == 30 and record.duplicates == 1
    assert Import.objects.count() == 3  # one per path of assert_same, none left half-way
    # refused in the producer process: the same again
    again = import_export("test", make_round(), path, file_name="f.csv", parallel=True)
    assert again.summary() == record.summary() and again.rejects == record.rejects
    assert Import.objects.count() == 4


def test_it_refuses_broken_encoding_before_reading(tmp_path, refusals):
    round_ = make_round()
    path = make_export(round_, tmp_path / "e.csv", rows=10)
    with path.open("ab") as fh:
        fh.write(b'"\xff\xfe";"x"\n')
    with pytest.raises(ImportRefused, match="not UTF-8 text at byte offset"):
        import_export("test", round_, path)
    assert refusals == [] and Import.objects.count() == 0


def test_it_reads_quoted_line_breaks_and_quotes_as_python_does(tmp_path, refusals):
    def tweak(i: int, row: dict[str, str]) -> None:
        row["health_centre/needs"] = ["two\nlines", 'say "hi"', "semi;colon", "cr\r\nlf"][i % 4]

    path = make_export(make_round(), tmp_path / "e.csv", rows=40, tweak=tweak)
    record = assert_same(path)
    assert refusals == [] and record.accepted == 40


@pytest.mark.parametrize(("cells", "bulk"), BULK_TIMES)
def test_it_reads_times_as_fromisoformat_does(cells, bulk):
    read = _arrow_time(pa.array(cells, type=pa.string()))
    if read is None:  # the Python reader's fromisoformat then reads the column
        return
    text, _ = read
    expected = [
        None if not c else str(dt.datetime.fromisoformat(c).astimezone(dt.UTC))[:-6] for c in cells
    ]
    assert text.to_pylist() == expected
    numpy = iso_utc(cells)
    assert numpy is None or numpy[0] == expected


def test_it_reads_kobo_times_with_arrow():
    cells = ["2024-03-04T12:10:22.601+07:00", "", "2024-03-04T23:59:59.000-05:30"]
    read = _arrow_time(pa.array(cells))
    assert read is not None
    assert read[0].to_pylist() == ["2024-03-04 05:10:22.601000", None, "2024-03-05 05:29:59"]
    assert _arrow_time(pa.array(["2024-02-30T12:10:22.601+07:00"])) is None
    assert _arrow_time(pa.array(["2024-03-04T24:00:00.000+07:00"])) is None


@pytest.mark.parametrize("parallel", [False, True])
def test_it_finds_duplicates_and_conflicts_across_blocks(tmp_path, monkeypatch, parallel):
    from scorecard.scorecards.exports import arrow

    monkeypatch.setattr(arrow, "BLOCK", 8192)  # ~14 rows a block, a chunk each
    monkeypatch.setattr(importing, "SEEN_FROM", 2)  # the in-memory id set, not a query
    path = make_export(make_round(), tmp_path / "e.csv", rows=400, tweak=vary(8, 0.3))
    record = assert_same(path, parallel=parallel)
    assert record.duplicates > 5 and record.conflicts > 5 and record.rejected > 10


def test_it_reads_lines_ended_by_cr_alone_with_python(tmp_path, refusals):
    path = make_export(make_round(), tmp_path / "e.csv", rows=20, tweak=vary(6, 0.2))
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\n", "\r")
    path.write_text(text, encoding="utf-8", newline="")
    record = assert_same(path)
    assert refusals == ["lines end in CR"] and record.rows == 20


def test_it_rejects_an_age_too_large_for_any_integer_column(tmp_path):
    def tweak(i: int, row: dict[str, str]) -> None:
        if i == 3:
            row["age"] = "9" * 20

    path = make_export(make_round(), tmp_path / "e.csv", rows=10, tweak=tweak)
    record = assert_same(path)
    assert record.rejected == 1 and record.accepted == 9
