"""One helper neutralises formula injection in every export; each export uses it.

The exports with their own end-to-end test of a hostile cell: reports CSV and
xlsx (tests/qa_app/reports/test_pages.py), the calibration CSV
(tests/qa_app/calibration/test_consensus_export_trends.py), ``flask flags
export`` (tests/qa_app/flags/test_scoring.py) and the import's rejects file
(below).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from qa_app.interactions import importer
from qa_app.spreadsheet import FORMULA_START, neutralise, text_cell
from tests.qa_app.interactions.support import COLUMNS, csv_bytes, row

ROOT = Path(__file__).resolve().parents[2] / "qa_app"


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"])
def test_text_that_would_start_a_formula_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["fine", "a=b", " =x", -3.5, 0, None, "", "'=already"])
def test_everything_else_is_left_alone(value):
    assert neutralise(value) == value


def test_xlsx_text_cells_are_strings_never_formulas(tmp_path):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("S")
    sheet.append([text_cell(sheet, "=1+1"), text_cell(sheet, "@x"), -2])
    book.save(tmp_path / "x.xlsx")
    cells = next(load_workbook(tmp_path / "x.xlsx").active.iter_rows())
    assert [c.value for c in cells] == ["=1+1", "@x", -2]
    assert [c.data_type for c in cells] == ["s", "s", "n"]


def test_every_module_that_writes_a_spreadsheet_uses_the_shared_helper():
    writers = []
    for path in ROOT.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if re.search(r"csv\.(writer|DictWriter)\(|openpyxl", source):
            writers.append(path.relative_to(ROOT).as_posix())
            if path.name != "spreadsheet.py":
                assert "from qa_app.spreadsheet import" in source, path
    assert len(writers) >= 5  # reports, calibration, flags, import rejects, the helper
    # No module keeps a private copy of the rule.
    copies = [p for p in ROOT.rglob("*.py") if "FORMULA_START =" in p.read_text("utf-8")]
    assert [p.name for p in copies] == ["spreadsheet.py"]
    assert FORMULA_START == ("=", "+", "-", "@", "\t", "\r")


def test_import_rejects_file_neutralises_hostile_cells(users, tmp_path):
    hostile = row(1, channel='=HYPERLINK("http://evil.example","x")', customer_id="@SUM(A1)")
    data = csv_bytes([hostile], columns=[*COLUMNS, "-cmd"])
    path = tmp_path / "calls.csv"
    path.write_bytes(data)
    summary = importer.import_file(path, source="t", fmt="csv", partial=True)
    assert summary.rejected == 1
    text = summary.rejects_path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert "'-cmd" in rows[0]
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["channel"] == '\'=HYPERLINK("http://evil.example","x")'
    assert cells["customer_id"] == "'@SUM(A1)"
    assert not any(c.startswith(FORMULA_START) for r in rows for c in r)
