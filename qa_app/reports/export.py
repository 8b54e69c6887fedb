"""Exports of the report tables: CSV and Excel (.xlsx).

Both write the page's columns under the page's headings (``columns.TABLES``),
rounded as the page rounds. CSV cells are the page's text (``columns.display``);
xlsx cells are typed: numbers as numbers with the page's number format (a rate
as a fraction formatted as a percentage), dates and times as date cells.

Text cells that a spreadsheet would read as a formula (starting with = + - @,
or a tab/carriage return) are neutralised: in CSV with a leading apostrophe
(OWASP's advice), in xlsx by storing them as plain strings, never formulas;
the numbers we format ("-5.21") are left as they are.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from qa_app.reports.columns import TABLES, Column, display, typed
from qa_app.spreadsheet import neutralise, text_cell

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _columns(table: pd.DataFrame, name: str) -> list[Column]:
    return [c for c in TABLES[name] if c.key in table.columns]


def to_csv(table: pd.DataFrame, name: str) -> bytes:
    """The table ``name`` as the page shows it, one CSV line per row."""
    return columns_to_csv(table, _columns(table, name))


def columns_to_csv(table: pd.DataFrame, columns: list[Column]) -> bytes:
    """``table`` under the given columns' headings, cells as the page prints them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(c.heading) for c in columns])
    values = [table[c.key].tolist() for c in columns]
    for row in zip(*values, strict=True):
        writer.writerow([_csv_cell(v, c) for v, c in zip(row, columns, strict=True)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8


def _csv_cell(value, column: Column) -> str:
    """Text from the data is neutralised; a number we formatted ("-5.21") is not
    text anyone typed, and stays a number for the spreadsheet."""
    shown = display(value, column)
    return neutralise(shown) if column.kind == "text" else shown


def _cell(sheet, value, column: Column) -> WriteOnlyCell | None:
    value = typed(value, column)
    if value is None:
        return None
    if isinstance(value, str):
        return text_cell(sheet, value)
    cell = WriteOnlyCell(sheet, value=value)
    if column.number_format:
        cell.number_format = column.number_format
    return cell


def to_xlsx(table: pd.DataFrame, name: str, title: str | None = None) -> bytes:
    """The table ``name`` as a sheet of typed cells under the page's headings."""
    return sheets_to_xlsx([((title or name), table, _columns(table, name))])


def sheets_to_xlsx(sheets: list[tuple[str, pd.DataFrame, list[Column]]]) -> bytes:
    """One workbook of typed cells, a sheet per (title, table, columns): for a
    page whose columns are built per request rather than listed in ``TABLES``."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, table, columns in sheets:
        sheet = book.create_sheet(title[:31] or "Report")
        heads = []
        for c in columns:
            head = text_cell(sheet, c.heading)
            head.font = bold
            heads.append(head)
        sheet.append(heads)
        values = [table[c.key].tolist() for c in columns]
        for row in zip(*values, strict=True):
            sheet.append([_cell(sheet, v, c) for v, c in zip(row, columns, strict=True)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
