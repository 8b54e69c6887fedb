"""Links for long lists: ``url_for`` once per endpoint, not once per row.

Werkzeug builds a URL by matching the endpoint's rule and converting every
argument: fine for a page's few links, a measurable share of a page listing
hundreds of rows with two links each. ``url_with`` builds the URL once with a
placeholder id and returns a function that puts each row's id in its place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, url_for

from qa_app.request_args import MAX_ID

_PLACEHOLDER = MAX_ID  # the largest id the routes accept: fits every int rule


def url_with(endpoint: str, key: str, **values: Any) -> Callable[[int], str]:
    """A function of one id giving ``url_for(endpoint, **values, key=id)``."""
    url = url_for(endpoint, **values, **{key: _PLACEHOLDER})
    head, found, tail = url.partition(str(_PLACEHOLDER))
    if not found or str(_PLACEHOLDER) in tail:
        return lambda value: url_for(endpoint, **values, **{key: value})
    return lambda value: f"{head}{int(value)}{tail}"


def init_app(app: Flask) -> None:
    app.add_template_global(url_with)
