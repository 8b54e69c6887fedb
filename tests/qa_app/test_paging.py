"""A page of a table already read whole."""

import pandas as pd
import pytest
from werkzeug.exceptions import BadRequest

from qa_app.paging import PER_PAGE, page_of


def test_a_page_holds_its_rows_and_knows_its_neighbours():
    first, middle, last = (page_of(list("abcde"), n, per_page=2) for n in (1, 2, 3))
    assert (first.items, middle.items, last.items) == (["a", "b"], ["c", "d"], ["e"])
    assert (first.has_prev, first.has_next, first.next_num) == (False, True, 2)
    assert (last.has_prev, last.prev_num, last.has_next) == (True, 2, False)
    assert (middle.page, middle.pages, middle.total) == (2, 3, 5)


def test_past_the_last_page_is_the_last_and_nothing_is_one_empty_page():
    assert page_of(list("abcde"), 9, per_page=2).items == ["e"]
    empty = page_of([], 4, per_page=2)
    assert (empty.items, empty.page, empty.pages, empty.has_next) == ([], 1, 1, False)


def test_a_frame_is_sliced_by_position():
    frame = pd.DataFrame({"n": [10, 20, 30]}, index=[7, 8, 9])
    assert list(page_of(frame, 2, per_page=2).items["n"]) == [30]


def test_the_page_comes_from_the_request_and_a_bad_one_is_refused(app):
    with app.test_request_context("/?page=2"):
        assert page_of(list(range(PER_PAGE + 5))).items == list(range(PER_PAGE, PER_PAGE + 5))
    with app.test_request_context("/?page=x"), pytest.raises(BadRequest, match="page"):
        page_of([1])
