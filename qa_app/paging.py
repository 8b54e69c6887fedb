"""A page of a table already read whole.

The report tables are read in one query (their page's summary figures need
every row, and their exports carry every row); a page shows ``PER_PAGE`` of
them at a time, so a team of thousands of coaching sessions or hundreds of
agents is not one page of thousands of rows. ``TablePage`` answers what
Flask-SQLAlchemy's ``Pagination`` answers, so the ``pager`` macro
(templates/macros.html) draws both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from qa_app.request_args import page_arg

PER_PAGE = 50


@dataclass(frozen=True)
class TablePage:
    items: Any  # this page's rows: a slice of the DataFrame or list given
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(rows: Any, page: int | None = None, per_page: int | None = None) -> TablePage:
    """Page ``page`` of ``rows`` (a DataFrame or a sequence); by default the
    request's ``page`` argument (``request_args.page_arg``: not a whole number
    from 1 is a 400). A page past the last shows the last, as a bookmark of a
    list that has since shrunk should."""
    per_page = per_page or PER_PAGE
    pages = max(1, math.ceil(len(rows) / per_page))
    number = min(page_arg() if page is None else page, pages)
    start = (number - 1) * per_page
    items = getattr(rows, "iloc", rows)[start : start + per_page]
    return TablePage(items, number, pages, len(rows))
