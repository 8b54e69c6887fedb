"""``url_with``: the same URLs as ``url_for``, built once per endpoint."""

from __future__ import annotations

import pytest
from flask import Flask, url_for

from qa_app.urls import url_with


@pytest.mark.parametrize(
    ("endpoint", "key", "extra"),
    [
        ("reviews.start_assignment", "assignment_id", {}),
        ("interactions.detail", "interaction_id", {}),
        ("reviews.score", "evaluation_id", {"missing": "a,b"}),
    ],
)
def test_gives_what_url_for_gives(app: Flask, endpoint: str, key: str, extra: dict) -> None:
    with app.test_request_context("/"):
        link = url_with(endpoint, key, **extra)
        for value in (1, 42, 2**31 - 2):
            assert link(value) == url_for(endpoint, **extra, **{key: value})


def test_honours_the_application_root(app: Flask) -> None:
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/qa"}):
        assert url_with("interactions.detail", "interaction_id")(7) == "/qa/interactions/7"


def test_refuses_what_is_not_an_id(app: Flask) -> None:
    with app.test_request_context("/"), pytest.raises(ValueError):
        url_with("interactions.detail", "interaction_id")("7/../admin")
