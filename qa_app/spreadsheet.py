"""Cells for files people open in a spreadsheet: neutralised against formula injection.

A CSV cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which some spreadsheets skip before reading a formula) is run as a
formula when the file is opened: ``=HYPERLINK(...)`` in a transcript or comment
would then leak data or mislead the reader. Every export of the platform writes
its text cells through :func:`neutralise`, which prefixes such text with an
apostrophe (OWASP's advice), and its xlsx text cells through :func:`text_cell`,
which stores them as plain strings that Excel never evaluates. Numbers stay
numbers, so a negative delta is still a number.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """Return ``cell`` unchanged unless it is text a spreadsheet would run."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def text_cell(sheet: Any, value: str) -> WriteOnlyCell:
    """An xlsx cell holding ``value`` as a string, never as a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell
