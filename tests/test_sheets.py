"""Spreadsheet downloads: Excel-friendly CSV and XLSX that cannot run formulas."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from scorecard.sheets import csv_bytes, safe, xlsx_bytes

ROWS = [['=HYPERLINK("http://x")', Decimal("1.50"), -3, "ស្ត្រី"], ["@SUM(A1)", None, 0, "-2"]]


def test_it_quotes_text_that_starts_like_a_formula():
    assert safe("=1+1") == "'=1+1"
    assert safe("+855 12") == "'+855 12"
    assert safe("plain") == "plain"
    assert safe(-3) == -3  # a number is not a formula
    assert safe(None) is None


def test_it_writes_csv_with_a_bom_and_crlf_for_excel():
    data = csv_bytes(["a", "b", "c", "d"], ROWS)
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["a", "b", "c", "d"]
    assert rows[1] == ['\'=HYPERLINK("http://x")', "1.50", "-3", "ស្ត្រី"]
    assert rows[2] == ["'@SUM(A1)", "", "0", "'-2"]


def test_it_writes_xlsx_whose_cells_are_values_not_formulas():
    book = load_workbook(io.BytesIO(xlsx_bytes("did it work", ["a", "b", "c", "d"], ROWS)))
    sheet = book["did it work"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == '\'=HYPERLINK("http://x")'
    assert values[1][1] == 1.5 and values[1][2] == -3
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
