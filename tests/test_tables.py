"""The one reader of uploaded tables, and the two importers that word its problems."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from scorecard import tables
from scorecard.events import tables as events_tables
from scorecard.plans import tables as plans_tables


def make_xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FILES = {
    "semicolon_bom": ("a.csv", "\ufeffCode; Name \n1;ស្រី\n\n;\n2;Pich\n".encode()),
    "comma": ("a.csv", b'code,name\n1,"a,b"\n3\n'),
    "xlsx": (
        "a.xlsx",
        make_xlsx([["Code", "Name", "When"], [1.0, "Dara", dt.datetime(2020, 1, 2)], [None] * 3]),
    ),
}


def test_it_reads_csv_and_xlsx_into_numbered_text_rows():
    raw = tables.read_raw(*reversed(FILES["semicolon_bom"]))
    assert raw.header == ("code", "name")
    assert [(r.number, r.cells) for r in raw.rows] == [(2, ("1", "ស្រី")), (5, ("2", "Pich"))]
    raw = tables.read_raw(FILES["comma"][1], "a.csv")
    assert [r.cells for r in raw.rows] == [("1", "a,b"), ("3", "")]
    raw = tables.read_raw(FILES["xlsx"][1])  # known by its signature, whatever its name
    assert raw.header == ("code", "name", "when")
    assert [r.cells for r in raw.rows] == [("1", "Dara", "2020-01-02")]


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_events_and_plans_importers_read_a_file_the_same_way(name):
    filename, data = FILES[name]
    table = events_tables.read_table(io.BytesIO(data), filename)
    header, rows = plans_tables.read_table(data, filename, ["code"])
    assert list(table.columns) == header
    assert list(table.rows) == [(r.number, r.cells) for r in rows]


def test_it_marks_formulas_and_the_plans_importer_refuses_them():
    data = make_xlsx([["code", "name"], ["A", "=1+1"], ["B", "=text typed"]])
    [first, second] = tables.read_raw(data).rows
    assert first.formulas == {1} and second.formulas == {1}  # openpyxl stores "=..." as a formula
    assert tables.read_raw(b"code,name\nA,=1+1\nB,ok\n", "a.csv").rows[0].formulas == {1}
    _, rows = plans_tables.read_table(b"code,name\nA,=1+1\n", "a.csv", ["code"])
    [error] = rows[0].errors
    assert (error.row, error.column, error.value) == (2, "name", "=1+1")
    assert error.reason == "a formula; save the sheet's values only" and rows[0].cells["name"] == ""
    # the events importer keeps the text: its cell checks refuse it where text is expected
    table = events_tables.read_table(io.BytesIO(b"code,name\nA,=1+1\n"), "a.csv")
    assert table.rows[0][1]["name"] == "=1+1"


def test_every_problem_has_words_in_both_importers():
    assert set(events_tables.MESSAGES) == set(plans_tables.MESSAGES) == set(tables.KINDS)


@pytest.mark.parametrize(
    "data, name, events_says, plans_says",
    [
        (b"", "a.csv", "the file is empty: it needs a header row", "the file is empty"),
        (
            "code\ncafé\n".encode("latin-1"),
            "a.csv",
            "the file is not UTF-8 text (save the CSV as UTF-8)",
            "the file is not UTF-8 text; save it as CSV UTF-8",
        ),
        (
            b"not a workbook",
            "a.xlsx",
            "the XLSX cannot be read: File is not a zip file",
            "not a readable XLSX workbook (BadZipFile)",
        ),
    ],
)
def test_each_importer_words_an_unreadable_file_as_before(data, name, events_says, plans_says):
    with pytest.raises(events_tables.TableError) as found:
        events_tables.read_table(io.BytesIO(data), name)
    assert str(found.value) == events_says
    with pytest.raises(plans_tables.FileRefused) as refused:
        plans_tables.read_table(data, name, ["code"])
    assert str(refused.value) == plans_says


def test_it_refuses_a_file_over_the_row_limit(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 2)
    data = b"code\n1\n\n2\n"
    assert len(tables.read_raw(data, "a.csv").rows) == 2  # blank lines do not count
    with pytest.raises(tables.Unreadable) as found:
        tables.read_raw(data + b"3\n", "a.csv")
    assert found.value.kind == "too_many"
    with pytest.raises(plans_tables.FileRefused, match="rows; split the file"):
        plans_tables.read_table(data + b"3\n", "a.csv", ["code"])
    with pytest.raises(events_tables.TableError, match="rows: split the file"):
        events_tables.read_table(io.BytesIO(data + b"3\n"), "a.csv")
