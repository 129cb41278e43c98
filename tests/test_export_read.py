"""Readers of Kobo / ODK Central exports: formats, layouts, bad files, memory, speed."""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from scorecard.scorecards.exports import ExportError, open_export, validate_rows
from scorecard.scorecards.exports.synth import generate
from scorecard.scorecards.spec import FacilitySpec, FormSpec, IndicatorSpec, PlaceSpec, Text


def t(s: str) -> Text:
    return Text(s, s)


def make_spec(**overrides: object) -> FormSpec:
    values: dict[str, object] = {
        "template": "isaf",
        "version": "2024.1",
        "title": t("ISAF scorecard"),
        "facilities": (
            FacilitySpec(
                "health_centre",
                t("Health centre"),
                tuple(IndicatorSpec(c, t(c)) for c in ("hc_medicines", "hc_staff_attitude")),
            ),
            FacilitySpec(
                "primary_school",
                t("Primary school"),
                tuple(IndicatorSpec(c, t(c)) for c in ("ps_teacher", "ps_books")),
            ),
        ),
        "scale": tuple(t(str(i)) for i in range(1, 6)),
        "dont_know": t("Don't know"),
        "communes": (PlaceSpec("010201", t("Banteay Neang")), PlaceSpec("010202", t("Bat Trang"))),
        "villages": (
            PlaceSpec("01020101", t("Ou Thum"), "010201"),
            PlaceSpec("01020201", t("Bat Trang"), "010202"),
        ),
    }
    values.update(overrides)
    return FormSpec(**values)  # type: ignore[arg-type]


FORMATS = ["kobo_csv", "kobo_csv_comma", "kobo_xlsx", "odk_csv", "odk_zip"]
KIND = {
    "kobo_csv": "kobo_csv",
    "kobo_csv_comma": "kobo_csv",
    "kobo_xlsx": "kobo_xlsx",
    "odk_csv": "odk_csv",
    "odk_zip": "odk_zip",
}


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding, newline="")
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_reads_every_format_under_canonical_names(tmp_path: Path, fmt: str) -> None:
    path = generate(make_spec(), tmp_path / f"export.{fmt}", rows=40, fmt=fmt, seed=3)  # type: ignore[arg-type]
    export = open_export(path)
    assert export.kind == KIND[fmt]
    assert "health_centre/hc_medicines" in export.names
    assert "primary_school/needs" in export.names
    assert "meta/instanceID" in export.names
    rows = list(export.rows())
    assert [n for n, _ in rows] == list(range(2, 42))
    first = rows[0][1]
    assert first["commune"] in ("010201", "010202")
    assert first["age"].isdigit()
    if fmt.startswith("odk"):
        assert export.columns[0] == "SubmissionDate"
        assert "health_centre-hc_medicines" in export.columns
        assert export.columns[-10:][0] == "KEY" and export.columns[-1] == "FormVersion"
        assert {"KEY", "ReviewState", "FormVersion"} <= first.keys()
        assert export.id_column == "KEY"
    else:
        assert {"_uuid", "_validation_status", "__version__", "meta/rootUuid"} <= first.keys()
        assert export.id_column == "meta/rootUuid"
    assert list(export.rows()) == rows  # re-iterable


@pytest.mark.parametrize("bom", [True, False])
@pytest.mark.parametrize("fmt", ["kobo_csv", "kobo_csv_comma", "odk_csv"])
def test_it_reads_csv_with_and_without_bom(tmp_path: Path, fmt: str, bom: bool) -> None:
    path = generate(make_spec(), tmp_path / "e.csv", rows=5, fmt=fmt, seed=1, bom=bom)  # type: ignore[arg-type]
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") is bom
    export = open_export(path)
    assert export.names[0] in ("start", "SubmissionDate")  # no BOM left in the first name
    assert export.delimiter == (";" if fmt == "kobo_csv" else ",")
    assert len(list(export.rows())) == 5


def test_it_sniffs_the_delimiter_from_the_header_not_the_extension(tmp_path: Path) -> None:
    path = write(tmp_path / "data.txt", "commune;age;note\n010201;30;a, b and c\n")
    export = open_export(path)
    assert export.delimiter == ";"
    assert list(export.rows()) == [(2, {"commune": "010201", "age": "30", "note": "a, b and c"})]


def test_it_parses_quoted_cells_with_separators_quotes_and_line_breaks(tmp_path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_ALL)
    w.writerow(["a", "b", "c"])
    w.writerow(["1", 'say "hi"; ok', "line one\nline two"])
    w.writerow(["2", "plain", "x;y"])
    w.writerow(["3", "", ""])
    path = write(tmp_path / "q.csv", buf.getvalue() + '4;unquoted;mid"quote\n')
    rows = list(open_export(path).rows())
    assert rows[0] == (2, {"a": "1", "b": 'say "hi"; ok', "c": "line one\nline two"})
    assert rows[1] == (3, {"a": "2", "b": "plain", "c": "x;y"})
    assert rows[2] == (4, {"a": "3", "b": "", "c": ""})
    assert rows[3] == (5, {"a": "4", "b": "unquoted", "c": 'mid"quote'})


def test_it_pads_short_rows_skips_blank_ones_and_keeps_extra_cells(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "a,b,c\n1,2\n\n3,4,5,6\n")
    rows = list(open_export(path).rows())
    assert rows == [
        (2, {"a": "1", "b": "2", "c": ""}),
        (4, {"a": "3", "b": "4", "c": "5", "__extra__": "6"}),
    ]


def test_it_reads_xlsx_numbers_as_text_and_dates_as_iso(tmp_path: Path) -> None:
    path = generate(make_spec(), tmp_path / "k.xlsx", rows=10, fmt="kobo_xlsx", seed=2)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert isinstance(ws.cell(2, header.index("age") + 1).value, int | float)  # a number
    row = next(open_export(path).rows())[1]
    assert row["age"].isdigit()  # "31", not "31.0"
    assert row["health_centre/hc_medicines"] in {"1", "2", "3", "4", "5", "dk"}
    assert row["_id"].isdigit()
    assert row["_submission_time"][:4] == "2024" and "T" in row["_submission_time"]


def test_it_turns_xlsx_cells_into_export_text(tmp_path: Path) -> None:
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["commune", "age", "score", "ratio", "_submission_time", "day", "_uuid"])
    ws.append([10201, 30.0, 4, 12.5, dt.datetime(2024, 3, 4, 9, 5, 1), dt.date(2024, 3, 4), None])
    path = tmp_path / "hand.xlsx"
    wb.save(path)
    row = next(open_export(path).rows())[1]
    assert row == {
        "commune": "10201",
        "age": "30",
        "score": "4",
        "ratio": "12.5",
        "_submission_time": "2024-03-04T09:05:01",
        "day": "2024-03-04T00:00:00",
        "_uuid": "",
    }


def test_it_picks_the_submissions_sheet_and_ignores_repeat_sheets(tmp_path: Path) -> None:
    path = generate(make_spec(), tmp_path / "k.xlsx", rows=3, fmt="kobo_xlsx", seed=2)
    wb = openpyxl.load_workbook(path)
    repeat = wb.create_sheet("needs_repeat", 0)
    repeat.append(["need", "_index", "_parent_table_name", "_parent_index"])
    repeat.append(["water", 1, "scorecard_isaf", 1])
    extra = wb.create_sheet("notes")
    extra.append(["x"])
    wb.save(path)
    export = open_export(path)
    assert export.member == "scorecard_isaf"
    assert len(list(export.rows())) == 3


def test_it_reads_the_main_csv_of_an_odk_zip(tmp_path: Path) -> None:
    path = generate(make_spec(), tmp_path / "b.csv.zip", rows=7, fmt="odk_zip", seed=4)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("scorecard_isaf-household.csv", "name,PARENT_KEY,KEY\nx,uuid:1,uuid:1/h[1]\n")
        zf.writestr("media/photo.jpg", b"\xff\xd8\xff")
    export = open_export(path)
    assert export.kind == "odk_zip"
    assert export.member == "scorecard_isaf.csv"
    assert len(list(export.rows())) == 7


def test_it_keeps_select_multiple_text_and_drops_its_choice_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "a;q;q/x;q/y\n1;x y;1;1\n2;;0;0\n")
    export = open_export(path)
    assert export.names == ["a", "q"]
    assert [r for _, r in export.rows()] == [{"a": "1", "q": "x y"}, {"a": "2", "q": ""}]


def test_it_rebuilds_select_multiple_from_choice_columns_only(tmp_path: Path) -> None:
    path = write(
        tmp_path / "m.csv", "SubmissionDate,g-q/x,g-q/y,g-q/z,KEY\nd,1,0,1,k\nd,0,0,0,k2\n"
    )
    export = open_export(path, multi={"g/q"})
    assert export.names == ["SubmissionDate", "KEY", "g/q"] or set(export.names) == {
        "SubmissionDate",
        "KEY",
    }
    rows = [r for _, r in export.rows()]
    assert rows[0]["g/q"] == "x z" and rows[1]["g/q"] == ""


def test_it_refuses_an_empty_file(tmp_path: Path) -> None:
    for name, data in [("empty.csv", b""), ("bom.csv", b"\xef\xbb\xbf"), ("blank.csv", b"\n\n")]:
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ExportError, match="empty") as info:
            open_export(tmp_path / name)
        assert info.value.error.row == 0


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "legacy Office"),
        (b"\x00\x01\x02\x03binary", "binary"),
        (b"\xff\xfec\x00o\x00m\x00", "UTF-16"),
    ],
)
def test_it_refuses_files_that_are_not_exports(tmp_path: Path, data: bytes, what: str) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    with pytest.raises(ExportError, match=what):
        open_export(path)


def test_it_refuses_a_word_document_renamed_to_csv(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    with pytest.raises(ExportError, match="Word document"):
        open_export(path)


def test_it_refuses_a_zip_without_csv(tmp_path: Path) -> None:
    path = tmp_path / "bundle.csv.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "nothing here")
    with pytest.raises(ExportError, match="no CSV"):
        open_export(path)


def test_it_names_the_byte_offset_of_broken_encoding(tmp_path: Path) -> None:
    head = "commune,needs\n" + "010201,សូមឱ្យមានថ្នាំគ្រប់គ្រាន់\n" * 3000
    data = head.encode() + "010202,caf\u00e9\n".encode("cp1252")
    path = tmp_path / "latin.csv"
    path.write_bytes(data)
    offset = len(head.encode()) + len("010202,caf")
    export = open_export(path)  # the header is fine; the bad byte is far down
    with pytest.raises(ExportError, match=f"byte offset {offset}") as info:
        list(export.rows())
    assert "not UTF-8" in str(info.value)
    early = tmp_path / "early.csv"
    early.write_bytes(b"commune,needs\n010201,\xe9t\xe9\n")
    with pytest.raises(ExportError, match="byte offset 21"):
        list(open_export(early).rows())


def test_it_refuses_duplicated_column_names(tmp_path: Path) -> None:
    path = write(
        tmp_path / "d.csv", "commune;hc_medicines;needs;ps_teacher;needs\n010201;1;a;2;b\n"
    )
    with pytest.raises(ExportError, match="duplicated column names: needs") as info:
        open_export(path)
    assert "groups" in str(info.value)


def test_it_streams_a_big_csv_in_constant_memory(big_csv: Path) -> None:
    """Reading 200,000 rows, then validating a slice, both under tracemalloc (slow)."""
    from itertools import islice

    spec = make_spec()
    tracemalloc.start()
    try:
        count = sum(1 for _ in open_export(big_csv).rows())
        _, read_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        checked = sum(1 for _ in islice(validate_rows(spec, open_export(big_csv)), 30_000))
        _, validate_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000 and checked == 30_000
    print(
        f"\ntracemalloc peak: read {read_peak / 1e6:.2f} MB, validate {validate_peak / 1e6:.2f} MB"
    )
    assert read_peak < 10_000_000 and validate_peak < 10_000_000


def test_it_measures_throughput(big_csv: Path, tmp_path: Path) -> None:
    spec = make_spec()
    began = time.perf_counter()
    rows = sum(1 for _ in open_export(big_csv).rows())
    read = time.perf_counter() - began
    began = time.perf_counter()
    ok = sum(1 for r in validate_rows(spec, open_export(big_csv)) if not isinstance(r, list))
    both = time.perf_counter() - began
    assert rows == ok == 200_000
    xlsx = generate(spec, tmp_path / "t.xlsx", rows=2000, fmt="kobo_xlsx", seed=5)
    began = time.perf_counter()
    n = sum(1 for _ in validate_rows(spec, open_export(xlsx)))
    xlsx_time = time.perf_counter() - began
    print(
        f"\nCSV read {rows / read:,.0f} rows/s; read+validate {rows / both:,.0f} rows/s;"
        f" XLSX read+validate {n / xlsx_time:,.0f} rows/s"
    )


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200,000 rows: 1,000 synthetic rows written 200 times (the reader keeps no state)."""
    folder = tmp_path_factory.mktemp("big")
    small = generate(make_spec(), folder / "small.csv", rows=1000, fmt="kobo_csv", seed=9)
    header, *lines = small.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    big = folder / "big.csv"
    with big.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write(header)
        body = "".join(lines)
        for _ in range(200):
            fh.write(body)
    return big
