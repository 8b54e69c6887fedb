"""Exports of the report tables: CSV and Excel (.xlsx).

Text cells that a spreadsheet would read as a formula (starting with = + - @,
or a tab/carriage return) are neutralised: in CSV with a leading apostrophe
(OWASP's advice), in xlsx by storing them as plain strings, never formulas.
Numbers are written as numbers, so a negative delta stays a number.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import pandas as pd
from openpyxl import Workbook

from qa_app.spreadsheet import neutralise, text_cell

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain(value: Any) -> Any:
    """numpy scalars to Python, NaN/None to empty."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def to_csv(table: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(str(c)) for c in table.columns])
    for row in table.itertuples(index=False):
        writer.writerow(["" if (v := _plain(x)) is None else neutralise(v) for x in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8


def to_xlsx(table: pd.DataFrame, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "Report")
    sheet.append([text_cell(sheet, str(c)) for c in table.columns])
    for row in table.itertuples(index=False):
        sheet.append([text_cell(sheet, v) if isinstance(v, str) else v for v in map(_plain, row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
